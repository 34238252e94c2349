"""Refuse requests no endpoint should see: a scalar query parameter given twice (an error, not "last one
wins"), and NUL characters in query, path or JSON text, which PostgreSQL cannot store or compare."""

from __future__ import annotations

import re
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


# A JSON escape of NUL not itself escaped (``\\u0000`` is the six characters, which are fine).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


async def guard_request(request: Request) -> None:
    # Async: no I/O (a JSON body is already read and cached by the time dependencies run), so no trip
    # through the thread pool on every request.
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    _refuse_nul(request)
    is_json = request.headers.get("content-type", "").startswith("application/json")
    if is_json and request.method in ("POST", "PUT", "PATCH") and _JSON_NUL.search(await request.body()):
        raise Invalid(
            "请求体中的文本不能包含 NUL 字符（\\u0000）",
            errors=[{"loc": ["body"], "msg": "含有 NUL 字符", "type": "nul_character"}],
        )
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


def _refuse_nul(request: Request) -> None:
    found = [("query", k) for k, v in request.query_params.multi_items() if "\x00" in v or "\x00" in k]
    found += [("path", k) for k, v in request.path_params.items() if isinstance(v, str) and "\x00" in v]
    if found:
        where, name = found[0]
        label = "查询参数" if where == "query" else "路径参数"
        raise Invalid(
            f"{label} {name} 不能包含 NUL 字符",
            errors=[{"loc": [w, n], "msg": "含有 NUL 字符", "type": "nul_character"} for w, n in found],
        )
