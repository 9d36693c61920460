"""Interactions, the framework floor and the first paint, for bench/run.py (issue 18).

Each interaction is one user input on a page already drawn, timed in the page's own clock:
  start = the last pointerdown/keydown of the input (recorded by MARK_SCRIPT in the page),
  end   = the later of (a) the last DOM change in the app's main area or sidebar when the page was first
          seen finished again (a script run finished after the input, nothing stale, no running indicator,
          every chart drawn: bh._ready) and (b) the last DOM change inside any plotly chart before the page
          had stayed finished for SETTLE_MS (plotly redraws maps asynchronously, after the rerun).
The server's script time of the runs between the input and the end comes from bench/serve.py.
See bench/README.md for how each control is driven.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import browser_helpers as bh
from stats import maximum, median as _median

BUDGET_REDRAW_S = 0.5
BUDGET_SCRIPT_MS = 100.0
SETTLE_MS = 300
SELECT_ALL = "Select all"   # Streamlit's own first option of a multiselect (not translated)

# Installed before any page script, beside bh.INIT_SCRIPT. Page clock: performance.now(), ms since navigation.
MARK_SCRIPT = r"""
(() => {
  if (window.__ipmdMarks) return;
  window.__ipmdMarks = true;
  window.__ipmdInputAt = 0; window.__ipmdMutAt = 0; window.__ipmdPlotAt = 0; window.__ipmdPlots = new Set();
  const input = () => { window.__ipmdInputAt = performance.now(); };
  window.addEventListener('pointerdown', input, true);
  window.addEventListener('keydown', input, true);
  const IGNORED = '[data-testid="stHeader"],[data-testid="stStatusWidget"],[data-testid="stToolbar"],'
      + '[data-testid="stDecoration"],[data-baseweb="tooltip"],[data-baseweb="popover"],.hoverlayer';
  const watch = () => new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!el || el.closest(IGNORED)) continue;
      const plot = el.closest('[data-testid="stPlotlyChart"]');
      if (plot) { window.__ipmdPlotAt = now; window.__ipmdPlots.add(plot); }
      if (el.closest('[data-testid="stMain"],[data-testid="stSidebar"]')) window.__ipmdMutAt = now;
    }
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();
"""

_RESET_JS = "() => { window.__ipmdMutAt = 0; window.__ipmdPlotAt = 0; window.__ipmdPlots = new Set(); }"
_STATE_JS = (f"() => {{ const s = ({bh.STATE_JS})(); s.mut = window.__ipmdMutAt; s.plot = window.__ipmdPlotAt; "
             "s.plots = [...window.__ipmdPlots].filter(e => e.isConnected).length; s.input = window.__ipmdInputAt; s.now = performance.now(); "
             "return s; }")


class InteractionFailed(RuntimeError):
    pass


def timed(page, action: Callable[[], None], timings, *, timeout: float = 60.0, server: bool = True) -> dict:
    """Do `action` (one input) on a drawn page; wait until redrawn; return the timings of it. `server`: the
    input makes a script run (False for what the browser does alone, such as a map's year slider)."""
    before = bh.runs_finished(page) - (0 if server else 1)
    page.evaluate(_RESET_JS)
    wall0 = time.time()
    input_before = page.evaluate("() => window.__ipmdInputAt")
    t_action = time.perf_counter()
    action()
    page.mouse.move(2, 2)   # off every chart: no hover label after the rerun
    deadline = time.perf_counter() + timeout
    ready_mut, ready_since, ready_wall, last_sig, st = None, None, None, None, {}
    while True:
        st = page.evaluate(_STATE_JS)
        sig = bh._signature(st)
        if bh._ready(st, before + 1):
            if ready_since is None or sig != last_sig:
                ready_since, ready_mut, ready_wall = st["now"], st["mut"], time.perf_counter()
            elif st["now"] - ready_since >= SETTLE_MS:
                break
        else:
            ready_since = None
        last_sig = sig
        if time.perf_counter() > deadline:
            raise InteractionFailed(f"not redrawn after {timeout:.0f}s: {bh.describe_state(st)}")
        page.wait_for_timeout(25)
    start = st["input"]
    if start <= input_before:
        raise InteractionFailed("the input did not reach the page")
    plot_end = st["plot"] if st["plot"] <= ready_since + SETTLE_MS else ready_since
    end = max(ready_mut or start, plot_end, start)
    page.wait_for_timeout(100)  # the timing hook writes its line after the run
    runs = timings.between(wall0, time.time())
    # wall_s: the driver's clock, from before the action (locating the control included) to the first poll
    # that saw the page finished: a cross-check of `s`, always a little longer
    return {"s": (end - start) / 1000, "wall_s": ready_wall - t_action, "script_ms": sum(r["ms"] for r in runs),
            "script_cpu_ms": sum(r.get("cpu_ms", 0.0) for r in runs), "runs": len(runs),
            "charts_redrawn": st["plots"], "charts": len(st["charts"])}


# ------------------------------------------------------------------------------------------------
# Driving the controls (found by their translated labels, so a page's layout can change under them)
# ------------------------------------------------------------------------------------------------
def _t(key: str, **kw) -> str:
    from ipmd.i18n import t

    return t(key, **kw)


def _widget(page, testid: str, label: str):
    return page.locator(f'[data-testid="{testid}"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)).first


def open_options(page, testid: str, label: str) -> list[str]:
    """Open a selectbox/multiselect's list; return the options' texts (the list stays open)."""
    _widget(page, testid, label).locator("input").click()
    page.locator('[role="option"]').first.wait_for(timeout=15_000)
    return [x.strip() for x in page.locator('[role="option"]').all_inner_texts()]


def click_option(page, text: str) -> None:
    page.locator('[role="option"]').filter(has_text=text).first.click()


def remove_last_tag(page, label: str) -> None:
    """Unpick a multiselect's last value: Backspace in its input (its tag's delete button, in a tag row that
    scrolls, is not always where the pointer lands)."""
    _widget(page, "stMultiSelect", label).locator("input").click()
    page.keyboard.press("Backspace")


def click_tab(page, text: str) -> None:
    page.locator('[role="tab"]').filter(has_text=text).first.click()


@dataclass
class Interaction:
    """A named input on a page: `setup` (untimed, after the page is drawn), then `steps`: each a label and
    an action; the steps are repeated in turn, each timed, so that a filter is picked then unpicked."""
    name: str
    url: str
    steps: list
    setup: Callable | None = None
    server: bool = True     # False: the browser answers alone (no script run expected)


def _pick_in(testid: str, label_key: str, nth: int = 0) -> Callable:
    """Pick the nth option (not the one shown) of a selectbox, or the nth unpicked one of a multiselect."""
    def action(page):
        label = _t(label_key) if "." in label_key else label_key
        options = [o for o in open_options(page, testid, label) if o != SELECT_ALL]
        if not options:
            raise InteractionFailed(f"{label}: no option")
        click_option(page, options[min(nth, len(options) - 1)])
    return action


def _open_list(page, box) -> None:
    """Open a selectbox's list: a click in it, then (when no option shows within 5 s) its button, then ArrowDown."""
    box.locator("input").click()
    for fallback in (lambda: box.locator('button[aria-haspopup="listbox"]').click(),
                     lambda: page.keyboard.press("ArrowDown"), None):
        try:
            page.locator('[role="option"]').first.wait_for(timeout=5_000)
            return
        except Exception:  # noqa: BLE001
            if fallback is None:
                raise InteractionFailed("the selectbox's list did not open") from None
            fallback()


def _away_and_back(label_key: str) -> tuple[Callable, Callable]:
    """Two inputs on a selectbox whose default depends on the page (the profile's peer indicator is the country's
    own): pick the first option other than the one shown (the list opened by its button), then type the one shown
    before and click it (a long list shows only its first options)."""
    shown: list[str] = []

    def away(page):
        box = _widget(page, "stSelectbox", _t(label_key))
        current = box.locator("input").input_value().strip()
        _open_list(page, box)
        others = [o.strip() for o in page.locator('[role="option"]').all_inner_texts() if o.strip() != current]
        if not others:
            raise InteractionFailed(f"{_t(label_key)}: no other option")
        shown[:] = [current]
        page.get_by_role("option", name=others[0], exact=True).first.click()

    def back(page):
        if not shown:
            raise InteractionFailed(f"{_t(label_key)}: nothing to go back to")
        _widget(page, "stSelectbox", _t(label_key)).locator("input").click()
        page.keyboard.press("Control+A")
        page.keyboard.type(shown[0])
        option = page.get_by_role("option", name=shown[0], exact=True).first
        option.wait_for(timeout=15_000)
        option.click()
    return away, back


def _pick_text(testid: str, label: str | Callable, text: str) -> Callable:
    """Type `text` into a selectbox/multiselect (long lists open only on typing) and click its option."""
    def action(page):
        _widget(page, testid, label() if callable(label) else label).locator("input").click()
        page.keyboard.type(text)
        option = page.locator('[role="option"]').filter(has_text=text).first
        option.wait_for(timeout=15_000)
        option.click()
    return action


def _slider_keys(label_key: str, key: str) -> Callable:
    def action(page):
        thumb = _widget(page, "stSlider", _t(label_key)).locator('input[type="range"]').first
        thumb.focus()
        page.keyboard.press(key)
    return action


def _open_expander(label_key: str) -> Callable:
    def setup(page):
        summary = page.locator('[data-testid="stExpander"] summary').filter(has_text=_t(label_key)).first
        summary.click()
        page.wait_for_timeout(300)
    return setup


def _editor_cell(page, row: int, col: int) -> None:
    """Click a cell of the what-if table (a canvas grid: by position; header and rows are 35 px high)."""
    grid = page.locator('[data-testid="stDataFrame"]:visible').filter(has=page.locator("canvas")).first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + (47 if col == 0 else 140), box["y"] + 35 * (row + 1) + 17)
    if col:
        for _ in range(col):    # from the proposal's id (col 1): the arrow keys scroll the grid too
            page.keyboard.press("ArrowRight")


def _tick(row: int) -> Callable:
    def action(page):
        _editor_cell(page, row, 0)
    return action


def _amount(row: int, value: str) -> Callable:
    def action(page):
        _editor_cell(page, row, 7)
        page.keyboard.press("Enter")        # opens the cell's editor with its value
        page.keyboard.press("Control+A")
        page.keyboard.type(value, delay=20)
        page.keyboard.press("Enter")
    return action


def _map_year(step_from_end: int) -> Callable:
    """Click the overview map's year slider (plotly's, in the browser) on a step counted from the last year:
    at the x of that step's tick, on the slider's rail."""
    def action(page):
        chart = page.locator('[data-testid="stPlotlyChart"]').filter(has=page.locator(".slider-container")).first
        chart.scroll_into_view_if_needed()
        ticks = chart.locator(".slider-tick-rect")
        n = ticks.count()
        if n < 2:
            raise InteractionFailed(f"the map's year slider has {n} steps")
        tick = ticks.nth(max(0, n - 1 - step_from_end)).bounding_box()
        rail = chart.locator(".slider-rail-touch-rect").first.bounding_box()
        page.mouse.click(tick["x"] + tick["width"] / 2, rail["y"] + rail["height"] / 2)
    return action


def _allocation_round_tab(page):
    click_tab(page, _t("allocation.tab.round"))
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for(timeout=15_000)
    page.wait_for_timeout(500)


def _allocation_ticked(page):
    """The round tab with the first proposal ticked: its amount then counts in every figure."""
    _allocation_round_tab(page)
    before = bh.runs_finished(page)
    _tick(0)(page)
    bh.wait_until_drawn(page, min_finished=before + 1, timeout=60)


def interactions(countries: list[str], links: dict[str, str] | None = None) -> list[Interaction]:
    """Every interaction issue 18 lists, in the order run. `countries`: names for the country switch; `links`:
    page path -> the URL it is opened with (bench/run.py deep_links: a donor the database holds)."""
    lang = "Language · Langue · Idioma"
    links = links or {}
    compare = links.get("/compare", "/compare?compare=MAR,TUN,PHL")
    return [
        Interaction("coverage filter (region)", "/coverage",
                    [("pick", _pick_in("stMultiSelect", "coverage.filter.region")),
                     ("unpick", lambda page: remove_last_tag(page, _t("coverage.filter.region")))]),
        Interaction("funds filter (donor type)", "/funds",
                    [("pick", _pick_in("stMultiSelect", "funds.filter.donor_type")),
                     ("unpick", lambda page: remove_last_tag(page, _t("funds.filter.donor_type")))]),
        Interaction("coverage tab (?view=)", "/coverage",
                    [("map", lambda page: click_tab(page, _t("coverage.tab.map"))),
                     ("matrix", lambda page: click_tab(page, _t("coverage.tab.matrix")))]),
        Interaction("language (overview)", "/",
                    [("fr", _pick_text("stSelectbox", lang, "Français")),
                     ("en", _pick_text("stSelectbox", lang, "English"))]),
        Interaction("sidebar year (overview)", "/",
                    [("earlier", _pick_in("stSelectbox", "sidebar.year", 1)),
                     ("back", _pick_in("stSelectbox", "sidebar.year", 0))]),
        Interaction("country switch (profile)", "/country?country=PHL",
                    [(name, _pick_text("stSelectbox", lambda: _t("profile.pick"), name)) for name in countries]),
        Interaction("what-if: tick / untick a proposal", "/allocation",
                    [("tick", _tick(0)), ("untick", _tick(0))], setup=_allocation_round_tab),
        Interaction("what-if: change an amount", "/allocation",
                    [("amount", _amount(0, "50000")), ("amount", _amount(0, "75000"))], setup=_allocation_ticked),
        Interaction("meeting pack: add a country", "/country?country=PHL&pack=PHL",
                    [("add", _pick_text("stMultiSelect", lambda: _t("brief.pack.pick"), "Mexico")),
                     ("remove", lambda page: remove_last_tag(page, _t("brief.pack.pick")))]),
        Interaction("gap finder weight", "/coverage?view=gaps",
                    [("up", _slider_keys("coverage.weight.remittances_pct_gdp", "ArrowRight")),
                     ("down", _slider_keys("coverage.weight.remittances_pct_gdp", "ArrowLeft"))],
                    setup=_open_expander("coverage.gap.settings")),
        Interaction("overview map indicator", "/",
                    [("next", _pick_in("stSelectbox", "overview.map.indicator", 1)),
                     ("first", _pick_in("stSelectbox", "overview.map.indicator", 0))]),
        Interaction("overview map year slider (in the browser)", "/",
                    [("year before", _map_year(1)), ("last year", _map_year(0))], server=False),
        Interaction("compare indicator", compare, list(zip(("other", "back"), _away_and_back("compare.indicator")))),
        Interaction("profile peer indicator", "/country?country=PHL",
                    list(zip(("other", "back"), _away_and_back("profile.peers.pick")))),
        Interaction("compare: add a country", compare,
                    [("add", _pick_text("stMultiSelect", lambda: _t("compare.pick"), "Mexico")),
                     ("remove", lambda page: remove_last_tag(page, _t("compare.pick")))]),
        Interaction("donor tab (?by=)", links.get("/donor", "/donor"),
                    [("partner", lambda page: click_tab(page, _t("donor.by_partner"))),
                     ("goal", lambda page: click_tab(page, _t("donor.by_goal")))]),
    ]


def run_interaction(ctx, base_url: str, item: Interaction, timings, reps: int, *, fresh: bool = False) -> dict:
    """Open the page, set it up, go once through the steps untimed (warm-up), then `reps` times timed.
    `fresh`: every step leads somewhere not seen before (the country switch): no warm-up, each step once."""
    page = ctx.new_page()
    watch = bh.Watch()
    watch.attach(page)
    samples, errors = [], []
    try:
        bh.goto_and_wait(page, base_url + item.url, timeout=60)
        if item.setup:
            item.setup(page)
        rounds = [(False, step) for step in item.steps] if not fresh else []
        rounds += [(True, step) for _ in range(1 if fresh else reps) for step in item.steps]
        for counted, (label, action) in rounds:
            try:
                res = timed(page, lambda: action(page), timings, server=item.server)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{item.name}, {label}: {str(exc)[:300]}")
                break
            if counted:
                samples.append({"step": label, **res})
    except Exception as exc:  # noqa: BLE001
        errors.append(f"{item.name}: {str(exc)[:300]}")
    errors += [f"{item.name}: {e}" for e in watch.errors()]
    try:
        errors += [f"{item.name}: exception box: {e[:300]}" for e in bh.exception_texts(page)]
    except Exception:  # noqa: BLE001
        pass
    page.close()
    return summarise(item, samples, errors)


def summarise(item: Interaction, samples: list[dict], errors: list[str]) -> dict:
    return {"name": item.name, "url": item.url, "n": len(samples),
            "s": _median([x["s"] for x in samples]), "s_max": maximum([x["s"] for x in samples]),
            "wall_s": _median([x["wall_s"] for x in samples]),
            "script_ms": _median([x["script_ms"] for x in samples]),
            "script_ms_max": maximum([x["script_ms"] for x in samples]),
            "script_cpu_ms": _median([x["script_cpu_ms"] for x in samples]),
            "runs": _median([x["runs"] for x in samples]),
            "charts_redrawn": _median([x["charts_redrawn"] for x in samples]),
            "charts": max((x["charts"] for x in samples), default=0),
            "samples": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in x.items()} for x in samples],
            "errors": errors}


def measure_all(browser, new_context, base_url: str, timings, reps: int, countries: list[str], log,
                only: list[str] | None = None, links: dict[str, str] | None = None) -> dict:
    """Every interaction in a new browser context (its own session); `countries`: the first is a warm-up,
    the next `reps` (at least 3) are switched to, each not shown before; `links`: see interactions().
    Returns results by name."""
    switch_to = [countries[1 + i % (len(countries) - 1)] for i in range(max(reps, 3))]
    out = {}
    for item in interactions(switch_to, links):
        if only and not any(word in item.name for word in only):
            continue
        fresh = item.name.startswith("country switch")
        if fresh:
            item.setup = _drawn_after(_pick_text("stSelectbox", lambda: _t("profile.pick"), countries[0]))
        ctx = new_context(browser)
        ctx.add_init_script(MARK_SCRIPT)
        try:
            res = run_interaction(ctx, base_url, item, timings, reps, fresh=fresh)
        finally:
            ctx.close()
        out[item.name] = res
        log(f"interaction {item.name:<38} redrawn {res['s']:.2f} s (max {res['s_max']:.2f})  script "
            f"{res['script_ms']:.0f} ms (max {res['script_ms_max']:.0f})  charts {res['charts_redrawn']:g}/"
            f"{res['charts']}  n {res['n']}  errors {len(res['errors'])}")
    return out


def _drawn_after(action: Callable) -> Callable:
    def setup(page):
        before = bh.runs_finished(page)
        action(page)
        bh.wait_until_drawn(page, min_finished=before + 1, timeout=60)
    return setup


def _fmt_s(x) -> str:
    return "n/a" if x != x else f"{x:.2f} s"


def _fmt_ms(x) -> str:
    return "n/a" if x != x else f"{x:.0f} ms"


def _yes(value, budget, factor=1.0) -> str:
    return "n/a" if value != value else ("yes" if value <= budget * factor else "no")


def report_lines(res: dict, reps: int) -> list[str]:
    lines = [f"Interactions (issue 18; reported, not gated, until issue 18's speed work lands): each input on a "
             f"drawn page, from its pointerdown/keydown to the last change of the page and of its charts (page "
             f"clock), median and max over {reps} rounds after a warm-up round (the country switch: each to a "
             f"country not shown before); script = the server's script time of the runs the input caused "
             f"(sum; budget {BUDGET_REDRAW_S:g} s redrawn, {BUDGET_SCRIPT_MS:.0f} ms script).",
             "",
             "| interaction | page | redrawn (median / max) | within budget | within 2× | script (median / max) "
             "| of which CPU | within budget | within 2× | runs | charts redrawn / shown | n | errors |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in res.items():
        lines.append(
            f"| {name} | {r['url']} | {_fmt_s(r['s'])} / {_fmt_s(r['s_max'])} | {_yes(r['s'], BUDGET_REDRAW_S)} | "
            f"{_yes(r['s'], BUDGET_REDRAW_S, 2)} | {_fmt_ms(r['script_ms'])} / {_fmt_ms(r['script_ms_max'])} | "
            f"{_fmt_ms(r['script_cpu_ms'])} | {_yes(r['script_ms'], BUDGET_SCRIPT_MS)} | "
            f"{_yes(r['script_ms'], BUDGET_SCRIPT_MS, 2)} | {r['runs']:g} | {r['charts_redrawn']:g} / {r['charts']} | "
            f"{r['n']} | {len(r['errors'])} |")
    return lines
