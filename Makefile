# The two commands of the README: `make run` (platform with demo data on SQLite) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: run test setup static lint messages bench bench-load clean

$(BIN)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(BIN)/.installed node_modules/.installed

static: setup
	$(BIN)/python manage.py collectstatic --noinput -v0

# The task worker (background jobs: large exports…) runs beside gunicorn and is stopped when gunicorn stops.
run: setup static
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py demo --if-empty
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn dangjian.wsgi -c gunicorn.conf.py --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile -

test: setup
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

# Regenerate the zh_Hans catalogues (one per app, plus dangjian/locale for project templates) and compile
# them; the .mo files are committed so that a machine without GNU gettext still shows Chinese.
messages: setup
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --no-location -i "*/tests/*" -i node_modules -i .venv -i var -i bench
	$(BIN)/python manage.py compilemessages -v0 -i .venv -i node_modules

# Every page of the permission matrix and the chosen cases, at prefecture scale (fails over target).
bench: setup
	$(BIN)/python bench/run.py

# gunicorn as `make run` starts it, 8 concurrent sessions, each page 20 s (bench/load.py).
bench-load: setup
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) node_modules var
