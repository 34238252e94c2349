"""Job seekers (求职清单): owned by a sending county; ID number and phone only ever stored encrypted.

Single create, patch and delete, the batch and spreadsheet upsert (one transaction, bulk reads and
writes), scoped reads and the role-appropriate view with its audit trail.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal, Role
from app.core import audit, importing, pii
from app.core.identity import parse_id_number
from app.core.importing import BatchResult, Mode, Outcome, RawRow
from app.core.paging import PageParams, paginate
from app.core.problems import Conflict, Invalid, NotFound
from app.db import utcnow
from app.regions import service as regions
from app.seekers.columns import SEEKER_COLUMNS
from app.seekers.models import Seeker
from app.seekers.schemas import SeekerIn, SeekerOut, SeekerPatch

RESOURCE = "seeker"
ID_CONTEXT = "seeker.id_number"
PHONE_CONTEXT = "seeker.phone"
_HASH_CONTEXT = "seeker.content"
LABELS = {spec.field: spec.header for spec in SEEKER_COLUMNS}
# Fields a PATCH may not set to null.
_REQUIRED = {"external_id", "name", "id_number", "hukou_region_code", "wants_work", "mobility"}
_REQUIRED |= {"needs_housing", "employment_status", "skills", "certificates", "desired_occupations"}
_REQUIRED |= {"preferred_region_codes", "tags", "training_needs"}


# ---------------------------------------------------------------------------------------------------
# scoping and reads


def _scoped(stmt: Select[Any], principal: Principal) -> Select[Any]:
    """The one row-level rule: admins see all, a sending county its own, nobody else any."""
    if principal.role is Role.admin:
        return stmt
    if principal.role is Role.sending and principal.region_code:
        return stmt.where(Seeker.owner_region_code == principal.region_code)
    return stmt.where(false())


def get(*, session: Session, principal: Principal, seeker_id: str, include_deleted: bool = False) -> Seeker:
    """The seeker, or 404 when it is outside the caller's scope or deleted."""
    stmt = _scoped(select(Seeker).where(Seeker.id == seeker_id), principal)
    if not include_deleted:
        stmt = stmt.where(Seeker.deleted_at.is_(None))
    found = session.scalar(stmt)
    if found is None:
        raise NotFound("求职者不存在")
    return found


def list_seekers(
    *,
    session: Session,
    principal: Principal,
    params: PageParams,
    status: str | None = None,
    tag: str | None = None,
    mobility: str | None = None,
    occupation: str | None = None,
    wants_work: bool | None = None,
    hukou_region_code: str | None = None,
    household_id: str | None = None,
    q: str | None = None,
    include_deleted: bool = False,
) -> tuple[list[Seeker], str | None]:
    stmt = _scoped(select(Seeker), principal)
    if not include_deleted:
        stmt = stmt.where(Seeker.deleted_at.is_(None))
    if status:
        stmt = stmt.where(Seeker.employment_status == status)
    if tag:
        stmt = stmt.where(Seeker.tags_text.like(f"%,{importing.like_escape(tag)},%", escape="\\"))
    if mobility:
        stmt = stmt.where(Seeker.mobility == mobility)
    if occupation:
        stmt = stmt.where(importing.code_filter(Seeker.occupation_codes_text, occupation))
    if wants_work is not None:
        stmt = stmt.where(Seeker.wants_work.is_(wants_work))
    if hukou_region_code:
        stmt = stmt.where(importing.region_filter(Seeker.hukou_region_code, hukou_region_code))
    if household_id:
        stmt = stmt.where(Seeker.household_id == household_id)
    if q:
        stmt = stmt.where(Seeker.external_id.like(f"%{importing.like_escape(q)}%", escape="\\"))
    return paginate(session, stmt, updated_at=Seeker.updated_at, id_col=Seeker.id, params=params)


def views(*, session: Session, principal: Principal, seekers: Sequence[Seeker]) -> list[SeekerOut]:
    """The caller's view: the owning county sees the phone (each one shown is audited), others masked."""
    shown: list[str] = []
    out: list[SeekerOut] = []
    for seeker in seekers:
        phone = None
        owner = principal.role is Role.sending and principal.region_code == seeker.owner_region_code
        if owner and seeker.phone_enc and seeker.deleted_at is None:
            phone = pii.decrypt(seeker.phone_enc, context=PHONE_CONTEXT)
            shown.append(seeker.id)
        view = SeekerOut.model_validate(seeker)
        view.phone = phone
        out.append(view)
    if shown:
        audit.record_read(
            session=session, principal=principal, resource_type=RESOURCE, resource_ids=shown, fields=["phone"]
        )
    return out


# ---------------------------------------------------------------------------------------------------
# what is stored for one validated seeker


def _columns(data: SeekerIn) -> tuple[dict[str, Any], dict[str, str]]:
    """Plain column values (no secrets) and the secrets to encrypt at write time."""
    ident = parse_id_number(data.id_number)
    bidx = pii.blind_index(ident.number, context=ID_CONTEXT)
    phone_bidx = pii.blind_index(data.phone, context=PHONE_CONTEXT) if data.phone else None
    content = data.model_dump(mode="json", exclude={"id_number", "phone"})
    content_hash = pii.blind_index(
        json.dumps({**content, "id": bidx, "phone": phone_bidx}, sort_keys=True, ensure_ascii=False),
        context=_HASH_CONTEXT,
    )
    codes = importing.occupation_codes([*data.skills, *data.desired_occupations, *data.certificates])
    plain = data.model_dump(exclude={"id_number", "phone"}) | {
        "id_number_bidx": bidx,
        "id_number_masked": pii.mask_id_number(ident.number),
        "phone_masked": pii.mask_phone(data.phone) if data.phone else None,
        "gender": ident.gender,
        "birth_date": ident.birth_date,
        "occupation_codes": codes,
        "occupation_codes_text": importing.joined_codes(codes),
        "tags_text": importing.joined_codes(list(data.tags)),
        "content_hash": content_hash,
    }
    secrets = {"id_number": ident.number}
    if data.phone:
        secrets["phone"] = data.phone
    return plain, secrets


def _sealed(plain: dict[str, Any], secrets: dict[str, str]) -> dict[str, Any]:
    phone = secrets.get("phone")
    return plain | {
        "id_number_enc": pii.encrypt(secrets["id_number"], context=ID_CONTEXT),
        "phone_enc": pii.encrypt(phone, context=PHONE_CONTEXT) if phone else None,
    }


def _apply(seeker: Seeker, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(seeker, name, value)
    seeker.deleted_at = None


def _check_regions(session: Session, data: SeekerIn | SeekerPatch) -> None:
    regions.check_codes(session=session, codes=[data.hukou_region_code], loc=["body", "hukou_region_code"])
    regions.check_codes(
        session=session, codes=data.preferred_region_codes or [], loc=["body", "preferred_region_codes"]
    )


def _live_holder(session: Session, owner: str, bidx: str) -> Seeker | None:
    return session.scalar(
        select(Seeker).where(
            Seeker.owner_region_code == owner, Seeker.id_number_bidx == bidx, Seeker.deleted_at.is_(None)
        )
    )


def _owner(principal: Principal) -> str:
    if principal.role is not Role.sending or not principal.region_code:
        raise Invalid("只有输出地（sending）账号可以报送求职者")
    return principal.region_code


# ---------------------------------------------------------------------------------------------------
# single writes


def create(*, session: Session, principal: Principal, data: SeekerIn) -> Seeker:
    """Add one seeker; 409 when the external id or the ID number is already on this county's list.

    A deleted seeker's external id may be reused: the tombstone comes back to life with the new data."""
    owner = _owner(principal)
    _check_regions(session, data)
    plain, secrets = _columns(data)
    existing = session.scalar(
        select(Seeker).where(Seeker.owner_region_code == owner, Seeker.external_id == data.external_id)
    )
    if existing is not None and existing.deleted_at is None:
        raise Conflict("外部编号已存在", extra={"existing_id": existing.id})
    holder = _live_holder(session, owner, plain["id_number_bidx"])
    if holder is not None:
        raise Conflict(
            "本地区已有相同身份证号的求职者",
            errors=[{"loc": ["body", "id_number"], "msg": "身份证号重复", "type": "duplicate"}],
            extra={"existing_id": holder.id},
        )
    if existing is not None:
        _apply(existing, _sealed(plain, secrets))
        session.flush()
        return existing
    seeker = Seeker(owner_region_code=owner, **_sealed(plain, secrets))
    session.add(seeker)
    session.flush()
    return seeker


def _current_input(seeker: Seeker) -> dict[str, Any]:
    """The seeker as a full input again (secrets decrypted), to re-validate a patched whole."""
    fields = set(SeekerIn.model_fields) - {"id_number", "phone"}
    current = {name: getattr(seeker, name) for name in fields}
    current["id_number"] = pii.decrypt(seeker.id_number_enc, context=ID_CONTEXT)
    current["phone"] = pii.decrypt(seeker.phone_enc, context=PHONE_CONTEXT) if seeker.phone_enc else None
    return current


def patch(*, session: Session, principal: Principal, seeker: Seeker, data: SeekerPatch) -> Seeker:
    """Change the given fields; the result is validated as a whole, like a create."""
    changes = data.model_dump(exclude_unset=True)
    nulls = [name for name, value in changes.items() if value is None and name in _REQUIRED]
    if nulls:
        raise Invalid(
            f"{LABELS.get(nulls[0], nulls[0])}不能为空",
            errors=[{"loc": ["body", n], "msg": "不能为空", "type": "missing"} for n in nulls],
        )
    _check_regions(session, data)
    try:
        merged = SeekerIn.model_validate(_current_input(seeker) | changes)
    except ValidationError as exc:
        raise importing.invalid_from(exc) from None
    plain, secrets = _columns(merged)
    if plain["content_hash"] == seeker.content_hash:
        return seeker
    if merged.external_id != seeker.external_id:
        clash = session.scalar(
            select(Seeker).where(
                Seeker.owner_region_code == seeker.owner_region_code,
                Seeker.external_id == merged.external_id,
                Seeker.id != seeker.id,
            )
        )
        if clash is not None:
            raise Conflict("外部编号已被本地区另一名求职者使用", extra={"existing_id": clash.id})
    if plain["id_number_bidx"] != seeker.id_number_bidx:
        holder = _live_holder(session, seeker.owner_region_code, plain["id_number_bidx"])
        if holder is not None and holder.id != seeker.id:
            raise Conflict("本地区已有相同身份证号的求职者", extra={"existing_id": holder.id})
    _apply(seeker, _sealed(plain, secrets))
    session.flush()
    return seeker


def delete(*, session: Session, seeker: Seeker) -> None:
    """Soft delete: the row stays as a tombstone (``deleted_at``) so sync clients learn of it."""
    seeker.deleted_at = utcnow()
    session.flush()


# ---------------------------------------------------------------------------------------------------
# batch and import


def upsert_many(
    *,
    session: Session,
    principal: Principal,
    rows: Sequence[RawRow],
    mode: Mode,
    outcome: Outcome,
    where: str,
) -> BatchResult:
    """Validate every row, then create, update or leave each by ``external_id`` — all in the caller's
    one transaction. ``where`` names the input in problem ``loc`` (``items`` or ``file``)."""
    owner = _owner(principal)
    valid = importing.validate_rows(rows, SeekerIn, LABELS, outcome)

    known = regions.known_codes(
        session=session,
        codes=[c for _, d in valid for c in (d.hukou_region_code, *d.preferred_region_codes)],
    )
    prepared: list[tuple[int, SeekerIn, dict[str, Any], dict[str, str]]] = []
    first_ext: dict[str, int] = {}
    first_id: dict[str, int] = {}
    for raw, data in valid:
        problem = importing.region_problems(known, [data.hukou_region_code])
        if problem:
            outcome.fail(
                raw.row, "hukou_region_code", importing.labelled(LABELS, "hukou_region_code", problem)
            )
        problem = importing.region_problems(known, data.preferred_region_codes)
        if problem:
            outcome.fail(
                raw.row,
                "preferred_region_codes",
                importing.labelled(LABELS, "preferred_region_codes", problem),
            )
        plain, secrets = _columns(data)
        if data.external_id in first_ext:
            outcome.fail(
                raw.row, "external_id", f"{LABELS['external_id']}：与第{first_ext[data.external_id]}行重复"
            )
        if plain["id_number_bidx"] in first_id:
            outcome.fail(
                raw.row, "id_number", f"{LABELS['id_number']}：与第{first_id[plain['id_number_bidx']]}行重复"
            )
        first_ext.setdefault(data.external_id, raw.row)
        first_id.setdefault(plain["id_number_bidx"], raw.row)
        if raw.row not in outcome.failed_rows:
            prepared.append((raw.row, data, plain, secrets))

    by_ext = {
        s.external_id: s
        for s in importing.load_by(
            session, Seeker, Seeker.external_id, first_ext, Seeker.owner_region_code == owner
        )
    }
    # ID number (blind index) → external id of the live seeker holding it.
    holders = importing.load_pairs(
        session,
        Seeker.id_number_bidx,
        Seeker.external_id,
        first_id,
        Seeker.owner_region_code == owner,
        Seeker.deleted_at.is_(None),
    )

    decided: list[tuple[Seeker | None, dict[str, Any], dict[str, str]]] = []
    for row, data, plain, secrets in prepared:
        existing = by_ext.get(data.external_id)
        holder = holders.get(plain["id_number_bidx"])
        if holder is not None and holder != data.external_id:
            outcome.fail(
                row,
                "id_number",
                f"{LABELS['id_number']}：本地区已有相同身份证号的求职者（外部编号 {holder}）",
            )
            continue
        decided.append((existing, plain, secrets))
    if mode == "atomic" and outcome.failed_rows:
        raise outcome.reject(where)

    # Secrets are encrypted only for rows that are written.
    inserts: list[dict[str, Any]] = []
    for existing, plain, secrets in decided:
        if existing is None:
            inserts.append({"owner_region_code": owner, **_sealed(plain, secrets)})
            outcome.created += 1
        elif existing.content_hash == plain["content_hash"] and existing.deleted_at is None:
            outcome.unchanged += 1
        else:
            _apply(existing, _sealed(plain, secrets))
            outcome.updated += 1
    importing.write(session, Seeker, inserts)
    return outcome.result()


def batch(*, session: Session, principal: Principal, items: Sequence[Any], mode: Mode) -> BatchResult:
    """``POST /v1/seekers/batch``: rows are 0-based item indexes."""
    rows = importing.rows_from_items(items)
    return upsert_many(
        session=session, principal=principal, rows=rows, mode=mode, outcome=Outcome(), where="items"
    )


def import_file(
    *, session: Session, principal: Principal, data: bytes, filename: str, mode: Mode
) -> BatchResult:
    """``POST /v1/seekers/import``: rows are spreadsheet row numbers."""
    _owner(principal)
    outcome = Outcome()
    rows = importing.rows_from_file(data, filename, SEEKER_COLUMNS, outcome)
    return upsert_many(
        session=session, principal=principal, rows=rows, mode=mode, outcome=outcome, where="file"
    )
