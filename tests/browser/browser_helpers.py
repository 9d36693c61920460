"""Shared browser machinery for the browser tests (tests/browser) and the benchmark (bench/run.py).

No pytest import here: the benchmark uses the same server starter, launch arguments and the same
definition of "the page has finished drawing" as the tests.

What "finished" means for a Streamlit page (see `wait_until_drawn`):
  * the app is connected and its script state is `notRunning` (the `data-test-script-state`
    attribute Streamlit puts on `[data-testid=stApp]` for its own tests);
  * no element is stale (`[data-stale=true]`: left over from the previous run);
  * no skeleton placeholder is left, and every `[data-testid=stPlotlyChart]` holds a drawn
    `.js-plotly-plot` (plotly has its `_fullLayout`, a geo subplot has its topojson and at least
    one country shape, a Sankey has its links);
  * all of that unchanged for `settle_ms` (plotly draws maps asynchronously, after the topojson).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("IPMD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# For the benchmark: Playwright's request routing disables the HTTP cache, which a real user has.
# This resolver rule blocks every host but localhost inside chromium instead, cache intact.
BLOCK_NETWORK_ARG = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
VIEWPORT = {"width": 1440, "height": 1000}
# Seconds a page may take to be drawn. Generous: CI machines are shared, and chromium evaluates the
# 4.7 MB plotly.js bundle on every page load (request routing disables the HTTP cache).
DEFAULT_TIMEOUT = float(os.environ.get("IPMD_BROWSER_TIMEOUT", "120"))


def venv_python() -> str:
    """The repository's venv python when there is one, else the interpreter running us."""
    cand = REPO / ".venv" / "bin" / "python"
    return str(cand) if cand.exists() else sys.executable


def app_path() -> Path:
    """The app under test: IPMD_TEST_APP (a path to a Streamlit script) or the repo's app.py."""
    return Path(os.environ.get("IPMD_TEST_APP", REPO / "app.py")).resolve()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------
@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log_path: Path
    started_at: float  # time.perf_counter() just before Popen
    ready_at: float = 0.0  # time.perf_counter() when /_stcore/health first answered ok

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        stop_process(self.proc)


def start_server(
    script: Path | str | None = None,
    *,
    cwd: Path | str | None = None,
    port: int | None = None,
    log_path: Path | str | None = None,
    wrapper: Path | str | None = None,
    extra_env: dict | None = None,
    extra_args: list[str] | None = None,
    wait: bool = True,
    timeout: float = 90.0,
) -> Server:
    """Start `streamlit run <script>` on a free localhost port, in its own process group.

    `cwd` defaults to the script's folder (that is where .streamlit/config.toml and static/ are
    looked up). `wrapper` runs a python file instead of `-m streamlit` (the benchmark's timing
    hook, bench/serve.py, which takes the same arguments).
    """
    script = Path(script or app_path()).resolve()
    cwd = Path(cwd or script.parent)
    port = port or free_port()
    log_path = Path(log_path or Path(os.environ.get("TMPDIR", "/tmp")) / f"streamlit-{port}.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    launcher = [venv_python(), str(wrapper)] if wrapper else [venv_python(), "-m", "streamlit"]
    cmd = launcher + [
        "run", str(script),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
    ] + list(extra_args or [])
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.update(extra_env or {})
    log = open(log_path, "wb")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=str(cwd), stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    log.close()
    srv = Server(proc=proc, port=port, log_path=log_path, started_at=started)
    if wait:
        wait_healthy(srv, timeout=timeout)
    return srv


def wait_healthy(srv: Server, timeout: float = 90.0) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if srv.proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {srv.proc.returncode}:\n{srv.log_tail()}")
        try:
            with urllib.request.urlopen(srv.url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    srv.ready_at = time.perf_counter()
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    srv.stop()
    raise TimeoutError(f"streamlit not healthy after {timeout:.0f}s:\n{srv.log_tail()}")


def stop_process(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop a process we started (and its group: we started it with start_new_session)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait(timeout=grace)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def launch_browser(playwright, *, block_network_in_browser: bool = False):
    args = list(CHROMIUM_ARGS)
    if block_network_in_browser:
        args.append(BLOCK_NETWORK_ARG)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)


# --------------------------------------------------------------------------------------------
# Network and console watching
# --------------------------------------------------------------------------------------------
def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class Watch:
    """What a browser context did: aborted (non-local) requests, console errors, HTTP failures."""

    aborted: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def route_handler(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if is_local(url):
            route.continue_()
        else:
            self.aborted.append(url)
            route.abort()

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(f"{exc}"))
        page.on("response", self._on_response)

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        loc = msg.location or {}
        url = loc.get("url", "") if isinstance(loc, dict) else ""
        if is_benign_console_error(msg.text, url):
            return
        self.console_errors.append(f"{msg.text} @ {url}" if url else msg.text)

    def _on_response(self, resp) -> None:
        if resp.status >= 400 and not is_stcore_probe(resp.url):
            self.http_errors.append(f"{resp.status} {resp.url}")

    def errors(self) -> list[str]:
        return ([f"console: {e}" for e in self.console_errors]
                + [f"pageerror: {e}" for e in self.page_errors]
                + [f"http: {e}" for e in self.http_errors])

    def clear(self) -> None:
        for lst in (self.aborted, self.console_errors, self.page_errors, self.http_errors,
                    self.requests):
            lst.clear()


def is_stcore_probe(url: str) -> bool:
    """Streamlit's frontend, opened on a deep link such as /country, first probes
    /country/_stcore/health and /country/_stcore/host-config (guessing a base path): two 404s that
    are part of normal Streamlit behaviour, not an app error."""
    path = urlsplit(url).path
    return path.endswith("/_stcore/health") or path.endswith("/_stcore/host-config")


def is_benign_console_error(text: str, url: str) -> bool:
    return "Failed to load resource" in text and "404" in text and is_stcore_probe(url)


# --------------------------------------------------------------------------------------------
# Page state
# --------------------------------------------------------------------------------------------
# Installed before any page script. Counts script runs from Streamlit's own websocket messages:
# every frame on /_stcore/stream is one ForwardMsg; a top-level field 6 (script_finished, varint) marks
# the end of a run (value 2, FINISHED_EARLY_FOR_RERUN, is followed by another run and not counted).
# window.__ipmdFinished: runs finished; window.__ipmdWsBytes / __ipmdWsFrames: bytes/frames received.
# (The data-test-script-state attribute alone misses runs that start and end within one React render.)
INIT_SCRIPT = r"""
(() => {
  if (window.__ipmdHooked) return;
  window.__ipmdHooked = true;
  window.__ipmdFinished = 0; window.__ipmdEarly = 0; window.__ipmdWsBytes = 0; window.__ipmdWsFrames = 0;
  const scriptFinished = (buf) => {
    const b = new Uint8Array(buf);
    let i = 0;
    const varint = () => {
      let x = 0, s = 1, c;
      do { c = b[i++]; x += (c & 0x7f) * s; s *= 128; } while (c & 0x80 && i < b.length);
      return x;
    };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
      if (wire === 0) { const v = varint(); if (field === 6) return v; }
      else if (wire === 2) { const len = varint(); i += len; }
      else if (wire === 1) { i += 8; }
      else if (wire === 5) { i += 4; }
      else return null;
    }
    return null;
  };
  const onData = (data) => {
    window.__ipmdWsFrames += 1;
    window.__ipmdWsBytes += data.byteLength;
    const v = scriptFinished(data);
    if (v === 2) window.__ipmdEarly += 1;
    else if (v !== null) window.__ipmdFinished += 1;
  };
  const Native = window.WebSocket;
  function Hooked(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (String(url).includes('/_stcore/stream')) {
      ws.addEventListener('message', (ev) => {
        const d = ev.data;
        if (d instanceof ArrayBuffer) onData(d);
        else if (d && d.arrayBuffer) d.arrayBuffer().then(onData);
        else if (typeof d === 'string') { window.__ipmdWsFrames += 1; window.__ipmdWsBytes += d.length; }
      });
    }
    return ws;
  }
  Hooked.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Hooked[k] = Native[k];
  window.WebSocket = Hooked;
})();
"""

STATE_JS = r"""
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const st = {
    script: app ? app.getAttribute('data-test-script-state') : null,
    conn: app ? app.getAttribute('data-test-connection-state') : null,
    finished: window.__ipmdFinished || 0,
    stale: document.querySelectorAll('[data-stale="true"]').length,
    running_icon: document.querySelectorAll('[data-testid="stStatusWidgetRunningIcon"],'
        + '[data-testid="stStatusWidgetRunningManIcon"]').length,
    skeletons: document.querySelectorAll('[data-testid="stSkeleton"],[data-testid="stAppSkeleton"]').length,
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
    plotly_elements: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
    charts: [],
  };
  document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((el, i) => {
    const gd = el.querySelector('.js-plotly-plot');
    const c = {index: i, drawn: false, kinds: [], shapes: 0, points: 0, links: 0, nodes: 0,
               geo: 0, geo_ready: 0, key: ''};
    const kc = el.closest('[class*="st-key-"]');
    if (kc) { const m = kc.className.match(/st-key-([^\s]+)/); if (m) c.key = m[1]; }
    if (gd && gd._fullLayout && gd._fullData) {
      c.kinds = Array.from(new Set(gd._fullData.map(t => t.type)));
      const fl = gd._fullLayout;
      const geos = (fl._subplots && fl._subplots.geo) || [];
      c.geo = geos.length;
      c.geo_ready = geos.filter(id => fl[id] && fl[id]._subplot && fl[id]._subplot.topojson).length;
      c.shapes = gd.querySelectorAll('path.choroplethlocation').length;
      c.points = gd.querySelectorAll('.scattergeo path.point, .scattergeo .js-line, .scattermapbox, .scattermap').length;
      c.links = gd.querySelectorAll('.sankey-link').length;
      c.nodes = gd.querySelectorAll('.sankey-node').length;
      const svg = gd.querySelector('.main-svg');
      let ok = !!svg;
      if (c.geo) ok = ok && c.geo_ready === c.geo && (c.shapes + c.points) > 0;
      if (c.kinds.includes('sankey')) ok = ok && c.links + c.nodes > 0;
      c.drawn = ok;
    }
    st.charts.push(c);
  });
  st.all_drawn = st.charts.every(c => c.drawn);
  return st;
}
"""


def page_state(page) -> dict:
    return page.evaluate(STATE_JS)


def _ready(st: dict, min_finished: int) -> bool:
    return (
        st["script"] in ("notRunning", "compilationError")  # "initial" until a run started
        and st["conn"] == "CONNECTED"
        and st["finished"] >= min_finished
        and st["stale"] == 0
        and st["running_icon"] == 0
        and st["skeletons"] == 0
        and st["all_drawn"]
    )


def _signature(st: dict) -> str:
    return json.dumps({k: st[k] for k in ("script", "stale", "skeletons", "exceptions",
                                          "plotly_elements", "charts", "finished")}, sort_keys=True)


class NotDrawn(AssertionError):
    pass


def wait_until_drawn(page, *, min_finished: int = 1, timeout: float | None = None, settle_ms: int = 300,
                     poll_ms: int = 50) -> dict:
    """Wait until the page is finished (see module docstring); return its state plus
    `drawn_at`: the perf_counter() time the finished state first appeared (before settling)."""
    timeout = timeout or DEFAULT_TIMEOUT
    deadline = time.perf_counter() + timeout
    first_ready_at = None
    last_sig = None
    st = {}
    while True:
        now = time.perf_counter()
        try:
            st = page_state(page)
        except Exception as exc:  # navigation in flight: the execution context was destroyed
            if now > deadline:
                raise NotDrawn(f"page state unreadable: {exc}") from exc
            page.wait_for_timeout(poll_ms)
            continue
        sig = _signature(st)
        if _ready(st, min_finished):
            if first_ready_at is None or sig != last_sig:
                first_ready_at = now
            elif (now - first_ready_at) * 1000 >= settle_ms:
                st["drawn_at"] = first_ready_at
                return st
        else:
            first_ready_at = None
        last_sig = sig
        if now > deadline:
            raise NotDrawn(f"page not drawn after {timeout:.0f}s: {describe_state(st)}")
        page.wait_for_timeout(poll_ms)


def describe_state(st: dict) -> str:
    charts = [
        {k: c[k] for k in ("index", "key", "kinds", "drawn", "geo", "geo_ready", "shapes", "links")}
        for c in st.get("charts", [])
    ]
    keys = ("script", "conn", "finished", "stale", "running_icon", "skeletons", "exceptions",
            "plotly_elements")
    return json.dumps({**{k: st.get(k) for k in keys}, "charts": charts})


def goto_and_wait(page, url: str, *, timeout: float | None = None, settle_ms: int = 300) -> dict:
    """Open `url` and wait until it is drawn. A full script run must have finished: a page can look
    finished (notRunning, nothing stale, no chart yet) between a run stopped early for a rerun and
    the rerun, which is why runs are counted from the websocket."""
    timeout = timeout or DEFAULT_TIMEOUT
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    return wait_until_drawn(page, min_finished=1, timeout=timeout, settle_ms=settle_ms)


def runs_finished(page) -> int:
    """Script runs finished on this page so far (counted from the websocket; see INIT_SCRIPT)."""
    return page.evaluate("() => window.__ipmdFinished || 0")


def ws_bytes(page) -> int:
    """Bytes received on Streamlit's websocket by this page so far."""
    return page.evaluate("() => window.__ipmdWsBytes || 0")


def count_map_shapes(page) -> int:
    """Country shapes drawn on all plotly maps of the page (choropleth locations; geo base layer
    land/country paths are not counted: they are drawn even for an empty choropleth)."""
    return page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot path.choroplethlocation').length")


def map_shape_counts(page) -> list[int]:
    """Shapes per map (one entry per plotly chart that has a geo subplot), in page order."""
    return page.evaluate(r"""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .filter(gd => gd._fullLayout && ((gd._fullLayout._subplots || {}).geo || []).length)
        .map(gd => gd.querySelectorAll('path.choroplethlocation').length)""")


def sankey_link_count(page) -> int:
    return page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot .sankey-link').length")


def nav_links(page) -> list[dict]:
    """The navigation's pages as [{'text', 'href', 'path'}] (Streamlit's sidebar navigation, app.py, or its top
    navigation); a link's text is its icon's name, a blank line and its label."""
    links = page.evaluate(r"""() => Array.from(document.querySelectorAll(
            'a[data-testid="stSidebarNavLink"], a[data-testid="stTopNavLink"]'))
        .map(a => ({text: a.innerText.trim(), href: a.href}))""")
    out, seen = [], set()
    for link in links:
        path = urlsplit(link["href"]).path or "/"
        if path not in seen:
            seen.add(path)
            out.append({**link, "path": path})
    return out


def main_text(page) -> str:
    return page.evaluate(
        "() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).innerText")


def exception_texts(page) -> list[str]:
    return page.evaluate(r"""() => Array.from(document.querySelectorAll('[data-testid="stException"]'))
        .map(e => e.innerText.slice(0, 2000))""")


def choose_option(page, label: str, option_text: str, *, timeout: float = 15.0) -> None:
    """Pick `option_text` in the Streamlit selectbox labelled `label` (type to search, then click)."""
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)).first
    box.locator("input").click(timeout=timeout * 1000)
    page.keyboard.type(option_text)
    option = page.locator('[role="option"]').filter(has_text=option_text).first
    option.click(timeout=timeout * 1000)


def wait_run_over(page, timeout: float) -> None:
    """Until a script run has finished and none is running or stale: lighter than wait_until_drawn, for
    pages where only who sees what counts (a page that refuses a visitor stops early and draws no chart)."""
    deadline = time.monotonic() + timeout
    while True:
        state = page_state(page)
        if state["script"] == "notRunning" and state["stale"] == 0 and state["finished"] >= 1:
            return
        if time.monotonic() > deadline:
            raise NotDrawn(describe_state(state))
        page.wait_for_timeout(100)


def download_labels(page, timeout: float = 30.0) -> list[str]:
    """The download buttons' labels, once one is drawn (their inner text starts with the icon's name)."""
    buttons = page.locator('[data-testid="stDownloadButton"]')
    buttons.first.wait_for(timeout=timeout * 1000)
    return [text.strip().split("\n")[-1] for text in buttons.all_inner_texts()]
