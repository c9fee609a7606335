# casetrail: `make demo` builds and tours the demo log; `make test` runs every test.
PREFIX ?= /usr/local
SWIFT ?= swift
BIN := .build/release/casetrail
DEMO_DIR := scratch/demo
DEMO := $(BIN) --log $(DEMO_DIR)/demo.jsonl --actor demo-admin

.PHONY: build test demo bench install clean

build:
	$(SWIFT) build -c release --product casetrail

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Until the demo partnership's log exists, the demo creates a small log in scratch/ and tours it.
demo: build
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@echo '$$ casetrail init --partnership "Medway Safeguarding Children Partnership" --code MSCP'
	@$(DEMO) init --partnership "Medway Safeguarding Children Partnership" --code MSCP
	@$(DEMO) member add bu-manager --name "Business Manager" --agency MSCP --role business-unit >/dev/null
	@$(DEMO) agency add MEDWAY-CSC --name "Medway Council Children's Social Care" --alias "Medway CSC" >/dev/null
	@$(DEMO) agency add KENT-POLICE --name "Kent Police" >/dev/null
	@$(DEMO) --actor bu-manager agency add KM-ICB --name "NHS Kent and Medway" --alias "NHS Medway" --alias "Medway CCG" >/dev/null
	@echo; echo '$$ casetrail agencies'; $(DEMO) agencies
	@echo; echo '$$ casetrail members'; $(DEMO) members
	@echo; echo '$$ casetrail history'; $(DEMO) history
	@echo; echo '$$ casetrail verify'; $(DEMO) verify
	@echo; echo '$$ casetrail checkpoint'; $(DEMO) checkpoint

# Generates a 1,000,000-event log once (scratch/), measures the release binary, writes bench/RESULTS.md.
bench:
	$(SWIFT) build -c release --product casetrail
	$(SWIFT) build -c release --product casetrail-bench
	bench/run.sh

install: build
	install -d $(PREFIX)/bin
	install -m 0755 $(BIN) $(PREFIX)/bin/casetrail

clean:
	rm -rf .build scratch
