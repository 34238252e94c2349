"""The match lists skip FastAPI's re-validation for speed: their JSON must be exactly what the declared
``MatchPage`` model gives for the same data, for every role's view."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.exchanges.schemas import MatchPage
from app.seekers.models import Seeker
from tests.exchanges import factories as f


def test_match_lists_equal_the_validated_model(
    client: TestClient, session: Session, make_key: Callable[..., dict[str, str]]
) -> None:
    keys = f.keys(make_key, session)
    seekers = [
        f.seeker(session, name="张三", skills=["会电焊"], desired_occupations=["电焊工"]).id,
        f.seeker(session, name="王五", desired_occupations=["保洁"], tags=["zero_employment"]).id,
    ]
    emp = f.employer(session)
    jobs = [f.job(session, emp, title=t).id for t in ("电焊工", "保洁员", "保安员")]
    xid = f.matched_exchange(client, keys, seekers, jobs)

    for role in ("sending", "receiving", "admin"):
        for path in ("/v1/matches", f"/v1/exchanges/{xid}/matches"):
            r = client.get(path, headers=keys[role])
            assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
            raw = r.json()
            assert raw["items"], (role, path)
            assert raw == json.loads(MatchPage.model_validate(raw).model_dump_json()), (role, path)
    # The lists pass JSON columns through as stored text: a JSON null there must still read as [].
    session.execute(
        update(Seeker)
        .where(Seeker.id == seekers[1])
        .values(training_needs=None, certificates=None, tags=None)
    )
    session.commit()
    for role in ("sending", "receiving"):
        items = client.get("/v1/matches", headers=keys[role]).json()["items"]
        wang = next(i["seeker"] for i in items if i["seeker"]["id"] == seekers[1])
        assert wang["training_needs"] == [] and wang["certificates"] == [], role
        assert role == "receiving" or wang["tags"] == []
        single = client.get(f"/v1/matches/{items[0]['id']}", headers=keys[role]).json()
        assert single["seeker"].keys() == items[0]["seeker"].keys() and single["job"] == items[0]["job"]
    masked = client.get("/v1/matches", headers=keys["receiving"]).json()["items"][0]["seeker"]
    assert "phone" not in masked and "id_number_masked" not in masked and masked["name"].endswith("*")
    full = client.get("/v1/matches", headers=keys["sending"]).json()["items"][0]["seeker"]
    assert full["phone"] and not full["name"].endswith("*")
