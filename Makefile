# Gendan: the commands a developer needs. `make help` lists them.
#
#   make run    install, migrate, collect static files, seed the demo data, then run
#               web + Celery worker + Celery beat in the foreground (Ctrl-C stops all three)
#   make test   install, then the whole test suite (SQLite unless DATABASE_URL is set)
#
# Configuration is by environment variables only (see README.md); with none set,
# Gendan runs on a SQLite file and a filesystem Celery broker under var/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter that creates .venv: Python 3.11 if it is on PATH, else python3.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Touched after a successful install: reinstall only when requirements-dev.lock changes.
INSTALLED := $(VENV)/.installed

# Web port of `make run` (honcho hands it to the web process as PORT).
PORT ?= 8000
PYTEST_ARGS ?=

export PYTHONUNBUFFERED := 1

.PHONY: help install run test lint format lock messages bench ci clean distclean system system-packages-list

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)

# Two locks from pyproject.toml, both with hashes: requirements.lock holds what Gendan
# runs with (the Docker image installs it, nothing else), requirements-dev.lock adds the
# test and lint tools at the same versions (what a developer and CI install).
$(INSTALLED): requirements-dev.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

install: $(INSTALLED)  ## create .venv and install requirements-dev.lock (only when it changed)

# What the printed documents need from Debian (WeasyPrint: Pango and HarfBuzz; a CJK font),
# and what their tests use (pdftotext, pdftoppm).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils

system-packages-list:
	@echo $(SYSTEM_PACKAGES)

system:  ## apt-get install the Debian packages of the PDF documents that are missing (as root)
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null \
		| grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	else echo "system packages: all installed"; fi

# `make run` is a local demo: DEBUG off (as in production) but plain HTTP on 127.0.0.1, so
# no HTTPS redirect and no Secure-only cookies. Both can still be overridden from the environment.
run: export DEBUG ?= false
run: export GENDAN_HTTPS ?= false
run: export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
run: $(INSTALLED)  ## migrate, seed the demo, run web + worker + beat on http://127.0.0.1:8000 (PORT=…)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo
	@echo "Gendan: http://127.0.0.1:$(PORT)/  (demo users in README.md; Ctrl-C stops)"
	honcho start --procfile Procfile --env /dev/null --port $(PORT)

# Two passes: every test but the fault tests in $(TEST_PROCESSES) processes (pytest-xdist,
# each with its own test database), then the fault tests alone, since they time outages and
# redeliveries with processes of their own. Exit status 5 is pytest's "nothing selected"
# (a PYTEST_ARGS that picks tests of one pass only).
TEST_PROCESSES ?= 2
test: $(INSTALLED)  ## run the whole test suite (PYTEST_ARGS="-x -k name" to narrow it)
	$(PY) -m pytest -n $(TEST_PROCESSES) -m "not faults" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PY) -m pytest -m faults $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(INSTALLED)  ## ruff check, ruff format --check, migrations up to date, import layers
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

format: $(INSTALLED)  ## apply ruff's fixes and formatting
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# uv is not in the lock (it only writes it), so it is installed here and nowhere else.
lock: | $(PY)  ## regenerate requirements.lock (runtime) and requirements-dev.lock from pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 --no-header -o requirements-dev.lock
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --constraint requirements-dev.lock \
		--python-version 3.11 --no-header -o requirements.lock

# Needs GNU gettext (apt-get install gettext). The compiled .mo is committed beside the
# .po, so running Gendan needs neither gettext nor this step.
messages: $(INSTALLED)  ## update locale/en/…/django.po from the source strings and compile it
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

# The benchmark suite (bench/README.md): against the PostgreSQL database of DATABASE_URL,
# which it creates if missing; BENCH_ARGS="--generate 1000000" first fills it (wiping
# its orders). The gunicorn figure needs wrk (apt-get install wrk).
bench: $(INSTALLED)  ## benchmark figures against DATABASE_URL (BENCH_ARGS="--generate 1000000")
	@test -n "$$DATABASE_URL" || { echo "make bench: set DATABASE_URL (PostgreSQL)"; exit 2; }
	$(PY) -m bench $(BENCH_ARGS)

ci:  ## what CI runs: lint, tests on PostgreSQL + Redis, smoke test of `make run`
	bash .ci/run

clean:  ## remove caches and collected static files (keeps .venv and the demo database)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .import_linter_cache var/staticfiles

distclean: clean  ## also remove .venv and var/ (the SQLite database, broker files, secret key)
	rm -rf $(VENV) var
