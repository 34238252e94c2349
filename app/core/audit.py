"""Who saw whose personal data: every unmasked read writes one audit event."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.core.models import AuditEvent
from app.core.observability import request_id_var
from app.core.paging import PageParams, paginate


def record_read(
    *,
    session: Session,
    principal: Principal,
    resource_type: str,
    resource_ids: Sequence[str],
    fields: Sequence[str],
) -> None:
    """Record that ``principal`` was shown ``fields`` of these records (unmasked)."""
    rid = request_id_var.get()
    for resource_id in resource_ids:
        session.add(
            AuditEvent(
                principal_id=principal.id,
                principal_name=principal.name,
                principal_role=principal.role.value,
                action="read_pii",
                resource_type=resource_type,
                resource_id=resource_id,
                fields=list(fields),
                request_id=rid,
            )
        )


def list_events(
    *,
    session: Session,
    params: PageParams,
    resource_type: str | None = None,
    resource_id: str | None = None,
    principal_id: str | None = None,
) -> tuple[list[AuditEvent], str | None]:
    stmt = select(AuditEvent)
    if resource_type:
        stmt = stmt.where(AuditEvent.resource_type == resource_type)
    if resource_id:
        stmt = stmt.where(AuditEvent.resource_id == resource_id)
    if principal_id:
        stmt = stmt.where(AuditEvent.principal_id == principal_id)
    return paginate(session, stmt, updated_at=AuditEvent.updated_at, id_col=AuditEvent.id, params=params)
