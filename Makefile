# DPRK launch tempo: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
JOBS ?=
DASK ?=

.DEFAULT_GOAL := help
.PHONY: help setup data lab reports test bench backtest bartlett calibration lint format clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the package with [dev] extras (once)

data: $(STAMP) ## fetch + verify the sources (sha256), build data/processed/
	$(PY) -m dprk_launches data

lab: $(STAMP) ## open JupyterLab on notebooks/06_your_events.ipynb (study your own events)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks notebooks/06_your_events.ipynb

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
