# reportgen: `make demo` renders the bundled data to output/; `make test` runs every check.
# Both set everything up first (system packages, .venv, install) via scripts/setup.sh.

VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint typecheck unit goldens clean

setup:
	@scripts/setup.sh

demo: setup
	$(BIN)/reportgen build --data data --out output

lint: setup
	$(BIN)/ruff check reportgen tests
	$(BIN)/ruff format --check reportgen tests

typecheck: setup
	$(BIN)/mypy

test: setup lint typecheck
	$(BIN)/pytest

clean:
	rm -rf output .pytest_cache .mypy_cache .ruff_cache
