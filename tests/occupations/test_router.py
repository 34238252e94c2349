from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from app.occupations import service


def test_search_ranks_standard_codes_for_colloquial_text(client: TestClient, admin: dict[str, str]) -> None:
    r = client.get("/v1/occupations", params={"q": "会开叉车"}, headers=admin)
    assert r.status_code == 200
    items = r.json()["items"]
    assert items and {"code", "name", "score"} <= set(items[0])
    assert "叉车" in items[0]["matched"] or "叉车" in items[0]["name"]
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    welder = client.get("/v1/occupations", params={"q": "会电焊", "limit": 3}, headers=admin).json()["items"]
    assert welder[0]["code"] == "6-18-02-04"
    assert client.get("/v1/occupations", params={"q": ""}, headers=admin).status_code == 422


def test_get_occupation_and_unknown_code(client: TestClient, admin: dict[str, str]) -> None:
    got = client.get("/v1/occupations/6-18-02-04", headers=admin)
    assert got.status_code == 200 and got.json()["name"] == "焊工"
    assert client.get("/v1/occupations/9-99-99-99", headers=admin).status_code == 404


def test_admin_teaches_synonyms_that_survive_a_restart(
    client: TestClient, admin: dict[str, str], make_key: Callable[..., dict[str, str]]
) -> None:
    phrase = "拿焊枪的师傅乙"
    before = client.get("/v1/occupations", params={"q": phrase, "limit": 1}, headers=admin).json()["items"]
    assert not before or before[0]["code"] != "6-18-02-04" or before[0]["score"] < 100
    county = make_key("sending", "620521")
    assert (
        client.post(
            "/v1/occupations/6-18-02-04/synonyms", json={"phrases": [phrase]}, headers=county
        ).status_code
        == 403
    )
    r = client.post("/v1/occupations/6-18-02-04/synonyms", json={"phrases": [phrase, phrase]}, headers=admin)
    assert r.status_code == 200 and r.json()["added"] == [phrase]
    again = client.post("/v1/occupations/6-18-02-04/synonyms", json={"phrases": [phrase]}, headers=admin)
    assert again.json()["existing"] == [phrase]
    clash = client.post("/v1/occupations/4-07-05-01/synonyms", json={"phrases": [phrase]}, headers=admin)
    assert clash.status_code in (404, 409)
    # A new process replays stored synonyms into its lexicon.
    service.forget_replay()
    top = client.get("/v1/occupations", params={"q": phrase, "limit": 1}, headers=admin).json()["items"][0]
    assert top["code"] == "6-18-02-04"
