# Two commands matter: `make demo` (install + sample data + indexes + recommendations)
# and `make test` (the whole suite; .ci/run calls exactly this).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
WORKSPACE ?= .matcher

.PHONY: install demo test lint clean

$(BIN)/matcher: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,cluster]'
	touch $(BIN)/matcher

install: $(BIN)/matcher

demo: install
	$(BIN)/matcher init --workspace $(WORKSPACE) --force
	$(BIN)/matcher import data/sample --workspace $(WORKSPACE)
	$(BIN)/matcher index --workspace $(WORKSPACE)
	$(BIN)/matcher demo --workspace $(WORKSPACE)

.PHONY: run
run: install
	$(BIN)/matcher-service run --seed-sample

test: install
	$(BIN)/ruff check matcher storage service tests benchmarks
	$(BIN)/python -m pytest -n 2 -q

lint: install
	$(BIN)/ruff check matcher storage service tests benchmarks
	$(BIN)/ruff format --check matcher storage service tests benchmarks

clean:
	rm -rf $(WORKSPACE) .pytest_cache
