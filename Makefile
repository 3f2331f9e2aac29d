# Two commands: `make demo` (a working demo center in your browser) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HTMX_VERSION := 2.0.4
CHARTJS_VERSION := 4.4.7
VENDOR := src/floorwalker/web/static/vendor

.PHONY: demo test lint typecheck install assets serve clean

$(BIN)/floorwalker: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/floorwalker

install: $(BIN)/floorwalker assets

# htmx comes from the npm registry at install time (never a CDN). Pages work without it
# (plain links and forms); with it, navigation is smoother. No npm: skipped with a note.
assets: $(VENDOR)/htmx.min.js $(VENDOR)/chart.umd.js
$(VENDOR)/htmx.min.js:
	@if command -v npm >/dev/null 2>&1; then \
	  mkdir -p build/assets $(VENDOR) && \
	  npm install --silent --no-audit --no-fund --prefix build/assets htmx.org@$(HTMX_VERSION) && \
	  cp build/assets/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js; \
	else echo "note: npm not found; serving pages without htmx (they work, with full page loads)"; fi

# Chart.js (UMD build) for the metrics charts, same route as htmx. Without it the pages show
# the same numbers as tables only.
$(VENDOR)/chart.umd.js:
	@if command -v npm >/dev/null 2>&1; then \
	  mkdir -p build/assets $(VENDOR) && \
	  npm install --silent --no-audit --no-fund --prefix build/assets chart.js@$(CHARTJS_VERSION) && \
	  cp build/assets/node_modules/chart.js/dist/chart.umd.js $(VENDOR)/chart.umd.js; \
	else echo "note: npm not found; metrics pages show tables without charts"; fi

demo: install
	$(BIN)/floorwalker demo

serve: install
	$(BIN)/floorwalker serve

lint: $(BIN)/floorwalker
	$(BIN)/ruff check src tests bench

typecheck: $(BIN)/floorwalker
	$(BIN)/mypy

test: install lint typecheck
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache $(VENDOR)
