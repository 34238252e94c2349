"""A whole 三来三往 exchange over HTTP with four keys: sending, another sending county, receiving, scheduler."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.models import AuditEvent
from app.placements.models import ServiceRecord
from tests.exchanges import factories as f

H = dict[str, str]


@pytest.fixture
def keys(make_key: Callable[..., H], session: Session) -> dict[str, H]:
    return f.keys(make_key, session)


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    welder = f.seeker(session, name="张三", skills=["会电焊"], desired_occupations=["电焊工"])
    local = f.seeker(session, name="李四", skills=["会电焊"], mobility="local")
    cleaner = f.seeker(
        session, name="王五", skills=[], desired_occupations=["保洁"], tags=["zero_employment"]
    )
    emp = f.employer(session)
    jobs = {
        "weld": f.job(session, emp, title="电焊工", occupation="焊工"),
        "clean": f.job(session, emp, title="保洁员"),
        "guard": f.job(session, emp, title="保安员"),
    }
    foreign = f.job(session, f.employer(session, owner="120106", name="红桥某公司"), title="保安员")
    return {"welder": welder, "local": local, "cleaner": cleaner, "jobs": jobs, "foreign": foreign}


def _matches(client: TestClient, h: H, exchange_id: str, **params: str) -> list[dict[str, Any]]:
    r = client.get(f"/v1/exchanges/{exchange_id}/matches", headers=h, params={"limit": "500", **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_whole_exchange(
    client: TestClient, keys: dict[str, H], world: dict[str, Any], session: Session
) -> None:
    s, other, rcv, sch = keys["sending"], keys["other"], keys["receiving"], keys["scheduler"]
    seeker_ids = [world["welder"].id, world["local"].id, world["cleaner"].id]
    jobs = world["jobs"]

    # 1 来: the sending county sends its list; the receiving side may not start one.
    body = {"receiving_region_code": f.RECEIVING, "title": "2020年10月求职清单", "seeker_ids": seeker_ids}
    assert client.post("/v1/exchanges", json=body, headers=rcv).status_code == 403
    r = client.post("/v1/exchanges", json=body, headers=s)
    assert r.status_code == 201, r.text
    ex = r.json()
    xid = ex["id"]
    assert ex["state"] == "seekers_sent" and ex["seekers_count"] == 3
    assert ex["history"][0]["to_state"] == "seekers_sent" and ex["history"][0]["from_state"] is None

    # Another sending county sees nothing of it.
    for path in ("", "/seekers", "/demand-summary", "/matches"):
        assert client.get(f"/v1/exchanges/{xid}{path}", headers=other).status_code == 404
    assert client.post(f"/v1/exchanges/{xid}/match-runs", json={}, headers=other).status_code == 404
    assert client.get("/v1/exchanges", headers=other).json()["items"] == []

    # The receiving side sees the list masked; the owner sees it in full.
    masked = client.get(f"/v1/exchanges/{xid}/seekers", headers=rcv).json()["items"]
    assert {m["name"] for m in masked} == {"张*", "李*", "王*"}
    assert all("id_number" not in m and "id_number_masked" not in m and "phone" not in m for m in masked)
    assert "13812345678" not in client.get(f"/v1/exchanges/{xid}/seekers", headers=sch).text
    full = client.get(f"/v1/exchanges/{xid}/seekers", headers=s).json()["items"]
    assert {m["name"] for m in full} == {"张三", "李四", "王五"}
    assert all(m["phone"] == "13812345678" and m["id_number_masked"].startswith("620521") for m in full)
    audited = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.resource_type == "seeker")
    )
    assert audited == 3

    summary = client.get(f"/v1/exchanges/{xid}/demand-summary", headers=rcv).json()
    assert summary["seekers_total"] == 3
    assert {c["label"]: c["count"] for c in summary["by_mobility"]} == {"cross_province": 2, "local": 1}

    # Out of order: matching before the receiving side answered.
    r = client.post(f"/v1/exchanges/{xid}/match-runs", json={}, headers=s)
    assert r.status_code == 409 and "岗位供给清单" in r.json()["detail"]

    # 1 往: only the caller's own open jobs.
    r = client.post(f"/v1/exchanges/{xid}/job-supply", json={"job_ids": [world["foreign"].id]}, headers=rcv)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "job_ids", 0]
    assert (
        client.post(
            f"/v1/exchanges/{xid}/job-supply", json={"job_ids": [jobs["weld"].id]}, headers=s
        ).status_code
        == 403
    )
    r = client.post(
        f"/v1/exchanges/{xid}/job-supply", json={"job_ids": [j.id for j in jobs.values()]}, headers=rcv
    )
    assert r.status_code == 200 and r.json()["state"] == "jobs_supplied" and r.json()["jobs_count"] == 3

    # 2 来: the match run.
    r = client.post(f"/v1/exchanges/{xid}/match-runs", json={"per_seeker": 3}, headers=s)
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["status"] == "succeeded" and run["created_count"] > 0
    assert client.get(f"/v1/exchanges/{xid}/match-runs/{run['id']}", headers=s).json()["id"] == run["id"]
    assert client.get(f"/v1/exchanges/{xid}", headers=s).json()["state"] == "matched"
    # Supplying after matching is a step out of order.
    assert (
        client.post(
            f"/v1/exchanges/{xid}/job-supply", json={"job_ids": [jobs["weld"].id]}, headers=rcv
        ).status_code
        == 409
    )

    welder_matches = sorted(_matches(client, s, xid, seeker_id=world["welder"].id), key=lambda m: m["rank"])
    assert welder_matches[0]["job"]["id"] == jobs["weld"].id and welder_matches[0]["rank"] == 1
    assert len(welder_matches) == 3
    assert _matches(client, s, xid, seeker_id=world["local"].id) == []  # no job in his county
    # Recommendations count as services.
    services = client.get(f"/v1/seekers/{world['welder'].id}/services", headers=s).json()["items"]
    assert sorted(x["source"] for x in services) == ["match_run"] * 3

    top = welder_matches[0]
    mid = top["id"]
    # Receiving sees the match with a masked seeker; scheduler sees nothing before consent.
    assert client.get(f"/v1/matches/{mid}", headers=rcv).json()["seeker"]["name"] == "张*"
    assert client.get(f"/v1/matches/{mid}", headers=sch).status_code == 404
    assert client.get(f"/v1/matches/{mid}", headers=other).status_code == 404

    # Illegal transitions and the wrong side.
    assert (
        client.patch(
            f"/v1/matches/{mid}", json={"status": "hired", "start_date": "2020-11-01"}, headers=rcv
        ).status_code
        == 409
    )
    assert client.patch(f"/v1/matches/{mid}", json={"status": "accepted"}, headers=rcv).status_code == 409
    r = client.post(
        "/v1/interviews",
        json={
            "match_id": mid,
            "mode": "remote",
            "starts_at": "2020-10-12T09:00:00+08:00",
            "duration_minutes": 30,
            "interviewer": "刘经理",
        },
        headers=rcv,
    )
    assert r.status_code == 409  # not agreed yet

    # Consent, with If-Match.
    etag = client.get(f"/v1/matches/{mid}", headers=s).headers["ETag"]
    assert (
        client.patch(
            f"/v1/matches/{mid}", json={"status": "accepted"}, headers={**s, "If-Match": '"x-9"'}
        ).status_code
        == 412
    )
    r = client.patch(
        f"/v1/matches/{mid}", json={"status": "accepted", "note": "本人同意"}, headers={**s, "If-Match": etag}
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    pulled = client.get("/v1/matches", params={"status": "accepted"}, headers=sch).json()["items"]
    assert [m["id"] for m in pulled] == [mid] and pulled[0]["seeker"]["name"] == "张*"

    # 2 往: a remote interview.
    book = {
        "match_id": mid,
        "mode": "remote",
        "starts_at": "2020-10-12T09:00:00+08:00",
        "duration_minutes": 30,
        "interviewer": "刘经理",
        "meeting_url": "https://meeting.example.cn/abc",
    }
    r = client.post("/v1/interviews", json={**book, "starts_at": "2020-10-12T09:00:00"}, headers=sch)
    assert r.status_code == 422  # naive time
    r = client.post("/v1/interviews", json=book, headers=sch)
    assert r.status_code == 201, r.text
    iv = r.json()
    assert iv["starts_at"] == "2020-10-12T09:00:00+08:00" and iv["seeker_name"] == "张*"
    assert client.get(f"/v1/matches/{mid}", headers=rcv).json()["status"] == "interviewing"
    assert client.get(f"/v1/exchanges/{xid}", headers=rcv).json()["state"] == "recruiting"

    # Double booking: same interviewer, or the same labourer, at an overlapping time.
    other_match = welder_matches[1]["id"]
    client.patch(f"/v1/matches/{other_match}", json={"status": "accepted"}, headers=s)
    r = client.post(
        "/v1/interviews",
        json={
            **book,
            "match_id": other_match,
            "starts_at": "2020-10-12T09:15:00+08:00",
            "interviewer": "陈主管",
        },
        headers=rcv,
    )
    assert r.status_code == 409 and r.json()["conflict"] == "seeker"
    cleaner_match = _matches(client, s, xid, seeker_id=world["cleaner"].id)[0]["id"]
    client.patch(f"/v1/matches/{cleaner_match}", json={"status": "accepted"}, headers=s)
    r = client.post(
        "/v1/interviews",
        json={
            **book,
            "match_id": cleaner_match,
            "starts_at": "2020-10-12T01:20:00Z",
            "interviewer": " 刘经理",
        },
        headers=rcv,
    )
    assert r.status_code == 409 and r.json()["conflict"] == "interviewer"
    r = client.post(
        "/v1/interviews",
        json={**book, "match_id": cleaner_match, "starts_at": "2020-10-12T09:30:00+08:00"},
        headers=rcv,
    )
    assert r.status_code == 201  # back to back is fine

    # The calendar.
    r = client.get(f"/v1/interviews/{iv['id']}.ics", headers=sch)
    assert r.status_code == 200 and r.headers["content-type"] == "text/calendar; charset=utf-8"
    event = next(iter(Calendar.from_ical(r.content).walk("VEVENT")))
    assert event.decoded("dtstart") == datetime.fromisoformat("2020-10-12T09:00:00+08:00")
    assert str(event["uid"]) == f"{iv['id']}@laowu" and event.decoded("sequence") == 0
    assert "张三" not in r.text and "13812345678" not in r.text

    # Reschedule, with If-Match: SEQUENCE goes up.
    etag = client.get(f"/v1/interviews/{iv['id']}", headers=sch).headers["ETag"]
    r = client.patch(
        f"/v1/interviews/{iv['id']}",
        json={"starts_at": "2020-10-12T14:00:00+08:00"},
        headers={**sch, "If-Match": etag},
    )
    assert r.status_code == 200 and r.json()["sequence"] == 1
    feed = client.get(
        "/v1/interviews.ics",
        params={"from": "2020-10-01T00:00:00+08:00", "to": "2020-11-01T00:00:00+08:00"},
        headers=rcv,
    )
    events = {str(e["uid"]): e for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert len(events) == 2
    moved = events[f"{iv['id']}@laowu"]
    assert (
        moved.decoded("dtstart") == datetime.fromisoformat("2020-10-12T14:00:00+08:00")
        and moved.decoded("sequence") == 1
    )

    # Completed and passed: offered; then hired with a start date → an in_receiving placement.
    r = client.patch(
        f"/v1/interviews/{iv['id']}", json={"status": "completed", "outcome": "passed"}, headers=sch
    )
    assert r.status_code == 200 and r.json()["status"] == "completed"
    assert client.get(f"/v1/matches/{mid}", headers=rcv).json()["status"] == "offered"
    assert client.patch(f"/v1/matches/{mid}", json={"status": "hired"}, headers=rcv).status_code == 422
    r = client.patch(f"/v1/matches/{mid}", json={"status": "hired", "start_date": "2020-11-01"}, headers=rcv)
    assert r.status_code == 200 and r.json()["status"] == "hired" and r.json()["start_date"] == "2020-11-01"
    assert client.patch(f"/v1/matches/{mid}", json={"status": "withdrawn"}, headers=s).status_code == 409

    for h in (s, rcv):
        placements = client.get("/v1/placements", headers=h).json()["items"]
        assert len(placements) == 1
        p = placements[0]
        assert p["category"] == "in_receiving" and p["seeker_id"] == world["welder"].id
        assert p["receiving_region_code"] == f.RECEIVING and p["started_on"] == "2020-11-01"
    assert client.get("/v1/placements", headers=other).json()["items"] == []
    # ... and it counts in the district's progress report as 来津就业.
    report = client.get("/v1/reports/progress", params={"period": "2020-11"}, headers=rcv).json()
    [row] = [r for r in report["rows"] if r["region_code"] == f.RECEIVING]
    assert row["employed_in_receiving"]["achieved"] == 1
    assert report["totals"]["employed_in_receiving"]["achieved"] == 1

    # 3 来/往: close by hand; everything still open is withdrawn.
    r = client.post(f"/v1/exchanges/{xid}/close", json={"note": "本轮结束"}, headers=rcv)
    assert r.status_code == 200 and r.json()["state"] == "closed"
    states = [(h["from_state"], h["to_state"]) for h in r.json()["history"]]
    assert states[:4] == [
        (None, "seekers_sent"),
        ("seekers_sent", "jobs_supplied"),
        ("jobs_supplied", "matched"),
        ("matched", "recruiting"),
    ]
    assert states[-1] == ("recruiting", "closed")
    assert all(h["principal_name"] for h in r.json()["history"])
    statuses = {m["status"] for m in _matches(client, s, xid)}
    assert statuses <= {"hired", "withdrawn"}
    assert client.post(f"/v1/exchanges/{xid}/cancel", headers=s).status_code == 409
    assert session.scalar(select(func.count()).select_from(ServiceRecord)) == run["created_count"]
