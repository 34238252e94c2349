"""``Idempotency-Key`` on every POST: the first response is stored and replayed for retries.

Implemented as ASGI middleware so no endpoint can forget it. Records are scoped to the caller's
API key (its SHA-256, the value auth stores) and keyed by the client's key; the body hash covers
method, path and body so reusing a key for a different request is refused.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import get_settings
from app.core import pii
from app.core.models import IdempotencyRecord
from app.core.problems import PROBLEM_JSON, problem_body
from app.db import get_sessionmaker, utcnow

log = logging.getLogger("laowu.idempotency")

_REPLAYED_HEADERS = ("content-type", "location", "etag")
# Outcomes a client must be free to retry: not stored.
_NOT_STORED = {401, 408, 429, 503}
_IN_FLIGHT_STALE = timedelta(minutes=5)
_BODY_CONTEXT = "idempotency.response_body"


def _seal(body: bytes) -> bytes:
    # Stored answers hold what the endpoint returned, the owner's unmasked phone included: encrypted
    # like every other copy of personal data at rest.
    return pii.encrypt(base64.b64encode(body).decode("ascii"), context=_BODY_CONTEXT).encode("ascii")


def _unseal(stored: bytes) -> bytes:
    if not stored.startswith(pii.TOKEN_PREFIX.encode()):
        return stored  # written before answers were encrypted
    return base64.b64decode(pii.decrypt(stored.decode("ascii"), context=_BODY_CONTEXT))


def bearer_hash(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            text = value.decode("latin-1")
            if text[:7].lower() == "bearer ":
                token = text[7:].strip()
                if token:
                    return hashlib.sha256(token.encode()).hexdigest()
    return None


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin-1")
    return None


class _Claim:
    """Outcome of trying to claim a key: proceed, replay, mismatch or busy."""

    def __init__(self, kind: str, record: IdempotencyRecord | None = None) -> None:
        self.kind = kind
        self.record = record


def _claim(principal: str, key: str, method: str, path: str, body_hash: str) -> _Claim:
    ttl = timedelta(hours=get_settings().idempotency_ttl_hours)
    with get_sessionmaker()() as session:
        existing = session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.principal == principal, IdempotencyRecord.key == key
            )
        )
        now = utcnow()
        if existing is not None:
            expired = existing.created_at < now - ttl
            stale = existing.status_code is None and existing.created_at < now - _IN_FLIGHT_STALE
            if expired or stale:
                session.delete(existing)
                session.commit()
            elif existing.body_hash != body_hash:
                return _Claim("mismatch")
            elif existing.status_code is not None:
                session.expunge(existing)
                return _Claim("replay", existing)
            else:
                return _Claim("busy")
        session.add(
            IdempotencyRecord(principal=principal, key=key, method=method, path=path, body_hash=body_hash)
        )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return _Claim("busy")
        return _Claim("proceed")


def _store(principal: str, key: str, status: int, headers: dict[str, str], body: bytes) -> None:
    with get_sessionmaker()() as session:
        record = session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.principal == principal, IdempotencyRecord.key == key
            )
        )
        if record is None:
            return
        if status in _NOT_STORED or status >= 500:
            session.delete(record)
        else:
            record.status_code = status
            record.response_headers = headers
            record.response_body = _seal(body)
        session.commit()


def _release(principal: str, key: str) -> None:
    with get_sessionmaker()() as session:
        session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.principal == principal, IdempotencyRecord.key == key
            )
        )
        session.commit()


async def _send_json(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]
) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(payload)).encode()),
            ]
            + headers,
        }
    )
    await send({"type": "http.response.body", "body": payload})


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, wait_seconds: float = 30.0) -> None:
        self.app = app
        self.wait_seconds = wait_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = _header(scope, b"idempotency-key")
        principal = bearer_hash(scope)
        if key is None or principal is None:
            await self.app(scope, receive, send)
            return
        key = key.strip()
        if not key or len(key) > 255:
            await _send_json(
                send,
                422,
                problem_body(
                    422,
                    "Idempotency-Key 须为 1–255 个字符",
                    type_slug="validation-error",
                    errors=[
                        {"loc": ["header", "Idempotency-Key"], "msg": "长度须为1–255", "type": "value_error"}
                    ],
                ),
                [],
            )
            return

        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            elif message["type"] == "http.disconnect":
                return
        body = b"".join(chunks)
        digest = hashlib.sha256()
        digest.update(scope["method"].encode() + b" " + scope["path"].encode() + b"\n")
        digest.update(body)
        body_hash = digest.hexdigest()

        waited = 0.0
        while True:
            try:
                claim = await run_in_threadpool(
                    _claim, principal, key, scope["method"], scope["path"], body_hash
                )
            except SQLAlchemyError:
                # Outside the app's exception handlers: answer the outage here, retryable.
                log.error("idempotency store unavailable")
                await _send_json(
                    send,
                    503,
                    problem_body(
                        503, "数据库暂不可用，请稍后用同一 Idempotency-Key 重试", type_slug="unavailable"
                    ),
                    [(b"retry-after", b"5")],
                )
                return
            if claim.kind != "busy" or waited >= self.wait_seconds:
                break
            await asyncio.sleep(0.05)
            waited += 0.05

        if claim.kind == "mismatch":
            await _send_json(
                send,
                422,
                problem_body(
                    422,
                    "同一 Idempotency-Key 已用于内容不同的请求；请为新请求使用新的键",
                    type_slug="idempotency-key-reused",
                    errors=[
                        {
                            "loc": ["header", "Idempotency-Key"],
                            "msg": "请求体与首次请求不同",
                            "type": "value_error",
                        }
                    ],
                ),
                [],
            )
            return
        if claim.kind == "busy":
            await _send_json(
                send,
                409,
                problem_body(
                    409,
                    "同一 Idempotency-Key 的请求仍在处理中，请稍后重试",
                    type_slug="idempotency-in-flight",
                ),
                [(b"retry-after", b"1")],
            )
            return
        if claim.kind == "replay" and claim.record is not None:
            rec = claim.record
            headers = [(k.encode(), v.encode()) for k, v in (rec.response_headers or {}).items()]
            payload = _unseal(rec.response_body) if rec.response_body else b""
            headers += [(b"content-length", str(len(payload)).encode()), (b"idempotent-replayed", b"true")]
            await send({"type": "http.response.start", "status": rec.status_code or 200, "headers": headers})
            await send({"type": "http.response.body", "body": payload})
            return

        delivered = False

        async def replay_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = 500
        resp_headers: dict[str, str] = {}
        resp_body: list[bytes] = []

        async def capture_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    lname = name.decode("latin-1").lower()
                    if lname in _REPLAYED_HEADERS:
                        resp_headers[lname] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                resp_body.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_receive, capture_send)
        except BaseException:
            try:
                await run_in_threadpool(_release, principal, key)
            except SQLAlchemyError:
                log.warning("idempotency record not released")
            raise
        try:
            await run_in_threadpool(_store, principal, key, status, resp_headers, b"".join(resp_body))
        except Exception:  # the response already went out; a lost record only costs a later re-run
            log.warning("idempotency record not stored")
