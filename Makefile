# Shopdesk: `make run` starts the app on the demo shop, `make test` runs every test.
# Both create .venv and install pinned dependencies first (requirements.lock pins everything).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help venv run test lint bench dist icons clean check-fixtures

help:            ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)   ## create .venv and install Shopdesk with its pinned dependencies

run: $(STAMP)    ## start Shopdesk on the built-in demo shop
	$(BIN)/shopdesk --demo

# Tests run two workers per core (pytest-xdist; TEST_WORKERS=0 runs them in this one process):
# most slow tests wait on subprocesses, servers and timeouts, so a core idles at one worker
# (on 2 cores: 652 s at 2 workers, 505 s at 4). The app and tests are byte-compiled first, as
# an install is: the tests start hundreds of `shopdesk` processes, and where
# PYTHONDONTWRITEBYTECODE is set each of them would otherwise compile the app from source.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(2 * (os.cpu_count() or 1))')
test: $(STAMP)   ## run every test (unit, sandbox, integration), two workers per core
	$(BIN)/python -m compileall -q -j 0 app tests > /dev/null
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

lint: $(STAMP)   ## ruff (lint and format check) and mypy strict on the core
	$(BIN)/ruff check app tests
	$(BIN)/ruff format --check app tests
	$(BIN)/mypy

bench: $(STAMP)  ## run the benchmarks and print their figures
	$(BIN)/python -m tests.benchmarks

dist: $(STAMP)   ## build the one-folder app in dist/shopdesk, then check it starts (self-test)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/shopdesk.spec
	$(BIN)/python packaging/check_bundle.py dist/shopdesk

icons: $(STAMP)  ## re-render the platform icons from resources/icons/shopdesk.svg
	$(BIN)/python packaging/make_icons.py

DOCS ?= ../shared/tiktok-shop-api
check-fixtures:  ## compare tests/fixtures/tiktok-docs with the team's API reference folder ($(DOCS))
	@if [ -d "$(DOCS)" ]; then \
		diff -r "$(DOCS)/spec-json" tests/fixtures/tiktok-docs/spec-json && \
		diff -r "$(DOCS)/guides/webhooks" tests/fixtures/tiktok-docs/guides/webhooks && \
		echo "tests/fixtures/tiktok-docs equals $(DOCS)"; \
	else echo "no $(DOCS) here: nothing to compare"; fi

clean:           ## remove build output (keeps .venv)
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
