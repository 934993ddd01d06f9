# Entry points for newcomers and CI. Everything is in scripts/; see `make help`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

RUFF := .venv/bin/ruff

.PHONY: help demo test bench lint format install clean

help: ## List the targets
	@echo "Targets:"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-8s %s\n", $$1, $$2}'

demo: ## Install what is needed, load the demo data and serve it on http://127.0.0.1:8000/ (PORT=...)
	@bash scripts/demo.sh

test: ## Run the test suite against throw-away PostgreSQL and Redis (pytest args: ARGS="...")
	@bash scripts/test.sh $(ARGS)

bench: ## Time the PDFs and the pages at 1,000 and 100,000 candidacies (throw-away PostgreSQL; about 15 min); writes docs/BENCHMARKS.md (quick try: ARGS="--sizes 300,3000")
	@bash bench/run.sh $(ARGS)

lint: ## ruff check + ruff format --check
	@bash scripts/bootstrap.sh dev
	@$(RUFF) check .
	@$(RUFF) format --check .

format: ## Sort imports and reformat the code with ruff
	@bash scripts/bootstrap.sh dev
	@$(RUFF) check --select I --fix .
	@$(RUFF) format .

install: ## Install system packages (test profile) and the dev virtualenv
	@bash scripts/install-system.sh test
	@bash scripts/bootstrap.sh dev

clean: ## Remove var/ (demo database, media) and .venv
	@rm -rf var .venv .pytest_cache .ruff_cache
