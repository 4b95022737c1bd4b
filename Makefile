# Chronos — the two commands a fresh machine needs are `make run` and
# `make test` (README.md). Everything else here is a convenience.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help

VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
# Build tags of a release binary, as in the Dockerfile: zoneinfo compiled in,
# no dynamic loader (a static binary that runs FROM scratch), no gin
# MessagePack binding (its ugorji codec is 6 MB of the binary; unused).
GOTAGS   := timetzdata,nodynamic,nomsgpack
FUZZTIME ?= 2m
IMAGE    ?= chronos-cms:$(VERSION)

.PHONY: help run test build fuzz lint screenshots docker clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

run: ## start the CMS on its embedded defaults (SQLite + local disk)
	go run ./app/cmd/cms serve

test: ## the whole test suite: installs missing services, gofmt, vet, actionlint, go test (fuzz seed corpora included)
	scripts/test.sh

build: ## static binary at bin/cms
	CGO_ENABLED=0 go build -trimpath -tags $(GOTAGS) -ldflags '$(LDFLAGS)' -o bin/cms ./app/cmd/cms

.PHONY: bench
bench: ## measure the CMS against a gin+pgx baseline on a throwaway PostgreSQL (BENCH_FLAGS=--json; < 5 min)
	go run ./app/cmd/cmsbench $(BENCH_FLAGS)

.PHONY: bench-pocketbase
bench-pocketbase: ## uncached SQLite reads side by side with PocketBase on the same documents (builds PocketBase once; BENCH_FLAGS=--json)
	go run ./app/cmd/cmsbench --sqlite --pages 200 --media 50 --pocketbase "$$(scripts/pocketbase.sh)" $(BENCH_FLAGS)

fuzz: ## longer fuzzing of every Fuzz target (FUZZTIME=2m each by default)
	FUZZTIME=$(FUZZTIME) scripts/test.sh --fuzz-only

lint: ## gofmt, go vet and actionlint only (no tests)
	scripts/test.sh --lint-only

screenshots: ## render the admin UI screenshots (script added by the admin work)
	@if [ -x scripts/screenshots.sh ]; then scripts/screenshots.sh; \
	else echo "scripts/screenshots.sh does not exist yet: the admin UI work adds it (issue 7)." >&2; exit 1; fi

docker: ## build the container image (needs a Docker engine)
	docker build --build-arg VERSION=$(VERSION) -t $(IMAGE) .

clean: ## remove build output
	rm -rf bin
