# The two commands: `make run` (the application on the demo competition) and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: deps run test bench report-samples lint translations screenshots installer clean-demo

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -U pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Debian packages (Qt's window libraries, Xvfb, poppler, zbar) when missing; quiet when present.
deps:
	@bash scripts/deps.sh

run: deps $(STAMP)
	$(VENV)/bin/scorer-app

test: deps $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q -n 2
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: deps $(STAMP)
	$(PY) bench/run.py

# Qt Linguist sources (.ts) from every tr() in ui/, then the compiled .qm files the app loads.
UI_SOURCES = $(shell find ui -name '*.py' | sort)
translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate $(UI_SOURCES) -source-language zh_CN -target-language zh_CN -ts resources/translations/scorer_zh_CN.ts
	$(VENV)/bin/pyside6-lupdate $(UI_SOURCES) -source-language zh_CN -target-language en -ts resources/translations/scorer_en.ts
	$(VENV)/bin/pyside6-lrelease resources/translations/scorer_zh_CN.ts resources/translations/scorer_en.ts

# Screenshots of each main screen in zh_CN (and en), taken on a virtual display.
screenshots: deps $(STAMP)
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) scripts/screenshots.py docs/screenshots

# The sample pages in docs/reports/, printed after the chief judge's real lock path on the demo.
report-samples: deps $(STAMP)
	$(PY) scripts/report_samples.py docs/reports

# One-folder bundle (dist/Scorer-<version>/ with scorer-app and scorer) for venue laptops.
installer: $(STAMP)
	$(PY) -m pip install -q --disable-pip-version-check pyinstaller
	$(VENV)/bin/pyinstaller --noconfirm build_installer.spec

# Re-create the demo competition file in the user's data folder on the next `make run`.
clean-demo:
	$(PY) -c "from scorer.demo import demo_path; import os; p = demo_path(); [os.remove(f) for f in (p, f'{p}.head', f'{p}-wal', f'{p}-shm') if os.path.exists(f)]"
