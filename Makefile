# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATABASE_URL_PG ?= postgres://postgres@127.0.0.1:5432/test
export TUOYU_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test test-sqlite test-postgres lint install assets browser-deps bench clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）。Python 3.11 is required."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) assets

# Front-end packages come from the npm registry (package-lock.json pins them) and are copied into
# an ignored static folder; nothing third-party is committed, nothing loads from a CDN.
assets: src/tuoyu/static/vendor/.installed
src/tuoyu/static/vendor/.installed: package.json package-lock.json scripts/copy-assets.sh
	@command -v npm >/dev/null || { echo "需要 Node.js 与 npm 安装前端资源。npm is required for front-end assets."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/copy-assets.sh
	touch $@

demo: install
	$(BIN)/tuoyu migrate --noinput
	$(BIN)/tuoyu seed-demo --size $${TUOYU_DEMO_SIZE:-city} --seed 2026
	$(BIN)/tuoyu demo-logins
	$(BIN)/tuoyu runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/tuoyu makemigrations --check --dry-run >/dev/null

browser-deps:
	@bash scripts/browser-deps.sh

# The whole suite on SQLite, then on PostgreSQL when one answers (required when TUOYU_REQUIRE_PG=1).
test: install lint browser-deps
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== tests on SQLite"
	DATABASE_URL=sqlite:///$(TUOYU_DATA_DIR)/test.sqlite3 $(BIN)/pytest -n 2 -q

test-postgres:
	@if $(BIN)/python scripts/pg_ready.py "$${DATABASE_URL:-$(DATABASE_URL_PG)}"; then \
		echo "== tests on PostgreSQL"; \
		TUOYU_EXPECT_DB=postgresql DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_PG)} $(BIN)/pytest -n 2 -q ; \
	elif [ "$$TUOYU_REQUIRE_PG" = "1" ]; then \
		echo "PostgreSQL 不可用（$${DATABASE_URL:-$(DATABASE_URL_PG)}），CI 要求在 PostgreSQL 上运行测试。"; exit 1; \
	else \
		echo "== PostgreSQL not reachable: skipped the PostgreSQL run (CI requires it)"; \
	fi

bench: install
	$(BIN)/python bench/load_city.py

clean:
	rm -rf $(VENV) node_modules src/tuoyu/static/vendor var
