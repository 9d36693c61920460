"""How the dashboard is served: `streamlit run ipmd_server.py [the usual streamlit options]` (issue 18, the cold start).

Streamlit finds `app` below, an `st.App` over app.py, and serves it exactly as `streamlit run app.py` would (the same
Starlette server, options, pages and config), with one addition: as soon as the server starts, a first session of
the overview is run in the background, with no browser attached. It imports the data stack (pandas, pyarrow, DuckDB,
the core), opens the database and fills the caches the overview draws from (`components.data.load`,
`components.figure_cache`), while the first visitor's browser is still loading Streamlit's frontend. The visitor's
own first run then finds that work done, or waits on the very same imports and cache entries (Python's import lock,
Streamlit's per-entry compute locks) instead of doing it a second time.

The warm-up is best effort: an error in it is logged and never stops the server, and it gives up after
`WARM_TIMEOUT_S`. Set IPMD_WARM_UP=0 to serve without it.
"""
from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from streamlit.logger import get_logger

LOG = get_logger("ipmd.server")
APP_SCRIPT = Path(__file__).resolve().parent / "app.py"
WARM_TIMEOUT_S = 300.0
# While the warm-up runs, the thread holding Python's lock (the GIL) hands it over after this long instead of
# Python's 5 ms, so that the event loop serving the first visitor's frontend files is not held up behind it
# (measured right after the health check: the frontend's 60 files took 0.10-0.62 s to fetch without a warm-up,
# 0.50-1.68 s beside it at 5 ms, median 0.88 s; median 0.69 s at 0.5 ms; the warm-up's CPU was the same). Restored
# when the warm-up ends. IPMD_WARM_SWITCH_INTERVAL (seconds) overrides it, for measuring.
WARM_SWITCH_INTERVAL_S = float(os.environ.get("IPMD_WARM_SWITCH_INTERVAL", "0.0005"))


class _Sink:
    """A session client that keeps nothing (a streamlit.runtime.session_manager.SessionClient): the warm-up's
    messages go nowhere; it only notes when the run has finished."""

    def __init__(self) -> None:
        self.finished = threading.Event()
        self.exceptions = 0
        self.charts = 0

    def write_forward_msg(self, msg) -> None:
        kind = msg.WhichOneof("type")
        # a run stopped early for a rerun (the first run of a new server switches modes and reruns) is not the end
        if kind == "script_finished" and msg.script_finished != msg.FINISHED_EARLY_FOR_RERUN:
            self.finished.set()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element.WhichOneof("type")
            self.exceptions += element == "exception"
            self.charts += element == "plotly_chart"

    @property
    def client_context(self):
        return None


def warm_up_enabled() -> bool:
    return os.environ.get("IPMD_WARM_UP", "1").strip().lower() not in ("0", "false", "no", "off")


async def warm_up(runtime, timeout: float = WARM_TIMEOUT_S) -> dict:
    """Run the overview once in a session with no browser, then close that session. Returns what happened
    (seconds, whether the run finished, exceptions seen); never raises."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    start = time.perf_counter()
    sink = _Sink()
    session_id = None
    result = {"finished": False, "exceptions": 0, "charts": 0, "seconds": float("nan")}
    switch_interval = sys.getswitchinterval()
    try:
        sys.setswitchinterval(min(switch_interval, WARM_SWITCH_INTERVAL_S))
        session_id = runtime.connect_session(client=sink, user_info={})
        msg = BackMsg()
        msg.rerun_script.query_string = ""       # the overview, in the default language and year
        msg.rerun_script.page_script_hash = ""
        runtime.handle_backmsg(session_id, msg)
        # the run happens on the session's own script thread; wait for it without blocking the event loop
        deadline = time.perf_counter() + timeout
        while not sink.finished.is_set() and time.perf_counter() < deadline:
            await asyncio.sleep(0.1)
        result.update(finished=sink.finished.is_set(), exceptions=sink.exceptions, charts=sink.charts)
    except Exception:  # noqa: BLE001  (best effort: the server serves without it)
        LOG.exception("ipmd: the warm-up failed; the server carries on without it")
    finally:
        sys.setswitchinterval(switch_interval)
        if session_id is not None:
            try:
                runtime.close_session(session_id)
            except Exception:  # noqa: BLE001
                LOG.exception("ipmd: the warm-up's session could not be closed")
    result["seconds"] = time.perf_counter() - start
    if result["finished"]:
        LOG.info("ipmd: warm-up done in %.2f s (the overview's first run: %d chart(s), %d exception(s))",
                 result["seconds"], result["charts"], result["exceptions"])
    else:
        LOG.warning("ipmd: warm-up not finished after %.0f s", result["seconds"])
    return result


@asynccontextmanager
async def lifespan(app):
    """Streamlit's runtime has started (st.App runs this after it): start the warm-up beside the server."""
    task = None
    if warm_up_enabled():
        try:
            from streamlit.runtime import Runtime

            task = asyncio.get_running_loop().create_task(warm_up(Runtime.instance()), name="ipmd.warm_up")
        except Exception:  # noqa: BLE001
            LOG.exception("ipmd: the warm-up could not start; the server carries on without it")
    try:
        yield None
    finally:
        if task is not None and not task.done():
            task.cancel()


app = st.App(str(APP_SCRIPT), lifespan=lifespan)
