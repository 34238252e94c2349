"""API keys are compared in constant time: the secret never reaches the database or a variable-time
comparison; it is hashed, looked up by its hash, and the hash compared with ``hmac.compare_digest``."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.auth import service
from app.auth.principal import Role
from app.core.problems import Unauthorized
from app.db import get_engine


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement sent, with its parameters, as text."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        seen.append(f"{statement} {parameters!r}")

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any]]:
    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    return calls


def test_authenticate_looks_up_by_hash_and_compares_in_constant_time(
    session: Session, statements: list[str], compared: list[tuple[Any, Any]]
) -> None:
    key, secret = service.create_key(session=session, name="ops", role=Role.sending, region_code="620521")
    session.commit()
    digest = hashlib.sha256(secret.encode()).hexdigest()
    assert key.key_hash == digest and secret not in repr(vars(key))
    statements.clear()

    principal = service.authenticate(session=session, secret=secret)
    assert principal.id == key.id and principal.role is Role.sending
    assert compared == [(digest, digest)]
    assert statements and all(secret not in s for s in statements)
    assert any(digest in s for s in statements), "the key is not looked up by its hash"

    # A key that differs in its last character: found by nobody, never compared character by character.
    compared.clear()
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    with pytest.raises(Unauthorized):
        service.authenticate(session=session, secret=wrong)
    assert all(secret not in s and wrong not in s for s in statements)
    assert all(secret not in (a, b) and wrong not in (a, b) for a, b in compared)


def test_revoked_key_is_refused_after_the_constant_time_check(
    session: Session, compared: list[tuple[Any, Any]]
) -> None:
    key, secret = service.create_key(session=session, name="old", role=Role.admin, region_code=None)
    service.revoke(session=session, key_id=key.id)
    session.commit()
    with pytest.raises(Unauthorized):
        service.authenticate(session=session, secret=secret)
    assert len(compared) == 1


def test_the_secret_is_not_stored(session: Session) -> None:
    key, secret = service.create_key(session=session, name="x", role=Role.admin, region_code=None)
    session.commit()
    session.expire_all()
    stored = session.get(type(key), key.id)
    assert stored is not None
    values = " ".join(str(getattr(stored, c.key)) for c in type(key).__table__.columns)
    assert secret not in values and secret[10:] not in values and stored.prefix == secret[:10]
