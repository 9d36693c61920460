"""The framework floor and the first paint, for bench/run.py (issue 18).

Floor: the one-map page of bench/baseline_app.py, served beside the app in the same run. Each
repetition opens the floor, then each page of the app, every time in a new browser context (empty
cache, a new user), floor and page interleaved so that the machine's load hits both alike; a page's
ratio is the median of its load over the median of the floor's.

First paint: a new context opens a page while the page itself samples the DOM every 50 ms (and on
every DOM change): when the app's title (the first h1 of the main area) and its navigation (a
sidebar link) are first painted, and every set of sidebar link texts seen; a raw page file name
(pages/<name>.py shown as "<name>", Streamlit's navigation before st.navigation runs) is a flash.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import browser_helpers as bh
from stats import median as _median

REPO = Path(__file__).resolve().parents[1]
FLOOR_PATH = "/map"
BUDGET_FLOOR_RATIO = 1.3

SAMPLE_SCRIPT = r"""
(() => {
  if (window.__ipmdPaint) return;
  const rec = window.__ipmdPaint = {title: null, nav: null, any: null, navTexts: []};
  const seen = new Set();
  // found in the DOM at `now`; painted in the next animation frame, whose time is recorded
  const painted = (field) => { rec[field] = false; requestAnimationFrame(() => { rec[field] = performance.now(); }); };
  const sample = () => {
    const now = performance.now();
    const main = document.querySelector('[data-testid="stMain"]');
    if (rec.any === null && main && main.innerText.trim()) painted('any');
    const h1 = document.querySelector('[data-testid="stMain"] h1');
    if (rec.title === null && h1 && h1.innerText.trim()) painted('title');
    const links = Array.from(document.querySelectorAll(
        '[data-testid="stSidebarNav"] a, a[data-testid="stSidebarNavLink"], a[data-testid="stTopNavLink"]'));
    const texts = links.map(a => a.innerText.trim()).filter(Boolean);
    if (texts.length) {
      if (rec.nav === null) painted('nav');
      const key = texts.join('|');
      if (!seen.has(key)) { seen.add(key); rec.navTexts.push({at: now, texts}); }
    }
  };
  setInterval(sample, 50);
  // the browser's main thread busy for over 50 ms at a time: nothing new is painted meanwhile
  rec.longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) rec.longTasks.push([e.startTime, e.duration]); })
      .observe({type: 'longtask', buffered: true});
  } catch (e) { /* no long task timing in this browser */ }
  const start = () => new MutationObserver(sample).observe(document.documentElement,
      {subtree: true, childList: true, characterData: true});
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
})();
"""


def floor_folder(tmp: Path) -> Path:
    """A folder holding the baseline app beside a link to the repository's static/ (the map's topojson)."""
    folder = tmp / "floor"
    folder.mkdir(exist_ok=True)
    shutil.copy(REPO / "bench" / "baseline_app.py", folder / "baseline_app.py")
    link = folder / "static"
    if not link.exists():
        os.symlink(REPO / "static", link)
    return folder


def start_floor(tmp: Path, wrapper: Path) -> "bh.Server":
    folder = floor_folder(tmp)
    return bh.start_server(folder / "baseline_app.py", cwd=folder, wrapper=wrapper, log_path=tmp / "server-floor.log",
                           extra_args=["--server.enableStaticServing", "true"])


def full_load(browser, new_context, url: str, timeout: float = 120.0) -> tuple[float, list[str]]:
    """Seconds from opening `url` in a new context (empty cache) to every chart drawn, and errors."""
    ctx = new_context(browser)
    page = ctx.new_page()
    watch = bh.Watch()
    watch.attach(page)
    t0 = time.perf_counter()
    try:
        state = bh.goto_and_wait(page, url, timeout=timeout)
        seconds = state["drawn_at"] - t0
        if state["plotly_elements"] == 0 and url.endswith(FLOOR_PATH):
            raise bh.NotDrawn("the floor's map is missing")
    except bh.NotDrawn as exc:
        return float("nan"), [f"{url}: {str(exc)[:300]}"]
    finally:
        errors = watch.errors()
        ctx.close()
    return seconds, [f"{url}: {e}" for e in errors]


def measure_floor(browser, new_context, app_url: str, floor_url: str, urls: list[str], reps: int, log,
                  warm: list[str] = ()) -> dict:
    """Full loads of the floor and of every page, interleaved, `reps` rounds; ratios of the medians.
    The floor and the pages in `warm` (not yet opened on the app's server) are opened once first."""
    floor, loads, errors = [], {u: [] for u in urls}, []
    full_load(browser, new_context, floor_url + FLOOR_PATH)     # the floor's first run and caches
    for url in warm:
        full_load(browser, new_context, app_url + url)
    for _ in range(reps):
        for url in urls:
            seconds, errs = full_load(browser, new_context, floor_url + FLOOR_PATH)
            floor.append(seconds)
            errors += errs
            seconds, errs = full_load(browser, new_context, app_url + url)
            loads[url].append(seconds)
            errors += errs
    floor_median = _median(floor)
    pages = {url: {"load_s": _median(xs), "load_s_all": [round(x, 3) for x in xs],
                   "ratio": _median(xs) / floor_median if floor_median else float("nan")}
             for url, xs in loads.items()}
    res = {"floor_s": floor_median, "floor_s_all": [round(x, 3) for x in floor], "pages": pages, "errors": errors}
    log(f"floor (one map, new context): median {floor_median:.2f} s; "
        + ", ".join(f"{u} x{p['ratio']:.2f}" for u, p in pages.items()))
    return res


def first_paint(browser, new_context, url: str, page_names: list[str], timeout: float = 120.0) -> dict:
    """Open `url` in a new context; when the title and navigation were first painted (s since navigation
    start), and the raw page file names that appeared in the navigation, if any."""
    ctx = new_context(browser)
    ctx.add_init_script(SAMPLE_SCRIPT)
    page = ctx.new_page()
    t0 = time.perf_counter()
    try:
        state = bh.goto_and_wait(page, url, timeout=timeout)
        rec = page.evaluate("() => window.__ipmdPaint")
        drawn = state["drawn_at"] - t0
        fcp = page.evaluate("() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
        code = page.evaluate(CODE_JS)
    finally:
        ctx.close()
    raw = set(page_names)
    flashes = sorted({t for snap in rec["navTexts"] for t in snap["texts"] if t in raw})
    sec = lambda ms: ms / 1000 if isinstance(ms, (int, float)) and ms is not False else float("nan")  # noqa: E731
    nav_code = code.get("PageLink")
    nav_ms = rec["nav"] if isinstance(rec["nav"], (int, float)) and rec["nav"] is not False else None
    # the main thread's long tasks between the navigation's code arriving and the navigation painted
    blocked = sum(min(start + length, nav_ms) - max(start, nav_code) for start, length in rec.get("longTasks", [])
                  if nav_code is not None and nav_ms is not None and start + length > nav_code and start < nav_ms)
    return {"url": url.split("//", 1)[-1].split("/", 1)[-1] or "/", "title_s": sec(rec["title"]),
            "nav_s": sec(rec["nav"]), "content_s": sec(rec["any"]), "fcp_s": sec(fcp), "drawn_s": drawn,
            "raw_names": flashes, "nav_sets": len(rec["navTexts"]), "nav_code_s": sec(nav_code),
            "plotly_code_s": sec(code.get("PlotlyChart")), "blocked_s": blocked / 1000 if nav_code is not None and nav_ms else float("nan")}


# When the code of an element kind arrived (ms since navigation start): Streamlit loads most elements' code (page
# links, selectboxes, st.html, plotly) when the first one arrives, and paints the new elements once all are loaded
CODE_JS = r"""() => {
  const out = {};
  for (const e of performance.getEntriesByType('resource')) {
    const m = e.name.match(/\/(PageLink|Selectbox|Html|PlotlyChart|DataFrame)\.[^/]*\.js$/);
    if (m && !(m[1] in out)) out[m[1]] = e.responseEnd;
  }
  return out;
}"""


def raw_page_names(app: Path) -> list[str]:
    """How Streamlit's automatic navigation would label the app's page files (pages/<name>.py -> <name>)."""
    names = []
    for path in sorted((app.parent / "pages").glob("*.py")):
        stem = path.stem.split("_", 1)[1] if path.stem[:1].isdigit() and "_" in path.stem else path.stem
        names.append(stem.replace("_", " "))
    return names



def measure_first_paint(browser, new_context, app_url: str, urls: list[str], page_names: list[str], reps: int,
                        log) -> dict:
    """First paint of each of `urls`, `reps` times each in a new context: medians, and every raw name seen."""
    out = {}
    for url in urls:
        runs, errors = [], []
        for _ in range(reps):
            try:
                runs.append(first_paint(browser, new_context, app_url + url, page_names))
            except Exception as exc:  # noqa: BLE001
                errors.append(f"first paint {url}: {str(exc)[:300]}")
        res = {key: _median([r[key] for r in runs]) for key in ("title_s", "nav_s", "content_s", "fcp_s", "drawn_s",
                                                                 "nav_code_s", "plotly_code_s", "blocked_s")}
        res.update(n=len(runs), raw_names=sorted({n for r in runs for n in r["raw_names"]}), errors=errors)
        out[url] = res
        log(f"first paint {url}: title {res['title_s']:.2f} s, navigation {res['nav_s']:.2f} s, drawn "
            f"{res['drawn_s']:.2f} s, raw page names seen: {res['raw_names'] or 'none'}")
    return out


def _fmt(x, digits=2, unit=" s") -> str:
    return "n/a" if x != x else f"{x:.{digits}f}{unit}"


def _yes(value, budget, factor=1.0) -> str:
    return "n/a" if value != value else ("yes" if value <= budget * factor else "no")


def report_lines(floor: dict | None, paint: dict | None, reps: int) -> list[str]:
    lines = []
    if floor:
        lines += [f"Full load against the framework's floor (issue 18; reported, not gated): the page opened in a "
                  f"new browser context (empty cache) until every chart is drawn, interleaved with the floor (one "
                  f"plotly map on a bare Streamlit page, bench/baseline_app.py {FLOOR_PATH}, its own server in the "
                  f"same run); medians of {reps}; floor {_fmt(floor['floor_s'])} {floor['floor_s_all']}; budget "
                  f"{BUDGET_FLOOR_RATIO:g}× the floor.",
                  "",
                  "| page | full load (median) | runs | × floor | within budget | within 2× |",
                  "|---|---|---|---|---|---|"]
        for url, p in floor["pages"].items():
            lines.append(f"| {url} | {_fmt(p['load_s'])} | {p['load_s_all']} | {_fmt(p['ratio'], 2, '')} | "
                         f"{_yes(p['ratio'], BUDGET_FLOOR_RATIO)} | {_yes(p['ratio'], BUDGET_FLOOR_RATIO, 2)} |")
        lines.append("")
    if paint:
        lines += ["First paint (issue 18: the title and navigation at once, no flash of raw page names): a new "
                  "browser context opens the page while the page samples its DOM every 50 ms; seconds since "
                  "navigation start, medians (reported, not gated).",
                  "",
                  "| page | first contentful paint | navigation | title (h1) | every chart drawn | page links' code "
                  "arrived | plotly's code arrived | main thread busy between the links' code and the navigation "
                  "| raw page file names seen in the navigation | n |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for url, p in paint.items():
            lines.append(f"| {url} | {_fmt(p['fcp_s'])} | {_fmt(p['nav_s'])} | {_fmt(p['title_s'])} | "
                         f"{_fmt(p['drawn_s'])} | {_fmt(p.get('nav_code_s', float('nan')))} | "
                         f"{_fmt(p.get('plotly_code_s', float('nan')))} | {_fmt(p.get('blocked_s', float('nan')))} | "
                         f"{', '.join(p['raw_names']) or 'none'} | {p['n']} |")
        lines.append("")
    return lines
