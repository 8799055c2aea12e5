# Two commands on a fresh machine: `make pdf` (sets itself up, checks, writes build/zh.pdf and
# build/en.pdf) and `make test`. Needs only python3 (3.11+), git and make; everything else
# comes from PyPI into .venv. No system package is required (poppler-utils and LibreOffice,
# when present, let a few tests look further; see README).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build
TOOL   := $(BIN)/python -m toolchain

SOURCES := $(wildcard manuscript/*.md manuscript/*.yaml bib/*.bib bib/*.csl bib/references.lock.json manuscript/figures/*) pyproject.toml
CODE    := $(shell find toolchain -type f \( -name '*.py' -o -name '*.typ' -o -name '*.csl' -o -name '*.xml' \) 2>/dev/null)

.PHONY: setup check refs pdf docx jats all test bench report submission clean readme system-deps jats-dtds lint

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# The check gate: outputs are rebuilt only after the manuscript checks clean (no errors).
# `build` checks first in its own process and renders nothing when the check finds errors;
# $(OUT)/.checked records a clean check of the current sources (by `make check` or a build), and
# a build that finds it newer than every source skips its own check (`make check` then `make all`
# in CI checks once). Its time is when that check started: a source edited during it is newer.
check: $(STAMP)
	@mkdir -p $(OUT) && touch $(OUT)/.checking
	$(TOOL) check .
	@mv $(OUT)/.checking $(OUT)/.checked

# Verify the references against Crossref, DataCite and PubMed; writes bib/references.lock.json
# (commit it: `make check` then compares the bib with it offline). REFS_FLAGS=--offline looks
# nothing up; REFS_FLAGS="--update KEY" looks one entry up again; REFS_FLAGS=--fix applies the records.
refs: $(STAMP)
	$(TOOL) refs verify . $(REFS_FLAGS)

pdf: $(OUT)/zh.pdf $(OUT)/en.pdf
docx: $(OUT)/zh.docx $(OUT)/en.docx
jats: $(OUT)/article.xml
all: pdf docx jats

# One build writes all five outputs: its check runs in a forked child while Pandoc parses both
# languages and the outputs render in parallel (none is written unless the check passes); it pays start-up, citeproc and pandoc's
# reference.docx once. Three builds (one per format) took 1.7 times as long (make bench).
CHECKED_CURRENT = test -f $(OUT)/.checked && test -z "$$(find $(SOURCES) $(CODE) -newer $(OUT)/.checked 2>/dev/null | head -1)"
$(OUT)/zh.pdf $(OUT)/en.pdf $(OUT)/zh.docx $(OUT)/en.docx $(OUT)/article.xml &: $(SOURCES) $(CODE) | $(STAMP)
	@mkdir -p $(OUT)
	@if $(CHECKED_CURRENT); then $(TOOL) build . --out $(OUT) --no-check; \
	else touch $(OUT)/.checking && $(TOOL) build . --out $(OUT) && mv $(OUT)/.checking $(OUT)/.checked; fi

# The submission package: the five outputs and the figures with their SHA-256 (submission.zip),
# and the same files as a NISO MECA package (meca.zip, manifest.xml at its root).
submission: $(OUT)/submission.zip
$(OUT)/submission.zip $(OUT)/meca.zip &: $(OUT)/zh.pdf $(OUT)/en.pdf $(OUT)/zh.docx $(OUT)/en.docx $(OUT)/article.xml $(wildcard manuscript/figures/*)
	$(TOOL) submission . --out $(OUT)

# The editor's report, zh and en side by side with every finding in place. Not gated by the
# check: the findings are what it shows.
report: $(OUT)/report.html
$(OUT)/report.html: $(SOURCES) $(CODE) $(wildcard toolchain/data/report/*) | $(STAMP)
	$(TOOL) report . --out $@

# JATS DTDs for the validation tests: ../shared/jats when it is there, else the npm package
# @jats4r/dtds in the user cache (needs npm; without it those tests are skipped and say why).
JATS_CACHE := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/toolchain/jats
jats-dtds:
	@if [ ! -d ../shared/jats ] && [ ! -d "$(JATS_CACHE)/node_modules/@jats4r/dtds" ]; then \
	  if command -v npm >/dev/null; then \
	    npm install --silent --no-audit --no-fund --prefix "$(JATS_CACHE)" @jats4r/dtds \
	      || echo "could not install @jats4r/dtds: the JATS DTD validation tests will be skipped"; \
	  else echo "npm not found: the JATS DTD validation tests will be skipped"; fi; fi

test: $(STAMP) jats-dtds
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check toolchain tests bench scripts

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(OUT)

readme: $(STAMP)
	$(BIN)/python scripts/update_readme_rules.py

# Optional system packages: with them a few more tests run (without them those tests are skipped
# and say why). poppler-utils: pdftotext/pdffonts on the PDFs; chromium: the HTML report in a
# real browser; libreoffice-writer-nogui: the DOCX files open and convert without repair;
# fonts-noto-cjk: the PDFs set Chinese in the system's Noto Serif/Sans CJK instead of the
# Noto Serif SC / Noto Sans SC that come from PyPI.
SYSTEM_PACKAGES := poppler-utils chromium libreoffice-writer-nogui fonts-noto-cjk
system-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	else echo "optional, for more tests: sudo apt-get install $(SYSTEM_PACKAGES)"; fi
