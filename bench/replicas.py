"""Replicas behind a load balancer, proved on this machine: `python bench/replicas.py [--quick]`.

Starts 3 Streamlit replicas of the app on loopback behind Debian's haproxy, configured by
deploy/haproxy.cfg itself (only its bind and server lines are rewritten), all serving one temporary
copy of data/ipmd.duckdb (the bundled file is never written). Then:

* at least 60 concurrent sessions speak Streamlit's own websocket protocol, as the browser does:
  GET / through haproxy (which sets the affinity cookie SRV), GET /_stcore/health (the
  _streamlit_xsrf cookie), the websocket /_stcore/stream with the subprotocols the frontend sends
  ("streamlit", the xsrf token), then one BackMsg rerun_script per page view (query string and
  page_script_hash of the page) and ForwardMsgs read until script_finished. An exception element
  in a delta, a lost connection or a timeout is an error. Each session views 3 to 8 of the public
  pages' views in a random order with a pause between views ("think time", 5-15 s by default), ends after a few views, and a new
  session (new cookies) takes its place;
* one replica is killed (SIGKILL) mid-run: sessions on the others must see no error, new sessions
  must go to the survivors, and each of the killed replica's sessions reconnects (through haproxy,
  with its old cookie) and must get its page again;
* a ledger is imported with the command line (`python -m ipmd.ledger import`, the export of the
  current ledger, into the temporary copy): every surviving replica must then show the new content
  hash on the methods page (a probe session pinned to each replica by its cookie).

Prints sessions, errors (outside / inside the killed replica's sessions), p50/p95 page times and memory
per replica and per session; writes the same to <out>/replicas.md. Exit code: 0 when all held; 1 on
an error outside the killed replica's sessions, a killed session that did not get its page back, a
new session sent to the killed replica, or a replica not showing the imported ledger; 2 when the
benchmark could not run.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import duckdb
import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
import browser_helpers as bh  # noqa: E402  (the suite's server starter)

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
# Every public page, and a few views of each (query strings as a shared link carries them).
VIEWS = [("", ""), ("country", "country=PHL"), ("country", "country=MEX"), ("country", "country=NGA"),
         ("country", "country=IND"), ("coverage", ""), ("funds", ""), ("methods", "")]
VIEW_TIMEOUT = 60.0


def percentile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


# --------------------------------------------------------------------------------------------
# haproxy, from the deployment's own configuration
# --------------------------------------------------------------------------------------------
def haproxy_config(port: int, backends: list[tuple[str, int]]) -> str:
    """deploy/haproxy.cfg with its bind line on loopback and one server line per local replica."""
    text = (REPO / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
    lines, servers_written = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("bind "):
            lines.append(f"    bind 127.0.0.1:{port}")
        elif stripped.startswith("server "):
            if not servers_written:
                lines += [f"    server {name} 127.0.0.1:{p} check cookie {name}" for name, p in backends]
                servers_written = True
        elif stripped.startswith("log stdout"):
            continue  # haproxy's request log would flood the benchmark's output
        else:
            lines.append(line)
    if not servers_written:
        raise ValueError("deploy/haproxy.cfg has no server line")
    return "\n".join(lines) + "\n"


def start_haproxy(cfg: Path, log: Path) -> subprocess.Popen:
    check = subprocess.run([HAPROXY, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"haproxy refuses the configuration:\n{check.stdout}{check.stderr}")
    out = open(log, "wb")
    proc = subprocess.Popen([HAPROXY, "-db", "-f", str(cfg)], stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    out.close()
    return proc


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


# --------------------------------------------------------------------------------------------
# A browser session, in Streamlit's protocol
# --------------------------------------------------------------------------------------------
class ViewError(Exception):
    pass


@dataclass
class Session:
    base: str                                   # haproxy's http://127.0.0.1:port
    cookies: dict[str, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)   # url path -> page_script_hash
    session_id: str = ""                                  # the server's, sent back on a reconnection
    ws: object = None

    @property
    def replica(self) -> str:
        return self.cookies.get("SRV", "?")

    def _get(self, path: str) -> None:
        req = urllib.request.Request(self.base + path, headers={"Cookie": self._cookie_header()})
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
            for header in resp.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                self.cookies.update({k: m.value for k, m in jar.items()})

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def open(self) -> None:
        """The frontend's handshake: the page (haproxy's cookie), the health check (xsrf), the websocket."""
        await asyncio.to_thread(self._get, "/")
        await asyncio.to_thread(self._get, "/_stcore/health")
        # as the frontend: the subprotocol, the xsrf token ("-" holds its place when XSRF protection is off),
        # and on a reconnection the previous session's id (a survivor does not know it: a new session)
        protocols = ["streamlit", self.cookies.get("_streamlit_xsrf", "-")]
        if self.session_id:
            protocols.append(self.session_id)
        self.ws = await connect(self.base.replace("http://", "ws://") + "/_stcore/stream",
                                subprotocols=protocols, max_size=None, open_timeout=30,
                                additional_headers={"Cookie": self._cookie_header(), "Origin": self.base})

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:
                pass
            self.ws = None

    async def view(self, page: str, query: str) -> tuple[float, bytes]:
        """One page view: rerun_script, then ForwardMsgs until script_finished. Returns (seconds, raw deltas)."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        if page in self.pages:
            msg.rerun_script.page_script_hash = self.pages[page]
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        raw_deltas = []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=VIEW_TIMEOUT)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session" and fwd.new_session.HasField("initialize"):
                self.session_id = fwd.new_session.initialize.session_id
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
            elif kind == "delta":
                raw_deltas.append(raw)
                if fwd.delta.new_element.WhichOneof("type") == "exception":
                    raise ViewError(f"exception on /{page}?{query}: {fwd.delta.new_element.exception.message[:200]}")
            elif kind == "page_not_found":
                raise ViewError(f"page not found: /{page}")
            elif kind == "script_finished":
                if fwd.script_finished not in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                    raise ViewError(f"script finished with status {fwd.script_finished} on /{page}")
                return time.perf_counter() - start, b"".join(raw_deltas)


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------
@dataclass
class Stats:
    views: list[tuple[float, str, float]] = field(default_factory=list)  # (time, replica, seconds)
    sessions: int = 0
    sessions_by_replica: dict[str, int] = field(default_factory=dict)
    new_after_kill: dict[str, int] = field(default_factory=dict)
    errors_outside: list[str] = field(default_factory=list)
    errors_inside: list[str] = field(default_factory=list)
    killed_sessions: int = 0
    recovered: int = 0
    recovery_s: list[float] = field(default_factory=list)
    unrecovered: list[str] = field(default_factory=list)
    live: dict[str, int] = field(default_factory=dict)
    peak_live: dict[str, int] = field(default_factory=dict)


class Run:
    def __init__(self, base: str, stats: Stats, stop_at: float, seed: int, think: tuple[float, float]):
        self.base, self.stats, self.stop_at, self.think = base, stats, stop_at, think
        self.rng = random.Random(seed)
        self.killed: str | None = None
        self.killed_at: float | None = None

    def _live(self, replica: str, delta: int) -> None:
        live = self.stats.live
        live[replica] = live.get(replica, 0) + delta
        self.stats.peak_live[replica] = max(self.stats.peak_live.get(replica, 0), live[replica])

    async def user(self, idx: int) -> None:
        """One visitor after another on this slot: each opens a session, views pages, leaves."""
        await asyncio.sleep(self.rng.uniform(0, 5))
        while time.monotonic() < self.stop_at:
            await self.one_session(idx)

    async def one_session(self, idx: int) -> None:
        stats, s = self.stats, Session(self.base)
        views = self.rng.sample(VIEWS, self.rng.randint(3, len(VIEWS)))
        try:
            await s.open()
        except Exception as exc:  # noqa: BLE001  (any failure to connect is an error of the run)
            stats.errors_outside.append(f"session {idx}: could not connect: {exc!r}")
            await asyncio.sleep(1)
            return
        replica, started = s.replica, time.monotonic()
        stats.sessions += 1
        stats.sessions_by_replica[replica] = stats.sessions_by_replica.get(replica, 0) + 1
        if self.killed_at is not None and started > self.killed_at:
            stats.new_after_kill[replica] = stats.new_after_kill.get(replica, 0) + 1
        self._live(replica, +1)
        on_killed = False
        try:
            for page, query in views:
                if time.monotonic() >= self.stop_at:
                    break
                try:
                    seconds, _ = await s.view(page, query)
                    stats.views.append((time.monotonic(), s.replica, seconds))
                except (WebSocketException, OSError, asyncio.TimeoutError, ViewError) as exc:
                    if self.killed is not None and s.replica == self.killed and not isinstance(exc, ViewError):
                        on_killed = True
                        stats.killed_sessions += 1
                        stats.errors_inside.append(f"session {idx} on {s.replica}: {type(exc).__name__}")
                        await self.recover(s, idx, page, query)
                        return
                    stats.errors_outside.append(f"session {idx} on {s.replica}: {exc!r}"[:300])
                    return
                await asyncio.sleep(self.rng.uniform(*self.think))
        finally:
            self._live(replica, -1)
            if not on_killed:
                await s.close()

    async def recover(self, s: Session, idx: int, page: str, query: str) -> None:
        """The browser of a killed replica's session: reconnects (its cookie still names the dead replica)
        and asks for the page it was on."""
        await s.close()
        start = time.monotonic()
        deadline = start + 60
        last = None
        while time.monotonic() < deadline:
            try:
                await s.open()
                seconds, _ = await s.view(page, query)
                self.stats.views.append((time.monotonic(), s.replica, seconds))
                self.stats.new_after_kill[s.replica] = self.stats.new_after_kill.get(s.replica, 0) + 1
                self.stats.recovered += 1
                self.stats.recovery_s.append(time.monotonic() - start)
                await s.close()
                return
            except Exception as exc:  # noqa: BLE001  (retry as the frontend does, until the deadline)
                last = exc
                await s.close()
                await asyncio.sleep(1)
        self.stats.unrecovered.append(f"session {idx}: {last!r}"[:300])


async def probe_hash(base: str, replica: str, expected: str, attempts: int = 3) -> tuple[bool, str]:
    """A session pinned to one replica by its affinity cookie opens the methods page; does it show `expected`?"""
    problem = ""
    for _ in range(attempts):
        s = Session(base, cookies={"SRV": replica})
        try:
            await s.open()
            if s.replica != replica:
                return False, f"haproxy sent the probe for {replica} to {s.replica}"
            _, raw = await s.view("methods", "")
            return expected[:12].encode() in raw, s.replica
        except Exception as exc:  # noqa: BLE001  (a busy replica: try again, then report it)
            problem = repr(exc)
            await asyncio.sleep(2)
        finally:
            await s.close()
    return False, problem


def content_hash(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()[0]
    finally:
        con.close()


def rss_mb(pid: int) -> float:
    try:
        return psutil.Process(pid).memory_info().rss / 2**20
    except psutil.Error:
        return float("nan")


def cpu_s(pid: int) -> float:
    try:
        t = psutil.Process(pid).cpu_times()
        return t.user + t.system
    except psutil.Error:
        return float("nan")


async def drive(args, base: str, replicas: dict[str, bh.Server], db: Path, ledger: Path, log) -> dict:
    duration = args.duration
    t0 = time.monotonic()
    stats = Stats()
    run = Run(base, stats, t0 + duration, args.seed, tuple(args.think))
    idle = {name: rss_mb(srv.pid) for name, srv in replicas.items()}
    cpu0 = {name: cpu_s(srv.pid) for name, srv in replicas.items()}
    peak = dict(idle)
    loads: list[float] = []
    result: dict = {"idle_mb": idle, "load": loads}

    async def sample():
        next_log = t0 + 30
        while time.monotonic() < run.stop_at:
            for name, srv in replicas.items():
                if name != run.killed:
                    peak[name] = max(peak[name], rss_mb(srv.pid))
            loads.append(os.getloadavg()[0])
            if time.monotonic() >= next_log:
                next_log += 30
                log(f"t={time.monotonic() - t0:.0f}s: {sum(stats.live.values())} live sessions, {len(stats.views)} views, "
                    f"{len(stats.errors_outside)} errors outside / {len(stats.errors_inside)} inside the killed replica")
            await asyncio.sleep(1)

    async def events():
        old = content_hash(db)
        result["hash_before"] = old
        await asyncio.sleep(duration * args.kill_at)
        victim = args.kill
        cpu0[victim] = float("nan")
        result["killed_cpu_s"] = cpu_s(replicas[victim].pid)
        log(f"t={time.monotonic() - t0:.0f}s: killing replica {victim} (pid {replicas[victim].pid}), "
            f"{stats.live.get(victim, 0)} sessions on it")
        run.killed, run.killed_at = victim, time.monotonic()
        os.killpg(replicas[victim].pid, signal.SIGKILL)
        await asyncio.sleep(max(0.0, t0 + duration * args.import_at - time.monotonic()))
        survivors = [n for n in replicas if n != victim]
        before = [await probe_hash(base, n, old) for n in survivors]
        log(f"t={time.monotonic() - t0:.0f}s: before the import, survivors show {old[:12]}: "
            f"{[ok for ok, _ in before]}; importing {ledger.name} with the command line")
        proc = await asyncio.create_subprocess_exec(
            bh.venv_python(), "-m", "ipmd.ledger", "import", str(ledger), "--db", str(db), cwd=str(REPO),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        out, _ = await proc.communicate()
        result["import_rc"] = proc.returncode
        result["import_out"] = out.decode(errors="replace").strip()
        new = content_hash(db)
        result["hash_after"] = new
        shown = {n: await probe_hash(base, n, new) for n in survivors}
        result["hash_shown"] = {n: ok for n, (ok, _) in shown.items()}
        result["hash_before_shown"] = all(ok for ok, _ in before)
        log(f"t={time.monotonic() - t0:.0f}s: import exit {proc.returncode}; new hash {new[:12]} shown by "
            + ", ".join(f"{n}: {'yes' if ok else 'NO'}" for n, (ok, _) in shown.items()))

    await asyncio.gather(events(), sample(), *(run.user(i) for i in range(args.sessions)))
    wall = time.monotonic() - t0
    result.update(stats=stats, peak_mb=peak, wall_s=wall,
                  cpu_s={n: cpu_s(srv.pid) - cpu0[n] for n, srv in replicas.items() if n != args.kill},
                  killed=args.kill)
    return result


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------
def report(args, r: dict, machine: str) -> tuple[str, list[str]]:
    s: Stats = r["stats"]
    times = [sec for _, _, sec in s.views]
    failures = []
    if s.errors_outside:
        failures.append(f"{len(s.errors_outside)} error(s) outside the killed replica's sessions")
    if s.unrecovered:
        failures.append(f"{len(s.unrecovered)} session(s) of the killed replica did not get their page back")
    if s.new_after_kill.get(r["killed"], 0):
        failures.append(f"{s.new_after_kill[r['killed']]} new session(s) sent to the killed replica")
    if not sum(s.new_after_kill.values()):
        failures.append("no session was opened after the kill: nothing shows where new sessions go")
    if r.get("import_rc") != 0 or r.get("hash_before") == r.get("hash_after"):
        failures.append("the command-line import did not change the database")
    if not r.get("hash_before_shown"):
        failures.append("a replica did not show the content hash before the import")
    if not all(r.get("hash_shown", {}).values()) or not r.get("hash_shown"):
        failures.append("a replica did not show the imported ledger's content hash")
    survivors = [n for n in r["peak_mb"] if n != r["killed"]]
    per_session = []
    for n in survivors:
        peak_live = s.peak_live.get(n, 0)
        if peak_live:
            per_session.append((r["peak_mb"][n] - r["idle_mb"][n]) / peak_live)
    views_survivors = sum(1 for _, rep, _ in s.views if rep in survivors)
    cpu_total = sum(r["cpu_s"].values())
    cpu_per_view = cpu_total / views_survivors if views_survivors else float("nan")
    think = sum(args.think) / 2
    # a visitor's cycle is its pause plus the server's CPU for one view; what one core can serve when busy
    # all the time (the page times measured here include waiting for the two shared cores, so are not used)
    sessions_per_core = (think + cpu_per_view) / cpu_per_view if cpu_per_view else float("nan")
    mem = ", ".join(f"{n}: {r['idle_mb'][n]:.0f} → {r['peak_mb'][n]:.0f} MB (≤{s.peak_live.get(n, 0)} sessions)"
                    for n in r["peak_mb"])
    lines = [
        f"# Replicas behind haproxy ({'quick' if args.quick else 'full'} run)",
        "",
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {machine}",
        f"{len(r['peak_mb'])} replicas, {args.sessions} concurrent visitors for {r['wall_s']:.0f} s, "
        f"replica {r['killed']} killed at {args.kill_at:.0%} of the run, ledger imported at {args.import_at:.0%}; "
        f"each visitor reads a page {args.think[0]:.0f}-{args.think[1]:.0f} s before the next.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| sessions (opened; per replica) | {s.sessions}; "
        + ", ".join(f"{k}: {v}" for k, v in sorted(s.sessions_by_replica.items())) + " |",
        "| sessions opened after the kill (new visitors and the killed replica's, reconnected), per replica | "
        + (", ".join(f"{k}: {v}" for k, v in sorted(s.new_after_kill.items())) or "none") + " |",
        f"| page views | {len(times)} |",
        f"| page time p50 / p95 / max (rerun sent → script_finished) | {percentile(times, .5):.2f} / "
        f"{percentile(times, .95):.2f} / {max(times, default=float('nan')):.2f} s |",
        f"| errors outside the killed replica's sessions | {len(s.errors_outside)} |",
        f"| errors inside the killed replica's sessions (lost connection) | {len(s.errors_inside)} |",
        f"| killed replica's sessions that got their page again | {s.recovered} of {s.killed_sessions}"
        + (f" (after {percentile(s.recovery_s, .5):.1f} s median, {max(s.recovery_s):.1f} s max)" if s.recovery_s else "")
        + " |",
        f"| content hash before → after the command-line import | {r.get('hash_before', '?')[:12]} → "
        f"{r.get('hash_after', '?')[:12]} (exit {r.get('import_rc')}) |",
        f"| survivors showing the new hash on their next run | "
        + ", ".join(f"{n}: {'yes' if ok else 'no'}" for n, ok in r.get("hash_shown", {}).items()) + " |",
        f"| resident memory per replica (idle → peak) | {mem} |",
        f"| memory per session: (peak − warm idle) / peak sessions, survivors; an upper bound, it includes "
        f"the caches the views filled | "
        + (f"{statistics.mean(per_session):.1f} MB" if per_session else "n/a") + " |",
        f"| server CPU per page view (survivors) | {cpu_per_view * 1000:.0f} ms |",
        f"| sessions one core can serve at 100% CPU, at a {think:.0f} s mean pause between views | {sessions_per_core:.0f} |",
        f"| the machine's load average (1 min) during the run, mean / max (other work included) | "
        f"{statistics.mean(r['load'] or [0]):.1f} / {max(r['load'] or [0]):.1f} |",
    ]
    if s.errors_outside:
        lines += ["", "Errors outside the killed replica's sessions:"] + [f"- {e}" for e in s.errors_outside[:20]]
    if s.unrecovered:
        lines += ["", "Killed replica's sessions not recovered:"] + [f"- {e}" for e in s.unrecovered[:20]]
    lines += ["", "Result: " + ("PASS" if not failures else "FAIL: " + "; ".join(failures))]
    return "\n".join(lines) + "\n", failures


def machine() -> str:
    mem = psutil.virtual_memory().total / 2**30
    return (f"{os.cpu_count()} cores, {mem:.1f} GB, Linux {platform.release()}, Python {platform.python_version()}, "
            + subprocess.run([HAPROXY, "-v"], capture_output=True, text=True).stdout.splitlines()[0].split(" - ")[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="60 s of load (about 90 s in all) instead of 240 s (CI)")
    ap.add_argument("--replicas", type=int, default=3)
    ap.add_argument("--sessions", type=int, default=60, help="concurrent visitors")
    ap.add_argument("--duration", type=float, default=None, help="seconds of load")
    ap.add_argument("--kill-at", type=float, default=0.4, help="fraction of the run at which a replica dies")
    ap.add_argument("--import-at", type=float, default=0.6, help="fraction of the run at which a ledger is imported")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"),
                    help="seconds a visitor reads a page before the next (uniform between MIN and MAX)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    args = ap.parse_args(argv)
    args.duration = args.duration or (60.0 if args.quick else 240.0)
    if not Path(HAPROXY).exists():
        print(f"haproxy not found ({HAPROXY}); install Debian's haproxy", file=sys.stderr)
        return 2
    names = [f"app{i + 1}" for i in range(args.replicas)]
    args.kill = names[1 % len(names)]

    def log(msg: str) -> None:
        print(msg, flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="ipmd-replicas-"))
    procs: list = []
    try:
        db = tmp / "shared" / "ipmd.duckdb"
        db.parent.mkdir()
        shutil.copy2(REPO / "data" / "ipmd.duckdb", db)
        ledger = tmp / "ledger.xlsx"
        subprocess.run([bh.venv_python(), "-m", "ipmd.ledger", "export", str(ledger), "--db", str(db)],
                       cwd=REPO, check=True, capture_output=True)
        cookie_secret = os.urandom(16).hex()
        log(f"starting {args.replicas} replicas on {db}")
        replicas = {}
        for name in names:
            # served as deployed (the Dockerfile: ipmd_server.py, app.py with its warm-up at start)
            srv = bh.start_server(REPO / "ipmd_server.py", cwd=REPO, log_path=tmp / f"{name}.log", wait=False,
                                  extra_env={"IPMD_DB": str(db), "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret})
            procs.append(srv)
            replicas[name] = srv
        for srv in replicas.values():
            bh.wait_healthy(srv, timeout=120)
        port = bh.free_port()
        cfg = tmp / "haproxy.cfg"
        cfg.write_text(haproxy_config(port, [(n, s.port) for n, s in replicas.items()]), encoding="utf-8")
        proxy = start_haproxy(cfg, tmp / "haproxy.log")
        procs.append(proxy)
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/_stcore/health")
        # each replica's first run (imports, first queries), so the idle memory is that of a warm replica
        for name in names:
            asyncio.run(probe_hash(base, name, ""))
        log(f"haproxy on {base}; {args.sessions} visitors for {args.duration:.0f} s")
        result = asyncio.run(drive(args, base, replicas, db, ledger, log))
        text, failures = report(args, result, machine())
        print()
        print(text)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "replicas.md").write_text(text, encoding="utf-8")
        return 1 if failures else 0
    except Exception as exc:  # noqa: BLE001  (could not run: say why, exit 2)
        print(f"replica benchmark could not run: {exc!r}", file=sys.stderr)
        for log_file in sorted(tmp.glob("*.log")):
            print(f"--- {log_file.name}\n" + "\n".join(log_file.read_text(errors="replace").splitlines()[-20:]),
                  file=sys.stderr)
        return 2
    finally:
        for p in procs:
            bh.stop_process(p.proc if isinstance(p, bh.Server) else p)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
