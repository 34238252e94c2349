"""An import whose process is killed half-way (SIGKILL, after some rows went to the database) leaves the
list exactly as it was: the whole upload is one transaction, committed once at the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.seekers.models import Seeker
from tests.conftest import TEST_DB_URL
from tests.seekers.test_router import QINGSHUI, seeker

ROOT = Path(__file__).resolve().parents[2]

# Runs in a child process: import a CSV through the service, and die by SIGKILL right after the second
# chunk of rows has been sent to the database.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from app.auth.principal import Principal, Role
    from app.db import get_sessionmaker
    from app.core import importing
    from app.seekers import service

    importing.INSERT_CHUNK = 3
    real = importing.insert_chunk
    sent = {{"n": 0}}

    def insert_then_die(*args, **kwargs):
        real(*args, **kwargs)
        sent["n"] += 1
        if sent["n"] == 2:
            print("killing after chunk 2", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    importing.insert_chunk = insert_then_die
    principal = Principal(id="child", name="child", role=Role.sending, region_code={county!r})
    data = sys.stdin.buffer.read()
    with get_sessionmaker()() as session:
        service.import_file(session=session, principal=principal, data=data, filename="list.csv", mode="partial")
        session.commit()
    print("finished without being killed", flush=True)
    """
)


def _csv(rows: list[dict[str, object]]) -> bytes:
    lines = ["外部编号,姓名,身份证号,手机号,户籍地区划代码,技能特长"]
    for r in rows:
        lines.append(
            f"{r['external_id']},{r['name']},{r['id_number']},{r['phone']},{r['hukou_region_code']},电焊"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _snapshot(session: Session) -> list[tuple[str, str, int]]:
    session.expire_all()
    return sorted(session.execute(select(Seeker.external_id, Seeker.name, Seeker.version)).tuples().all())


def test_import_killed_half_way_leaves_the_list_as_it_was(
    client: TestClient, make_key: Callable[..., dict[str, str]], session: Session
) -> None:
    county = make_key("sending", QINGSHUI)
    for n in (1, 2, 3):
        assert client.post("/v1/seekers", json=seeker(n), headers=county).status_code == 201
    before = _snapshot(session)

    # Renames the three existing labourers and adds twelve new ones.
    upload = [seeker(n, name="李四") for n in range(1, 16)]
    env = {**os.environ, "LAOWU_DATABASE_URL": TEST_DB_URL}
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), county=QINGSHUI)],
        input=_csv(upload),
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    assert b"killing after chunk 2" in child.stdout

    assert _snapshot(session) == before
    # The same upload, not killed, then goes through whole.
    r = client.post("/v1/seekers/import", files={"file": ("list.csv", _csv(upload))}, headers=county)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 12 and r.json()["updated"] == 3
