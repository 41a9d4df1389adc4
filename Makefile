# The two set-up commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

SAMHSA_FILE ?= ../shared/samhsa/National_Directory_MH_Facilities_2022.xlsx
REAL_ENV := DATABASE_URL=sqlite:///$(CURDIR)/instance/directory-real.sqlite3 SEARCH_INDEX_DIR=$(CURDIR)/instance/search-index-real

.PHONY: run run-real test install browser-deps api-docs lint format clean

# One virtualenv with the app and its test tools, rebuilt when the dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

## run: install, migrate, load the sample directory, build the search index, and serve on http://$(HOST):$(PORT)
run: install api-docs
	$(FLASK) db upgrade
	$(FLASK) data load-sample
	$(FLASK) index rebuild
	$(FLASK) serve --host $(HOST) --port $(PORT)

## run-real: the same on SAMHSA's 9,000 real facilities (its own database in instance/), instead of the sample
run-real: install
	$(REAL_ENV) $(FLASK) db upgrade
	$(REAL_ENV) $(FLASK) data load-sample --without-centers
	$(REAL_ENV) $(FLASK) data import-samhsa $(SAMHSA_FILE)
	$(REAL_ENV) $(FLASK) serve --host $(HOST) --port $(PORT)

## test: install with the test and bench extras (and, where it can, the browser test tools) and run the whole suite
test: install browser-deps api-docs
	$(BIN)/python -m pytest

## browser-deps: Debian's Chromium (as root, via apt) and axe-core (npm) for the browser tests; skipped where impossible
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	      || echo "could not install chromium: the browser tests will be skipped"; \
	  else echo "chromium is not installed: the browser tests will be skipped (install Debian's chromium package)"; fi; }
	@test -f .cache/npm/node_modules/axe-core/axe.min.js || { \
	  if command -v npm >/dev/null 2>&1; then \
	    npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4 >/dev/null \
	      || echo "could not install axe-core: the accessibility checks will be skipped"; \
	  else echo "npm is not installed: the accessibility checks will be skipped"; fi; }

## api-docs: Swagger UI 5 (npm swagger-ui-dist) for the /api/docs page, into .cache/api-docs; skipped where impossible
api-docs:
	@test -f .cache/api-docs/node_modules/swagger-ui-dist/swagger-ui-bundle.js || { \
	  if command -v npm >/dev/null 2>&1; then \
	    npm install --silent --no-audit --no-fund --prefix .cache/api-docs swagger-ui-dist@5 >/dev/null \
	      || echo "could not install swagger-ui-dist: /api/docs will answer 503"; \
	  else echo "npm is not installed: /api/docs will answer 503 (the OpenAPI document still works)"; fi; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache *.egg-info
