# Pactwatch: every command a newcomer, an operator or CI needs. `make help` lists them.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := schemas runtime services/crawler services/classifier services/notifier deploy/devtools
PYPROJECTS := $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
DEV_TOOLS := pytest pytest-asyncio pytest-timeout ruff mypy "setuptools>=70.1" types-PyYAML "jsonschema[format]>=4.22" "check-jsonschema==0.37.1" "kubernetes-validate>=1.30,<2" "schemathesis>=4.30,<5" "playwright>=1.45,<2" "grafana-foundation-sdk==1769699590!11.3.0" "import-linter>=2.16,<3"  # 0.38+ needs click>=8.5, faust-streaming pins click<8.4; schemathesis 4.x takes click<9; playwright drives the system Chromium, downloads no browser; the Grafana SDK (the dashboards' generator only) is the build for Grafana 11.3, the version compose runs; import-linter checks the import contracts in pyproject.toml; setuptools 70.1+ builds the classifier's compiled wheel with no `wheel` package
PYTEST_ARGS ?=

help: ## List the commands
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-18s %s\n", $$1, $$2}'

install: $(VENV)/.installed deploy/kafka/lib/.fetched ## Create .venv with every service (editable) and dev tools, fetch the Kafka jars

$(VENV)/.installed: $(PYPROJECTS) Makefile
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)"; exit 1; }
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(foreach p,$(PACKAGES),-e $(p)) $(DEV_TOOLS)
	touch $@

deploy/kafka/lib/.fetched: deploy/kafka/pom.xml
	bash deploy/kafka/kafka.sh fetch
	touch $@

run: install ## Run the whole system with a demo: alerts print here within a minute (Ctrl-C stops all)
	$(BIN)/python deploy/demo/run.py

system-deps: ## Install the Debian packages the tests run for real (PostgreSQL, Chromium, Prometheus) if missing
	bash deploy/testenv/system-packages.sh

dashboards: install ## Regenerate the Grafana dashboards (deploy/grafana/dashboards/*.json) from deploy/grafana/{panels,boards}.py
	$(BIN)/python deploy/grafana/generate.py

k8s-render: install ## Print the Kubernetes manifests of an overlay: make k8s-render OVERLAY=prod (dev by default)
	"$$(bash deploy/testenv/kustomize.sh)" build deploy/k8s/overlays/$(or $(OVERLAY),dev)

test: install system-deps ## Run the whole test suite (starts and stops its own Kafka broker)
	$(BIN)/pytest $(PYTEST_ARGS)

test-unit: install ## Run only the unit tests (no broker, no processes)
	$(BIN)/pytest -m unit $(PYTEST_ARGS)

lint: install ## Lint, format check, type check and the import contracts (no service imports another, no cycle)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy schemas/src runtime/src services/crawler/src services/classifier/src services/notifier/src deploy/devtools/src deploy/grafana
	$(BIN)/lint-imports --no-logo --no-cache

fmt: install ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

eval: install ## Classifier quality on the repository corpus and the seeds (fails below the bar), and on REAL if given
	$(BIN)/python -m pactwatch_classifier.evaluation --check $(if $(REAL),--real $(REAL))

eval-real: install ## Classifier quality on the real development set: make eval-real REAL=../real/texts.jsonl (texts stay outside the repo)
	$(BIN)/python -m pactwatch_classifier.evaluation --real $(or $(REAL),../real/texts.jsonl) --errors

bench: install ## The whole pipeline: articles/s vs the bare-Kafka ceiling, latency, CPU and RSS per service; appends bench/RESULTS.md
	$(BIN)/python bench/bench_pipeline.py

bench-classifier: install build/mypyc/.built ## Classifier speed: classify() per core, compiled (as the image runs it) and from source, and the service over Kafka vs bare aiokafka
	PYTHONPATH=build/mypyc $(BIN)/python bench/bench_classify.py
	PYTHONPATH=build/mypyc $(BIN)/python bench/bench_classify.py --labels compiled,source --before services/classifier/src/pactwatch_classifier/detect
	PYTHONPATH=build/mypyc $(BIN)/python bench/bench_classifier_service.py

# The classifier as the image builds it (mypyc, services/classifier/setup.py), for the bench.
build/mypyc/.built: services/classifier/setup.py $(wildcard services/classifier/src/pactwatch_classifier/detect/*.py)
	rm -rf build/mypyc
	BUILD_WITH_MYPYC=1 $(BIN)/pip install --quiet --no-deps --no-build-isolation --target build/mypyc services/classifier
	touch $@

bench-notifier: install ## Notifier speed: deliveries/s and p50/p99 latency vs a bare aiohttp POST loop (STORE=postgresql for the ledger on PostgreSQL)
	$(BIN)/python bench/bench_notifier.py --store $(or $(STORE),sqlite)

bench-ledger: install ## The delivery ledger alone: CPU and wall per batch on PostgreSQL and SQLite vs a bare SELECT 1
	$(BIN)/python bench/bench_ledger.py

bench-crawler: install ## Crawler speed: polls/s and CPU s per poll over 2,000 local feeds (90% 304) vs a bare httpx loop
	$(BIN)/python bench/bench_crawler.py

bench-extract: install ## Main-text extraction and SimHash speed in one process, vs a bare lxml text dump
	$(BIN)/python bench/bench_extract.py

bench-filters: install ## Subscription filters: matches/s and ms to match one event against 10,000 subscriptions
	$(BIN)/python bench/bench_filters.py

kafka-start: install ## Start the dev Kafka broker on 127.0.0.1:9092 (data in .data/kafka)
	bash deploy/kafka/kafka.sh start

kafka-stop: ## Stop the dev Kafka broker
	bash deploy/kafka/kafka.sh stop

clean: ## Remove the virtualenv, Kafka jars and local data
	rm -rf $(VENV) deploy/kafka/lib .data .demo

.PHONY: help install system-deps dashboards k8s-render run test test-unit lint fmt eval eval-real bench bench-classifier bench-notifier bench-ledger bench-crawler bench-extract bench-filters kafka-start kafka-stop clean
