"""Property-based API fuzzing against the app's own OpenAPI document, as every role.

No 5xx, every response documented (status, content type, schema), every error problem+json.
Bounded by LAOWU_FUZZ_EXAMPLES (default small enough for CI on both databases).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.main import create_app

EXAMPLES = int(os.environ.get("LAOWU_FUZZ_EXAMPLES", "12"))
ROLES = [("admin", None), ("sending", "620521"), ("receiving", "120105"), ("scheduler", "120105")]

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


def _auth_header_mutated(case: schemathesis.Case) -> bool:
    meta = case.meta
    if meta is None:
        return False
    for location, info in meta.components.items():
        if getattr(location, "value", location) == "header" and info.mode.value == "negative":
            return True
    return False


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def check_response(case: schemathesis.Case, response: Any, role: str | None) -> None:
    """No 5xx, problem+json for every error, and the response as documented."""
    assert response.status_code < 500, (
        f"{case.method} {case.path} as {role}: {response.status_code} {response.text[:300]}"
    )
    if response.status_code >= 400:
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith("application/problem+json"), (
            f"{case.method} {case.path} as {role}: {response.status_code} without problem+json"
        )
    # Schema-valid but semantically wrong input (unknown region, stale cursor) is rightly a 422.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


def roles_for(
    case: schemathesis.Case, roles: list[tuple[str, str | None]]
) -> list[tuple[str | None, str | None]]:
    # A case about a missing or malformed key is sent as generated, without ours.
    return [(None, None)] if _auth_header_mutated(case) else list(roles)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_conforms_for_every_role(
    case: schemathesis.Case, make_key: Callable[..., dict[str, str]]
) -> None:
    for role, region in roles_for(case, ROLES):
        headers = make_key(role, region) if role else None
        check_response(case, case.call(headers=headers), role)
