"""Exchange and match rules: partnership, list ownership, idempotency, re-runs, capacity, closing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.problems import Conflict
from app.exchanges import statemachine as sm
from app.exchanges.models import Exchange, Match, StateChange
from app.placements.models import ServiceRecord
from tests.conftest import principal
from tests.exchanges import factories as f

H = dict[str, str]


@pytest.fixture
def keys(make_key: Callable[..., H], session: Session) -> dict[str, H]:
    return f.keys(make_key, session)


def _body(seeker_ids: list[str], receiving: str = f.RECEIVING) -> dict[str, Any]:
    return {"receiving_region_code": receiving, "title": "清单", "seeker_ids": seeker_ids}


def test_starting_needs_an_active_partnership(
    client: TestClient, make_key: Callable[..., H], session: Session
) -> None:
    s = f.seeker(session)
    h = make_key("sending", f.SENDING)
    r = client.post("/v1/exchanges", json=_body([s.id]), headers=h)
    assert r.status_code == 409 and r.json()["detail"] == "两地之间没有有效的结对关系"
    assert client.post("/v1/exchanges", json=_body([s.id], "129999"), headers=h).status_code == 422


def test_list_takes_only_own_live_seekers_and_names_the_bad_ones(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    mine = f.seeker(session)
    foreign = f.seeker(session, owner=f.OTHER_SENDING)
    gone = f.seeker(session, deleted_at=f.date_time())
    r = client.post(
        "/v1/exchanges", json=_body([mine.id, foreign.id, gone.id, mine.id, "nope"]), headers=keys["sending"]
    )
    assert r.status_code == 422
    locs = [e["loc"] for e in r.json()["errors"]]
    assert locs == [["body", "seeker_ids", i] for i in (1, 2, 3, 4)]
    assert session.scalar(select(func.count()).select_from(Exchange)) == 0


def test_retrying_a_post_with_the_same_idempotency_key_does_it_once(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    s = f.seeker(session)
    h = {**keys["sending"], "Idempotency-Key": "exchange-1"}
    first = client.post("/v1/exchanges", json=_body([s.id]), headers=h)
    second = client.post("/v1/exchanges", json=_body([s.id]), headers=h)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert session.scalar(select(func.count()).select_from(Exchange)) == 1
    xid = first.json()["id"]
    emp = f.employer(session)
    job = f.job(session, emp, title="保洁员")
    client.post(f"/v1/exchanges/{xid}/job-supply", json={"job_ids": [job.id]}, headers=keys["receiving"])
    hr = {**keys["sending"], "Idempotency-Key": "run-1"}
    a = client.post(f"/v1/exchanges/{xid}/match-runs", json={}, headers=hr)
    b = client.post(f"/v1/exchanges/{xid}/match-runs", json={}, headers=hr)
    assert a.status_code == 201 and a.json() == b.json()
    assert session.scalar(select(func.count()).select_from(Match)) == 1
    assert session.scalar(select(func.count()).select_from(ServiceRecord)) == 1
    history = session.scalars(select(StateChange).where(StateChange.subject_id == xid)).all()
    assert [h.to_state for h in history].count("matched") == 1


def test_rerun_keeps_acted_on_matches_and_replaces_the_rest(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    seekers = [f.seeker(session, name=f"赵{i}", skills=["会电焊"]) for i in range(3)]
    emp = f.employer(session)
    jobs = [f.job(session, emp, title=t) for t in ("电焊工", "保洁员", "保安员", "服务员", "普工")]
    xid = f.matched_exchange(client, keys, [s.id for s in seekers], [j.id for j in jobs])
    before = f.matches_of(client, keys["sending"], xid)
    assert len(before) == 9
    accepted, declined = before[0], before[1]
    client.patch(f"/v1/matches/{accepted['id']}", json={"status": "accepted"}, headers=keys["sending"])
    client.patch(f"/v1/matches/{declined['id']}", json={"status": "declined"}, headers=keys["sending"])

    r = client.post(f"/v1/exchanges/{xid}/match-runs", json={"per_seeker": 3}, headers=keys["sending"])
    assert r.status_code == 201
    run = r.json()
    assert run["kept_count"] == 2 and run["replaced_count"] == 7
    after = f.matches_of(client, keys["sending"], xid)
    by_id = {m["id"]: m for m in after}
    assert by_id[accepted["id"]]["status"] == "accepted" and by_id[declined["id"]]["status"] == "declined"
    pairs = Counter((m["seeker"]["id"], m["job"]["id"]) for m in after)
    assert max(pairs.values()) == 1  # the declined job is not proposed again
    first = accepted["seeker"]["id"]
    assert sum(1 for m in after if m["seeker"]["id"] == first and m["status"] == "proposed") == 3
    # One service record per live recommendation: replaced ones went with their matches.
    assert session.scalar(select(func.count()).select_from(ServiceRecord)) == len(after)
    assert client.get(f"/v1/exchanges/{xid}", headers=keys["sending"]).json()["state"] == "matched"


def test_capacity_limits_proposals_and_serves_zero_employment_households_first(
    client: TestClient, keys: dict[str, H], session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAOWU_MATCH_CAPACITY_MULTIPLE", "2")
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        plain = [f.seeker(session, name=f"钱{i}") for i in range(4)]
        zero = f.seeker(session, name="孙一", tags=["zero_employment"])
        job = f.job(session, f.employer(session), title="保洁员", headcount=1)
        xid = f.matched_exchange(client, keys, [s.id for s in [*plain, zero]], [job.id])
    finally:
        get_settings.cache_clear()
    got = f.matches_of(client, keys["sending"], xid)
    assert len(got) == 2  # ceil(1 x 2)
    assert zero.id in {m["seeker"]["id"] for m in got}
    run = client.get(f"/v1/exchanges/{xid}", headers=keys["sending"]).json()
    assert run["state"] == "matched"


def test_exchange_closes_itself_when_every_match_is_settled(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    s = f.seeker(session)
    job = f.job(session, f.employer(session), title="保安员")
    xid = f.matched_exchange(client, keys, [s.id], [job.id])
    (m,) = f.matches_of(client, keys["sending"], xid)
    r = client.patch(
        f"/v1/matches/{m['id']}", json={"status": "declined", "note": "不愿外出"}, headers=keys["sending"]
    )
    assert r.status_code == 200 and r.json()["history"][-1]["note"] == "不愿外出"
    ex = client.get(f"/v1/exchanges/{xid}", headers=keys["receiving"]).json()
    assert ex["state"] == "closed" and ex["history"][-1]["note"] == "全部推荐已办结，自动关闭"


def test_cancel_withdraws_open_matches_and_frees_interview_slots(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    s = f.seeker(session)
    job = f.job(session, f.employer(session), title="保安员")
    xid = f.matched_exchange(client, keys, [s.id], [job.id])
    (m,) = f.matches_of(client, keys["sending"], xid)
    client.patch(f"/v1/matches/{m['id']}", json={"status": "accepted"}, headers=keys["sending"])
    book = {
        "match_id": m["id"],
        "mode": "remote",
        "starts_at": "2020-10-12T09:00:00+08:00",
        "duration_minutes": 30,
        "interviewer": "刘",
    }
    iv = client.post("/v1/interviews", json=book, headers=keys["scheduler"]).json()
    r = client.post(f"/v1/exchanges/{xid}/cancel", json={"note": "企业停招"}, headers=keys["sending"])
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    assert client.get(f"/v1/matches/{m['id']}", headers=keys["sending"]).json()["status"] == "withdrawn"
    got = client.get(f"/v1/interviews/{iv['id']}", headers=keys["receiving"]).json()
    assert got["status"] == "cancelled" and got["sequence"] == 1
    # Every later step is out of order.
    for path in ("job-supply", "match-runs", "close", "cancel"):
        body = {"job_ids": [job.id]} if path == "job-supply" else {}
        h = keys["receiving"] if path == "job-supply" else keys["sending"]
        assert client.post(f"/v1/exchanges/{xid}/{path}", json=body, headers=h).status_code == 409


def test_out_of_order_steps_name_what_is_due(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    s = f.seeker(session)
    xid = client.post("/v1/exchanges", json=_body([s.id]), headers=keys["sending"]).json()["id"]
    r = client.post(f"/v1/exchanges/{xid}/match-runs", json={}, headers=keys["sending"])
    assert r.status_code == 409
    assert r.json()["detail"] == "当前状态为 seekers_sent，应先由输入地提交岗位供给清单"
    r = client.post(f"/v1/exchanges/{xid}/close", headers=keys["receiving"])
    assert r.status_code == 409 and "cancel" in r.json()["detail"]
    assert (
        client.post(f"/v1/exchanges/{xid}/match-runs", json={}, headers=keys["receiving"]).status_code == 403
    )


def test_scheduler_sees_only_agreed_matches_of_its_region(
    client: TestClient, keys: dict[str, H], session: Session, make_key: Callable[..., H]
) -> None:
    seekers = [f.seeker(session, name="周一"), f.seeker(session, name="周二")]
    job = f.job(session, f.employer(session), title="保洁员")
    xid = f.matched_exchange(client, keys, [s.id for s in seekers], [job.id])
    ms = f.matches_of(client, keys["sending"], xid)
    assert client.get("/v1/matches", headers=keys["scheduler"]).json()["items"] == []
    client.patch(f"/v1/matches/{ms[0]['id']}", json={"status": "accepted"}, headers=keys["sending"])
    got = client.get("/v1/matches", params={"status": "accepted"}, headers=keys["scheduler"]).json()["items"]
    assert [m["id"] for m in got] == [ms[0]["id"]]
    elsewhere = make_key("scheduler", "120106")
    assert client.get("/v1/matches", headers=elsewhere).json()["items"] == []
    assert client.get(f"/v1/matches/{ms[0]['id']}", headers=elsewhere).status_code == 404
    assert len(client.get("/v1/matches", headers=keys["admin"]).json()["items"]) == 2


def test_demand_summary_counts_people_and_lists_unrecognised_phrases(
    client: TestClient, keys: dict[str, H], session: Session
) -> None:
    seekers = [
        f.seeker(session, skills=["会电焊"], desired_occupations=["电焊工"], training_needs=["焊工证"]),
        f.seeker(session, skills=["会电焊", "开叉车"], desired_occupations=["电焊工"], mobility="local"),
        f.seeker(session, skills=["啊啊啊呜呜"], training_needs=["焊工证"], wants_work=False),
    ]
    xid = client.post("/v1/exchanges", json=_body([s.id for s in seekers]), headers=keys["sending"]).json()[
        "id"
    ]
    r = client.get(f"/v1/exchanges/{xid}/demand-summary", headers=keys["receiving"])
    assert r.status_code == 200
    d = r.json()
    assert d["seekers_total"] == 3 and d["wants_work"] == 2
    occupation = d["by_desired_occupation"][0]
    assert occupation["count"] == 2 and occupation["code"]
    assert {c["label"]: c["count"] for c in d["by_skill"]}["会电焊"] == 2
    assert d["by_training_need"] == [{"label": "焊工证", "code": None, "count": 2}]
    assert {"phrase": "啊啊啊呜呜", "field": "skills", "count": 1} in d["unrecognised_phrases"]
    assert all(p["phrase"] != "会电焊" for p in d["unrecognised_phrases"])


def test_state_machine_table_decides_and_records(session: Session) -> None:
    class Subject:
        id = "x" * 32
        status = "proposed"

    subject = Subject()
    sending, receiving = principal("sending", f.SENDING), principal("receiving", f.RECEIVING)
    with pytest.raises(Conflict):
        sm.transition(
            session=session, machine=sm.MATCH, subject=subject, to_state="hired", principal=receiving
        )
    with pytest.raises(Conflict, match="应由"):
        sm.transition(
            session=session, machine=sm.MATCH, subject=subject, to_state="accepted", principal=receiving
        )
    sm.transition(
        session=session,
        machine=sm.MATCH,
        subject=subject,
        to_state="accepted",
        principal=sending,
        note="同意",
    )
    assert subject.status == "accepted"
    session.flush()
    (row,) = sm.history(session=session, machine=sm.MATCH, subject_id=subject.id)
    assert (row.from_state, row.to_state, row.principal_name, row.note) == (
        "proposed",
        "accepted",
        "test-sending",
        "同意",
    )
    for (frm, to), roles in sm.MATCH.transitions.items():
        assert frm not in sm.MATCH.terminal and roles
        if to == "withdrawn":
            assert {r.value for r in roles} >= {"sending", "receiving"}
