from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

PARTNERSHIP = {"receiving_region_code": "120105", "sending_region_code": "620521", "valid_from": "2019-01-01"}


def test_missing_unknown_and_revoked_keys_get_401(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get("/v1/regions/620521").status_code == 401
    bad = client.get("/v1/regions/620521", headers={"Authorization": "Bearer lw_nope"})
    assert bad.status_code == 401
    assert bad.headers["content-type"].startswith("application/problem+json")

    created = client.post(
        "/v1/api-keys", json={"name": "county", "role": "sending", "region_code": "620521"}, headers=admin
    )
    assert created.status_code == 201
    key = created.json()["key"]
    county = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/regions/620521", headers=county).status_code == 200
    assert client.delete(f"/v1/api-keys/{created.json()['id']}", headers=admin).status_code == 200
    assert client.get("/v1/regions/620521", headers=county).status_code == 401


def test_key_is_shown_once_and_stored_only_as_hash(
    client: TestClient, admin: dict[str, str], session
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    created = client.post(
        "/v1/api-keys", json={"name": "district", "role": "receiving", "region_code": "120105"}, headers=admin
    )
    secret = created.json()["key"]
    listed = client.get("/v1/api-keys", headers=admin).json()["items"]
    assert all("key" not in item for item in listed)
    assert secret not in str(listed)
    stored = session.execute(text("SELECT key_hash FROM api_keys")).scalars().all()
    assert secret not in stored and all(len(h) == 64 for h in stored)


def test_region_roles_need_a_known_region(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post("/v1/api-keys", json={"name": "x", "role": "sending"}, headers=admin)
    assert r.status_code == 422
    r = client.post(
        "/v1/api-keys", json={"name": "x", "role": "sending", "region_code": "999999"}, headers=admin
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "region_code"]


def test_receiving_key_cannot_write_partnerships(
    client: TestClient, make_key: Callable[..., dict[str, str]]
) -> None:
    district = make_key("receiving", "120105")
    r = client.post("/v1/partnerships", json=PARTNERSHIP, headers=district)
    assert r.status_code == 403
    assert r.json()["status"] == 403
    assert (
        client.post("/v1/api-keys", json={"name": "x", "role": "admin"}, headers=district).status_code == 403
    )


def test_rate_limit_gives_429_with_retry_after(client: TestClient, admin: dict[str, str]) -> None:
    from app.auth.deps import reset_limiter

    reset_limiter(3)
    codes = [client.get("/v1/regions/620521", headers=admin).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    r = client.get("/v1/regions/620521", headers=admin)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert r.headers["content-type"].startswith("application/problem+json")
