# Praxis: `make run` sets up everything and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in emails, digests and the demo's messages point where `make run` serves.
SITE_URL ?= http://127.0.0.1:$(PORT)
STAMP := $(VENV)/.installed
DEV_ENV := DEBUG=true SITE_URL=$(SITE_URL)

.PHONY: run install migrate demo test lint messages clean bench worker bench-peer bench-million bench-import bench-engagement

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

# Loads the demo community once; `make demo` again rebuilds it from scratch.
# The background worker runs beside the server, as in production, and stops with it.
run: migrate
	@$(DEV_ENV) $(BIN)/python manage.py seed_demo --if-empty
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM HUP; \
	$(DEV_ENV) $(BIN)/python manage.py worker & worker=$$!; \
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Sends emails and digests in the background, on its own (`make run` starts one).
worker: migrate
	$(DEV_ENV) $(BIN)/python manage.py worker

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --reset

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check praxis bench tests conftest.py
	$(BIN)/mypy praxis bench
	$(BIN)/lint-imports

messages: install
	cd praxis && DEBUG=true ../$(BIN)/django-admin makemessages -l fa --no-obsolete --settings=praxis.settings --pythonpath=..
	cd praxis && DEBUG=true ../$(BIN)/django-admin compilemessages -l fa --settings=praxis.settings --pythonpath=..

bench: install
	$(BIN)/python -m bench

# Every query parameter and form of the hostile-input tests with many more examples than
# `make test` (new ones each run); add DATABASE_URL=postgres://… to run it on PostgreSQL.
FUZZ_EXAMPLES ?= 1000
.PHONY: fuzz
fuzz: install
	PRAXIS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider \
		praxis/site/tests/test_hostile_input.py

# The main pages on a generated community of 10k, 100k and 1M posts against the 100 ms
# budget (minutes, so not in `make bench`). PostgreSQL: DATABASE_URL=postgres://…/praxis_bench
# (dropped and created again). Options: BENCH_ARGS='--posts 10000,100000 --seed 7'.
bench-million: install
	$(BIN)/python -m bench million $(BENCH_ARGS)

# The engagement report (table, weekly activity, topics, reply network) over four windows
# on a generated community of 1M posts against the 2 s budget (minutes; `make bench` runs
# 10k). PostgreSQL: DATABASE_URL=postgres://…/praxis_bench. Options: ENGAGEMENT_ARGS='--posts
# 100000,1000000 --rounds 5'.
ENGAGEMENT_ARGS ?= --posts 1000000
bench-engagement: install
	$(BIN)/python -m bench engagement $(ENGAGEMENT_ARGS)

# A Moodle backup imported at 1x, 10x and 100x its size: posts per second and peak memory
# (minutes, so `make bench` runs 1x and 10x only).
bench-import: install
	$(BIN)/python -m bench moodle_import --scales 1,10,100

# The thread page beside a peer forum (Spirit, installed into .bench-peer/venv, never a
# dependency of Praxis), both served by gunicorn: pages/s and first-load bytes as ratios.
bench-peer: install
	$(BIN)/python -m bench peer

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
