# Sawmill's entry points. `make up` runs the whole local stack with a demo log source;
# `make test` installs what is missing, starts the services the tests need, runs every test
# and stops what it started. Everything lands under .local/ (git-ignored).

SHELL := /bin/bash
# Number of Kafka brokers for `make up` (1, or 3 for a replicated cluster; the broker-crash drill runs its own); when unset, Kafka keeps
# the size its data was formatted for. Passed to the scripts through the environment.
ifdef BROKERS
export BROKERS
endif

.PHONY: help up down status logs test test-unit bench drills lint typecheck build clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

up: ## install and start the whole local stack and the demo log source (BROKERS=3 for a 3-broker Kafka)
	@infra/local/stack up

down: ## stop everything `make up` started
	@infra/local/stack down

status: ## one line per component; exits non-zero if any is unhealthy
	@infra/local/stack status

logs: ## the components' logs (follows them on a terminal)
	@infra/local/stack logs

test: ## install what is missing, start the services the tests need, run all tests, stop them
	@infra/local/run-tests

bench: ## every benchmark beside its same-run baseline, end to end included (about 20 min, run it alone); results and charts in bench/results/
	@infra/local/run-bench

drills: ## the five failure drills at full size (10,000 lines/s) with the zero-loss ledger; `make test` runs them short
	@infra/local/run-drills

test-unit: ## unit tests only, no service needed
	@npx mocha --config .mocharc.unit.cjs

lint: ## eslint over the sources, shellcheck over the scripts
	@npx eslint .
	@infra/local/lint-shell

typecheck: ## the TypeScript compiler in strict mode, no output
	@npx tsc -p tsconfig.json --noEmit

build: ## compile to dist/
	@npm run --silent build

clean: ## remove build output (not the stack's data: `make down` then remove .local/ for that)
	rm -rf dist
