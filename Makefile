# The two commands a contributor needs are `make serve` and `make test`; see README.md.
export NO_MKDOCS_2_WARNING := 1
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := .ci/lock.txt
JOBS ?= 2

.PHONY: serve check test site execute update-outputs bench gpu-check lock clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the pins or the project's metadata change.
$(STAMP): $(LOCK) pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(LOCK) torch
	$(PY) -m pip install --quiet -c $(LOCK) -e ".[docs,test]"
	touch $(STAMP)

## serve: build and serve the site on http://127.0.0.1:8000, reloading on edits
serve: $(STAMP)
	$(PY) -m mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

## check: lint (ruff) and type-check (mypy); settings in pyproject.toml
check: $(STAMP)
	$(PY) -m ruff check src tests snippets
	$(PY) -m ruff format --check src tests
	$(PY) -m mypy

## test: check, then run every stale snippet once into the cache, then the whole suite
## (pages, tooling, strict build, browser), which reuses that cache instead of running again
test: check execute
	$(PY) -m pytest -n $(JOBS) --dist loadfile

## execute: run every stale snippet file into the cache (.cache/docexec)
execute: $(STAMP)
	$(PY) -m docexec execute

## site: strict build into site/, then the offline copy, zipped into site/downloads/
site: $(STAMP)
	$(PY) -m mkdocs build --strict
	$(PY) src/hooks/offline.py site

## update-outputs: rewrite recorded output blocks from a fresh run (PAGES="docs/x.md" for some)
update-outputs: $(STAMP)
	$(PY) -m docexec update-outputs $(PAGES)

## bench: build timings (cold, no-change, one-snippet edit, no execution), medians
bench: $(STAMP)
	$(PY) -m docexec.bench

## gpu-check: run every snippet on this machine's GPU and compare with the recorded outputs
gpu-check:
	PYTHONPATH=src $(PYTHON) -m docexec gpu-check

## lock: re-pin the installed set into .ci/lock.txt
lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | sed 's/+cpu//' | sort -f > $(LOCK).tmp
	{ head -2 $(LOCK); grep -i '^torch==' $(LOCK).tmp; grep -vi '^torch==' $(LOCK).tmp; } > $(LOCK).new
	mv $(LOCK).new $(LOCK); rm -f $(LOCK).tmp

clean:
	rm -rf site .cache
