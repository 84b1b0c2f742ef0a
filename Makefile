.PHONY: run test lint format bench i18n i18n-compile
run:  ## run the demo on SQLite with local notification sinks
	scripts/run.sh
test: ## run the whole test suite
	scripts/test.sh
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports --no-cache
format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .
i18n: ## extract customer-facing strings into translations/messages.pot and merge them into each language's .po
	scripts/i18n.sh update
i18n-compile: ## compile the catalogues (the app also does this when it starts)
	scripts/i18n.sh compile
