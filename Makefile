# ediplomacy: `make run` serves the app with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point where `make run` serves, unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)
# `make run` is the embedded set-up: debug on, SQLite unless DATABASE_URL says otherwise.
RUN_ENV := DEBUG=1 SITE_URL='$(SITE_URL)'

.PHONY: help install run test test-faults lint format check-migrations demo worker beat clean messages

help:
	@echo "make run    serve the app on http://$(HOST):$(PORT) with demo data (SQLite)"
	@echo "make test   run the whole test suite"
	@echo "make test-faults   the fault tests (PostgreSQL and Redis needed)"
	@echo "make lint   ruff (check and format)"
	@echo "make messages   gather and compile the interface's translations (gettext needed)"
	@echo "make bench  the benchmark suite (SCALE=small for a quick run)"
	@echo "make bench-tiny   the generator and one pass of the bench in seconds (CI runs it)"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_curriculum
	$(RUN_ENV) $(BIN)/python manage.py load_scenarios
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py seed_sandbox_demo

# The web server, a Celery worker and Celery beat (ediplomacy/embedded.py), on
# an embedded broker under var/ unless REDIS_URL is set; Ctrl-C stops all three.
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a worker and beat (Ctrl-C stops all three). E-mails print here."
	$(RUN_ENV) exec $(BIN)/python -m ediplomacy.embedded $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: install
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

test: install
	$(BIN)/ruff check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Faults: a Celery worker killed mid-batch, PostgreSQL restarted under load,
# a minute of mixed traffic. Slow, so apart from `make test`; CI runs both.
test-faults: install
	$(BIN)/pytest --faults $(PYTEST_ARGS)

# The interface's catalogues (docs/i18n.md): gather every marked string into
# locale/<lang>/LC_MESSAGES/django.po, then compile the .mo files that are
# committed beside them (tests/i18n checks they match). Needs gettext.
LOCALES := fr es ar ru zh_Hans
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages $(addprefix -l ,$(LOCALES)) -e html,txt,py \
		--no-obsolete --ignore='.venv/*' --ignore='tests/*' --ignore='bench/*' \
		--ignore='staticfiles/*' --ignore='var/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages $(addprefix -l ,$(LOCALES)) --ignore='.venv/*'

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A ediplomacy worker --loglevel=info

beat: install
	$(BIN)/celery -A ediplomacy beat --loglevel=info

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# `make bench` (100,000 learners) or `make bench SCALE=small`: the benchmark suite,
# on PostgreSQL and Redis, into bench/results.json (docs/performance.md).
SCALE ?= full
.PHONY: bench bench-tiny
bench: install
	bash bench/run.sh $(SCALE)

# CI's pass: the generator and one pass of every measurement on 120 learners, in
# seconds, on a database of its own (ediplomacy_bench_tiny, Redis 4). Generated
# afresh each time, so a broken generator cannot hide behind old data.
bench-tiny: install
	BENCH_ARGS="--regenerate $(BENCH_ARGS)" bash bench/run.sh tiny
