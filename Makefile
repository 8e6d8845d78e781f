# Gaung: `make demo` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
EXTRAS ?= ml,dev,airflow
comma := ,
STAMP := $(VENV)/.setup-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-12)-$(subst $(comma),_,$(EXTRAS))


.PHONY: setup system demo test test-fast lint bench airflow cluster cluster-stop cluster-status test-cluster clean

setup: system $(STAMP)

# Debian packages some tests and features need: docker-compose (the compose file test), chromium and
# poppler-utils (PDF reports), an emoji font for them, postgresql and redis-server (`make cluster`; never
# started as system services: the cluster runs its own servers under $GAUNG_HOME/cluster). Installed when missing and we are root or have sudo; skipped otherwise.
APT_PACKAGES := docker-compose chromium poppler-utils fonts-noto-color-emoji postgresql redis-server
system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "system: no apt-get here; install$$missing yourself (the tests that need them skip)"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else \
		echo "system: not root and no sudo; install$$missing yourself (the tests that need them skip)"; exit 0; fi; \
	echo "system: installing$$missing"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
		|| echo "system: could not install$$missing (the tests that need them skip)"

# torch goes in first (the CPU build); then the project, held to constraints.txt.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check --upgrade pip
	$(PIP) install -q --disable-pip-version-check torch==2.13.0
	$(PIP) install -q --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS)]"
	@rm -f $(VENV)/.setup-* && touch $@

demo: setup
	HF_HUB_OFFLINE=1 $(VENV)/bin/gaung demo

# Every test. `make test-fast` leaves out those marked slow (@pytest.mark.slow: Airflow end to end, the notebooks,
# the lab simulation, the long property and load tests, DAG import timing, headless Chromium, timeouts waited out):
# 823 of 853 tests in 2 min 20 s on 2 cores, against 6 min 10 s for `make test`.
test: setup
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q

test-fast: setup
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q -m "not slow"

lint: setup
	$(VENV)/bin/ruff check .

# Airflow without Docker: the DAGs in dags/ and the demo tenants, on SQLite, at http://localhost:8080.
GAUNG_DIR := $(abspath $(or $(GAUNG_HOME),data))
AIRFLOW_DIR := $(GAUNG_DIR)/airflow
GAUNG_POOL_SLOTS ?= 4
airflow: setup
	@mkdir -p $(AIRFLOW_DIR)
	export PATH=$(CURDIR)/$(VENV)/bin:$$PATH GAUNG_HOME=$(GAUNG_DIR) AIRFLOW_HOME=$(AIRFLOW_DIR) AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags \
		AIRFLOW__CORE__LOAD_EXAMPLES=False AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=False HF_HUB_OFFLINE=1; \
	test -f $(GAUNG_DIR)/tenants.toml || $(VENV)/bin/gaung demo --exports-only >/dev/null; \
	$(VENV)/bin/airflow db migrate >/dev/null && \
	$(VENV)/bin/airflow pools set gaung_duckdb $(GAUNG_POOL_SLOTS) "Tasks writing a tenant DuckDB file" >/dev/null && \
	exec $(VENV)/bin/airflow standalone

# A real Airflow deployment without Docker (docker-compose.yml's celery profile): PostgreSQL, Redis, API server,
# scheduler, DAG processor, triggerer and CELERY_WORKERS Celery workers, logs and PID files under
# $(GAUNG_HOME)/cluster. `make cluster-stop` stops exactly those processes. See docs/scaling.md.
CELERY_WORKERS ?= 2
cluster: setup
	@test -f $(GAUNG_DIR)/tenants.toml || GAUNG_HOME=$(GAUNG_DIR) HF_HUB_OFFLINE=1 $(VENV)/bin/gaung demo --exports-only >/dev/null
	GAUNG_HOME=$(GAUNG_DIR) CELERY_WORKERS=$(CELERY_WORKERS) GAUNG_POOL_SLOTS=$(GAUNG_POOL_SLOTS) $(PY) -m ops.cluster start

cluster-stop:
	GAUNG_HOME=$(GAUNG_DIR) $(PY) -m ops.cluster stop

cluster-status:
	GAUNG_HOME=$(GAUNG_DIR) $(PY) -m ops.cluster status

# 60 demo tenants through the cluster (ingest, scores and themes, weekly reports), a worker and the scheduler
# killed mid-run, compared with a LocalExecutor run on the same data. Stops everything it started.
test-cluster: setup
	GAUNG_TEST_CLUSTER=1 HF_HUB_OFFLINE=1 $(PY) -m pytest -q -p no:cacheprovider tests/cluster

bench:
	$(MAKE) setup EXTRAS=ml,dev,bench
	$(PY) bench/ingest_whatsapp.py
	$(PY) bench/ingest_reviews.py
	$(PY) bench/ingest_incremental.py
	$(PY) bench/score.py
	$(PY) bench/intent_quality.py
	$(PY) bench/sentiment_quality.py
	$(PY) bench/themes_quality.py
	$(PY) bench/report.py
	$(PY) bench/lab_pls.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
