"""What the two lists (求职清单, 岗位供给清单) share for batch and spreadsheet imports.

Input cleaning types for Pydantic, the batch/import answer, turning validation problems into row errors
a clerk can act on (Chinese, naming the column, never the value), and the bulk read and write helpers
that keep a 10,000-row import to a few dozen queries in one transaction.

Used by ``app.seekers.service`` and ``app.employers.service``; it knows no domain model itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, ValidationError
from sqlalchemy import ColumnElement, false, insert, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.config import get_settings
from app.core import tabular
from app.core.identity import parse_mobile
from app.core.problems import Conflict, Invalid, PayloadTooLarge
from app.core.textnorm import clean_list, clean_text
from app.db import Base, local_zone
from app.regions.models import Region

ModelT = TypeVar("ModelT", bound=Base)
SchemaT = TypeVar("SchemaT", bound=BaseModel)
T = TypeVar("T")

# Rows per IN (...) list when loading existing rows, and per INSERT executemany.
CHUNK = 500
INSERT_CHUNK = 1000
ANALYZE_AFTER = 1000
REGION_PATTERN = r"^\d{6}$"

Mode = Literal["partial", "atomic"]


# ---------------------------------------------------------------------------------------------------
# Input types: the same cleaning for JSON bodies and spreadsheet cells


def _text(max_len: int) -> BeforeValidator:
    return BeforeValidator(lambda v: clean_text(v, max_len=max_len))


def _list(max_items: int, max_len: int) -> BeforeValidator:
    return BeforeValidator(lambda v: clean_list(v, max_items=max_items, max_len=max_len))


def _optional_mobile(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_mobile(value)


def _region(value: object) -> object:
    return clean_text(value, max_len=12) if value is not None else None


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(local_zone()) if value is not None and value.tzinfo is not None else value


# Times in responses are shown in the service's zone (+08:00), also for rows created in this request.
LocalTime = Annotated[datetime, AfterValidator(_local)]
OptionalLocalTime = Annotated[datetime | None, AfterValidator(_local)]
Text20 = Annotated[str, _text(20)]
Text50 = Annotated[str, _text(50)]
Text64 = Annotated[str, _text(64)]
Text100 = Annotated[str, _text(100)]
Text200 = Annotated[str, _text(200)]
Text2000 = Annotated[str, _text(2000)]
TextList = Annotated[list[str], _list(30, 50)]
Mobile = Annotated[str | None, BeforeValidator(_optional_mobile)]
RegionCode = Annotated[str, BeforeValidator(_region), Field(pattern=REGION_PATTERN)]
RegionCodeList = Annotated[list[RegionCode], _list(50, 12)]


def choice_list(max_items: int) -> BeforeValidator:
    """A list of enumeration values, de-duplicated; items are then checked by the Literal type."""
    return _list(max_items, 40)


# ---------------------------------------------------------------------------------------------------
# The answer


class RowError(BaseModel):
    row: int = Field(
        description="JSON 为 items 中从 0 开始的序号；文件为表格中的行号（表头为第 1 行时数据从第 2 行起）"
    )
    field: str = Field(description="出错的字段（API 字段名）")
    msg: str = Field(description="中文说明，含列名；不含所填内容")


class BatchResult(BaseModel):
    created: int = Field(description="新建条数")
    updated: int = Field(description="按外部编号更新的条数")
    unchanged: int = Field(description="内容与已有记录相同、未作改动的条数")
    failed: int = Field(description="有错误、未写入的条数（atomic 模式下任一条出错则全部不写入）")
    errors: list[RowError] = Field(description="逐行错误")


BATCH_DESCRIPTION = (
    "按外部编号（external_id）在本地区内新增或更新（upsert）；内容未变的记录计为 unchanged，不修改"
    "更新时间。`mode=partial`（默认）写入无误的行并逐行报告错误，返回 200；`mode=atomic` 只要有一行出错"
    "就一行也不写入，返回 422 problem+json，其中 `errors` 为逐行错误（另含 `loc`），并附 created、updated、"
    "unchanged、failed 计数。整个导入在一个事务中完成：中途出现数据库错误不会留下写了一半的清单。"
)


class BatchRejected(Invalid):
    """``atomic`` mode with at least one bad row: nothing was written."""


@dataclass
class Outcome:
    """Accumulates one batch's counts and row errors."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    failed_rows: set[int] = field(default_factory=set)

    def fail(self, row: int, field_name: str, msg: str) -> None:
        self.errors.append(RowError(row=row, field=field_name, msg=msg))
        self.failed_rows.add(row)

    def result(self) -> BatchResult:
        errors = sorted(self.errors, key=lambda e: e.row)
        return BatchResult(
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            failed=len(self.failed_rows),
            errors=errors,
        )

    def reject(self, where: str) -> BatchRejected:
        result = self.result()
        body = result.model_dump()
        problem_errors = [
            {**e, "loc": [where, e["row"], e["field"]], "type": "value_error"} for e in body.pop("errors")
        ]
        return BatchRejected(
            f"有 {result.failed} 条记录有误，atomic 模式下全部未写入",
            errors=problem_errors,
            extra={**body, "created": 0, "updated": 0, "unchanged": 0},
        )


@dataclass
class RawRow:
    """One item to validate: its row (index or spreadsheet row number), values, and fields that already
    failed while reading the cell (so validation does not report them twice)."""

    row: int
    values: Any
    bad_fields: set[str] = field(default_factory=set)


def check_batch_size(count: int) -> None:
    limit = get_settings().max_import_rows
    if count > limit:
        raise PayloadTooLarge(f"一次最多提交{limit}条，请拆分后提交")


def rows_from_items(items: Sequence[Any]) -> list[RawRow]:
    check_batch_size(len(items))
    return [RawRow(row=i, values=item) for i, item in enumerate(items)]


def rows_from_file(
    data: bytes, filename: str, columns: Sequence[tabular.ColumnSpec], outcome: Outcome
) -> list[RawRow]:
    """Read an upload; cell problems go into ``outcome``; whole-file problems raise 413/422."""
    try:
        table = tabular.read_table(data, filename, columns, max_rows=get_settings().max_import_rows)
    except tabular.TableError as exc:
        if exc.status == 413:
            raise PayloadTooLarge(exc.message) from None
        raise Invalid(
            exc.message, errors=[{"loc": ["body", "file"], "msg": exc.message, "type": "file"}]
        ) from None
    bad: dict[int, set[str]] = {}
    for err in table.errors:
        outcome.fail(err.row, err.field, err.msg)
        bad.setdefault(err.row, set()).add(err.field)
    # A blank cell means "not given": the field's default applies, as when a JSON item omits it.
    return [
        RawRow(
            row=r.number,
            values={k: v for k, v in r.values.items() if v is not None},
            bad_fields=bad.get(r.number, set()),
        )
        for r in table.rows
    ]


# ---------------------------------------------------------------------------------------------------
# Validation problems → Chinese row errors


def _message(err: Any) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing" or (kind == "string_type" and err.get("input") is None):
        return "不能为空"
    if kind == "value_error":
        return str(ctx.get("error") or err.get("msg", "")).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        return "应为6位数字的行政区划代码" if "\\d{6}" in str(ctx.get("pattern", "")) else "格式不正确"
    if kind == "string_too_long":
        return f"长度不能超过{ctx.get('max_length')}个字符"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "应为整数"
    if kind == "greater_than_equal":
        return f"不能小于{ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于{ctx.get('le')}"
    if kind in ("bool_parsing", "bool_type"):
        return "请填写“是”或“否”（true/false）"
    if kind.startswith("date"):
        return "不是有效日期，请按2019-03-01格式填写"
    if kind == "literal_error":
        return f"取值无效，可选：{ctx.get('expected', '')}"
    if kind == "extra_forbidden":
        return "不支持的字段"
    if kind in ("list_type", "too_long"):
        return "应为列表" if kind == "list_type" else f"最多填写{ctx.get('max_length')}项"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "应为对象"
    if kind == "string_type":
        return "应为文本"
    return "取值无效"


def validation_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) for each problem; the submitted value is never part of the message."""
    out = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc") or ()
        out.append((str(loc[0]) if loc else "", _message(err)))
    return out


def labelled(labels: dict[str, str], field_name: str, msg: str) -> str:
    """``身份证号：校验位错误`` — the column as the clerk knows it, then the problem."""
    label = labels.get(field_name, field_name)
    return msg if msg.startswith(label) else f"{label}：{msg}"


def validate_rows(
    rows: Iterable[RawRow], schema: type[SchemaT], labels: dict[str, str], outcome: Outcome
) -> list[tuple[RawRow, SchemaT]]:
    """Validate every row with ``schema``; rows with any problem (cell or schema) are left out."""
    valid: list[tuple[RawRow, SchemaT]] = []
    for raw in rows:
        if not isinstance(raw.values, dict):
            outcome.fail(raw.row, "", "应为对象（JSON object）")
            continue
        try:
            data = schema.model_validate(raw.values)
        except ValidationError as exc:
            for field_name, msg in validation_errors(exc):
                if field_name not in raw.bad_fields:
                    outcome.fail(raw.row, field_name, labelled(labels, field_name, msg))
            continue
        if raw.bad_fields:
            continue
        valid.append((raw, data))
    return valid


def invalid_from(exc: ValidationError) -> Invalid:
    """A single-record validation problem as 422 with ``loc`` under ``body``."""
    errors: list[dict[str, Any]] = [
        {"loc": ["body", f], "msg": m, "type": "value_error"} for f, m in validation_errors(exc)
    ]
    return Invalid(errors[0]["msg"] if errors else "输入无效", errors=errors)


def region_problems(known: dict[str, Region], codes: Iterable[str | None]) -> str | None:
    """The first problem with these region codes (unknown or retired), or None."""
    for code in codes:
        if not code:
            continue
        region = known.get(code)
        if region is None:
            return f"行政区划代码 {code} 不存在"
        if region.retired:
            hint = f"，请改用 {region.replaced_by}" if region.replaced_by else ""
            return f"行政区划代码 {code} 已撤销{hint}"
    return None


# ---------------------------------------------------------------------------------------------------
# Bulk reads and writes


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_by(
    session: Session,
    model: type[ModelT],
    column: InstrumentedAttribute[str],
    values: Iterable[str],
    *where: ColumnElement[bool],
) -> list[ModelT]:
    """Rows whose ``column`` is in ``values`` (and ``where``), in IN-lists of ``CHUNK``."""
    wanted = sorted(set(values))
    found: list[ModelT] = []
    for part in chunks(wanted):
        found.extend(session.scalars(select(model).where(column.in_(part), *where)))
    return found


def load_pairs(
    session: Session,
    key: InstrumentedAttribute[str],
    value: InstrumentedAttribute[str],
    values: Iterable[str],
    *where: ColumnElement[bool],
) -> dict[str, str]:
    """``{key: value}`` for rows whose ``key`` is in ``values``: two columns, no ORM objects."""
    wanted = sorted(set(values))
    found: dict[str, str] = {}
    for part in chunks(wanted):
        found.update((k, v) for k, v in session.execute(select(key, value).where(key.in_(part), *where)))
    return found


def insert_chunk(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    session.execute(insert(model), list(rows))


def write(session: Session, model: type[Base], inserts: Sequence[dict[str, Any]]) -> None:
    """Insert new rows in executemany chunks and flush pending updates. The caller commits once, so a
    failure anywhere leaves nothing written."""
    try:
        for part in chunks(inserts, INSERT_CHUNK):
            insert_chunk(session, model, part)
        session.flush()
        if len(inserts) >= ANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
            # Without fresh statistics PostgreSQL plans the next upload's IN (...) lookups as scans
            # of the whole table (autovacuum would analyse only later); a sample costs tens of ms.
            session.execute(text(f"ANALYZE {model.__tablename__}"))
    except IntegrityError:
        raise Conflict("与同时进行的另一次提交冲突（外部编号或证件号重复），请稍后重试") from None


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def code_filter(column: InstrumentedAttribute[str], code: str) -> ColumnElement[bool]:
    """``,c1,c2,`` text column: the code itself or any code beneath it (``6-18`` covers ``6-18-02-04``)."""
    code = like_escape(code.strip().strip(","))
    if not code:
        return false()
    return or_(column.like(f"%,{code},%", escape="\\"), column.like(f"%,{code}-%", escape="\\"))


def region_filter(column: InstrumentedAttribute[str], code: str) -> ColumnElement[bool]:
    """A province or city code covers every county beneath it."""
    if code.endswith("0000"):
        return column.like(f"{code[:2]}%")
    if code.endswith("00"):
        return column.like(f"{code[:4]}%")
    return column == code


def joined_codes(codes: Sequence[str]) -> str:
    return "," + "".join(f"{c}," for c in codes)


def occupation_codes(texts: Iterable[str | None]) -> list[str]:
    """Occupation codes the texts name: each text's best hit, when the lexicon recognises it."""
    lexicon = _lexicon()
    if lexicon is None:
        return []
    codes: list[str] = []
    for phrase in texts:
        if not phrase:
            continue
        hits = lexicon.normalize(phrase, limit=1)
        if hits and hits[0].score >= _RECOGNISED and hits[0].code not in codes:
            codes.append(hits[0].code)
    return codes


try:
    from app.matching.lexicon import RECOGNISED_MIN_SCORE as _RECOGNISED
    from app.matching.lexicon import Lexicon, get_lexicon
except ImportError:  # pragma: no cover - the matching domain missing: lists still work, without codes
    _RECOGNISED = 60.0
    get_lexicon = None  # type: ignore[assignment]


def _lexicon() -> Lexicon | None:
    return get_lexicon() if get_lexicon is not None else None
