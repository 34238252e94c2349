"""The one dependency every router uses: authenticate, rate-limit, check the role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import service
from app.auth.principal import Principal, Role
from app.auth.ratelimit import RateLimiter
from app.config import get_settings
from app.core.deps import SessionDep
from app.core.problems import Forbidden, Unauthorized
from app.db import release_if_reading, run_db

_bearer = HTTPBearer(auto_error=False, description="API 密钥：Authorization: Bearer <api-key>")
_limiter: RateLimiter | None = None


def limiter() -> RateLimiter:
    global _limiter
    if _limiter is None:
        _limiter = RateLimiter(get_settings().rate_limit_per_minute)
    return _limiter


def reset_limiter(per_minute: int | None = None) -> None:
    global _limiter
    _limiter = RateLimiter(per_minute if per_minute is not None else get_settings().rate_limit_per_minute)


class Authenticated:
    """Resolve the caller; 401 without a valid key, 403 when the role may not call the endpoint."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles) if roles else frozenset(Role)

    async def __call__(
        self,
        request: Request,
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise Unauthorized(
                "缺少 API 密钥：请使用 Authorization: Bearer <api-key>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        secret = credentials.credentials

        def lookup() -> Principal:
            try:
                return service.authenticate(session=session, secret=secret)
            finally:
                release_if_reading(session)

        principal = await run_db(lookup)
        limiter().hit(principal.id)
        request.state.principal_id = principal.id
        if principal.role not in self.roles:
            raise Forbidden(f"角色 {principal.role.value} 无权调用此接口")
        return principal


class CalendarAuthenticated(Authenticated):
    """Calendar apps subscribe by URL and cannot send headers: also accept the key as ``?token=``."""

    async def __call__(  # type: ignore[override]
        self,
        request: Request,
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        token: Annotated[
            str | None,
            Query(
                max_length=200,
                description="订阅日历用：日历软件无法发送请求头时，可把 API 密钥放在此参数（请使用只读的排期或输入地密钥）",
            ),
        ] = None,
    ) -> Principal:
        if credentials is None and token:
            credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
        return await super().__call__(request, session, credentials)


AnyPrincipal = Annotated[Principal, Depends(Authenticated())]
CalendarPrincipal = Annotated[Principal, Depends(CalendarAuthenticated())]
AdminPrincipal = Annotated[Principal, Depends(Authenticated(Role.admin))]


def require(*roles: Role) -> type[Principal]:
    """``principal: require(Role.sending, Role.admin)`` — an Annotated alias for a route parameter."""
    return Annotated[Principal, Depends(Authenticated(*roles))]  # type: ignore[return-value]
