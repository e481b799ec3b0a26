# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make demo   - virtual environment, install, demo on an embedded database
#   make test   - virtual environment, install with test tools, whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/vix demo

test: $(STAMP)
	$(BIN)/ruff check vix tests bench
	$(BIN)/ruff format --check vix tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check --fix vix tests bench
	$(BIN)/ruff format vix tests bench
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python -m vix.docs README.md

bench: $(STAMP)
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_report.py

clean:
	rm -rf $(VENV) build *.egg-info
