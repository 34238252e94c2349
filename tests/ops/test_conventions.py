"""The v1 conventions as reusable pieces: problem+json, paging, idempotency, ETag."""

from __future__ import annotations

import threading
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.partnerships.models import Partnership

PARTNERSHIP = {"receiving_region_code": "120105", "sending_region_code": "620521", "valid_from": "2019-01-01"}


def _is_problem(r) -> bool:  # type: ignore[no-untyped-def]
    body = r.json()
    return r.headers["content-type"].startswith("application/problem+json") and {
        "type",
        "title",
        "status",
        "detail",
    } <= set(body)


def test_every_error_is_problem_json(client: TestClient, admin: dict[str, str]) -> None:
    assert _is_problem(client.get("/no/such/route"))
    assert client.put("/v1/regions/620521", headers=admin).status_code == 405
    assert _is_problem(client.put("/v1/regions/620521", headers=admin))
    assert client.put("/v1/partnerships", headers=admin).headers["Allow"] == "GET, HEAD, POST"
    assert _is_problem(client.get("/v1/regions/999999", headers=admin))
    bad = client.post("/v1/partnerships", json={"receiving_region_code": "x"}, headers=admin)
    assert bad.status_code == 422 and _is_problem(bad)
    assert all({"loc", "msg", "type"} <= set(e) for e in bad.json()["errors"])
    big = client.post(
        "/v1/partnerships",
        content=b"x" * (21 * 1024 * 1024),
        headers={**admin, "content-type": "application/json"},
    )
    assert big.status_code == 413 and _is_problem(big)


def test_unexpected_exception_is_a_500_without_trace(client: TestClient, admin: dict[str, str]) -> None:
    from unittest import mock

    with mock.patch("app.regions.service.get", side_effect=RuntimeError("secret 620521199001011234")):
        r = client.get("/v1/regions/620521", headers=admin)
    assert r.status_code == 500 and _is_problem(r)
    assert "620521199001011234" not in r.text and "Traceback" not in r.text


def test_unknown_region_codes_are_422(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post("/v1/partnerships", json={**PARTNERSHIP, "sending_region_code": "629999"}, headers=admin)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "sending_region_code"]


def test_idempotent_replay_gives_same_answer_and_one_row(
    client: TestClient, admin: dict[str, str], session: Session
) -> None:
    h = {**admin, "Idempotency-Key": "k-1"}
    first = client.post("/v1/partnerships", json=PARTNERSHIP, headers=h)
    second = client.post("/v1/partnerships", json=PARTNERSHIP, headers=h)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert session.scalar(select(func.count()).select_from(Partnership)) == 1
    other = client.post("/v1/partnerships", json={**PARTNERSHIP, "sending_region_code": "620522"}, headers=h)
    assert other.status_code == 422 and _is_problem(other)
    # A different principal with the same key is a different request.
    assert session.scalar(select(func.count()).select_from(Partnership)) == 1


def test_concurrent_requests_with_one_key_do_the_work_once(
    client: TestClient, admin: dict[str, str], session: Session
) -> None:
    h = {**admin, "Idempotency-Key": "k-concurrent"}
    results: list[tuple[int, dict]] = []  # type: ignore[type-arg]

    def go() -> None:
        r = client.post("/v1/partnerships", json=PARTNERSHIP, headers=h)
        results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=go) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {code for code, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    assert session.scalar(select(func.count()).select_from(Partnership)) == 1


def test_paging_with_updated_since_never_repeats_or_misses(client: TestClient, admin: dict[str, str]) -> None:
    sending = ["620502", "620503", "620521", "620522", "620523", "620524", "620525"]
    for code in sending:
        assert (
            client.post(
                "/v1/partnerships", json={**PARTNERSHIP, "sending_region_code": code}, headers=admin
            ).status_code
            == 201
        )
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/partnerships", params=params, headers=admin).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    everything = client.get("/v1/partnerships", params={"limit": 500}, headers=admin).json()["items"]
    middle = everything[3]["updated_at"]
    later = client.get("/v1/partnerships", params={"updated_since": middle}, headers=admin).json()["items"]
    assert [p["id"] for p in later] == [p["id"] for p in everything[4:]]
    assert client.get("/v1/partnerships", params={"cursor": "garbage"}, headers=admin).status_code == 422
    assert client.get("/v1/partnerships", params={"limit": 501}, headers=admin).status_code == 422


def test_etag_and_if_match(client: TestClient, admin: dict[str, str]) -> None:
    created = client.post("/v1/partnerships", json=PARTNERSHIP, headers=admin)
    pid = created.json()["id"]
    got = client.get(f"/v1/partnerships/{pid}", headers=admin)
    etag = got.headers["ETag"]
    ok = client.patch(
        f"/v1/partnerships/{pid}", json={"agreement_no": "A-1"}, headers={**admin, "If-Match": etag}
    )
    assert ok.status_code == 200 and ok.headers["ETag"] != etag
    stale = client.patch(
        f"/v1/partnerships/{pid}", json={"agreement_no": "A-2"}, headers={**admin, "If-Match": etag}
    )
    assert stale.status_code == 412 and _is_problem(stale)


def test_partners_read_only_their_own(
    client: TestClient, admin: dict[str, str], make_key: Callable[..., dict[str, str]]
) -> None:
    client.post("/v1/partnerships", json=PARTNERSHIP, headers=admin)
    other = client.post(
        "/v1/partnerships",
        json={**PARTNERSHIP, "receiving_region_code": "120111", "sending_region_code": "620503"},
        headers=admin,
    ).json()
    county = make_key("sending", "620521")
    items = client.get("/v1/partnerships", headers=county).json()["items"]
    assert [p["sending_region_code"] for p in items] == ["620521"]
    assert client.get(f"/v1/partnerships/{other['id']}", headers=county).status_code == 404
    target = {
        "receiving_region_code": "120105",
        "period": "2019-H1",
        "jobs_to_provide": 1000,
        "employed_in_receiving": 64,
    }
    assert client.post("/v1/targets", json=target, headers=admin).status_code == 201
    assert client.post("/v1/targets", json=target, headers=admin).status_code == 409
    assert client.post("/v1/targets", json={**target, "period": "2019-H3"}, headers=admin).status_code == 422
    assert len(client.get("/v1/targets", headers=county).json()["items"]) == 1
    assert client.get("/v1/targets", headers=make_key("sending", "620503")).json()["items"] == []


def test_regions_search_by_short_name(client: TestClient, admin: dict[str, str]) -> None:
    items = client.get("/v1/regions", params={"q": "清水"}, headers=admin).json()["items"]
    assert items[0]["code"] == "620521"
    region = client.get("/v1/regions/620521", headers=admin).json()
    assert region["name"] == "清水县" and region["parent_code"] == "620500"
    assert client.get("/v1/regions/620500", headers=admin).json()["name"] == "天水市"
    tianjin = client.get("/v1/regions", params={"parent_code": "120100", "limit": 500}, headers=admin).json()[
        "items"
    ]
    assert len(tianjin) == 16


def test_nul_characters_are_422_naming_where(client: TestClient, admin: dict[str, str]) -> None:
    """PostgreSQL cannot store or compare text with NUL: refused up front, on both databases alike."""
    cases = [
        ("GET", "/v1/matches?exchange_id=%00", None, ["query", "exchange_id"]),
        ("GET", "/v1/matches/ab%00cd", None, ["path", "match_id"]),
        ("POST", "/v1/partnerships", '{"receiving_region_code": "1201\\u000005"}', ["body"]),
    ]
    for method, url, body, loc in cases:
        headers = {**admin, "Content-Type": "application/json"}
        r = client.request(method, url, content=body, headers=headers)
        assert r.status_code == 422, (url, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "NUL" in r.json()["detail"]
        assert [e["loc"] for e in r.json()["errors"]][0] == loc
    # An escaped backslash before "u0000" is six ordinary characters, not NUL: validated as usual.
    r = client.post(
        "/v1/partnerships",
        content='{"receiving_region_code": "\\\\u0000", "sending_region_code": "620521", "valid_from": "2019-01-01"}',
        headers={**admin, "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and "NUL" not in r.json()["detail"]
