# casetrail: `make demo` builds and tours the demo log; `make test` runs every test.
PREFIX ?= /usr/local
SWIFT ?= swift
BIN := .build/release/casetrail
# The Swift runtime linked in: a warm query is a few milliseconds, and resolving the shared
# runtime's symbols at every start was a fifth of them.
RELEASE := -c release --static-swift-stdlib
DEMO_DIR := scratch/demo

.PHONY: build test demo demo-log bench install clean

build:
	$(SWIFT) build $(RELEASE) --product casetrail

# The database tests run against a throwaway PostgreSQL cluster when its programs are installed.
test:
	$(SWIFT) build --build-tests
	scripts/component-checks.sh
	scripts/with-postgres.sh $(SWIFT) test --skip-build

# Tours a scratch copy of the demo partnership's log; the committed log is never modified. The
# tour's witness file lives in the scratch folder too, so each fresh copy is not taken for a rollback.
demo: build
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@cp events/demo.jsonl $(DEMO_DIR)/demo.jsonl
	@CASETRAIL_WITNESS=$(CURDIR)/$(DEMO_DIR)/witness events/tour.sh $(DEMO_DIR)/demo.jsonl

# Rewrites events/demo.jsonl from the script of commands beside it.
demo-log: build
	events/demo.sh events/demo.jsonl

# Generates a 1,000,000-event log once (scratch/), measures the release binary, writes bench/RESULTS.md.
bench:
	$(SWIFT) build $(RELEASE) --product casetrail
	$(SWIFT) build $(RELEASE) --product casetrail-bench
	bench/run.sh

install: build
	install -d $(PREFIX)/bin
	install -m 0755 $(BIN) $(PREFIX)/bin/casetrail

clean:
	rm -rf .build scratch
