"""Employers and jobs (岗位供给清单): owned by a receiving district.

The employer's contact phone is stored encrypted and shown only to the owning district (audited).
A job always belongs to one of the owner's own employers, named by ID or by 统一社会信用代码.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal, Role
from app.core import audit, importing, pii
from app.core.importing import BatchResult, Mode, Outcome, RawRow
from app.core.paging import PageParams, paginate
from app.core.problems import Conflict, Invalid, NotFound
from app.db import utcnow
from app.employers.columns import JOB_COLUMNS
from app.employers.models import Employer, Job
from app.employers.schemas import EmployerIn, EmployerOut, EmployerPatch, JobIn, JobOut, JobPatch
from app.regions import service as regions

EMPLOYER = "employer"
PHONE_CONTEXT = "employer.contact_phone"
LABELS = {spec.field: spec.header for spec in JOB_COLUMNS}
_JOB_REQUIRED = {
    "external_id",
    "title",
    "skills_required",
    "headcount",
    "region_code",
    "salary_min",
    "salary_max",
    "housing_provided",
    "meals_provided",
    "public_welfare",
    "status",
}
_EMPLOYER_REQUIRED = {"name", "uscc", "region_code", "kind"}


def _owner(principal: Principal) -> str:
    if principal.role is not Role.receiving or not principal.region_code:
        raise Invalid("只有输入地（receiving）账号可以登记用人单位和岗位")
    return principal.region_code


def _scoped(stmt: Select[Any], owner_col: Any, principal: Principal) -> Select[Any]:
    """The one row-level rule: admins see all, a receiving district its own, nobody else any."""
    if principal.role is Role.admin:
        return stmt
    if principal.role is Role.receiving and principal.region_code:
        return stmt.where(owner_col == principal.region_code)
    return stmt.where(false())


def _no_nulls(changes: dict[str, Any], required: set[str], labels: dict[str, str]) -> None:
    nulls = [name for name, value in changes.items() if value is None and name in required]
    if nulls:
        raise Invalid(
            f"{labels.get(nulls[0], nulls[0])}不能为空",
            errors=[{"loc": ["body", n], "msg": "不能为空", "type": "missing"} for n in nulls],
        )


# ---------------------------------------------------------------------------------------------------
# employers


def get_employer(
    *, session: Session, principal: Principal, employer_id: str, include_deleted: bool = False
) -> Employer:
    stmt = _scoped(select(Employer).where(Employer.id == employer_id), Employer.owner_region_code, principal)
    if not include_deleted:
        stmt = stmt.where(Employer.deleted_at.is_(None))
    found = session.scalar(stmt)
    if found is None:
        raise NotFound("用人单位不存在")
    return found


def list_employers(
    *,
    session: Session,
    principal: Principal,
    params: PageParams,
    q: str | None = None,
    uscc: str | None = None,
    kind: str | None = None,
    include_deleted: bool = False,
) -> tuple[list[Employer], str | None]:
    stmt = _scoped(select(Employer), Employer.owner_region_code, principal)
    if not include_deleted:
        stmt = stmt.where(Employer.deleted_at.is_(None))
    if q:
        stmt = stmt.where(Employer.name.like(f"%{importing.like_escape(q)}%", escape="\\"))
    if uscc:
        stmt = stmt.where(Employer.uscc == uscc.strip().upper())
    if kind:
        stmt = stmt.where(Employer.kind == kind)
    return paginate(session, stmt, updated_at=Employer.updated_at, id_col=Employer.id, params=params)


def employer_views(
    *, session: Session, principal: Principal, employers: Sequence[Employer]
) -> list[EmployerOut]:
    """The owning district sees the contact phone (audited); everyone else the masked one."""
    shown: list[str] = []
    out: list[EmployerOut] = []
    for employer in employers:
        view = EmployerOut.model_validate(employer)
        view.contact_phone = None
        owner = principal.role is Role.receiving and principal.region_code == employer.owner_region_code
        if owner and employer.contact_phone_enc and employer.deleted_at is None:
            view.contact_phone = pii.decrypt(employer.contact_phone_enc, context=PHONE_CONTEXT)
            shown.append(employer.id)
        out.append(view)
    if shown:
        audit.record_read(
            session=session,
            principal=principal,
            resource_type=EMPLOYER,
            resource_ids=shown,
            fields=["contact_phone"],
        )
    return out


def _employer_columns(data: EmployerIn) -> dict[str, Any]:
    values = data.model_dump(exclude={"contact_phone"})
    phone = data.contact_phone
    values["contact_phone_enc"] = pii.encrypt(phone, context=PHONE_CONTEXT) if phone else None
    values["contact_phone_masked"] = pii.mask_phone(phone) if phone else None
    return values


def create_employer(*, session: Session, principal: Principal, data: EmployerIn) -> Employer:
    """Register an employer; 409 when this district already has one with the same USCC.

    A deleted employer registered again comes back (same ID), so its old jobs keep their link."""
    owner = _owner(principal)
    regions.check_codes(session=session, codes=[data.region_code], loc=["body", "region_code"])
    existing = session.scalar(
        select(Employer).where(Employer.owner_region_code == owner, Employer.uscc == data.uscc)
    )
    if existing is not None and existing.deleted_at is None:
        raise Conflict("本地区已登记相同统一社会信用代码的用人单位", extra={"existing_id": existing.id})
    values = _employer_columns(data)
    if existing is not None:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.deleted_at = None
        session.flush()
        return existing
    employer = Employer(owner_region_code=owner, **values)
    session.add(employer)
    session.flush()
    return employer


def patch_employer(*, session: Session, employer: Employer, data: EmployerPatch) -> Employer:
    changes = data.model_dump(exclude_unset=True)
    _no_nulls(changes, _EMPLOYER_REQUIRED, {"name": "单位名称", "uscc": "统一社会信用代码"})
    if "region_code" in changes:
        regions.check_codes(session=session, codes=[changes["region_code"]], loc=["body", "region_code"])
    if "uscc" in changes and changes["uscc"] != employer.uscc:
        clash = session.scalar(
            select(Employer).where(
                Employer.owner_region_code == employer.owner_region_code,
                Employer.uscc == changes["uscc"],
                Employer.id != employer.id,
            )
        )
        if clash is not None:
            raise Conflict("本地区已登记相同统一社会信用代码的用人单位", extra={"existing_id": clash.id})
    if "contact_phone" in changes:
        phone = changes.pop("contact_phone")
        changes["contact_phone_enc"] = pii.encrypt(phone, context=PHONE_CONTEXT) if phone else None
        changes["contact_phone_masked"] = pii.mask_phone(phone) if phone else None
    for name, value in changes.items():
        if name == "contact_phone_enc" or getattr(employer, name) != value:
            setattr(employer, name, value)
    session.flush()
    return employer


def delete_employer(*, session: Session, employer: Employer) -> None:
    """Soft delete; refused while the employer still has jobs that are not deleted."""
    live_jobs = session.scalar(
        select(func.count()).select_from(Job).where(Job.employer_id == employer.id, Job.deleted_at.is_(None))
    )
    if live_jobs:
        raise Conflict(f"该单位还有 {live_jobs} 个岗位，请先删除或关闭这些岗位")
    employer.deleted_at = utcnow()
    session.flush()


# ---------------------------------------------------------------------------------------------------
# jobs: reads


def get_job(*, session: Session, principal: Principal, job_id: str, include_deleted: bool = False) -> Job:
    stmt = _scoped(select(Job).where(Job.id == job_id), Job.owner_region_code, principal)
    if not include_deleted:
        stmt = stmt.where(Job.deleted_at.is_(None))
    found = session.scalar(stmt)
    if found is None:
        raise NotFound("岗位不存在")
    return found


def list_jobs(
    *,
    session: Session,
    principal: Principal,
    params: PageParams,
    status: str | None = None,
    employer_id: str | None = None,
    occupation: str | None = None,
    region_code: str | None = None,
    q: str | None = None,
    include_deleted: bool = False,
) -> tuple[list[Job], str | None]:
    stmt = _scoped(select(Job), Job.owner_region_code, principal)
    if not include_deleted:
        stmt = stmt.where(Job.deleted_at.is_(None))
    if status:
        stmt = stmt.where(Job.status == status)
    if employer_id:
        stmt = stmt.where(Job.employer_id == employer_id)
    if occupation:
        stmt = stmt.where(importing.code_filter(Job.occupation_codes_text, occupation))
    if region_code:
        stmt = stmt.where(importing.region_filter(Job.region_code, region_code))
    if q:
        stmt = stmt.where(Job.external_id.like(f"%{importing.like_escape(q)}%", escape="\\"))
    return paginate(session, stmt, updated_at=Job.updated_at, id_col=Job.id, params=params)


def job_views(*, session: Session, jobs: Sequence[Job]) -> list[JobOut]:
    ids = {j.employer_id for j in jobs}
    names: dict[str, str] = {}
    if ids:
        rows = session.execute(select(Employer.id, Employer.name).where(Employer.id.in_(ids)))
        names = {employer_id: name for employer_id, name in rows}
    out = []
    for job in jobs:
        view = JobOut.model_validate(job)
        view.employer_name = names.get(job.employer_id)
        out.append(view)
    return out


# ---------------------------------------------------------------------------------------------------
# jobs: what is stored for one validated job


def _job_problems(data: JobIn) -> list[tuple[str, str]]:
    """Rules across fields, as (field, message)."""
    problems = []
    if data.salary_min > data.salary_max:
        problems.append(("salary_min", "月薪下限（salary_min）不能高于月薪上限（salary_max）"))
    if data.age_min is not None and data.age_max is not None and data.age_min > data.age_max:
        problems.append(("age_min", "最低年龄（age_min）不能高于最高年龄（age_max）"))
    return problems


class _Employers:
    """The owner's live employers, by ID and by USCC: loaded once per request."""

    def __init__(self, session: Session, owner: str) -> None:
        rows = session.scalars(
            select(Employer).where(Employer.owner_region_code == owner, Employer.deleted_at.is_(None))
        ).all()
        self.by_id = {e.id: e for e in rows}
        self.by_uscc = {e.uscc: e for e in rows}

    def resolve(self, data: JobIn) -> tuple[Employer | None, str, str]:
        """(employer, field, problem) — the employer, or the field to blame and why."""
        if data.employer_id:
            found = self.by_id.get(data.employer_id)
            if found is None:
                return None, "employer_id", "用人单位不存在或不属于本地区"
            if data.employer_uscc and data.employer_uscc != found.uscc:
                return None, "employer_uscc", "统一社会信用代码与用人单位ID不一致"
            return found, "", ""
        if data.employer_uscc:
            found = self.by_uscc.get(data.employer_uscc)
            if found is None:
                return None, "employer_uscc", "本地区未登记该统一社会信用代码的用人单位，请先登记用人单位"
            return found, "", ""
        return None, "employer_id", "请填写用人单位ID或统一社会信用代码"


def _job_columns(data: JobIn, employer: Employer) -> dict[str, Any]:
    values = data.model_dump(exclude={"employer_uscc"}) | {"employer_id": employer.id}
    content = json.dumps(
        data.model_dump(mode="json", exclude={"employer_uscc"}) | {"employer_id": employer.id},
        sort_keys=True,
        ensure_ascii=False,
    )
    codes = importing.occupation_codes([data.title, data.occupation, *data.skills_required])
    return values | {
        "occupation_codes": codes,
        "occupation_codes_text": importing.joined_codes(codes),
        "content_hash": hashlib.sha256(content.encode()).hexdigest(),
    }


def _invalid(problems: Sequence[tuple[str, str]]) -> Invalid:
    return Invalid(
        problems[0][1],
        errors=[{"loc": ["body", field], "msg": msg, "type": "value_error"} for field, msg in problems],
    )


def _settle(session: Session, owner: str, data: JobIn) -> dict[str, Any]:
    """Check a single job against the database; the column values to store."""
    problems = _job_problems(data)
    if problems:
        raise _invalid(problems)
    regions.check_codes(session=session, codes=[data.region_code], loc=["body", "region_code"])
    employer, field, problem = _Employers(session, owner).resolve(data)
    if employer is None:
        raise _invalid([(field, problem)])
    return _job_columns(data, employer)


# ---------------------------------------------------------------------------------------------------
# jobs: single writes


def create_job(*, session: Session, principal: Principal, data: JobIn) -> Job:
    """Add one job; 409 when the external id is taken (a deleted job's external id is reused)."""
    owner = _owner(principal)
    values = _settle(session, owner, data)
    existing = session.scalar(
        select(Job).where(Job.owner_region_code == owner, Job.external_id == data.external_id)
    )
    if existing is not None and existing.deleted_at is None:
        raise Conflict("岗位编号已存在", extra={"existing_id": existing.id})
    if existing is not None:
        _apply(existing, values)
        session.flush()
        return existing
    job = Job(owner_region_code=owner, **values)
    session.add(job)
    session.flush()
    return job


def _apply(job: Job, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    job.deleted_at = None


def patch_job(*, session: Session, principal: Principal, job: Job, data: JobPatch) -> Job:
    """Change the given fields; the result is validated as a whole, like a create."""
    owner = _owner(principal)
    changes = data.model_dump(exclude_unset=True)
    _no_nulls(changes, _JOB_REQUIRED, LABELS)
    current = {name: getattr(job, name) for name in set(JobIn.model_fields) - {"employer_uscc"}}
    if "employer_uscc" in changes and "employer_id" not in changes:
        current["employer_id"] = None
    try:
        merged = JobIn.model_validate(current | changes)
    except ValidationError as exc:
        raise importing.invalid_from(exc) from None
    values = _settle(session, owner, merged)
    if values["content_hash"] == job.content_hash:
        return job
    if merged.external_id != job.external_id:
        clash = session.scalar(
            select(Job).where(
                Job.owner_region_code == owner, Job.external_id == merged.external_id, Job.id != job.id
            )
        )
        if clash is not None:
            raise Conflict("岗位编号已被本地区另一个岗位使用", extra={"existing_id": clash.id})
    _apply(job, values)
    session.flush()
    return job


def delete_job(*, session: Session, job: Job) -> None:
    """Soft delete: the row stays as a tombstone so sync clients learn of it."""
    job.deleted_at = utcnow()
    session.flush()


# ---------------------------------------------------------------------------------------------------
# jobs: batch and import


def upsert_jobs(
    *,
    session: Session,
    principal: Principal,
    rows: Sequence[RawRow],
    mode: Mode,
    outcome: Outcome,
    where: str,
) -> BatchResult:
    """Validate every row, then create, update or leave each by ``external_id`` in one transaction."""
    owner = _owner(principal)
    valid = importing.validate_rows(rows, JobIn, LABELS, outcome)
    known = regions.known_codes(session=session, codes=[d.region_code for _, d in valid])
    employers = _Employers(session, owner)
    prepared: list[tuple[str, dict[str, Any]]] = []
    first_ext: dict[str, int] = {}
    for raw, data in valid:
        for field, msg in _job_problems(data):
            outcome.fail(raw.row, field, importing.labelled(LABELS, field, msg))
        problem = importing.region_problems(known, [data.region_code])
        if problem:
            outcome.fail(raw.row, "region_code", importing.labelled(LABELS, "region_code", problem))
        employer, field, problem = employers.resolve(data)
        if employer is None:
            outcome.fail(raw.row, field, importing.labelled(LABELS, field, problem))
        if data.external_id in first_ext:
            outcome.fail(
                raw.row, "external_id", f"{LABELS['external_id']}：与第{first_ext[data.external_id]}行重复"
            )
        first_ext.setdefault(data.external_id, raw.row)
        if raw.row not in outcome.failed_rows and employer is not None:
            prepared.append((data.external_id, _job_columns(data, employer)))
    if mode == "atomic" and outcome.failed_rows:
        raise outcome.reject(where)

    by_ext = {
        j.external_id: j
        for j in importing.load_by(session, Job, Job.external_id, first_ext, Job.owner_region_code == owner)
    }
    inserts: list[dict[str, Any]] = []
    for external_id, values in prepared:
        existing = by_ext.get(external_id)
        if existing is None:
            inserts.append({"owner_region_code": owner, **values})
            outcome.created += 1
        elif existing.content_hash == values["content_hash"] and existing.deleted_at is None:
            outcome.unchanged += 1
        else:
            _apply(existing, values)
            outcome.updated += 1
    importing.write(session, Job, inserts)
    return outcome.result()


def batch_jobs(*, session: Session, principal: Principal, items: Sequence[Any], mode: Mode) -> BatchResult:
    """``POST /v1/jobs/batch``: rows are 0-based item indexes."""
    rows = importing.rows_from_items(items)
    return upsert_jobs(
        session=session, principal=principal, rows=rows, mode=mode, outcome=Outcome(), where="items"
    )


def import_jobs(
    *, session: Session, principal: Principal, data: bytes, filename: str, mode: Mode
) -> BatchResult:
    """``POST /v1/jobs/import``: rows are spreadsheet row numbers."""
    _owner(principal)
    outcome = Outcome()
    rows = importing.rows_from_file(data, filename, JOB_COLUMNS, outcome)
    return upsert_jobs(
        session=session, principal=principal, rows=rows, mode=mode, outcome=outcome, where="file"
    )
