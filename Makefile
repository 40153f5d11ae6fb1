# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: run test lint bench check clean

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	SRO_DEMO=$${SRO_DEMO:-1} $(VENV)/bin/sro-bot serve

test: $(VENV)/.installed-dev
	$(VENV)/bin/pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check bot faq webhooks tests benchmarks
	$(VENV)/bin/mypy

check: $(VENV)/.installed
	$(VENV)/bin/sro-bot faq check

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_http.py
	$(PY) benchmarks/bench_import.py
	$(PY) benchmarks/bench_surge.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
