"""A whole 三来三往 world built over HTTP, for the attack matrix and the personal-data scans.

County A (620521 清水县) sends its seekers to district X (120105 河北区); county B (620522 秦安县) and
district Y (120106 红桥区) are partnered too, so they hold valid keys close to A's and X's objects but
must never see them.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from stdnum.cn import ric, uscc

H = dict[str, str]

COUNTY_A, COUNTY_B = "620521", "620522"
DISTRICT_X, DISTRICT_Y = "120105", "120106"

_rng = random.Random(20201012)
_seq = itertools.count(1)


def id_number(region: str = COUNTY_A) -> str:
    """A valid 18-digit ID number with a random birth date and sequence, unlikely to collide with
    anything else stored (uuids, hashes, timestamps) when searched for as a digit string."""
    born = f"{_rng.randint(1966, 2001)}{_rng.randint(1, 12):02d}{_rng.randint(1, 28):02d}"
    body = f"{region}{born}{_rng.randint(100, 999)}"
    return body + ric.calc_check_digit(body + "0")


def phone() -> str:
    prefix = _rng.choice(("139", "138", "137", "136", "135", "186", "158", "159", "188", "150"))
    return f"{prefix}{_rng.randint(10_000_000, 99_999_999)}"


def uscc_code(district: str = DISTRICT_X) -> str:
    body = f"9112{district[2:]}MA{_rng.randint(0, 9_999_999):07d}"
    return body + uscc.calc_check_digit(body)


def seeker_body(n: int | None = None, **extra: Any) -> dict[str, Any]:
    n = n if n is not None else next(_seq)
    return {
        "external_id": f"QS-SECRET-{n:04d}",
        "name": f"清水秘密人{n}号",
        "id_number": id_number(),
        "phone": phone(),
        "hukou_region_code": COUNTY_A,
        "skills": ["电焊"],
        "desired_occupations": ["电焊工"],
        "mobility": "cross_province",
        **extra,
    }


@dataclass
class World:
    keys: dict[str, H]
    ids: dict[str, str]
    # Strings of A's and X's objects an outsider must never be shown.
    secrets: dict[str, str] = field(default_factory=dict)
    id_numbers: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def ok(r: Any, *codes: int) -> dict[str, Any]:
    assert r.status_code in (codes or (200, 201)), (
        f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    )
    body: dict[str, Any] = r.json()
    return body


def build(client: TestClient, make_key: Callable[..., H]) -> World:
    admin = make_key("admin")
    keys = {
        "admin": admin,
        "sending_a": make_key("sending", COUNTY_A, name="victim-sending-a"),
        "receiving_x": make_key("receiving", DISTRICT_X),
        "scheduler_x": make_key("scheduler", DISTRICT_X),
        "sending_b": make_key("sending", COUNTY_B),
        "receiving_y": make_key("receiving", DISTRICT_Y),
        "scheduler_y": make_key("scheduler", DISTRICT_Y),
    }
    ids: dict[str, str] = {}
    partnerships = {}
    for receiving, sending in ((DISTRICT_X, COUNTY_A), (DISTRICT_X, COUNTY_B), (DISTRICT_Y, COUNTY_B)):
        body = {
            "receiving_region_code": receiving,
            "sending_region_code": sending,
            "valid_from": "2019-01-01",
        }
        partnerships[(receiving, sending)] = ok(client.post("/v1/partnerships", json=body, headers=admin))[
            "id"
        ]
    ids["partnership_id"] = partnerships[(DISTRICT_X, COUNTY_A)]
    target = {"receiving_region_code": DISTRICT_X, "period": "2020", "jobs_to_provide": 100}
    ids["target_id"] = ok(client.post("/v1/targets", json=target, headers=admin))["id"]
    keys_page = ok(client.get("/v1/api-keys", params={"limit": 500}, headers=admin))["items"]
    ids["key_id"] = next(k["id"] for k in keys_page if k["name"] == "victim-sending-a")

    a = keys["sending_a"]
    seekers = [seeker_body(), seeker_body(desired_occupations=["保洁"], skills=[])]
    created = [ok(client.post("/v1/seekers", json=s, headers=a), 201) for s in seekers]
    ids["seeker_id"] = created[0]["id"]
    secret_service = ok(
        client.post(
            f"/v1/seekers/{ids['seeker_id']}/services",
            json={"kind": "guidance", "occurred_at": "2020-10-01T10:00:00+08:00", "note": "保密服务备注甲"},
            headers=a,
        ),
        201,
    )

    x = keys["receiving_x"]
    employer = ok(
        client.post(
            "/v1/employers",
            json={
                "name": "河北区保密测试电气有限公司",
                "uscc": uscc_code(),
                "region_code": DISTRICT_X,
                "kind": "ordinary",
                "contact_name": "保密联系人",
                "contact_phone": phone(),
            },
            headers=x,
        ),
        201,
    )
    ids["employer_id"] = employer["id"]
    job_ids = []
    for n, title in enumerate(("保密电焊工岗位", "保密保洁员岗位")):
        job = {
            "external_id": f"HB-SECRET-{n}",
            "employer_id": employer["id"],
            "title": title,
            "headcount": 5,
            "region_code": DISTRICT_X,
            "salary_min": 4000,
            "salary_max": 6000,
            "housing_provided": True,
        }
        job_ids.append(ok(client.post("/v1/jobs", json=job, headers=x), 201)["id"])
    ids["job_id"] = job_ids[0]

    ex = {
        "receiving_region_code": DISTRICT_X,
        "title": "保密求职清单",
        "seeker_ids": [c["id"] for c in created],
    }
    ids["exchange_id"] = ok(client.post("/v1/exchanges", json=ex, headers=a), 201)["id"]
    xid = ids["exchange_id"]
    ok(client.post(f"/v1/exchanges/{xid}/job-supply", json={"job_ids": job_ids}, headers=x))
    ids["run_id"] = ok(
        client.post(f"/v1/exchanges/{xid}/match-runs", json={"per_seeker": 2}, headers=a), 201
    )["id"]
    matches = ok(client.get(f"/v1/exchanges/{xid}/matches", params={"limit": 500}, headers=a))["items"]
    assert matches, "the match run made no match"
    mid = matches[0]["id"]
    ids["match_id"] = mid
    ok(client.patch(f"/v1/matches/{mid}", json={"status": "accepted"}, headers=a))
    interview = {
        "match_id": mid,
        "mode": "remote",
        "starts_at": "2020-10-12T09:00:00+08:00",
        "duration_minutes": 30,
        "interviewer": "保密面试官",
        "meeting_url": "https://meeting.example.cn/secret-room",
    }
    ids["interview_id"] = ok(client.post("/v1/interviews", json=interview, headers=keys["scheduler_x"]), 201)[
        "id"
    ]
    ok(client.patch(f"/v1/matches/{mid}", json={"status": "hired", "start_date": "2020-11-01"}, headers=x))
    placements = ok(client.get("/v1/placements", headers=a))["items"]
    assert len(placements) == 1
    ids["placement_id"] = placements[0]["id"]

    world = World(keys=keys, ids=ids)
    world.secrets = {f"id:{k}": v for k, v in ids.items()} | {
        "service_id": secret_service["id"],
        "service_note": "保密服务备注甲",
        "employer_name": employer["name"],
        "employer_uscc": employer["uscc"],
        "employer_contact": "保密联系人",
        "employer_phone": employer["contact_phone"],
        "job_title": "保密电焊工岗位",
        "job_title_2": "保密保洁员岗位",
        "job_external_id": "HB-SECRET-0",
        "exchange_title": "保密求职清单",
        "interviewer": "保密面试官",
        "meeting_url": "secret-room",
    }
    for n, s in enumerate(seekers):
        world.secrets |= {
            f"seeker{n}_name": s["name"],
            f"seeker{n}_external_id": s["external_id"],
            f"seeker{n}_phone": s["phone"],
            f"seeker{n}_id_number": s["id_number"],
            f"seeker{n}_masked_id": created[n]["id_number_masked"],
            f"seeker{n}_masked_phone": created[n]["phone_masked"],
            f"seeker{n}_id2": created[n]["id"],
        }
        world.id_numbers.append(s["id_number"])
        world.phones.append(s["phone"])
    return world
