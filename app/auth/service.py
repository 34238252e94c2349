"""API keys: created shown once, stored as a hash, revoked at once."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.auth.models import ApiKey
from app.auth.principal import Principal, Role
from app.core.problems import Invalid, NotFound, Unauthorized, invalid_field
from app.db import utcnow
from app.regions import service as regions

REGION_ROLES = {Role.sending, Role.receiving, Role.scheduler}

# Every request runs this lookup: built once, so that neither the expression nor its cache key is made
# again per request. Five columns in Core rather than an ORM object.
_KEY_BY_HASH = select(
    ApiKey.id, ApiKey.name, ApiKey.role, ApiKey.region_code, ApiKey.key_hash, ApiKey.revoked_at
).where(ApiKey.key_hash == bindparam("digest"))


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(*, session: Session, name: str, role: Role, region_code: str | None) -> tuple[ApiKey, str]:
    """Return the stored key and the secret, which is never retrievable again."""
    if role in REGION_ROLES and not region_code:
        raise invalid_field(["body", "region_code"], f"角色 {role.value} 必须绑定行政区划代码")
    if role is Role.admin and region_code:
        raise invalid_field(["body", "region_code"], "管理员密钥不绑定地区")
    if region_code:
        regions.check_codes(session=session, codes=[region_code], loc=["body", "region_code"])
    secret = "lw_" + secrets.token_urlsafe(32)
    key = ApiKey(
        name=name, role=role.value, region_code=region_code, key_hash=hash_key(secret), prefix=secret[:10]
    )
    session.add(key)
    session.flush()
    return key, secret


def authenticate(*, session: Session, secret: str) -> Principal:
    digest = hash_key(secret)
    key = session.connection().execute(_KEY_BY_HASH, {"digest": digest}).first()
    # The lookup is by hash, so timing reveals nothing of the secret; compare once more in constant time.
    if key is None or not hmac.compare_digest(key.key_hash, digest) or key.revoked_at is not None:
        raise Unauthorized("API 密钥无效或已吊销", headers={"WWW-Authenticate": "Bearer"})
    return Principal(id=key.id, name=key.name, role=Role(key.role), region_code=key.region_code)


def list_keys(*, session: Session, limit: int, after_id: str | None) -> list[ApiKey]:
    stmt = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
    if after_id:
        stmt = stmt.where(ApiKey.id > after_id)
    return list(session.scalars(stmt.limit(limit)))


def revoke(*, session: Session, key_id: str) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("API 密钥不存在")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise Invalid(f"未知角色 {value}") from None
