"""ETag / If-Match: optimistic concurrency on single resources via a version counter."""

from __future__ import annotations

from fastapi import Response

from app.core.problems import PreconditionFailed


def etag_for(resource_id: str, version: int) -> str:
    return f'"{resource_id}-{version}"'


def set_etag(response: Response, resource_id: str, version: int) -> None:
    response.headers["ETag"] = etag_for(resource_id, version)


def check_if_match(if_match: str | None, resource_id: str, version: int) -> None:
    """Raise 412 when the client's If-Match names another version. ``*`` and absence pass."""
    if if_match is None:
        return
    current = etag_for(resource_id, version)
    candidates = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" in candidates or current in candidates:
        return
    raise PreconditionFailed("If-Match 与当前版本不一致：资源已被修改，请重新获取后再提交")
