# StatusRelay developer entry points. Every target bootstraps what it needs (scripts/bootstrap.sh).
SHELL := /bin/bash
SWIFT := scripts/swift.sh

.PHONY: help bootstrap build bin-path install run test bench chaos docker-lint clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

bootstrap: ## Install librdkafka >= 2.3, Tansu, PostgreSQL, wrk, chromium and the Python tools
	@bash scripts/bootstrap.sh

build: bootstrap ## Build release binaries
	@$(SWIFT) build -c release

bin-path: ## Print the folder that holds the release binaries
	@$(SWIFT) build -c release --show-bin-path

PREFIX ?= $(HOME)/.local
install: build ## Copy statusrelay, statusrelay-ingress and statusrelay-consumer to $(PREFIX)/bin (default ~/.local/bin)
	@bin=$$($(SWIFT) build -c release --show-bin-path) && mkdir -p "$(PREFIX)/bin" && \
	  install -m 755 "$$bin/statusrelay" "$$bin/statusrelay-ingress" "$$bin/statusrelay-consumer" "$(PREFIX)/bin/" && \
	  echo "installed to $(PREFIX)/bin"; case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: $(PREFIX)/bin is not on PATH";; esac

run: ## Run broker + ingress (127.0.0.1:8080) + consumer (SQLite in ./data) locally (PROMETHEUS=1: + Prometheus on :9090; REBUILD=1: build even if current); Ctrl-C stops all
	@PROMETHEUS=$(PROMETHEUS) REBUILD=$(REBUILD) bash scripts/run.sh

test: ## Bootstrap, start broker and PostgreSQL on free ports, run swift test, stop them
	@bash scripts/test.sh

bench: ## Run the benchmarks and write bench-results/BENCHMARKS.md
	@bash scripts/bench.sh

chaos: ## Fault-injection suite with exact accounting by event id
	@bash scripts/chaos.sh

docker-lint: ## Validate docker/ files with the docker client (no engine needed)
	@bash scripts/docker-lint.sh

clean: ## Remove build products (keeps the librdkafka cache)
	@rm -rf .build .local/run
