# make build  - from a fresh clone: .venv, pinned dependencies, validate, generate, strict build into site/
# make test   - lint, unit tests, built-site tests, browser tests (builds first)
# make serve  - live preview on http://127.0.0.1:8000/, regenerating when data/ or templates/ change
# make check  - validate data/ only and list every alias that was resolved
# make bench  - the scale benchmark (README, "Performance")
# make example - the example project with fictitious progress reports, built into build/example/site

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Material prints an end-of-life banner for MkDocs 2; we pin mkdocs<2.
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: build test serve check bench lint clean example

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

check: $(BIN)/.installed
	$(BIN)/python scripts/generate_pages.py --check

build: $(BIN)/.installed
	$(BIN)/python scripts/generate_pages.py
	$(BIN)/mkdocs build --strict

serve: $(BIN)/.installed
	$(BIN)/mkdocs serve

lint: $(BIN)/.installed
	$(BIN)/ruff check .

test: build lint
	$(BIN)/python -m pytest

example: $(BIN)/.installed
	$(BIN)/python scripts/build_example.py

bench: $(BIN)/.installed
	$(BIN)/python scripts/bench.py --scales 1,10,100

clean:
	rm -rf site $(VENV)
