.PHONY: run test lint format bench
run:  ## run the demo on SQLite with local notification sinks
	scripts/run.sh
test: ## run the whole test suite
	scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports --no-cache
format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
