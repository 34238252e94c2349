from __future__ import annotations

import json
from collections.abc import Callable
from unittest import mock

from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from app.openapi_dump import OPENAPI_PATH, render


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"


def test_readyz_503_when_migrations_are_not_at_head(client: TestClient) -> None:
    with mock.patch("app.ops.service.head_revision", return_value="9999"):
        r = client.get("/readyz")
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/problem+json")


def test_readyz_503_when_database_unreachable(client: TestClient) -> None:
    def down(*_a: object, **_k: object) -> None:
        raise OperationalError("connect", {}, Exception("refused"))

    with mock.patch("app.ops.service.MigrationContext.configure", side_effect=down):
        r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["detail"] == "数据库不可达"


def test_metrics_count_requests_by_route_template(client: TestClient, admin: dict[str, str]) -> None:
    client.get("/v1/regions/620521", headers=admin)
    text = client.get("/metrics").text
    assert 'laowu_http_requests_total{method="GET",route="/v1/regions/{code}",status="200"}' in text
    assert "laowu_http_request_duration_seconds_bucket" in text


def test_openapi_file_is_current() -> None:
    assert OPENAPI_PATH.exists(), "run `make openapi`"
    assert json.loads(OPENAPI_PATH.read_text(encoding="utf-8")) == json.loads(render()), (
        "openapi/openapi.json is stale: run `make openapi`"
    )


def test_every_operation_has_a_chinese_summary_and_problem_errors() -> None:
    doc = json.loads(render())
    for path, item in doc["paths"].items():
        for method, op in item.items():
            summary = op.get("summary", "")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), (
                f"{method} {path} lacks a Chinese summary"
            )
            assert "application/problem+json" in op["responses"]["422"]["content"], f"{method} {path}"


def test_logs_carry_request_id_but_no_secrets(
    client: TestClient, make_key: Callable[..., dict[str, str]], capsys: object
) -> None:
    import logging

    records: list[logging.LogRecord] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Grab()
    logging.getLogger("laowu").addHandler(handler)
    try:
        headers = make_key("admin")
        client.get("/v1/regions?q=清水", headers={**headers, "X-Request-ID": "req-123"})
    finally:
        logging.getLogger("laowu").removeHandler(handler)
    from app.core.observability import JsonFormatter

    lines = [JsonFormatter().format(r) for r in records]
    assert any('"request_id": "req-123"' in line for line in lines)
    secret = headers["Authorization"].split()[1]
    assert all(secret not in line and "清水" not in line for line in lines)
