"""Cursor paging ordered by (updated_at, id), so a poller with ``updated_since`` never misses or repeats a row."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar, TypeVarTuple

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, bindparam, literal_column, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.problems import invalid_field

T = TypeVar("T")
_Ts = TypeVarTuple("_Ts")


class Page(BaseModel, Generic[T]):
    items: list[T] = Field(description="本页数据")
    next_cursor: str | None = Field(description="下一页游标；为 null 表示没有更多数据")


class PageParams(BaseModel):
    limit: int
    cursor: str | None
    updated_since: datetime | None


def parse_rfc3339(value: str, loc: list[str | int]) -> datetime:
    """RFC 3339 with an offset, e.g. 2020-10-01T00:00:00+08:00 (no bare numbers, no naive times)."""
    text = value.strip().replace("z", "Z")
    try:
        if "T" not in text.upper() or len(text) < 20:
            raise ValueError
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise invalid_field(loc, "时间须为 RFC 3339 格式并带时区，例如 2020-10-01T00:00:00+08:00") from None
    if parsed.tzinfo is None:
        raise invalid_field(loc, "时间须带时区，例如 2020-10-01T00:00:00+08:00")
    return parsed


async def page_params(
    limit: Annotated[int, Query(ge=1, le=500, description="每页条数（1–500）")] = 50,
    cursor: Annotated[str | None, Query(max_length=512, description="上一页返回的 next_cursor")] = None,
    updated_since: Annotated[
        str | None,
        Query(
            max_length=40,
            description="只返回此时间（RFC 3339，含时区）之后更新的记录，用于增量同步",
            json_schema_extra={"format": "date-time"},
        ),
    ] = None,
) -> PageParams:
    # Async: pure parsing, no reason to hop to the thread pool.
    since = parse_rfc3339(updated_since, ["query", "updated_since"]) if updated_since is not None else None
    return PageParams(limit=limit, cursor=cursor, updated_since=since)


def encode_cursor(updated_at: datetime, id_: str) -> str:
    raw = json.dumps([updated_at.isoformat(), id_]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        ts, id_ = json.loads(base64.urlsafe_b64decode(padded.encode()))
        when = datetime.fromisoformat(ts)
        if when.tzinfo is None or not isinstance(id_, str):
            raise ValueError
        return when, id_
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise invalid_field(["query", "cursor"], "cursor 无效，请使用上一页返回的 next_cursor") from None


def window(
    stmt: Select[*_Ts],
    *,
    updated_at: InstrumentedAttribute[datetime],
    id_col: InstrumentedAttribute[str],
    since: bool,
    after: bool,
    limit: int,
) -> Select[*_Ts]:
    """Order and cut ``stmt`` to one page plus one row (to tell whether another page follows).

    The page's values stay bind parameters (``page_since``, ``page_after_when``, ``page_after_id``; see
    ``window_params``), so a statement built once for a shape of query serves every page of it.
    """
    if since:
        stmt = stmt.where(updated_at > bindparam("page_since", type_=updated_at.type))
    if after:
        # A row comparison is an index condition on (updated_at, id); the equivalent OR is only a filter,
        # so every page would read (and sort) all rows before the cursor.
        after_key = tuple_(
            bindparam("page_after_when", type_=updated_at.type), bindparam("page_after_id", type_=id_col.type)
        )
        stmt = stmt.where(tuple_(updated_at, id_col) > after_key)
    # The limit is written into the SQL rather than bound: with a bound limit PostgreSQL must assume
    # every row is wanted when it weighs a prepared statement's generic plan, and never settles on one.
    return stmt.order_by(updated_at, id_col).limit(literal_column(str(int(limit) + 1)))


def window_params(params: PageParams) -> dict[str, Any]:
    """The bind parameters of ``window`` for these page parameters (422 for a cursor we did not make)."""
    bound: dict[str, Any] = {}
    if params.updated_since is not None:
        bound["page_since"] = params.updated_since
    if params.cursor:
        bound["page_after_when"], bound["page_after_id"] = decode_cursor(params.cursor)
    return bound


def cut_page(rows: Sequence[Any], limit: int, when_key: str, id_key: str) -> tuple[list[Any], str | None]:
    """The page's rows and the cursor of the next page (None when the extra row did not come)."""
    if len(rows) <= limit:
        return list(rows), None
    page = list(rows[:limit])
    last = page[-1]
    return page, encode_cursor(getattr(last, when_key), getattr(last, id_key))


def paginate(
    session: Session,
    stmt: Select[*_Ts],
    *,
    updated_at: InstrumentedAttribute[datetime],
    id_col: InstrumentedAttribute[str],
    params: PageParams,
    keys: tuple[str, str] | None = None,
) -> tuple[list[Any], str | None]:
    """Apply ``updated_since``/cursor and order; return the rows of one page and the next cursor.

    A select of one entity yields those objects; with ``keys`` (the labels of the time and id columns)
    it yields rows of a multi-column select instead."""
    bound = window_params(params)
    stmt = window(
        stmt,
        updated_at=updated_at,
        id_col=id_col,
        since="page_since" in bound,
        after="page_after_id" in bound,
        limit=params.limit,
    )
    # Rows of plain columns need none of the ORM's loading: run them on the connection, in Core.
    rows: list[Any] = list(
        session.connection().execute(stmt, bound).all() if keys else session.scalars(stmt, bound)
    )
    when_key, id_key = keys or (updated_at.key, id_col.key)
    return cut_page(rows, params.limit, when_key, id_key)
