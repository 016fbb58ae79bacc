# Rectify — the two commands are `make run` and `make test`; everything else is a step of theirs.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := rectify/static/vendor
export DJANGO_SETTINGS_MODULE := rectify.settings

.PHONY: run test install assets migrate migrations messages seed serve bench lint check-node clean test-sqlite \
	test-postgres worker beat

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || PY=python3; $${PY:-$(PY)} -m venv $(VENV) 2>/dev/null || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) assets

check-node:
	@command -v npm >/dev/null || { echo "npm not found: installing Debian's nodejs and npm"; \
	  (apt-get update -qq && apt-get install -y -qq nodejs npm) >/dev/null; }

# Front-end assets come from the npm registry (lockfile pinned) and are copied under static/vendor;
# nothing is ever loaded from a CDN at run time.
$(VENDOR)/.stamp: package.json package-lock.json
	@$(MAKE) -s check-node
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/echarts \
		$(VENDOR)/tom-select
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts $(VENDOR)/bootstrap-icons/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js \
		node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css $(VENDOR)/tom-select/
	touch $@

assets: $(VENDOR)/.stamp

migrate: install
	@mkdir -p data
	$(BIN)/rectify migrate --noinput

seed: migrate
	$(BIN)/rectify seed_demo --scale small --if-empty

run: seed
	$(BIN)/rectify demo_logins
	$(BIN)/rectify runserver 127.0.0.1:8000

# The whole suite on SQLite, then again on PostgreSQL when DATABASE_URL names one. The exhaustive
# input runs (schemathesis over the whole API, every filter and form field) take minutes and test
# no database behaviour: with PostgreSQL they run in its pass only, without it on SQLite.
test: install
	$(BIN)/lint-imports
	@if [ -n "$$DATABASE_URL" ] && [[ "$$DATABASE_URL" == postgres* ]]; then \
	  $(MAKE) -s test-sqlite SQLITE_MARKS='-m "not exhaustive and not faults"' && $(MAKE) -s test-postgres; \
	  else echo "DATABASE_URL does not name a PostgreSQL database: PostgreSQL run skipped"; $(MAKE) -s test-sqlite; fi

test-sqlite:
	@echo "== test suite on SQLite =="
	DATABASE_URL=sqlite:// $(BIN)/python -m pytest -n 2 --dist loadfile $(SQLITE_MARKS) $(PYTEST_ARGS)

test-postgres:
	@echo "== test suite on PostgreSQL ($$DATABASE_URL) =="
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# A model change without its migration fails lint. The check compares the models with the migration
# files only, so it runs against an in-memory database rather than whatever DATABASE_URL names.
lint: install
	$(BIN)/ruff check rectify tests
	$(BIN)/lint-imports
	DATABASE_URL=sqlite:// $(BIN)/rectify makemigrations --check

# New migrations for every changed model (MIGRATIONS_ARGS, e.g. "enforcement --name case_reason").
migrations: install
	$(BIN)/rectify makemigrations $(MIGRATIONS_ARGS)

# The English catalogue (Chinese is the source language, so en is the only locale): new and changed
# messages from the Python code and templates into rectify/locale/en/LC_MESSAGES/django.po, then
# compiled to django.mo, which is committed. Run from rectify/ so the file references stay relative
# to it and nothing outside the package (tests, .venv, node_modules) is scanned. A message whose
# text changed comes back marked fuzzy, which tests/registry/test_i18n.py refuses until it is translated.
messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: apt-get install gettext"; exit 1; }
	cd rectify && ../$(BIN)/rectify makemessages -l en --no-obsolete
	cd rectify && ../$(BIN)/rectify compilemessages -l en

serve: install
	$(BIN)/rectify collectstatic --noinput -v0
	$(BIN)/rectify migrate --noinput
	$(BIN)/gunicorn rectify.wsgi -c deploy/gunicorn.conf.py

worker: install
	$(BIN)/celery -A rectify worker -l info --concurrency 2

beat: install
	$(BIN)/celery -A rectify beat -l info

# Benchmarks on PostgreSQL: a dedicated database (created when missing) unless DATABASE_URL names
# one; BENCH_ARGS passes options (--reseed, --only a,b,c,d,e, --runs N; see `rectify bench --help`).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rectify_bench
bench: install
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(BIN)/rectify bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) data/*.sqlite3
