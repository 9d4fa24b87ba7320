# Two commands: `make book` builds the site, `make test` builds it and runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
JOBS ?= 2
NAME ?=
PARAMS ?=

.PHONY: book pdf test nbval screenshots chapter scenarios update-references bench chromium clean help datadict recount recount-check import-mlperf import-power-cap lab

help:
	@echo "make book                 build the HTML book (book/_build/html/index.html)"
	@echo "make pdf                  print the built book into one PDF (book/_build/html/infertrends-book.pdf)"
	@echo "make test                 build, print the PDF, then run the whole test suite"
	@echo "make chapter NAME=flop-conventions PARAMS='-p crops 10'   rerun one chapter into runs/"
	@echo "make scenarios            every reference workload under every named scenario (runs/scenarios/*.csv)"
	@echo "make screenshots          check every page in a browser and save full-page screenshots (book/_build/screenshots/)"
	@echo "make nbval                have nbval execute every reference notebook again and compare its outputs"
	@echo "make update-references    re-execute chapters and overwrite the reference notebooks"
	@echo "make bench                benchmark builds, reruns and tests (bench/results.json)"
	@echo "make datadict             print the data dictionary generated from the schemas"
	@echo "make recount              recount Table A.3's FLOPs from model definitions into data/recount/ (own venv, PyTorch)"
	@echo "make recount-check        recount a few models and compare with the committed data/recount/"
	@echo "make import-mlperf SRC=<folder>   import every MLPerf Inference power result from snapshots into data/mlperf/"
	@echo "make import-power-cap SRC=<folder>   import MLPerf v4.1's H200 server at default power and capped into data/mlperf/power_cap.csv"
	@echo "make lab                  JupyterLab on 127.0.0.1 with the chapters as notebooks (installs requirements-lab.txt)"
	@echo "make chromium             install Debian's chromium and poppler-utils if missing (browser tests, PDF)"
	@echo "make clean                remove build/, book/_build/ and runs/"
	@echo "make help                 this list"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || (echo "creating $(VENV)" && $(PYTHON) -m venv $(VENV))
	@echo "installing requirements.txt into $(VENV)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/python -m infertrends build --jobs $(JOBS)

# NAME and PARAMS reach Python as two arguments, never as shell text: make copies them unexpanded ($(value))
# into the environment and the recipe quotes the variables ("$$..."), so `;`, `$(...)` or quotes in them are
# not run (nor exported expanded: unexport); Python splits PARAMS itself (shlex) into the -p NAME VALUE pairs.
unexport NAME PARAMS
chapter: export INFERTRENDS_CHAPTER := $(value NAME)
chapter: export INFERTRENDS_PARAMS := $(value PARAMS)
chapter: $(STAMP)
	@test -n "$$INFERTRENDS_CHAPTER" || (echo "usage: make chapter NAME=<chapter> PARAMS='-p name value ...'"; \
	  $(BIN)/python -m infertrends chapters; exit 2)
	$(BIN)/python -m infertrends run "$$INFERTRENDS_CHAPTER" --params="$$INFERTRENDS_PARAMS"

scenarios: $(STAMP)
	$(BIN)/python -m infertrends scenarios

update-references: $(STAMP)
	$(BIN)/python -m infertrends references --jobs $(JOBS)

chromium:
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian's chromium"; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@command -v pdftotext >/dev/null 2>&1 || { echo "installing Debian's poppler-utils (pdftotext, for the PDF test)"; \
	  apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }

pdf: $(STAMP) chromium book
	$(BIN)/python -m infertrends pdf

# The suite runs on $(JOBS) processes (pytest-xdist); tests/test_references.py compares the build's executions
# with the committed references. `make nbval` has nbval execute every reference notebook again instead.
test: $(STAMP) chromium book pdf
	$(BIN)/python -m pytest tests -n $(JOBS) --dist worksteal -p no:cacheprovider

screenshots: $(STAMP) chromium book
	INFERTRENDS_SCREENSHOTS=1 $(BIN)/python -m pytest tests/test_pages.py -n $(JOBS) -p no:cacheprovider -q

nbval: $(STAMP)
	$(BIN)/python -m pytest tests/references --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg \
	  -p no:cacheprovider

bench: $(STAMP) chromium
	$(BIN)/python bench/bench.py --readme

RVENV := .venv-recount
RSTAMP := $(RVENV)/.installed-stamp

$(RSTAMP): requirements-recount.txt
	@test -x $(RVENV)/bin/python || (echo "creating $(RVENV)" && $(PYTHON) -m venv $(RVENV))
	@echo "installing requirements-recount.txt into $(RVENV) (PyTorch: several GB, a few minutes)"
	$(RVENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-recount.txt
	@touch $(RSTAMP)

recount: $(RSTAMP)
	$(RVENV)/bin/python recount/count.py

recount-check: $(RSTAMP)
	$(RVENV)/bin/python recount/count.py --check

# JupyterLab (optional, requirements-lab.txt) in .venv, rooted at the repository. .jupyter/ (on JUPYTER_CONFIG_PATH
# and JUPYTER_PATH) makes jupytext's "Jupytext Notebook" the default viewer of .md files, so a chapter opens as a
# notebook that jupytext's server extension reads from and saves to its .md source (no .ipynb is written); it
# keeps that save byte-identical for an unchanged chapter (kernel spec python3 shown as "Python 3", no
# jupytext_version line) and turns off news, update checks and the extension manager's downloads. The kernel is
# .venv's python, which imports infertrends from this folder.
LSTAMP := $(VENV)/.lab-stamp
LAB_PORT ?= 8888

$(LSTAMP): $(STAMP) requirements-lab.txt
	@echo "installing requirements-lab.txt (JupyterLab) into $(VENV)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-lab.txt
	@touch $(LSTAMP)

lab: $(LSTAMP)
	@token=$$($(BIN)/python -c "import secrets; print(secrets.token_hex(24))"); \
	  echo "open http://127.0.0.1:$(LAB_PORT)/lab/tree/book/chapters/trends.md?token=$$token (Ctrl-C twice stops it)"; \
	  JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  JUPYTER_PATH="$(CURDIR)/.jupyter$${JUPYTER_PATH:+:$$JUPYTER_PATH}" \
	  exec $(BIN)/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	  --ServerApp.port_retries=0 --IdentityProvider.token=$$token --ServerApp.root_dir="$(CURDIR)" \
	  --ServerApp.allow_root=True --ServerApp.log_level=WARN --LabApp.log_level=WARN

SRC ?=
import-mlperf:
	@test -n "$(SRC)" || (echo "usage: make import-mlperf SRC=<folder holding snapshots of MLCommons' result repositories>"; \
	  echo "(see mlperf/importer.py for which repositories and commits)"; exit 2)
	$(PYTHON) mlperf/importer.py "$(SRC)"

import-power-cap:
	@test -n "$(SRC)" || (echo "usage: make import-power-cap SRC=<folder holding a snapshot of mlcommons/inference_results_v4.1>"; \
	  exit 2)
	$(PYTHON) mlperf/power_cap.py "$(SRC)"

datadict: $(STAMP)
	$(BIN)/python -m infertrends datadict

clean:
	rm -rf build book/_build runs
