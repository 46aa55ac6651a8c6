# One command surface. `make serve` sets everything up and serves the bundled corpus offline;
# `make test` runs the test suite. Both work on a fresh machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PA     := $(BIN)/policy-assistant
STAMP  := $(VENV)/.installed
MODEL_DIR ?= data/models/multilingual-e5-small
export POLICY_ASSISTANT_TEST_MODEL_DIR ?= $(abspath $(MODEL_DIR))

.PHONY: install model serve ingest browser ocr test test-unit check bench eval load clean

install: $(STAMP) model

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of torch first, or pip pulls a multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

model: $(STAMP)
	$(PA) prepare

ingest: install
	$(PA) ingest

serve: install
	$(PA) ingest
	$(PA) serve

# the chat page's browser tests drive Debian's chromium (installed here when run as root)
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium; } || { echo "make test needs Debian's chromium for the browser tests: sudo apt-get install chromium (or set POLICY_ASSISTANT_E2E=0 to skip them)" >&2; exit 1; }

# the OCR tests read a scanned PDF with Debian's tesseract (installed here when run as root)
ocr:
	@command -v tesseract >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-nld; } || { echo "make test needs Debian's tesseract for the OCR tests: sudo apt-get install tesseract-ocr tesseract-ocr-nld (or set POLICY_ASSISTANT_OCR=0 to skip them)" >&2; exit 1; }

test: install browser ocr
	$(BIN)/python -m pytest

test-unit: $(STAMP)
	$(BIN)/python -m pytest -m unit

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/embedders.py
	$(BIN)/python bench/pdf_readers.py
	# /ask p50/p95/p99 over HTTP: uvicorn with 1 worker over a fresh e5 index in a tmp dir
	POLICY_ASSISTANT_EMBEDDING__MODEL_PATH=$(abspath $(MODEL_DIR)) $(BIN)/python -m bench.ask_latency

# every score of eval/FORMAT.md through the /ask code path -> eval/results/own+dev-004.{json,md}
eval: install
	$(PA) ingest
	$(BIN)/python -m bench.figures_eval
	$(BIN)/python bench/retrieval.py
	$(PA) eval eval/questions/*.jsonl eval/shared/dev-004.jsonl --name own+dev-004

# 50 clients for 60 s per phase against 2 workers over a `chroma run` server (steady, during a
# re-ingest, kill -9 of a worker); writes bench/results/load_test.{json,md,png}
load: install
	$(BIN)/python -m bench.load_test

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
