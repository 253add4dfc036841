# make build  - from a fresh clone: .venv, pinned dependencies, validate, generate, strict build into site/
# make test   - lint, unit tests, built-site tests, browser tests (builds first)
# make serve  - live preview on http://127.0.0.1:8000/, regenerating when data/ or templates/ change
# make check  - validate data/ only and list every alias that was resolved
# make bench  - the scale benchmark (README, "Performance")
# make zensical - the same site built with Zensical into site-zensical/site/ (README, "Material's successor")

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Material prints on every mkdocs run that it reaches end of life on 2027-05-05 and that Zensical is its
# successor. This hides that notice on purpose; README ("Material's successor") says so, and how the
# same site builds with Zensical today (make zensical, tests/test_zensical.py).
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: build test serve check bench lint clean

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

bench: $(BIN)/.installed
	$(BIN)/python scripts/bench.py --scales 1,10,100

clean:
	rm -rf site $(VENV)

# Zensical, Material's successor, in its own venv so that .venv's pinned MkDocs and Material stay as they are.
ZENSICAL_VENV := .venv-zensical

$(ZENSICAL_VENV)/.installed: requirements-zensical.txt
	$(PYTHON) -m venv $(ZENSICAL_VENV)
	$(ZENSICAL_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-zensical.txt
	touch $@

.PHONY: zensical
zensical: $(BIN)/.installed $(ZENSICAL_VENV)/.installed
	$(BIN)/python scripts/build_zensical.py

test: $(ZENSICAL_VENV)/.installed   # tests/test_zensical.py builds with it

.PHONY: clean-zensical
clean: clean-zensical
clean-zensical:
	rm -rf site-zensical $(ZENSICAL_VENV)
