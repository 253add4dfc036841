# make build  - from a fresh clone: .venv, pinned dependencies, validate, generate, strict build into site/
# make test   - lint, unit tests, built-site tests, browser tests (builds first)
# make serve  - live preview on http://127.0.0.1:8000/, regenerating when data/ or templates/ change
# make check  - validate data/ only and list every alias that was resolved
# make bench  - the scale benchmark (README, "Performance")

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Material prints an end-of-life banner for MkDocs 2; we pin mkdocs<2.
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: build test serve check bench lint clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

check: $(BIN)/.installed
	$(BIN)/python scripts/generate_pages.py --check

# The site is built into site.new/ and swapped in only when the whole strict build succeeded:
# a failure (bad data, a warning) leaves the published site/ exactly as it was.
build: $(BIN)/.installed
	$(BIN)/python scripts/generate_pages.py
	rm -rf site.new
	$(BIN)/mkdocs build --strict --site-dir site.new || { rm -rf site.new; exit 1; }
	$(BIN)/python scripts/swap_site.py site.new site

serve: $(BIN)/.installed
	$(BIN)/mkdocs serve

lint: $(BIN)/.installed
	$(BIN)/ruff check .

test: build lint
	$(BIN)/python -m pytest

bench: $(BIN)/.installed
	$(BIN)/python scripts/bench.py --scales 1,10,100

clean:
	rm -rf site site.new site.old $(VENV)
