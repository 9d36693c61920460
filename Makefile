# IPMD Policy Coherence Dashboard: one-command setup, run, test, build and benchmark.
#   make run        set up a fresh machine and start the app on the bundled database
#   make test       set up (with Debian's chromium and haproxy), then run every test (slow and browser included)
#   make test-fast  every test but the browser and the slow ones (markers: pytest.ini, tests/*/conftest.py)
#   make build      rebuild data/ipmd.duckdb from the sources
#   make bench      the performance benchmark (budgets of issue 8; exits non-zero when one is missed)

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.requirements.stamp
CHROMIUM ?= /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: setup run test test-fast build bench chromium clean

setup: $(STAMP) chromium

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Debian's chromium for the browser tests and the benchmark (playwright cannot download browsers here),
# and haproxy for the deployment tests and the replica proof.
chromium:
	@missing=""; \
	if [ ! -x "$(CHROMIUM)" ] && ! command -v chromium >/dev/null 2>&1; then missing="chromium"; fi; \
	if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then missing="$$missing haproxy"; fi; \
	if [ -n "$$missing" ]; then \
		echo "installing with apt-get:$$missing"; \
		$(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

# ipmd_server.py serves app.py and warms the overview as the server starts (issue 18); any streamlit option may follow
run: $(STAMP)
	$(PY) -m streamlit run ipmd_server.py

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

build: $(STAMP)
	$(PY) -m ipmd.build

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf tests/browser/screenshots bench/results .pytest_cache
