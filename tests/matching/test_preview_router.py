"""The preview endpoint answers the contract's shape using exactly the exchange scorer."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from app.matching.score import JobIn, SeekerIn, rank

JOBS = [
    {
        "ref": "weld",
        "title": "电焊工",
        "skills_required": ["焊接操作"],
        "region_code": "120105",
        "salary_min": 5000,
        "salary_max": 7000,
        "housing_provided": True,
        "headcount": 5,
    },
    {
        "ref": "clean",
        "title": "保洁员",
        "region_code": "120105",
        "salary_min": 3000,
        "salary_max": 3500,
        "headcount": 5,
    },
    {
        "ref": "guard",
        "title": "保安员",
        "region_code": "120105",
        "salary_min": 3500,
        "salary_max": 4000,
        "headcount": 5,
    },
    {
        "ref": "home",
        "title": "保洁员",
        "region_code": "620521",
        "salary_min": 2000,
        "salary_max": 2500,
        "headcount": 2,
    },
    {
        "ref": "welfare",
        "title": "公益性岗位保洁",
        "region_code": "620521",
        "salary_min": 1500,
        "salary_max": 1500,
        "headcount": 2,
        "public_welfare": True,
    },
]
SEEKERS = [
    {
        "ref": "s1",
        "skills": ["会电焊"],
        "hukou_region_code": "620521",
        "mobility": "cross_province",
        "needs_housing": True,
        "expected_salary": 5000,
    },
    {"ref": "s2", "skills": ["看大门"], "hukou_region_code": "620521", "mobility": "local"},
    {
        "ref": "s3",
        "skills": [],
        "hukou_region_code": "620522",
        "mobility": "cross_province",
        "tags": ["sanwu"],
    },
]


def test_preview_shape_reasons_and_rules(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post("/v1/matching/preview", json={"seekers": SEEKERS, "jobs": JOBS}, headers=admin)
    assert r.status_code == 200, r.text
    results = {x["seeker_ref"]: x["matches"] for x in r.json()["results"]}
    assert [x["seeker_ref"] for x in r.json()["results"]] == ["s1", "s2", "s3"]
    assert results["s1"][0]["job_ref"] == "weld"
    assert len(results["s1"]) >= 3
    for matches in results.values():
        for m in matches:
            assert 0 <= m["score"] <= 100 and m["reasons"] and isinstance(m["components"], dict)
    # A local-only labourer gets nothing outside his county.
    assert {m["job_ref"] for m in results["s2"]} <= {"home", "welfare"}
    # Public-welfare posts only for labourers whose hukou is in that county.
    assert "welfare" not in {m["job_ref"] for m in results["s3"]}


def test_preview_uses_the_same_scorer_as_match_runs(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post(
        "/v1/matching/preview", json={"seekers": SEEKERS, "jobs": JOBS, "per_seeker": 4}, headers=admin
    )
    direct = rank(
        [SeekerIn(**s) for s in SEEKERS],  # type: ignore[arg-type]
        [JobIn(**j) for j in JOBS],  # type: ignore[arg-type]
        per_seeker=4,
        today=date.today(),
    )
    got = [[(m["job_ref"], m["score"]) for m in x["matches"]] for x in r.json()["results"]]
    assert got == [[(m.job_ref, m.score) for m in x.matches] for x in direct]


def test_preview_rejects_unknown_regions_and_bad_ranges(client: TestClient, admin: dict[str, str]) -> None:
    bad = [{**JOBS[0], "region_code": "999999"}]
    r = client.post("/v1/matching/preview", json={"seekers": SEEKERS, "jobs": bad}, headers=admin)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "jobs", 0, "region_code"]
    swapped = [{**JOBS[0], "salary_min": 9000, "salary_max": 1000}]
    assert (
        client.post(
            "/v1/matching/preview", json={"seekers": SEEKERS, "jobs": swapped}, headers=admin
        ).status_code
        == 422
    )
    assert client.post("/v1/matching/preview", json={"seekers": SEEKERS, "jobs": JOBS}).status_code == 401
