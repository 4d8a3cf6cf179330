# Panel briefing workbook. `make help` lists the targets.
# Quick start on a fresh machine with Python 3.11+:  make briefings  then  make test

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.DEFAULT_GOAL := help
.PHONY: help install briefings validate test lab preview bench docs lint format clean

help: ## List the targets and what they do
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (panel briefing)" >/dev/null
	touch $@

$(TEST_STAMP): $(STAMP) requirements-test.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.lock
	touch $@

install: $(STAMP) ## Create .venv and install the project with pinned dependencies

briefings: $(STAMP) ## Create .venv, install the project and build every meeting's pack into briefings/
	$(BIN)/briefing build --all

validate: $(STAMP) ## Check every dataset against data/dictionary.yaml
	$(BIN)/briefing validate

test: $(TEST_STAMP) ## Install test needs and run the whole suite (browser checks need Debian's chromium)
	$(BIN)/python -m pytest

# JupyterLab refuses to run as root (containers, CI images) unless told it may.
LAB_AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP) ## Open JupyterLab on the notebooks with the project's kernel (adds --allow-root when run as root)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_AS_ROOT)

preview: $(STAMP) ## Serve the pack on localhost and rebuild on save
	$(BIN)/briefing preview

bench: $(STAMP) ## Measure build speed and memory; writes BENCHMARKS.md
	$(BIN)/python benchmarks/bench.py

docs: $(STAMP) ## Regenerate docs/data-dictionary.md from data/dictionary.yaml
	$(BIN)/python -m briefing.docs

lint: $(TEST_STAMP) ## Lint and check formatting of the package, tests and notebooks (ruff)
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks notebooks

format: $(TEST_STAMP) ## Format the package, tests and notebooks (ruff)
	$(BIN)/ruff format src tests benchmarks notebooks
	$(BIN)/ruff check --fix src tests benchmarks notebooks

clean: ## Remove build outputs kept for audit (not the circulated briefings)
	rm -rf build
