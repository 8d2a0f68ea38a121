# reportgen: `make demo` renders the bundled data to output/; `make test` runs every check.
# Both set everything up first (system packages, .venv, install) via scripts/setup.sh.

VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup setup-test demo test lint typecheck readme-images messages clean bench bench-quick bench-preview

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

demo: setup
	$(BIN)/reportgen build --data data --out output

lint: setup
	$(BIN)/ruff check reportgen tests benchmarks
	$(BIN)/ruff format --check reportgen tests benchmarks

typecheck: setup
	$(BIN)/mypy

# Two processes (pytest-xdist), a test file per process: the batch tests' module fixtures run once.
# tests/browser drive Debian's Chromium (installed by setup-test) through Playwright.
test: setup-test lint typecheck
	$(BIN)/pytest -n auto --dist loadfile

# Benchmarks (benchmarks/run.py): results, a picture and a history line in benchmarks/results/.
# The full run (10, 100 and 1000 outcomes) takes over an hour on 2 cores (44 min with --sample 12 --repeat 2);
# say what changed with NOTE="...". Leave reportgen/ alone while it runs: the re-run measurement needs it unchanged.
# bench-quick (10 outcomes) is a smoke check: its results stay in the git-ignored benchmarks/.work/.
bench: setup
	$(BIN)/python benchmarks/run.py --note "$(NOTE)"

# The live preview's refresh time (benchmarks/preview.py: headless Chromium, against the PDF alone).
bench-preview: setup-test
	$(BIN)/python benchmarks/preview.py

bench-quick: setup
	$(BIN)/python benchmarks/run.py --quick --results benchmarks/.work/quick-results --note "$(NOTE)"

readme-images: demo
	pdftoppm -png -r 70 -f 1 -l 1 -singlefile output/briefs/mex-justice-2024.pdf docs/img/brief-mex-justice-page1
	pdftoppm -png -r 70 -f 2 -l 2 -singlefile output/briefs/col-economic-2024.pdf docs/img/brief-col-economic-page2
	pdftoppm -png -r 70 -f 3 -l 3 -singlefile output/donors/sweden-2024.pdf docs/img/donor-sweden-page3
	pdftoppm -png -r 70 -f 3 -l 3 -singlefile output/countries/mex-2024.pdf docs/img/country-mex-page3
	$(BIN)/reportgen build --data data --out output/meridian --theme meridian
	pdftoppm -png -r 50 -f 1 -l 1 -singlefile output/meridian/countries/mex-2024.pdf docs/img/theme-meridian-country-cover
	pdftoppm -png -r 50 -f 1 -l 1 -singlefile output/meridian/briefs/mex-justice-2024.pdf docs/img/theme-meridian-brief-page1
	pdftoppm -png -r 50 -f 1 -l 1 -singlefile output/countries/mex-2024.pdf docs/img/theme-default-country-cover

# Visual check (scripts/visual_check.py): a fixed set of pages rendered to PNG and compared with
# tests/visual/ref/; pages that differ are saved with a difference image in tests/visual/out/.
# After an intended change of how pages look, regenerate the references and commit them.
.PHONY: visual visual-refs
visual: setup
	$(BIN)/python scripts/visual_check.py

visual-refs: setup
	$(BIN)/python scripts/visual_check.py --update

# Re-extract translatable strings and merge them into every catalog (then translate the new entries).
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output --omit-header -o reportgen/locales/messages.pot reportgen templates
	for lang in es fr; do \
	  if [ -f reportgen/locales/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i reportgen/locales/messages.pot -d reportgen/locales -l $$lang --no-fuzzy-matching --omit-header; \
	  else \
	    $(BIN)/pybabel init -i reportgen/locales/messages.pot -d reportgen/locales -l $$lang; \
	  fi; \
	done

clean:
	rm -rf output .pytest_cache .mypy_cache .ruff_cache
