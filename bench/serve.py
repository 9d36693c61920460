"""`streamlit run` with a timing hook, for the benchmark: `python bench/serve.py run app.py [options]`.

Takes exactly the arguments of the `streamlit` command. When IPMD_BENCH_TIMINGS names a file, every
script run appends one JSON line to it: {"end": <unix time>, "ms": <script time>, "session": <id>,
"page": <page script hash>}. The time is the whole script run of app.py (navigation, sidebar and
page), measured around Streamlit's own exec of the script; widget and message delivery are not in it.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time

from streamlit.runtime.scriptrunner import script_runner as _sr

_PATH = os.environ.get("IPMD_BENCH_TIMINGS")
_LOCK = threading.Lock()
_original = _sr.exec_func_with_error_handling


def _timed(func, ctx):
    start = time.perf_counter()
    try:
        return _original(func, ctx)
    finally:
        record = {"end": time.time(), "ms": round((time.perf_counter() - start) * 1000, 2),
                  "session": getattr(ctx, "session_id", ""), "page": getattr(ctx, "page_script_hash", "")}
        with _LOCK, open(_PATH, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


if _PATH:
    _sr.exec_func_with_error_handling = _timed

if __name__ == "__main__":
    from streamlit.web import cli

    sys.argv[0] = "streamlit"
    sys.exit(cli.main(prog_name="streamlit"))
