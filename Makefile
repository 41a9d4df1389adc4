# The two set-up commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

SAMHSA_FILE ?= ../shared/samhsa/National_Directory_MH_Facilities_2022.xlsx
REAL_ENV := DATABASE_URL=sqlite:///$(CURDIR)/instance/directory-real.sqlite3 SEARCH_INDEX_DIR=$(CURDIR)/instance/search-index-real

.PHONY: run run-real test install lint format clean

# One virtualenv with the app and its test tools, rebuilt when the dependencies change.
$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

## run: install, migrate, load the sample directory, build the search index, and serve on http://$(HOST):$(PORT)
run: install
	$(FLASK) db upgrade
	$(FLASK) data load-sample
	$(FLASK) index rebuild
	$(FLASK) run --host $(HOST) --port $(PORT)

## run-real: the same on SAMHSA's 9,000 real facilities (its own database in instance/), instead of the sample
run-real: install
	$(REAL_ENV) $(FLASK) db upgrade
	$(REAL_ENV) $(FLASK) data load-sample --without-centers
	$(REAL_ENV) $(FLASK) data import-samhsa $(SAMHSA_FILE)
	$(REAL_ENV) $(FLASK) run --host $(HOST) --port $(PORT)

## test: install with the test extras and run the whole suite
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache *.egg-info
