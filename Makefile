# Fleet Logbook — every target sets up .venv first, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-all bench bench-quick bench-scale bench-reliability lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) main.py

test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -rs

test-all: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -rs -m ''

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench --scale 1.0

bench-quick: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench --scale 0.1

bench-scale: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench --only scale_console --only scale_ingest --scale 1.0

bench-reliability: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench --only reliability --scale 1.0

lint: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) -m lint.cycles app

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache
