# The README's commands. Each target sets up .venv itself, so a fresh clone needs only Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pywb (replay) in a venv of its own: its brotlipy would shadow the brotli Scrapy decodes with.
PYWB := $(VENV)/pywb

.PHONY: install demo test lint typecheck pytest crawl serve bench snapshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

$(PYWB)/bin/wayback:
	$(PYTHON) -m venv $(PYWB)
	$(PYWB)/bin/python -m pip install --quiet --upgrade pip
	$(PYWB)/bin/python -m pip install --quiet "pywb>=2.10,<2.11"

install: $(STAMP) $(PYWB)/bin/wayback

demo: $(STAMP)
	$(BIN)/procarchive demo

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(PYWB)/bin/wayback
	$(BIN)/python -m pytest

crawl: $(STAMP)
	$(BIN)/procarchive crawl

serve: $(STAMP)
	$(BIN)/procarchive serve

bench: $(STAMP)
	$(BIN)/python -m benchmarks.crawl_throughput
	$(BIN)/python -m benchmarks.concurrency
	$(BIN)/python -m benchmarks.nightly
	$(BIN)/python -m benchmarks.spse_crawl
	$(BIN)/python -m benchmarks.hostile_documents
	$(BIN)/python -m benchmarks.datasette_scale
	$(BIN)/python -m benchmarks.mou_quality
	$(BIN)/python -m benchmarks.publication_dates
	$(BIN)/python -m benchmarks.mirror_quality

snapshots: $(STAMP)
	PROCARCHIVE_UPDATE_SNAPSHOTS=1 $(BIN)/python -m pytest tests/extract -q

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
