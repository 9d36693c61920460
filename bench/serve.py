"""`streamlit run` with a timing hook, for the benchmark: `python bench/serve.py run ipmd_server.py [options]`.

Takes exactly the arguments of the `streamlit` command. The benchmark starts the app as deployment does, through its
server entry ipmd_server.py (app.py plus the overview warmed as the server starts: `bench/run.py` `server_entry`),
and the baseline as a plain `run bench/baseline_app.py`. The warm-up's own run is timed like any other, in its own
session, as the server starts. When IPMD_BENCH_TIMINGS names a file, every
script run appends one JSON line to it: {"end": <unix time>, "ms": <script time>, "session": <id>,
"page": <page script hash>}. The time is the whole script run of app.py (navigation, sidebar and
page), measured around Streamlit's own exec of the script; widget and message delivery are not in it.

With IPMD_BENCH_PROFILE=<folder>, every run is also profiled (cProfile, script thread only) into
<folder>/<n>-<ms>ms.prof; read one with `python -m pstats <file>` (sort cumulative, stats 40).
"""
from __future__ import annotations

import cProfile
import itertools
import json
import os
import sys
import threading
import time

from streamlit.runtime.scriptrunner import script_runner as _sr

_PATH = os.environ.get("IPMD_BENCH_TIMINGS")
_PROFILE = os.environ.get("IPMD_BENCH_PROFILE")
_LOCK = threading.Lock()
_COUNT = itertools.count(1)
_original = _sr.exec_func_with_error_handling


def _timed(func, ctx):
    profiler = cProfile.Profile() if _PROFILE else None
    start, cpu_start = time.perf_counter(), time.thread_time()
    if profiler:
        profiler.enable()
    try:
        return _original(func, ctx)
    finally:
        ms = (time.perf_counter() - start) * 1000
        cpu_ms = (time.thread_time() - cpu_start) * 1000
        if profiler:
            profiler.disable()
            os.makedirs(_PROFILE, exist_ok=True)
            profiler.dump_stats(os.path.join(_PROFILE, f"{next(_COUNT):04d}-{ms:.0f}ms.prof"))
        if _PATH:
            record = {"end": time.time(), "ms": round(ms, 2), "cpu_ms": round(cpu_ms, 2),
                      "session": getattr(ctx, "session_id", ""), "page": getattr(ctx, "page_script_hash", "")}
            with _LOCK, open(_PATH, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")


if _PATH or _PROFILE:
    _sr.exec_func_with_error_handling = _timed

if __name__ == "__main__":
    from streamlit.web import cli

    sys.argv[0] = "streamlit"
    sys.exit(cli.main(prog_name="streamlit"))
