# One command surface. `make serve` sets everything up and serves the bundled corpus offline;
# `make test` runs the test suite. Both work on a fresh machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PA     := $(BIN)/policy-assistant
STAMP  := $(VENV)/.installed
MODEL_DIR ?= data/models/multilingual-e5-small
export POLICY_ASSISTANT_TEST_MODEL_DIR ?= $(abspath $(MODEL_DIR))
# The lock files: every package at one version, with hashes (see "Dependencies" in the README).
# lock.txt is what `make install` installs (the app, the llm and dev extras); runtime.txt is the
# app alone at the same versions (the Docker image); bench.txt adds the bench extra.
LOCK   := requirements/lock.txt
# torch is locked as its CPU build (2.13.0+cpu): pip finds it in the machine's wheel folder or
# on PyTorch's CPU index, never PyPI's multi-GB CUDA build
TORCH_WHEELS ?= $(if $(wildcard /opt/wheels/torch-*),/opt/wheels,https://download.pytorch.org/whl/cpu/torch/)
PIP_TORCH := $(if $(wildcard /opt/wheels/torch-*),,--find-links $(TORCH_WHEELS))
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28 --find-links $(TORCH_WHEELS) \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

.PHONY: install model serve ingest browser ocr services test test-shared test-unit check bench eval train load growth screenshot lock clean

install: $(STAMP) model

# exactly the locked versions (pip refuses anything unpinned or with another hash); in an older
# venv, uv (locked too) then removes what the lock no longer holds; last the project itself
$(STAMP): pyproject.toml $(LOCK)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes $(PIP_TORCH) -r $(LOCK)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --find-links $(TORCH_WHEELS) $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# refresh the lock files after a change to pyproject.toml (kept pins stay); UPGRADE=1 moves every
# package to its newest allowed version. Commit the three files, then `make install`.
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet uv
	$(UV_COMPILE) --extra dev -o $(LOCK)
	$(UV_COMPILE) -c $(LOCK) -o requirements/runtime.txt
	$(UV_COMPILE) --extra dev --extra bench -c $(LOCK) -o requirements/bench.txt

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

test: install browser ocr services
	$(BIN)/python -m pytest

# PostgreSQL and Redis from Debian's packages for the shared-state tests (installed here as root)
services:
	@command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq postgresql redis-server; } || { echo "the shared-state tests need Debian's postgresql and redis-server: sudo apt-get install postgresql redis-server" >&2; exit 1; }

# the API test suite again, as on several machines: state in PostgreSQL, vectors in a Chroma
# server (both started by the tests), plus two API processes sharing them
test-shared: install services
	POLICY_ASSISTANT_TEST_SHARED=1 $(BIN)/python -m pytest tests/api -p no:cacheprovider

test-unit: $(STAMP)
	$(BIN)/python -m pytest -m unit

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/pip install --quiet --require-hashes $(PIP_TORCH) -r requirements/bench.txt
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/embedders.py
	$(BIN)/python bench/pdf_readers.py
	# /ask p50/p95/p99 over HTTP: uvicorn with 1 worker over a fresh e5 index in a tmp dir
	POLICY_ASSISTANT_EMBEDDING__MODEL_PATH=$(abspath $(MODEL_DIR)) $(BIN)/python -m bench.ask_latency

# every score of eval/FORMAT.md through the /ask code path: the frozen test part, leave one
# document out and the working part -> eval/results/{test,lodo,working}.{json,md}
eval: install
	$(PA) ingest
	$(BIN)/python -m bench.figures_eval
	$(BIN)/python bench/retrieval.py
	$(PA) eval --split eval/split.json --part test --name test
	$(PA) eval --split eval/split.json --lodo --name lodo
	$(PA) eval --split eval/split.json --part working --name working
	$(PA) eval eval/pairs/pairs-s12.jsonl --name pairs-s12

# refit the passage ranker and the answerability model on the working part of eval/split.json
train: install
	$(PA) ingest
	$(PA) train --split eval/split.json

# ingest time, index size, memory and search / ask latency at x1, x10 (e5) and x100 (fake
# embedder) of the corpus; writes bench/results/growth.{json,md}
growth: install
	$(BIN)/python -m bench.growth

# 50 clients for 60 s per phase against 2 workers over a `chroma run` server (steady, during a
# re-ingest, kill -9 of a worker); writes bench/results/load_test.{json,md,png}
load: install
	$(BIN)/python -m bench.load_test

# the README's screenshots (docs/chat-page.png, docs/chat-page-phone.png) from the chat page, served
# here over the index in data/ with an empty conversations state, in Debian's chromium
screenshot: install browser
	$(PA) ingest
	$(BIN)/python docs/screenshot.py

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
