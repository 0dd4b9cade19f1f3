# Two commands do all the set-up: `make book` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export MTB_PROGRESS ?= off

.PHONY: book test lint pytest bench check reference browser-test clean

$(STAMP): requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The book: every chapter executed at `paper` scale; warnings and cell errors fail the build.
book: $(STAMP)
	$(BIN)/jupyter-book build . --all --warningiserror --keep-going
	@echo "The book is at _build/html/index.html"

test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff check lib tests

# Library tests, then every chapter executed headless at `quick` scale (tests/test_notebooks.py).
pytest: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m mtb.bench --json data/bench.json

clean:
	rm -rf _build data/results

# Re-run every chapter at `paper` scale and compare each claim with data/reference/.
check: $(STAMP)
	$(BIN)/python -m mtb.check --scale $(or $(SCALE),paper)

# A deliberate act: the results of the last `make check` become the reference (see git diff).
reference: $(STAMP)
	$(BIN)/python -m mtb.check --update-reference

# Open every page of the built book in headless Chromium (installed from Debian when missing).
browser-test: $(STAMP)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@test -f _build/html/index.html || (echo "build the book first: make book" && exit 1)
	$(BIN)/pytest -q tests/browser
