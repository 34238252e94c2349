# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export LAOWU_DATABASE_URL ?= sqlite:///./laowu.db

.PHONY: run test install install-dev lint typecheck pytest-sqlite pytest-postgres openapi bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/laowu migrate
	$(BIN)/laowu demo
	$(BIN)/laowu demo --dataset tianjin-2019h1
	@echo "管理员 API 密钥（只显示这一次）："
	@$(BIN)/laowu create-key --role admin --name "make-run-$$(date +%Y%m%d%H%M%S)" | tail -1
	@echo "文档：http://127.0.0.1:8000/docs    报表页：http://127.0.0.1:8000/reports/"
	$(BIN)/laowu serve --host 127.0.0.1 --port 8000

lint: install-dev
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations/env.py

typecheck: install-dev
	$(BIN)/mypy

pytest-sqlite: install-dev
	@echo "=== pytest on SQLite ==="
	$(BIN)/python -m pytest

pytest-postgres: install-dev
	@echo "=== pytest on PostgreSQL ==="
	tools/with-postgres.sh $(BIN)/python -m pytest

test: lint typecheck pytest-sqlite pytest-postgres
	@echo "make test: lint, types, SQLite and PostgreSQL suites passed"

openapi: install
	$(BIN)/python -m app.openapi_dump

clean:
	rm -rf $(VENV) laowu.db .laowu-data-key
