# The two commands: `make demo` (the main job) and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHON

.PHONY: demo test bench lint format clean

demo: $(VENV)/.installed-demo
	@scripts/setup dot
	@scripts/setup tex
	$(BIN)/chainrule tour -o out

test: $(VENV)/.installed-test
	@scripts/setup dot
	@scripts/setup chromium
	@scripts/setup tex
	@scripts/setup axe
	$(BIN)/python -m pytest -n auto

# Benchmarks against the peers, run by hand (not part of the tests).
bench: $(VENV)/.installed-bench
	@$(BIN)/python -c "import jax" 2>/dev/null || $(BIN)/python -m pip install -q -e '.[jax]' \
		|| echo "make bench: JAX did not install; benchmarks/replay.py leaves out its rows"
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/training.py
	$(BIN)/python benchmarks/replay.py
	$(BIN)/python benchmarks/render.py

# The documentation site (docs/, mkdocs.yml) built into site/; --strict fails on a broken link or anchor.
.PHONY: docs
docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[docs]'
	@touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(BIN)/python:
	@scripts/setup venv

# One stamp per set of extras; reinstalled when pyproject.toml changes.
$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[bench]'
	@touch $@

clean:
	rm -rf $(VENV) out site build node_modules .pytest_cache .hypothesis .ruff_cache *.egg-info
