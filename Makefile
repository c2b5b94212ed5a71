# DPRK launch tempo: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
JOBS ?=
DASK ?=

.DEFAULT_GOAL := help
.PHONY: help setup lock data lab reports test bench backtest bartlett calibration real-placebo lint format clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

LOCK := requirements.lock
UV := $(shell command -v uv 2>/dev/null)

# The pinned versions come from the lock (uv.lock, exported to requirements.lock for pip), so a new
# pandas or statsmodels on the registry cannot change published numbers without a commit. uv when it
# is on PATH, else pip (pip reads the machine's pip.conf: its find-links and extra indexes); the
# package itself is installed editable, without deps (they are all in the lock). uv is asked to
# compile bytecode as pip does, so a command does not recompile pandas' sources on every start
# where PYTHONDONTWRITEBYTECODE is set.
$(STAMP): pyproject.toml uv.lock $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
ifneq ($(UV),)
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r $(LOCK)
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
else
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
endif
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the locked versions (uv if on PATH, else pip) and the package
lock: ## re-resolve uv.lock to the newest versions pyproject.toml allows, re-export requirements.lock (needs uv)
	@test -n "$(UV)" || { echo "make lock needs uv (pip install uv)" >&2; exit 1; }
	$(UV) lock --upgrade
	$(UV) export --format requirements-txt --frozen --extra dev --no-emit-project -o $(LOCK) --quiet

data: $(STAMP) ## fetch + verify the sources (sha256), build data/processed/
	$(PY) -m dprk_launches data

lab: $(STAMP) ## open JupyterLab on notebooks/06_your_events.ipynb (study your own events)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/06_your_events.ipynb

reports: data ## build reports/*.html and reports/index.html (JOBS=n to set parallelism)
	$(PY) -m dprk_launches reports $(if $(JOBS),--jobs $(JOBS))

test: $(STAMP) ## run the test suite (unit, property, bad input, notebooks, browser)
	$(PY) -m pytest

bench: data ## speed benchmarks, one JSON object
	$(PY) benchmarks/run.py

backtest: data ## the launch forecaster scored out of sample, beside baselines (benchmarks/results/backtest.json)
	$(PY) benchmarks/backtest.py

bartlett: data ## the LR's Bartlett factor from held-out null simulations (benchmarks/results/bartlett.json)
	$(PY) benchmarks/bartlett.py

real-placebo: data ## each page's headline test on placebo dates with the real launches (benchmarks/results/real_placebo.json)
	$(PY) benchmarks/real_placebo.py

calibration: data ## type-I error and power by simulation, one JSON object (DASK=tcp://host:port to use a cluster)
	$(PY) benchmarks/calibration.py $(if $(DASK),--dask $(DASK))

lint: $(STAMP) ## ruff check + format check
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

format: $(STAMP) ## ruff fix + format
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

clean: ## remove generated files (keeps .venv and data/raw)
	rm -rf data/processed reports .pytest_cache .ruff_cache .hypothesis
