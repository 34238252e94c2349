"""Interviews: no double booking (also under concurrent requests), outcomes, reschedules and calendars."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.interviews import service
from app.interviews.models import Interview, InterviewSlot
from tests.exchanges import factories as f

H = dict[str, str]
T0 = "2020-10-12T09:00:00+08:00"


@pytest.fixture
def keys(make_key: Callable[..., H], session: Session) -> dict[str, H]:
    return f.keys(make_key, session)


def _agreed(
    client: TestClient, keys: dict[str, H], session: Session, n: int = 1, jobs: int = 1
) -> list[dict[str, Any]]:
    """``n`` labourers, each with ``jobs`` matches, all agreed to."""
    seekers = [f.seeker(session, name=f"吴{i}") for i in range(n)]
    emp = f.employer(session)
    job_ids = [f.job(session, emp, title=t, headcount=n).id for t in ("保洁员", "保安员", "服务员")[:jobs]]
    xid = f.matched_exchange(client, keys, [s.id for s in seekers], job_ids)
    ms = f.matches_of(client, keys["sending"], xid)
    for m in ms:
        assert (
            client.patch(
                f"/v1/matches/{m['id']}", json={"status": "accepted"}, headers=keys["sending"]
            ).status_code
            == 200
        )
    return ms


def _book(
    match_id: str, starts_at: str = T0, interviewer: str = "刘经理", minutes: int = 30
) -> dict[str, Any]:
    return {
        "match_id": match_id,
        "mode": "remote",
        "starts_at": starts_at,
        "duration_minutes": minutes,
        "interviewer": interviewer,
        "meeting_url": "https://meeting.example.cn/r/1",
    }


def test_slots_round_out_to_quarter_hours() -> None:
    a = datetime.fromisoformat("2020-10-12T09:10:00+08:00")
    b = datetime.fromisoformat("2020-10-12T09:20:00+08:00")
    s = service.slots(a, b)
    assert len(s) == 2  # 09:00-09:15 and 09:15-09:30
    assert service.slots(a, a.replace(minute=15)) == range(s.start, s.start + 1)
    assert (
        service.interviewer_key(" 刘 经理 ")
        == service.interviewer_key("刘经理")
        == service.interviewer_key("刘　经理")
    )


def test_double_booking_is_refused_and_back_to_back_is_not(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    a, b = _agreed(client, keys, session, n=2)
    assert client.post("/v1/interviews", json=_book(a["id"]), headers=keys["scheduler"]).status_code == 201
    r = client.post(
        "/v1/interviews", json=_book(b["id"], "2020-10-12T09:29:00+08:00"), headers=keys["receiving"]
    )
    assert r.status_code == 409 and r.json()["conflict"] == "interviewer"
    r = client.post(
        "/v1/interviews", json=_book(b["id"], "2020-10-12T09:30:00+08:00"), headers=keys["receiving"]
    )
    assert r.status_code == 201
    # The same interviewer name in another receiving region is another person.
    assert session.scalar(select(func.count()).select_from(InterviewSlot)) == 8


def test_booking_needs_consent_and_an_own_match(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    s = f.seeker(session)
    job = f.job(session, f.employer(session), title="保洁员")
    xid = f.matched_exchange(client, keys, [s.id], [job.id])
    (m,) = f.matches_of(client, keys["sending"], xid)
    assert client.post("/v1/interviews", json=_book(m["id"]), headers=keys["receiving"]).status_code == 409
    assert client.post("/v1/interviews", json=_book(m["id"]), headers=keys["sending"]).status_code == 403
    r = client.post(
        "/v1/interviews",
        json={**_book(m["id"]), "starts_at": "2020-10-12T09:00:00"},
        headers=keys["receiving"],
    )
    assert r.status_code == 422


def test_twenty_schedulers_booking_one_slot_at_once_get_exactly_one_201(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    """Enforced by the slots' unique constraint, so it holds on SQLite and PostgreSQL alike."""
    ms = _agreed(client, keys, session, n=20)
    assert len(ms) == 20
    barrier = threading.Barrier(20)
    codes: list[int] = []
    lock = threading.Lock()

    def go(match_id: str) -> None:
        barrier.wait()
        r = client.post("/v1/interviews", json=_book(match_id), headers=keys["scheduler"])
        with lock:
            codes.append(r.status_code)

    threads = [threading.Thread(target=go, args=(m["id"],)) for m in ms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] + [409] * 19
    assert session.scalar(select(func.count()).select_from(Interview)) == 1


def test_failed_interview_rejects_only_when_no_other_is_scheduled(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    (m,) = _agreed(client, keys, session)
    first = client.post("/v1/interviews", json=_book(m["id"]), headers=keys["scheduler"]).json()
    second = client.post(
        "/v1/interviews",
        json=_book(m["id"], "2020-10-13T09:00:00+08:00", "陈主管"),
        headers=keys["scheduler"],
    ).json()
    r = client.patch(
        f"/v1/interviews/{first['id']}",
        json={"status": "completed", "outcome": "failed"},
        headers=keys["scheduler"],
    )
    assert r.status_code == 200 and r.json()["outcome"] == "failed"
    assert client.get(f"/v1/matches/{m['id']}", headers=keys["receiving"]).json()["status"] == "interviewing"
    assert (
        client.patch(
            f"/v1/interviews/{second['id']}", json={"status": "completed"}, headers=keys["scheduler"]
        ).status_code
        == 422
    )
    client.patch(
        f"/v1/interviews/{second['id']}",
        json={"status": "completed", "outcome": "failed"},
        headers=keys["scheduler"],
    )
    assert client.get(f"/v1/matches/{m['id']}", headers=keys["receiving"]).json()["status"] == "rejected"
    # Finished interviews stay finished.
    r = client.patch(
        f"/v1/interviews/{second['id']}", json={"status": "cancelled"}, headers=keys["scheduler"]
    )
    assert r.status_code == 409


def test_reschedule_moves_the_slots_and_raises_the_sequence(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    a, b = _agreed(client, keys, session, n=2)
    iv = client.post("/v1/interviews", json=_book(a["id"]), headers=keys["scheduler"]).json()
    etag = client.get(f"/v1/interviews/{iv['id']}", headers=keys["scheduler"]).headers["ETag"]
    r = client.patch(
        f"/v1/interviews/{iv['id']}",
        json={"starts_at": "2020-10-12T08:00:00Z", "duration_minutes": 45},
        headers={**keys["scheduler"], "If-Match": etag},
    )
    assert r.status_code == 200
    got = r.json()
    assert got["starts_at"] == "2020-10-12T16:00:00+08:00" and got["ends_at"] == "2020-10-12T16:45:00+08:00"
    assert got["sequence"] == 1 and got["history"][-1]["from_state"] == "scheduled"
    stale = client.patch(
        f"/v1/interviews/{iv['id']}",
        json={"duration_minutes": 30},
        headers={**keys["scheduler"], "If-Match": etag},
    )
    assert stale.status_code == 412
    # The old slot is free again for the same interviewer.
    assert client.post("/v1/interviews", json=_book(b["id"]), headers=keys["scheduler"]).status_code == 201
    r = client.patch(f"/v1/interviews/{iv['id']}", json={"starts_at": T0}, headers=keys["scheduler"])
    assert r.status_code == 409


def test_cancelled_interview_is_cancelled_in_the_calendar(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    (m,) = _agreed(client, keys, session)
    iv = client.post("/v1/interviews", json=_book(m["id"]), headers=keys["scheduler"]).json()
    r = client.patch(
        f"/v1/interviews/{iv['id']}",
        json={"status": "cancelled", "note": "企业改期"},
        headers=keys["receiving"],
    )
    assert r.status_code == 200 and r.json()["sequence"] == 1
    cal = Calendar.from_ical(client.get(f"/v1/interviews/{iv['id']}.ics", headers=keys["scheduler"]).content)
    (event,) = cal.walk("VEVENT")
    assert str(event["status"]) == "CANCELLED" and event.decoded("sequence") == 1
    assert cal.walk("VTIMEZONE") and str(event["dtstart"].params["TZID"]) == "Asia/Shanghai"
    assert "保洁员" in str(event["summary"]) and "吴*" in str(event["summary"])
    assert session.scalar(select(func.count()).select_from(InterviewSlot)) == 0
    # The slot can be booked again.
    assert client.post("/v1/interviews", json=_book(m["id"]), headers=keys["scheduler"]).status_code == 201


def test_lists_feeds_and_scoping(
    client: TestClient, keys: dict[str, H], session: Session, make_key: Callable[..., H]
) -> None:
    a, b = _agreed(client, keys, session, n=2)
    early = client.post("/v1/interviews", json=_book(a["id"]), headers=keys["scheduler"]).json()
    client.post("/v1/interviews", json=_book(b["id"], "2020-12-01T09:00:00+08:00"), headers=keys["scheduler"])
    window = {"from": "2020-10-01T00:00:00+08:00", "to": "2020-11-01T00:00:00+08:00"}
    items = client.get("/v1/interviews", params=window, headers=keys["receiving"]).json()["items"]
    assert [i["id"] for i in items] == [early["id"]]
    assert len(client.get("/v1/interviews", headers=keys["sending"]).json()["items"]) == 2
    assert (
        client.get(
            "/v1/interviews", params={"from": "2020-10-01T00:00:00"}, headers=keys["receiving"]
        ).status_code
        == 422
    )
    feed = client.get("/v1/interviews.ics", params=window, headers=keys["scheduler"])
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert len(Calendar.from_ical(feed.content).walk("VEVENT")) == 1
    # Calendar apps subscribe by URL alone: the key may ride in ?token=.
    token = keys["scheduler"]["Authorization"].split()[1]
    subscribed = client.get("/v1/interviews.ics", params={**window, "token": token})
    assert subscribed.status_code == 200 and subscribed.content == feed.content
    assert client.get("/v1/interviews.ics", params={**window, "token": "lw_wrong"}).status_code == 401
    for h in (keys["other"], make_key("scheduler", "120106")):
        assert client.get(f"/v1/interviews/{early['id']}", headers=h).status_code == 404
        assert client.get(f"/v1/interviews/{early['id']}.ics", headers=h).status_code == 404
        assert client.get("/v1/interviews", headers=h).json()["items"] == []
    assert client.get("/v1/interviews/nope.ics", headers=keys["scheduler"]).status_code == 404
