# Set-up and the two commands of the README: `make pdf` and `make test`.
# Everything a fresh Debian machine (Python 3.11) needs is installed here.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
ICC_DIR := $(VENV)/share/bulletinpress/icc
PAPER_PROFILES := $(ICC_DIR)/newsprint.icc $(ICC_DIR)/uncoated.icc $(ICC_DIR)/coated.icc

# Debian packages: Pango (WeasyPrint's text layout), HarfBuzz's subsetter (fast
# font subsetting: without it a Chinese page takes ~10x longer), fontconfig,
# the fonts the built-in layouts name, Ghostscript's CMYK profile (libgs-common) for
# print PDFs, and the PDF readers and renderers and the browser (for the preview and
# web-edition tests, driven by Playwright; no browser download) the tests use; ArgyllCMS
# and icc-profiles-free's characterization data, from which set-up makes the CMYK
# profiles `--paper` uses when the print shop sent none (below).
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
	fontconfig fonts-noto-cjk fonts-noto-core fonts-lxgw-wenkai libgs-common \
	poppler-utils qpdf ghostscript chromium argyll icc-profiles-free

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_STAMP := $(VENV)/.debian-packages
PYTHON_STAMP := $(VENV)/.python-packages

.PHONY: pdf test bench setup clean

## Build every issue in issues/ into build/.
pdf: setup
	$(BIN)/bulletinpress build issues/*.yaml -o build/

## Run the whole test suite.
test: setup
	$(BIN)/python -m pytest

## Benchmark against plain WeasyPrint and Typst (sizes 1,4,16,64; about 15 minutes).
bench: setup
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)

setup: $(PYTHON_STAMP) $(PAPER_PROFILES)

# CMYK output profiles for `--paper` (press/shop.py), made with ArgyllCMS's colprof from
# the measurement data Debian's icc-profiles-free ships (CGATS TR002: coldset newsprint;
# FOGRA29L: offset on uncoated paper; FOGRA39L: offset on coated paper), with each paper's
# ink limit; about 25 s each, once. Made here, not kept in the repository.
colprof = mkdir -p $(ICC_DIR) && cp /usr/share/color/icc/$(1).ti3 $(ICC_DIR)/$(2).ti3 && \
	(cd $(ICC_DIR) && colprof -qm -l$(3) -L95 -D "$(4)" $(2) > /dev/null) && rm $(ICC_DIR)/$(2).ti3

$(ICC_DIR)/newsprint.icc: $(SYSTEM_STAMP)
	$(call colprof,TR002,newsprint,240,Coldset newsprint (CGATS TR002) 240% ink)
$(ICC_DIR)/uncoated.icc: $(SYSTEM_STAMP)
	$(call colprof,FOGRA29L,uncoated,260,Offset on uncoated paper (FOGRA29) 260% ink)
$(ICC_DIR)/coated.icc: $(SYSTEM_STAMP)
	$(call colprof,FOGRA39L,coated,300,Offset on coated paper (FOGRA39) 300% ink)

$(SYSTEM_STAMP): Makefile
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv; \
	fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "bulletinpress needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	touch $@

$(PYTHON_STAMP): $(SYSTEM_STAMP) pyproject.toml
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf build $(VENV)
