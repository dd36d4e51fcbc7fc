# Everyday commands. Each one creates .venv and installs the requirements first if needed.
#   make run    the site with the seed register on http://127.0.0.1:8000, an admin login and
#               the background worker that runs bulk imports
#   make test   the whole suite: SQLite, or PostgreSQL when DATABASE_URL is set
#   make lint   ruff check and ruff format --check        make format   fix what ruff can
#   make check  migrations are up to date and Django's system checks pass
#   make fuzz   10,000 fuzzed query strings per public address (deployments/tests/test_fuzz.py;
#               make test runs a few of each): never a 5xx, never a result wider than asked
#   make bench  the register at scale: N=100000 (default) on SQLite and PostgreSQL; N=1000000 on
#               PostgreSQL. Prints latency, throughput and memory next to the database's floor,
#               and on SQLite the uncached search page next to Datasette's (requirements-bench.txt).

PYTHON ?= python3
ADDRESS ?= 127.0.0.1:8000
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: pip runs again only when a requirements file is newer.
INSTALLED := $(VENV)/.installed
# The same for the benchmark's own tools, which the other targets never need.
BENCH_INSTALLED := $(VENV)/.installed-bench

.PHONY: run test lint format check venv bench fuzz

run: $(INSTALLED)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_seed_register
	$(BIN)/python manage.py ensure_admin --url http://$(ADDRESS)/admin/
	# The background worker (bulk imports) beside the site, stopped with it.
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(ADDRESS)

# DJANGO_DEBUG=1 only for importing the settings: a production environment left in the shell
# would otherwise demand a secret key and redirect every test request to https. Django itself
# still runs the tests with DEBUG=False. Pass pytest options with ARGS, e.g. ARGS="-k admin".
test: $(INSTALLED)
	DJANGO_DEBUG=1 $(BIN)/pytest $(ARGS)

# FUZZ_EXAMPLES examples per address; each address prints its summary line as it finishes.
fuzz: $(INSTALLED)
	FUZZ_EXAMPLES=$(or $(N),10000) DJANGO_DEBUG=1 $(BIN)/pytest deployments/tests/test_fuzz.py $(ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(INSTALLED)
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

# N records (default 100,000); DB=sqlite, postgres or both (the default below 1,000,000).
bench: $(BENCH_INSTALLED)
	$(BIN)/python bench/run.py --n $(or $(N),100000) $(if $(DB),--db $(DB))

venv: $(INSTALLED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(BENCH_INSTALLED): requirements-bench.txt $(INSTALLED)
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-bench.txt
	touch $@
