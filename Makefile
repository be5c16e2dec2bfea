# The two commands: `make run` (the application on the demo competition) and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: run test bench lint fixtures clean-demo

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -U pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/scorer-app

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) bench/run.py

# Re-create the demo competition file in the user's data folder on the next `make run`.
clean-demo:
	$(PY) -c "from scorer.demo import demo_path; import os; p = demo_path(); [os.remove(f) for f in (p, f'{p}.head', f'{p}-wal', f'{p}-shm') if os.path.exists(f)]"
