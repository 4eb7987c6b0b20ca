# callqa — `make demo` sets up and runs the demo; `make test` runs the tests (what CI runs).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
STAMP := $(VENV)/.callqa-installed
export PYANNOTE_METRICS_ENABLED := 0
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup demo test test-fast lint bench clean-demo

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/torch-cpu.txt requirements/constraints.txt requirements/pyannote.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -r requirements/torch-cpu.txt
	$(PIP) install -c requirements/constraints.txt -r requirements/pyannote.txt
	$(PY) scripts/strip_torchaudio_ext.py
	$(PIP) install -c requirements/constraints.txt -e '.[dev]'
	$(PY) -m callqa.cli models --prepare
	$(PIP) check
	touch $(STAMP)

demo: $(STAMP)
	rm -rf results/demo
	$(VENV)/bin/callqa score data/demo/manifest.csv --out results/demo
	$(VENV)/bin/callqa report --out results/demo
	$(VENV)/bin/callqa report --out results/demo --by-agent
	$(VENV)/bin/callqa report results/demo --html results/demo/report

test: $(STAMP)
	$(PY) -m pytest -q -ra --timeout=1800

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not integration"

lint: $(STAMP)
	$(VENV)/bin/ruff check callqa tests benchmarks scripts
	$(VENV)/bin/ruff format --check callqa tests benchmarks scripts
	$(VENV)/bin/mypy callqa

bench: $(STAMP)
	$(PY) benchmarks/bench_pipeline.py
