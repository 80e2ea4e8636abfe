VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean install docs-examples

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip >/dev/null 2>&1 || true
	$(PY) -m pip install -q -e '.[dev,spark]'
	@# the Spark engine's tests need Java 17+: Debian's JRE when it is missing and we may install it
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		apt-get update -q >/dev/null && apt-get install -y -q openjdk-17-jre-headless >/dev/null; } || \
		echo "note: no Java 17+ (apt-get install openjdk-17-jre-headless): the Spark engine tests will be skipped"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/agile-social demo

test: $(STAMP)
	$(PY) -m pytest -n auto

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy src

# Regenerate the command examples in docs/ from the demo project (tests/test_docs_examples.py checks them).
docs-examples: $(STAMP)
	$(PY) tests/docs_examples.py

bench: $(STAMP)
	$(PY) benchmarks/validate.py
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/analyze.py

clean:
	rm -rf $(VENV) .agile-social build *.egg-info
