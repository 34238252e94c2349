"""Plain data straight to JSON, for hot list endpoints whose items are built by one tested function.

FastAPI would validate every item against the response model again and then encode it; for a page
of 100 nested items that costs more than the queries. The route still declares its model for the
OpenAPI document, and tests compare this output with the validated model's.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from fastapi.responses import Response


def _default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_response(payload: Any, *, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_default)
    return Response(content=body.encode(), media_type="application/json", headers=headers)
