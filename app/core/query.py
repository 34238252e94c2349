"""Refuse ambiguous query strings: a scalar parameter given twice is an error, not "last one wins"."""

from __future__ import annotations

import types
import typing
from collections import Counter
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.core.problems import Invalid

_LIST_TYPES = (list, tuple, set, frozenset)


def _is_sequence(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in _LIST_TYPES:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_sequence(arg) for arg in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _is_sequence(typing.get_args(annotation)[0])
    return False


def _list_params(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params if _is_sequence(p.field_info.annotation)}
    for sub in dependant.dependencies:
        names |= _list_params(sub)
    return names


async def reject_repeated_query(request: Request) -> None:
    # Async: it does no I/O, so it should not take a trip through the thread pool on every request.
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    counts = Counter(key for key, _ in request.query_params.multi_items())
    repeated = [key for key, n in counts.items() if n > 1]
    if not repeated:
        return
    multi = _list_params(route.dependant)
    bad = [key for key in repeated if key not in multi]
    if bad:
        raise Invalid(
            f"查询参数 {bad[0]} 只能出现一次",
            errors=[{"loc": ["query", key], "msg": "参数重复", "type": "repeated_parameter"} for key in bad],
        )
