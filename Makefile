# Gaung: `make demo` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
EXTRAS ?= ml,dev
comma := ,
STAMP := $(VENV)/.setup-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-12)-$(subst $(comma),_,$(EXTRAS))


.PHONY: setup demo test lint bench clean

setup: $(STAMP)

# torch goes in first (the CPU build); then the project, held to constraints.txt.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check --upgrade pip
	$(PIP) install -q --disable-pip-version-check torch==2.13.0
	$(PIP) install -q --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS)]"
	@rm -f $(VENV)/.setup-* && touch $@

demo: setup
	HF_HUB_OFFLINE=1 $(VENV)/bin/gaung demo

test: setup
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .

bench:
	$(MAKE) setup EXTRAS=ml,dev,bench
	$(PY) bench/ingest_whatsapp.py
	$(PY) bench/ingest_reviews.py
	$(PY) bench/score.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
