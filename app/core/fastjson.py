"""Plain data straight to JSON, for hot list endpoints whose items are built by one tested function.

FastAPI would validate every item against the response model again and then encode it; for a page
of 100 nested items that costs more than the queries. The route still declares its model for the
OpenAPI document, and tests compare this output with the validated model's.

orjson writes aware datetimes as RFC 3339 with their offset (as ``isoformat`` does) and embeds
``Fragment``s verbatim, so JSON columns read as text from the database need not be parsed and
re-encoded on their way out.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response

Fragment = orjson.Fragment
EMPTY_LIST = orjson.Fragment(b"[]")


def json_list_fragment(raw: str | bytes | None) -> orjson.Fragment:
    """A JSON list column read as text; SQL NULL and JSON null both mean no entries."""
    if raw is None or raw == "null" or raw == b"null":
        return EMPTY_LIST
    return orjson.Fragment(raw)


def json_response(payload: Any, *, headers: dict[str, str] | None = None) -> Response:
    return Response(content=orjson.dumps(payload), media_type="application/json", headers=headers)
