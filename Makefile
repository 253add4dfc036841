# make build  - from a fresh clone: .venv, pinned dependencies, validate, generate, strict build into site/
# make test   - lint, unit tests, built-site tests, browser tests (builds first)
# make serve  - live preview on http://127.0.0.1:8000/, regenerating when data/ or templates/ change;
#               --dirty: only the pages an edit changed are rebuilt (the hook keeps search and tags whole)
# make check  - validate data/ only and list every alias that was resolved
# make bench  - the scale benchmark (README, "Performance")
# make example - the example project with fictitious progress reports, built into build/example/site
# make zensical - the same site built with Zensical into site-zensical/site/ (README, "Material's successor")

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Material prints on every mkdocs run that it reaches end of life on 2027-05-05 and that Zensical is its
# successor. This hides that notice on purpose; README ("Material's successor") says so, and how the
# same site builds with Zensical today (make zensical, tests/test_zensical.py).
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: build test serve check bench lint clean example browser-deps

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

check: $(BIN)/.installed
	$(BIN)/python scripts/generate_pages.py --check

# The site is built into site.new/ and swapped in only when the whole strict build succeeded:
# a failure (bad data, a warning) leaves the published site/ exactly as it was. The strict build
# runs as one `mkdocs build --strict` a core over disjoint shards of the pages, merged
# (scripts/build_site.py; README, "Performance").
build: $(BIN)/.installed
	$(BIN)/python scripts/generate_pages.py
	rm -rf site.new
	$(BIN)/python scripts/build_site.py --site-dir site.new || { rm -rf site.new; exit 1; }
	$(BIN)/python scripts/swap_site.py site.new site

serve: $(BIN)/.installed
	$(BIN)/mkdocs serve --dirty

lint: $(BIN)/.installed
	$(BIN)/ruff check .

test: build lint browser-deps
	$(BIN)/python -m pytest

example: $(BIN)/.installed
	$(BIN)/python scripts/build_example.py

# What the browser tests need: Debian's chromium and CJK fonts (installed with apt when root), and
# axe-core as pinned in package-lock.json (npm ci into node_modules/; the tests read it from there).
browser-deps: node_modules/.installed
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing for the browser tests:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq$$missing >/dev/null; \
	  else \
	    echo "the browser tests need$$missing; install with:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get update -qq \
	  && apt-get install -y -qq npm >/dev/null; } || { echo "axe-core needs npm; install with:  sudo apt-get install -y npm"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error || { echo "could not install axe-core: run  npm ci"; exit 1; }
	touch $@

bench: $(BIN)/.installed
	$(BIN)/python scripts/bench.py --scales 1,10,100

clean:
	rm -rf site site.new site.old $(VENV)

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
