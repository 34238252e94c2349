"""Role × endpoint × other-region matrix: every operation of the OpenAPI document, called by every
outsider (a key of another county, another district, another district's scheduler, no key at all)
against county A's and district X's objects → 401/403/404, never their data, and nothing changes.

Operations are read from ``create_app().openapi()``, so a new endpoint is attacked as soon as it exists;
one with a path parameter or body this file does not know fails the test until it is added below.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.security import world as w

H = dict[str, str]

SPEC = create_app().openapi()
OPERATIONS = [
    (method.upper(), path, op)
    for path, ops in SPEC["paths"].items()
    for method, op in ops.items()
    if method in {"get", "post", "put", "patch", "delete"}
]
ATTACKERS = ("sending_b", "receiving_y", "scheduler_y")

# Path parameters naming an object of A or X (anything else names public reference data).
OWNED_PARAMS = {
    "seeker_id",
    "employer_id",
    "job_id",
    "exchange_id",
    "run_id",
    "match_id",
    "interview_id",
    "placement_id",
    "partnership_id",
    "target_id",
    "key_id",
}
# Reads an outsider is entitled to, with what they may see: county B is X's partner too, and partners
# read their partner district's targets (contract: "admin writes, partners read").
ALLOWED: dict[tuple[str, str, str], set[str]] = {
    ("GET", "/v1/targets/{target_id}", "sending_b"): {"id:target_id"},
    ("GET", "/v1/targets", "sending_b"): {"id:target_id"},
}


@dataclass
class Call:
    kwargs: dict[str, Any] = field(default_factory=dict)
    # The body refers to A's or X's objects: only a refusal is right.
    must_fail: bool = False
    check: Callable[[Any], None] | None = None
    # Secrets the answer may show because they derive from what the caller sent itself.
    echo: frozenset[str] = frozenset()


def _nothing_written(r: Any) -> None:
    if r.status_code == 200:
        body = r.json()
        assert body["created"] == body["updated"] == 0, body


def _path_value(name: str, path: str, world: w.World) -> str:
    if name in OWNED_PARAMS:
        return world.ids[name]
    if name == "code" and path.startswith("/v1/regions"):
        return w.COUNTY_A
    if name == "code" and path.startswith("/v1/occupations"):
        return "6-18-02-04"
    pytest.fail(f"{path}: unknown path parameter {name!r}; map it to an object of A or X in test_matrix.py")


def _query(op: dict[str, Any], path: str, world: w.World) -> dict[str, str]:
    ids = world.ids
    by_name = {
        "limit": "500",
        "seeker_id": ids["seeker_id"],
        "match_id": ids["match_id"],
        "exchange_id": ids["exchange_id"],
        "employer_id": ids["employer_id"],
        "resource_id": ids["seeker_id"],
        "principal_id": ids["key_id"],
        "uscc": world.secrets["employer_uscc"],
        "period": "2020",
        "month": "2020-10",
        "from": "2020-10-01T00:00:00+08:00",
        "to": "2020-11-01T00:00:00+08:00",
        "include_deleted": "true",
        "receiving_region_code": w.DISTRICT_X,
        "hukou_region_code": w.COUNTY_A,
    }
    q_by_path = {
        "/v1/occupations": "电焊",
        "/v1/seekers": "QS-SECRET",
        "/v1/employers": "保密",
        "/v1/jobs": "保密",
    }
    out: dict[str, str] = {}
    for p in op.get("parameters", []):
        if p["in"] != "query":
            continue
        name = p["name"]
        if name == "q" and path in q_by_path:
            out[name] = q_by_path[path]
        elif name in by_name:
            out[name] = by_name[name]
        elif p.get("required"):
            pytest.fail(f"{path}: required query parameter {name!r} has no value in test_matrix.py")
    return out


def _csv(text: str) -> dict[str, Any]:
    return {"files": {"file": ("list.csv", text.encode("utf-8"), "text/csv")}}


def _calls(world: w.World, attacker: str) -> dict[tuple[str, str], Call]:
    ids, sec = world.ids, world.secrets
    own_district = w.DISTRICT_Y
    stolen_seeker = w.seeker_body(
        external_id=sec["seeker0_external_id"],
        id_number=sec["seeker0_id_number"],
        hukou_region_code=w.COUNTY_B,
    )
    job = {
        "external_id": "HB-SECRET-0",
        "employer_id": ids["employer_id"],
        "title": "攻击者岗位",
        "headcount": 1,
        "region_code": own_district,
        "salary_min": 3000,
        "salary_max": 4000,
    }
    seeker_csv = (
        "外部编号,姓名,身份证号,手机号,户籍地区划代码\n"
        f"{sec['seeker0_external_id']},攻击者,{sec['seeker0_id_number']},{w.phone()},{w.COUNTY_B}\n"
    )
    job_csv = (
        "岗位编号,用人单位ID,岗位名称,招聘人数,工作地区划代码,月薪下限,月薪上限\n"
        f"HB-SECRET-0,{ids['employer_id']},攻击者岗位,1,{own_district},3000,4000\n"
    )
    preview = {
        "seekers": [
            {
                "ref": "s1",
                "skills": ["电焊"],
                "desired_occupations": ["电焊工"],
                "certificates": [],
                "hukou_region_code": w.COUNTY_B,
                "mobility": "cross_province",
                "preferred_region_codes": [],
                "expected_salary": 4000,
                "needs_housing": True,
                "tags": [],
            }
        ],
        "jobs": [
            {
                "ref": "j1",
                "title": "电焊工",
                "skills_required": ["电焊"],
                "region_code": own_district,
                "salary_min": 4000,
                "salary_max": 6000,
                "housing_provided": True,
                "headcount": 2,
                "public_welfare": False,
            }
        ],
    }
    return {
        ("POST", "/v1/api-keys"): Call({"json": {"name": "提权", "role": "admin"}}, must_fail=True),
        ("POST", "/v1/partnerships"): Call(
            {
                "json": {
                    "receiving_region_code": w.DISTRICT_X,
                    "sending_region_code": "620523",
                    "valid_from": "2020-01-01",
                }
            },
            must_fail=True,
        ),
        ("PATCH", "/v1/partnerships/{partnership_id}"): Call({"json": {"agreement_no": "篡改"}}),
        ("POST", "/v1/targets"): Call(
            {"json": {"receiving_region_code": w.DISTRICT_X, "period": "2021"}}, must_fail=True
        ),
        ("PATCH", "/v1/targets/{target_id}"): Call({"json": {"jobs_to_provide": 1}}),
        ("POST", "/v1/occupations/{code}/synonyms"): Call(
            {"json": {"phrases": ["攻击短语"]}}, must_fail=True
        ),
        ("POST", "/v1/matching/preview"): Call({"json": preview}),
        # Another county may hold the same person: a 409 here would reveal A's list to B.
        ("POST", "/v1/seekers"): Call({"json": stolen_seeker}, echo=frozenset({"seeker0_masked_id"})),
        ("PATCH", "/v1/seekers/{seeker_id}"): Call({"json": {"expected_salary": 1}}),
        ("POST", "/v1/seekers/batch"): Call({"json": {"items": [stolen_seeker], "mode": "partial"}}),
        ("POST", "/v1/seekers/import"): Call(_csv(seeker_csv)),
        ("POST", "/v1/employers"): Call(
            {
                "json": {
                    "name": "攻击者公司",
                    "uscc": sec["employer_uscc"],
                    "region_code": own_district,
                    "kind": "ordinary",
                }
            }
        ),
        ("PATCH", "/v1/employers/{employer_id}"): Call({"json": {"name": "篡改"}}),
        ("POST", "/v1/jobs"): Call({"json": job}, must_fail=True),
        ("PATCH", "/v1/jobs/{job_id}"): Call({"json": {"headcount": 1}}),
        ("POST", "/v1/jobs/batch"): Call(
            {"json": {"items": [job], "mode": "partial"}}, check=_nothing_written
        ),
        ("POST", "/v1/jobs/import"): Call(_csv(job_csv), check=_nothing_written),
        ("POST", "/v1/exchanges"): Call(
            {
                "json": {
                    "receiving_region_code": w.DISTRICT_X,
                    "title": "偷来的清单",
                    "seeker_ids": [ids["seeker_id"]],
                }
            },
            must_fail=True,
        ),
        ("POST", "/v1/exchanges/{exchange_id}/job-supply"): Call({"json": {"job_ids": [ids["job_id"]]}}),
        ("POST", "/v1/exchanges/{exchange_id}/match-runs"): Call({"json": {"per_seeker": 3}}),
        ("POST", "/v1/exchanges/{exchange_id}/close"): Call({"json": {"note": "攻击"}}),
        ("POST", "/v1/exchanges/{exchange_id}/cancel"): Call({"json": {"note": "攻击"}}),
        ("PATCH", "/v1/matches/{match_id}"): Call({"json": {"status": "withdrawn"}}),
        ("POST", "/v1/interviews"): Call(
            {
                "json": {
                    "match_id": ids["match_id"],
                    "mode": "remote",
                    "starts_at": "2020-10-13T09:00:00+08:00",
                    "duration_minutes": 30,
                    "interviewer": "攻击者",
                }
            },
            must_fail=True,
        ),
        ("PATCH", "/v1/interviews/{interview_id}"): Call({"json": {"status": "cancelled"}}),
        ("POST", "/v1/placements"): Call(
            {
                "json": {
                    "seeker_id": ids["seeker_id"],
                    "employer_name": "攻击者公司",
                    "region_code": own_district,
                    "started_on": "2020-11-01",
                }
            },
            must_fail=True,
        ),
        ("PATCH", "/v1/placements/{placement_id}"): Call(
            {"json": {"ended_on": "2020-12-01", "end_reason": "篡改"}}
        ),
        ("POST", "/v1/seekers/{seeker_id}/services"): Call(
            {"json": {"kind": "other", "occurred_at": "2020-10-02T10:00:00+08:00"}}
        ),
    }


def _snapshot(client: TestClient, world: w.World) -> dict[str, Any]:
    """Everything A and X own, as their owners and the admin see it."""
    ids, k = world.ids, world.keys
    a, x, adm = k["sending_a"], k["receiving_x"], k["admin"]
    reads = {
        "seeker": (f"/v1/seekers/{ids['seeker_id']}", adm),
        "seekers": ("/v1/seekers?limit=500&include_deleted=true", adm),
        "services": (f"/v1/seekers/{ids['seeker_id']}/services?limit=500", a),
        "employer": (f"/v1/employers/{ids['employer_id']}", adm),
        "jobs": ("/v1/jobs?limit=500&include_deleted=true", x),
        "exchange": (f"/v1/exchanges/{ids['exchange_id']}", adm),
        "matches": (f"/v1/exchanges/{ids['exchange_id']}/matches?limit=500", a),
        "run": (f"/v1/exchanges/{ids['exchange_id']}/match-runs/{ids['run_id']}", a),
        "interviews": ("/v1/interviews?limit=500", x),
        "placements": ("/v1/placements?limit=500", a),
        "partnership": (f"/v1/partnerships/{ids['partnership_id']}", adm),
        "target": (f"/v1/targets/{ids['target_id']}", adm),
        "keys": ("/v1/api-keys?limit=500", adm),
    }
    out: dict[str, Any] = {}
    for name, (url, headers) in reads.items():
        r = client.get(url, headers=headers)
        assert r.status_code == 200, f"{name}: {r.status_code} {r.text}"
        out[name] = r.json()
    # The admin sees the outsiders' own (legitimate) creations too.
    out["seekers"] = [s for s in out["seekers"]["items"] if s["owner_region_code"] == w.COUNTY_A]
    return out


def _leaks(r: Any, secrets: dict[str, str], sent: str, allowed: set[str]) -> list[str]:
    text = r.text
    if r.headers.get("content-type", "").startswith(("application/json", "application/problem+json")):
        body = r.json()
        if isinstance(body, dict):
            # ``instance`` is the request path: the attacker's own input echoed back.
            body.pop("instance", None)
        text = json.dumps(body, ensure_ascii=False)
    return [
        name for name, value in secrets.items() if name not in allowed and value not in sent and value in text
    ]


def _attack(
    client: TestClient,
    world: w.World,
    method: str,
    path: str,
    op: dict[str, Any],
    who: str,
    headers: H,
    extra_query: dict[str, str] | None = None,
) -> list[str]:
    """Run one operation as ``who``; return the problems found (empty when it held)."""
    calls = _calls(world, who)
    call = calls.get((method, path))
    if "requestBody" in op and call is None:
        pytest.fail(f"{method} {path}: no plausible body in test_matrix.py _calls(); add one")
    call = call or Call()
    params = re.findall(r"{(\w+)}", path)
    url = path
    for name in params:
        url = url.replace("{" + name + "}", _path_value(name, path, world))
    query = _query(op, path, world) | (extra_query or {})
    r = client.request(method, url, params=query, headers=headers, **call.kwargs)
    sent = (
        url
        + json.dumps({k: v for k, v in query.items() if k != "token"}, ensure_ascii=False)
        + json.dumps(call.kwargs.get("json"), ensure_ascii=False)
    )
    if "files" in call.kwargs:
        sent += call.kwargs["files"]["file"][1].decode()
    where = f"{method} {path} as {who}"
    problems: list[str] = []
    allowed_key = (method, path, who)
    owned = any(p in OWNED_PARAMS for p in params)
    if allowed_key in ALLOWED:
        if r.status_code >= 500:
            problems.append(f"{where}: {r.status_code}")
    elif who == "anonymous":
        if r.status_code != 401:
            problems.append(f"{where}: {r.status_code}, expected 401")
    elif owned:
        if r.status_code not in (403, 404):
            problems.append(f"{where}: {r.status_code}, expected 403/404 {r.text[:200]}")
        if r.headers.get("etag"):
            problems.append(f"{where}: ETag of a foreign object")
    elif call.must_fail:
        if r.status_code not in (403, 404, 422):
            problems.append(f"{where}: {r.status_code}, expected a refusal {r.text[:200]}")
    elif r.status_code >= 500 or r.status_code == 409:
        # A 409 would tell the caller that A or X already holds this object.
        problems.append(f"{where}: {r.status_code} {r.text[:200]}")
    if call.check is not None and not problems:
        try:
            call.check(r)
        except AssertionError as exc:
            problems.append(f"{where}: {exc}")
    leaked = _leaks(r, world.secrets, sent, ALLOWED.get(allowed_key, set()) | call.echo)
    if leaked:
        problems.append(f"{where}: {r.status_code} shows {leaked}")
    return problems


@pytest.fixture
def world(client: TestClient, make_key: Callable[..., H]) -> w.World:
    return w.build(client, make_key)


def test_owners_see_what_outsiders_must_not(client: TestClient, world: w.World) -> None:
    """The secrets are real: the owners are shown them, so their absence below means something."""
    ids, k, sec = world.ids, world.keys, world.secrets
    seeker = client.get(f"/v1/seekers/{ids['seeker_id']}", headers=k["sending_a"]).text
    assert sec["seeker0_name"] in seeker and sec["seeker0_phone"] in seeker
    assert sec["job_title"] in client.get(f"/v1/jobs/{ids['job_id']}", headers=k["receiving_x"]).text
    interview = client.get(f"/v1/interviews/{ids['interview_id']}", headers=k["scheduler_x"]).text
    assert sec["interviewer"] in interview
    assert sec["exchange_title"] in client.get("/v1/exchanges", headers=k["receiving_x"]).text


def test_every_operation_refuses_other_regions_and_shows_nothing(client: TestClient, world: w.World) -> None:
    before = _snapshot(client, world)
    problems: list[str] = []
    attacked = 0
    for method, path, op in OPERATIONS:
        principals: list[tuple[str, H]] = [(who, world.keys[who]) for who in ATTACKERS]
        if op.get("security"):
            principals += [("anonymous", {}), ("anonymous", {"Authorization": "Bearer lw_not-a-real-key"})]
        for who, headers in principals:
            problems += _attack(client, world, method, path, op, who, headers)
            attacked += 1
        if any(p["name"] == "token" and p["in"] == "query" for p in op.get("parameters", [])):
            # Calendar subscriptions carry the key in the URL.
            for who in ATTACKERS:
                token = world.keys[who]["Authorization"].removeprefix("Bearer ")
                problems += _attack(client, world, method, path, op, who, {}, {"token": token})
    assert attacked > 3 * len(OPERATIONS)
    assert not problems, "\n".join(problems)
    after = _snapshot(client, world)
    for name in before:
        assert after[name] == before[name], f"{name} changed under attack"


def test_every_operation_is_in_the_matrix() -> None:
    """Every operation with a body has a plausible one here, and every path parameter a value."""
    known = set(_calls(_dummy_world(), "sending_b"))
    for method, path, op in OPERATIONS:
        if "requestBody" in op:
            assert (method, path) in known, f"{method} {path}: add a body to _calls()"
        for name in re.findall(r"{(\w+)}", path):
            assert name in OWNED_PARAMS or name == "code", f"{path}: unknown parameter {name}"


def _dummy_world() -> w.World:
    ids = {name: "x" for name in OWNED_PARAMS}
    secrets = {
        "employer_uscc": w.uscc_code(),
        "seeker0_external_id": "QS-SECRET-0000",
        "seeker0_id_number": w.id_number(),
    }
    return w.World(keys={}, ids=ids, secrets=secrets)
