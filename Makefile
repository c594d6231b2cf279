# Task runner. `make run` and `make test` work on a fresh machine: they create the
# virtual environment and install everything first.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# llama-cpp-python builds from source: skip the parts replyguard does not use.
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF -DGGML_NATIVE=OFF
export OTEL_SDK_DISABLED := true
export LITELLM_LOCAL_MODEL_COST_MAP := True

.PHONY: install run test test-fast lint format eval bench clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=26.1.2"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# The lemma tables and jieba's dictionary as mapped tries, built once from
	# simplemma's and jieba's data (~35 s), so the first replies do not wait for them.
	$(BIN)/python -m replyguard_checks.lemma_tables
	$(BIN)/python -m replyguard_checks.jieba_table
	touch $@

install: $(BIN)/.installed

## run: start the API on the embedded default (local SmolLM2 model, no key needed)
run: install
	$(BIN)/replyguard serve --host $(HOST) --port $(PORT)

## test: the whole test suite (installs first)
test: install
	.ci/system-deps
	$(BIN)/python -m pytest

## test-fast: everything but the tests marked slow (local model, killed servers, benchmarks)
test-fast: install
	$(BIN)/python -m pytest -m "not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## eval: the QA suite; PROVIDER=none checks the templates, BASELINE=file gates
PROVIDER ?= none
eval: install
	REPLYGUARD_LLM_PROVIDER=$(PROVIDER) $(BIN)/replyguard eval --report reports/eval.json --html reports/eval.html $(if $(BASELINE),--baseline $(BASELINE))

bench: install
	$(BIN)/replyguard bench

clean:
	rm -rf $(VENV) reports .pytest_cache .mypy_cache .ruff_cache
