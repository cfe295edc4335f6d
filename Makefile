# Set-up and the two commands of the README: `make pdf` and `make test`.
# Everything a fresh Debian machine (Python 3.11) needs is installed here.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

# Debian packages: Pango (WeasyPrint's text layout), HarfBuzz's subsetter (fast
# font subsetting: without it a Chinese page takes ~10x longer), fontconfig,
# the fonts the built-in layouts name, Ghostscript's CMYK profile (libgs-common) for
# print PDFs, and the PDF readers and renderers and the browser (for the preview and
# web-edition tests, driven by Playwright; no browser download) the tests use.
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
	fontconfig fonts-noto-cjk fonts-noto-core fonts-lxgw-wenkai libgs-common \
	poppler-utils qpdf ghostscript chromium

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

setup: $(PYTHON_STAMP)

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
