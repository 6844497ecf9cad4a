# Neuvo: `make run` runs the product, `make test` runs the tests; both set everything up first.
SHELL := /bin/bash
VENV := .venv
RASA_VENV := .venv-rasa
PYENV_ROOT ?= $(HOME)/.pyenv

.PHONY: setup voikko browser lint run test test-postgresql test-fast bench train eval eval-heldout eval-kfold clean

setup: voikko $(VENV)/.installed $(RASA_VENV)/.installed

# Finnish base forms and compound parts (knowledge/morphology.py, nlu/engine/base_forms.py): Debian's Voikko,
# installed only when missing. Without it the app logs once and Finnish words get simplemma's lemmas.
voikko:
	@if dpkg-query -W -f='$${Status}\n' libvoikko1 voikko-fi 2>/dev/null | grep -c 'install ok installed' | grep -qx 2; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing Voikko (libvoikko1, voikko-fi)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvoikko1 voikko-fi >/dev/null; \
	else echo "warning: libvoikko1 and voikko-fi are not installed (no apt-get as root): Finnish base forms come from simplemma only" >&2; fi

# Browser tests: Debian's Chromium (never a downloaded browser) and axe-core from the npm registry.
BROWSER := /usr/bin/chromium
AXE := tests/browser/node_modules/axe-core/axe.min.js
browser: $(BROWSER) $(AXE)
$(BROWSER):
	@command -v apt-get >/dev/null || { echo "error: install Debian's chromium package for the browser tests" >&2; exit 1; }
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
$(AXE): tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent
	touch $@

# The app: Python >= 3.11 (the newest python3.1x found on PATH or in pyenv).
$(VENV)/.installed: requirements.lock pyproject.toml
	@py=""; for c in python3.11 python3.12 python3.13 python3 $(PYENV_ROOT)/versions/3.1[1-9]*/bin/python; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then py=$$c; break; fi; done; \
	  if [ -z "$$py" ]; then echo "error: Python >= 3.11 is needed for the app and was not found" >&2; exit 1; fi; \
	  echo "app environment: $$($$py --version)"; \
	  [ -x $(VENV)/bin/python ] || $$py -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q --no-deps -r requirements.lock
	$(VENV)/bin/pip install -q --no-deps --no-build-isolation -e .
	touch $@

# The dialogue engine: Rasa Open Source 3.6.21 needs Python 3.10 (pyenv on these machines).
$(RASA_VENV)/.installed: nlu/engine/requirements.lock
	@py=""; for c in python3.10 $(PYENV_ROOT)/versions/3.10*/bin/python; do \
	  if [ -x "$$(command -v $$c 2>/dev/null)" ] && $$c -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then py=$$c; break; fi; done; \
	  if [ -z "$$py" ]; then echo "error: Rasa 3.6.21 needs Python 3.10; install it (e.g. 'pyenv install 3.10') and run make again" >&2; exit 1; fi; \
	  echo "Rasa environment: $$($$py --version)"; \
	  [ -x $(RASA_VENV)/bin/python ] || $$py -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --upgrade "pip<24"
	$(RASA_VENV)/bin/pip install -q --no-deps -r nlu/engine/requirements.lock
	$(RASA_VENV)/bin/rasa --version >/dev/null
	touch $@

run: setup
	$(VENV)/bin/assistant serve

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: setup browser lint
	$(VENV)/bin/assistant i18n check
	$(VENV)/bin/assistant knowledge validate
	$(VENV)/bin/python -m pytest -ra
	$(MAKE) --no-print-directory test-postgresql

# The tests that keep conversation state, again on PostgreSQL, with each notifier between workers.
DB_TESTS := -m "(api or handoff or security or seams or reliability or email or labels) and not e2e"
test-postgresql: setup
	NEUVO_TEST_DATABASE=postgresql NEUVO_TEST_NOTIFIER=postgres $(VENV)/bin/python -m pytest -q $(DB_TESTS)
	NEUVO_TEST_DATABASE=postgresql NEUVO_TEST_NOTIFIER=redis $(VENV)/bin/python -m pytest -q $(DB_TESTS)

test-fast: setup
	$(VENV)/bin/python -m pytest -ra -m "not e2e"

train: setup
	$(VENV)/bin/assistant train

# docs/nlu.md, "How we measure": the dev set is tuned on; the held-out sets and the k folds never are.
eval: setup
	$(VENV)/bin/assistant eval ../shared/eval/dev.jsonl

eval-heldout: setup
	$(VENV)/bin/assistant eval --rates-only tests/data/heldout/fi.jsonl tests/data/heldout/sv.jsonl

eval-kfold: setup
	$(VENV)/bin/assistant eval --kfold 5

bench: setup
	$(VENV)/bin/python bench/run.py

clean:
	rm -rf build var
