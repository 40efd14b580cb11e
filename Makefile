# Two entry points a newcomer needs: `make demo` and `make test`. Both build .venv on their own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo demo-transcripts run test lint bench bench-record snapshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m bot episode caddy

# The bundled example show, in a store of its own: an answer from what was said, with its moment.
demo-transcripts: $(STAMP)
	$(BIN)/python -m bot --feed example episode bindgen
	$(BIN)/python -m bot --feed example search "whoever allocates frees" --transcript

run: $(STAMP)
	$(BIN)/python -m bot run

test: $(STAMP)
	$(BIN)/python -m pytest -q

# ruff (lint and format) over everything, mypy over bot/ and cogs/ (configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Measurements, printed as a table; bench-record also rewrites benchmarks/RESULTS.md.
bench: $(STAMP)
	@echo "make bench: about 10 minutes the first time (it builds 10k and 100k stores, ~800 MB in benchmarks/.cache), 5 after."
	$(BIN)/python -m benchmarks

bench-record: $(STAMP)
	@echo "make bench-record: as make bench, then writes benchmarks/RESULTS.md."
	$(BIN)/python -m benchmarks --record

snapshot: $(STAMP)
	@test -f ../shared/data/episodes.json -a -f ../shared/data/blog_posts.json || { echo "make snapshot needs ../shared/data/episodes.json and blog_posts.json (the shared facts, checked out beside this repository)"; exit 1; }
	$(BIN)/python scripts/build_snapshot.py ../shared/data/episodes.json bot/data/meta-tech-podcast.rss
	$(BIN)/python scripts/build_blog_snapshot.py ../shared/data/blog_posts.json ../shared/data/episodes.json bot/data/engineering-at-meta.rss

clean:
	rm -rf $(VENV) data .pytest_cache .hypothesis .ruff_cache .mypy_cache
