# The README's two commands are `make run` and `make test`.
PYTHON_VERSION := $(shell cat .python-version)
PY := .venv/bin/python
PIP := .venv/bin/pip
STAMP := .venv/.installed
# Checks and builds need no production secrets: they use the test settings.
CHECK := DJANGO_SETTINGS_MODULE=satisfaction.settings_test $(PY) manage.py

.PHONY: run test lint format worker beat bench install assets translations clean-data

# Python 3.12 from pyenv where it is there, else python3.12 on the PATH.
.venv/bin/python:
	@py=$$(pyenv prefix $(PYTHON_VERSION) 2>/dev/null || true); \
	if [ -n "$$py" ] && [ -x "$$py/bin/python3" ]; then py="$$py/bin/python3"; \
	else py=$$(command -v python$(PYTHON_VERSION)); fi; \
	if [ -z "$$py" ]; then echo "Python $(PYTHON_VERSION) not found: install it (pyenv install $(PYTHON_VERSION))"; exit 1; fi; \
	echo "Creating .venv with $$py"; "$$py" -m venv .venv

$(STAMP): .venv/bin/python requirements.txt
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(STAMP) assets translations

assets: node_modules/.package-lock.json

translations: $(STAMP)
	$(CHECK) compile_translations

run: install
	$(PY) -m satisfaction.run

test: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(CHECK) makemigrations --check --dry-run
	.venv/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: $(STAMP)
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

worker: install
	.venv/bin/celery -A satisfaction worker --loglevel=info

beat: install
	.venv/bin/celery -A satisfaction beat --loglevel=info

bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean-data:
	rm -rf .data
