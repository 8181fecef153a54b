# Two commands (see README): `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# pytest-xdist processes; each gets its own SQLite files and PostgreSQL database (test_gw0, test_gw1...).
TEST_WORKERS ?= 2

.PHONY: run test test-pg lint translations compile-translations update-translations chromium bench clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3-venv is missing; installing it (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip && \
	  rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=70.1"

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

# crowdq itself, editable, on top of the pins (so no PYTHONPATH): code changes need no reinstall, a changed
# pyproject.toml reinstalls. The venv's setuptools builds it in place (no build environment to download; the
# first line updates a .venv made before it came with setuptools>=70.1); -qq hides setuptools' standard notice.
$(VENV)/.project: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q "setuptools>=70.1"
	$(BIN)/pip install -qq --no-deps --no-build-isolation -e .
	touch $@

compile-translations: $(VENV)/.run-deps
	$(BIN)/pybabel compile -d crowdq/translations 2>&1 | grep -v "^compiling" || true

# Developers: re-extract messages after changing user-facing text.
update-translations: $(VENV)/.run-deps
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --no-location --sort-output -o crowdq/translations/messages.pot .
	$(BIN)/pybabel update -i crowdq/translations/messages.pot -d crowdq/translations --no-fuzzy-matching

run: $(VENV)/.run-deps $(VENV)/.project compile-translations
	CROWDQ_ENV=development $(BIN)/flask --app wsgi crowdq upgrade
	CROWDQ_ENV=development $(BIN)/flask --app wsgi crowdq seed-demo
	@echo "crowdq runs at http://127.0.0.1:5000 (demo log-ins: see README)"
	CROWDQ_ENV=development $(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

# Debian's Chromium for the browser tests (never Playwright's own download).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "WARNING: no /usr/bin/chromium and no root to install it: browser tests will be skipped"; fi; \
	fi

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .

test: $(VENV)/.dev-deps $(VENV)/.project compile-translations chromium
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(TEST_WORKERS)

# The suite against PostgreSQL (CI runs this after `make test` when one is reachable). Browser journeys and
# tests that do not depend on the database (packaging) ran in the SQLite pass; the rest runs again here.
test-pg: $(VENV)/.dev-deps $(VENV)/.project compile-translations
	CROWDQ_TEST_DATABASE_URL=$${CROWDQ_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	  $(BIN)/pytest -n $(TEST_WORKERS) -m "not browser and not database_independent" $(ARGS)

bench: $(VENV)/.dev-deps $(VENV)/.project compile-translations
	$(BIN)/python bench/run.py $(ARGS)

clean:
	rm -rf $(VENV) instance/crowdq.db* .pytest_cache .ruff_cache build dist *.egg-info
