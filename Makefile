# The README's two commands: `make run` and `make test`.
# Installs come from the committed lock (uv.lock), so a fresh machine gets exactly the
# versions the suite was run on; pyproject.toml keeps the ranges library users install from.
PYTHON     ?= python3
VENV       ?= .venv
BIN        := $(VENV)/bin
UV_VERSION := 0.13.10
UV         := $(BIN)/uv
# uv syncs into our venv (not one of its own); --locked fails when uv.lock no longer
# matches pyproject.toml; --inexact keeps uv itself, which pip put into the venv.
SYNC       := UV_PROJECT_ENVIRONMENT=$(abspath $(VENV)) $(UV) sync --locked --inexact

# Python caches compiled bytecode beside each module; some machines turn that off
# (PYTHONDONTWRITEBYTECODE=1), and then every start of detente recompiles pandas, numba,
# shiny and the rest from source (seconds each time).  What make runs writes the cache,
# and later runs read it whatever that variable says.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test lint typecheck pytest bench lock lock-upgrade lock-check clean

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Runtime install (refreshed when pyproject.toml or the lock changes).
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(SYNC) --quiet
	touch $@

# Development install: the package plus its dev extra.
$(VENV)/.installed-dev: pyproject.toml uv.lock | $(UV)
	$(SYNC) --quiet --extra dev
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/detente analyze examples/europe_turkey.toml -o out/

lock-check: | $(UV)
	$(UV) lock --check

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

test: lock-check lint typecheck pytest

bench: $(VENV)/.installed-dev
	UV_PROJECT_ENVIRONMENT=$(abspath $(VENV)) $(UV) sync --locked --inexact --quiet --extra dev --extra bench
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

# Refresh the lock after editing pyproject.toml's dependencies (keeps every other pin).
lock: | $(UV)
	$(UV) lock

# Move every pin to the newest release pyproject.toml allows; run `make test` afterwards.
lock-upgrade: | $(UV)
	$(UV) lock --upgrade

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis out
