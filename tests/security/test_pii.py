"""Personal data never leaks: not into logs, not into the database in plaintext, not into error bodies;
and every answer that shows a labourer's phone unmasked left an audit event.

Seekers are seeded with known ID numbers and phones through every write path (single create with an
Idempotency-Key and its replay, JSON batch, xlsx and GBK csv import, PATCH), then read as every role.
"""

from __future__ import annotations

import io
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import inspect, select, text

from app.db import Base, get_engine
from tests.conftest import TEST_DB_URL
from tests.security import world as w

H = dict[str, str]
SEEKER_HEADERS = ["外部编号", "姓名", "身份证号", "手机号", "户籍地区划代码", "技能特长"]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        parts = [record.getMessage(), repr(record.args), repr(getattr(record, "http", ""))]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            parts.append(record.stack_info)
        self.lines.append(" ".join(parts))


@pytest.fixture
def all_logs() -> Iterator[_Collect]:
    """Every record at DEBUG, SQL statements with their parameters included."""
    handler = _Collect()
    watched = [logging.getLogger(), logging.getLogger("laowu"), logging.getLogger("sqlalchemy.engine")]
    levels = [lg.level for lg in watched]
    for lg in watched[:2]:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    # INFO on the engine logger logs every statement and its bound parameters: what goes to the database.
    watched[2].setLevel(logging.INFO)
    try:
        yield handler
    finally:
        for lg, level in zip(watched, levels, strict=True):
            lg.setLevel(level)
        for lg in watched[:2]:
            lg.removeHandler(handler)


def needles(value: str, hidden: range) -> set[str]:
    """The full value and every 10-character slice showing at least four digits the mask hides.

    Masks keep the region (ID) or prefix (phone) and the last four digits, so those are not a leak; a
    shorter slice would also match unrelated neighbours in a raw page (a region code next to a date)."""
    out = {value}
    for start in range(len(value) - 9):
        if sum(1 for i in range(start, start + 10) if i in hidden) >= 4:
            out.add(value[start : start + 10])
    return out


def id_needles(value: str) -> set[str]:
    return needles(value, range(6, 14)) | needles(value.lower(), range(6, 14))


def phone_needles(value: str) -> set[str]:
    return needles(value, range(3, 7))


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "填写"
    ws.append(SEEKER_HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class Recorder:
    """The test client, remembering every answer for the audit comparison."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.responses: list[Any] = []

    def __call__(self, method: str, url: str, headers: H, expect: int | None = None, **kw: Any) -> Any:
        r = self.client.request(method, url, headers=headers, **kw)
        assert r.status_code < 500, f"{method} {url}: {r.status_code} {r.text}"
        if expect is not None:
            assert r.status_code == expect, f"{method} {url}: {r.status_code} {r.text}"
        self.responses.append(r)
        return r


def _phones_shown(body: Any, phones: set[str], found: Counter[str | None]) -> None:
    if isinstance(body, dict):
        if any(isinstance(v, str) and v in phones for v in body.values()):
            found[body.get("id")] += 1
        for v in body.values():
            _phones_shown(v, phones, found)
    elif isinstance(body, list):
        for v in body:
            _phones_shown(v, phones, found)


def _audit_events(client: TestClient, admin: H) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"limit": "500", **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/audit-events", params=params, headers=admin).json()
        events += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return events


def _database_text() -> Iterator[tuple[str, bytes]]:
    """Every value of every column of every table, as bytes."""
    engine = get_engine()
    names = inspect(engine).get_table_names()
    assert {t.name for t in Base.metadata.sorted_tables} <= set(names)
    with engine.connect() as conn:
        for name in names:
            for row in conn.execute(text(f'SELECT * FROM "{name}"')):
                for column, value in row._mapping.items():
                    if value is None:
                        continue
                    if isinstance(value, bytes | bytearray | memoryview):
                        data = bytes(value)
                    elif isinstance(value, dict | list):
                        data = json.dumps(value, ensure_ascii=False).encode()
                    else:
                        data = str(value).encode()
                    yield f"{name}.{column}", data


def _sqlite_files() -> list[Path]:
    if not TEST_DB_URL.startswith("sqlite"):
        return []
    db = Path(TEST_DB_URL.removeprefix("sqlite:///"))
    return [p for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-journal")) if p.exists()]


def test_personal_data_never_leaks(
    client: TestClient,
    make_key: Callable[..., H],
    all_logs: _Collect,
    capfd: pytest.CaptureFixture[str],
) -> None:
    world = w.build(client, make_key)
    k = world.keys
    a, admin = k["sending_a"], k["admin"]
    audit_before = {e["id"] for e in _audit_events(client, admin)}
    call = Recorder(client)
    ids, phones = list(world.id_numbers), list(world.phones)

    def person(n: int) -> tuple[str, str]:
        ident, ph = w.id_number(), w.phone()
        ids.append(ident)
        phones.append(ph)
        return ident, ph

    # Single create with an Idempotency-Key, and its replay.
    body = w.seeker_body(900)
    ids.append(body["id_number"])
    phones.append(body["phone"])
    first = call("POST", "/v1/seekers", {**a, "Idempotency-Key": "pii-1"}, 201, json=body)
    replay = call("POST", "/v1/seekers", {**a, "Idempotency-Key": "pii-1"}, 201, json=body)
    assert replay.headers.get("idempotent-replayed") == "true" and replay.json() == first.json()

    # JSON batch, xlsx, GBK csv.
    batch = []
    for n in range(3):
        ident, ph = person(n)
        batch.append(w.seeker_body(910 + n, id_number=ident, phone=ph))
    r = call("POST", "/v1/seekers/batch", a, 200, json={"items": batch, "mode": "atomic"})
    assert r.json()["created"] == 3
    rows = []
    for n in range(2):
        ident, ph = person(n)
        rows.append([f"XL-{n}", f"表格人{n}", ident, ph, w.COUNTY_A, "电焊"])
    r = call("POST", "/v1/seekers/import", a, 200, files={"file": ("清单.xlsx", _xlsx(rows))})
    assert r.json()["created"] == 2, r.text
    csv = ",".join(SEEKER_HEADERS) + "\n"
    for n in range(2):
        ident, ph = person(n)
        csv += f"CSV-{n},逗号人{n},{ident},{ph},{w.COUNTY_A},叉车\n"
    r = call("POST", "/v1/seekers/import", a, 200, files={"file": ("list.csv", csv.encode("gbk"))})
    assert r.json()["created"] == 2, r.text

    # A change of phone: the new one is as secret as the old.
    sid = first.json()["id"]
    etag = call("GET", f"/v1/seekers/{sid}", a, 200).headers["etag"]
    _, new_phone = person(99)
    r = call("PATCH", f"/v1/seekers/{sid}", {**a, "If-Match": etag}, 200, json={"phone": new_phone})
    assert r.json()["phone"] == new_phone

    # Errors never echo the value: bad checksum, bad phone, duplicates, a failing batch row.
    bad_id = ids[0][:17] + ("0" if ids[0][17] != "0" else "1")
    bad_phone = phones[0][:10]
    for bad in (
        w.seeker_body(950, id_number=bad_id),
        w.seeker_body(951, phone=bad_phone),
        w.seeker_body(952, id_number=ids[0], phone=phones[0]),  # duplicate ID number → 409
        {**body, "name": "重复外部编号"},  # duplicate external id → 409
    ):
        r = call("POST", "/v1/seekers", a, json=bad)
        assert r.status_code in (409, 422), r.text
        assert bad["id_number"] not in r.text and bad["phone"] not in r.text and bad_id not in r.text
    r = call("PATCH", f"/v1/seekers/{sid}", a, 422, json={"phone": bad_phone})
    assert bad_phone not in r.text
    r = call("POST", "/v1/seekers/batch", a, 200, json={"items": [w.seeker_body(960, id_number=bad_id)]})
    assert r.json()["failed"] == 1 and bad_id not in r.text
    r = call(
        "POST",
        "/v1/seekers/import",
        a,
        200,
        files={
            "file": (
                "bad.csv",
                (",".join(SEEKER_HEADERS) + f"\nB-1,坏人,{bad_id},{bad_phone},{w.COUNTY_A},\n").encode(),
            )
        },
    )
    assert r.json()["failed"] == 1 and bad_id not in r.text and bad_phone not in r.text

    # Reads of every kind, as every role.
    xid, mid = world.ids["exchange_id"], world.ids["match_id"]
    all_seekers = call("GET", "/v1/seekers", a, 200, params={"limit": "500"}).json()["items"]
    assert len(all_seekers) == 2 + 1 + 3 + 2 + 2
    for role in ("sending_a", "admin"):
        call("GET", "/v1/seekers", k[role], 200, params={"limit": "3"})
        for s in all_seekers[:4]:
            call("GET", f"/v1/seekers/{s['id']}", k[role], 200)
    for role in ("sending_a", "receiving_x", "scheduler_x", "admin", "sending_b", "receiving_y"):
        h = k[role]
        call("GET", f"/v1/exchanges/{xid}/seekers", h)
        call("GET", f"/v1/exchanges/{xid}/matches", h)
        call("GET", "/v1/matches", h, params={"limit": "500"})
        call("GET", f"/v1/matches/{mid}", h)
        call("GET", "/v1/interviews", h)
        call("GET", f"/v1/interviews/{world.ids['interview_id']}.ics", h)
        call("GET", "/v1/placements", h)
        call("GET", f"/v1/seekers/{world.ids['seeker_id']}/services", h)
        call("GET", "/v1/reports/services", h, params={"period": "2020"})
    assert any(
        r.json().get("phone")
        for r in call.responses
        if r.request.method == "GET" and "/v1/seekers/" in str(r.url)
    )

    # (a) the run's log output, records and the process's stdout/stderr alike.
    out, err = capfd.readouterr()
    logged = "\n".join(all_logs.lines) + out + err
    assert len(all_logs.lines) > 50, "the log capture saw nothing"
    secret = {n for i in ids for n in id_needles(i)} | {n for p in phones for n in phone_needles(p)}
    found = sorted(n for n in secret if n in logged)
    assert not found, f"personal data in the logs: {len(found)} slices"

    # (b) the database, column by column, and the SQLite files byte by byte.
    hits = sorted({where for where, data in _database_text() for n in secret if n.encode() in data})
    assert not hits, f"personal data stored in plaintext in {hits}"
    for path in _sqlite_files():
        raw = path.read_bytes()
        assert not [n for n in secret if n.encode() in raw], f"plaintext personal data in {path.name}"

    # (c) every answer that showed a phone unmasked was audited, one event per record shown.
    shown: Counter[str | None] = Counter()
    for r in call.responses:
        if r.headers.get("idempotent-replayed") == "true":
            # The caller's own request replayed to it: nothing stored was read.
            continue
        if r.headers.get("content-type", "").startswith("application/json"):
            in_answer: Counter[str | None] = Counter()
            _phones_shown(r.json(), set(phones), in_answer)
            # One event per record and request, however often the record repeats in the answer.
            shown.update(set(in_answer))
    assert shown and None not in shown, shown
    events = [e for e in _audit_events(client, admin) if e["id"] not in audit_before]
    audited = Counter(e["resource_id"] for e in events if "phone" in e["fields"])
    assert audited == shown, "an unmasked phone was shown without its audit event (or audited unseen)"
    assert all(e["principal_role"] == "sending" for e in events)


def test_id_numbers_are_looked_up_by_blind_index_not_plaintext(
    client: TestClient, make_key: Callable[..., H]
) -> None:
    """A duplicate ID number is found although only its keyed hash is stored, and only within the county."""
    a, b = make_key("sending", w.COUNTY_A), make_key("sending", w.COUNTY_B)
    body = w.seeker_body(970)
    assert client.post("/v1/seekers", json=body, headers=a).status_code == 201
    dup = client.post("/v1/seekers", json={**body, "external_id": "OTHER"}, headers=a)
    assert dup.status_code == 409 and body["id_number"] not in dup.text
    # Another county's list may hold the same person; A's entry stays invisible to B.
    mine = client.post("/v1/seekers", json={**body, "hukou_region_code": w.COUNTY_B}, headers=b)
    assert mine.status_code == 201 and "existing_id" not in mine.text
    with get_engine().connect() as conn:
        from app.seekers.models import Seeker

        stored = conn.execute(select(Seeker.id_number_enc, Seeker.id_number_bidx)).all()
    assert len(stored) == 2 and all(body["id_number"] not in enc + bidx for enc, bidx in stored)
