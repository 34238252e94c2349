"""Reading clerks' spreadsheets (.xlsx and .csv) into typed rows, robustly and with bounded resources.

What clerks actually upload: a title row above the header, the template's instruction or example row
below it, headers with stray spaces, ``*`` markers or ``（必填）``, local synonyms for column names, dates
as Excel serial numbers or ``2019/3/1``, numbers as ``4,000元``, full-width digits, formulas, trailing
blank rows, GBK-encoded CSV from old systems. This module turns all of that into ``Row`` values keyed by
API field name, and problems into ``CellError`` entries naming the spreadsheet row and the column header
the clerk sees. Error messages never repeat a cell's value: some columns hold personal data.

Whole-file problems (not a spreadsheet, a zip bomb, too many rows, no header) raise ``TableError``.
"""

import codecs
import csv
import datetime
import io
import itertools
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

from openpyxl import load_workbook
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

from app.core.textnorm import normalize, split_list

__all__ = [
    "CellError",
    "ColumnKind",
    "ColumnSpec",
    "Row",
    "Table",
    "TableError",
    "header_key",
    "read_table",
]

logger = logging.getLogger(__name__)

ColumnKind = Literal["str", "int", "date", "bool", "list", "enum"]

# Zip-bomb limits, checked on the archive's declared sizes before openpyxl opens anything. Python's
# zipfile never yields more bytes for a member than its declared size (and fails the CRC if the data
# disagrees), so the declared sizes bound what decompression can produce.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 300  # real sheet XML compresses ~10-20x; deflate bombs reach ~1000x
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # tiny members (styles, rels) may compress oddly; ignore them
MAX_ZIP_MEMBERS = 10_000
HEADER_SCAN_ROWS = 10
# A sheet formatted down to row 1,048,576 yields that many blank rows; after this many in a row the
# data has ended in practice, and reading on would only burn time.
MAX_BLANK_RUN = 5_000

_BOOL_TRUE = frozenset({"是", "有", "y", "yes", "true", "t", "1", "√", "✓", "✔", "对", "需要", "提供", "要"})
_BOOL_FALSE = frozenset(
    {"否", "无", "没有", "n", "no", "false", "f", "0", "×", "✗", "✘", "不需要", "不提供", "不要"}
)
# Compared after header_key(), which drops the colon: "注：" and "注" both match "注".
_INSTRUCTION_PREFIXES = ("说明", "填写说明", "示例", "样例", "例如", "注", "备注")
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#GETTING_DATA"}
)
_BRACKETED_RE = re.compile(r"[(\[【〔《<][^)\]】〕》>]*[)\]】〕》>]")
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HEADER_NOISE_RE = re.compile(r"[\s*※:：]+")
_INT_RE = re.compile(r"^([+-]?\d+)(?:\.0*)?(?:元/月|元每月|元/人|元|块|人|名|周岁|岁|个|天)?$")
_YMD_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TIME_SUFFIX_RE = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_FORMULA_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
# Excel serial day numbers for 1900-01-01 … 2099-12-31: beyond that a number in a date column is
# not a date anyone meant.
_SERIAL_MIN, _SERIAL_MAX = 1, 73050


class _FormulaWithoutValue:
    """Marks a formula cell saved without a computed value (files written by scripts, not Excel)."""


_NO_CACHED_VALUE = _FormulaWithoutValue()


@dataclass(frozen=True)
class ColumnSpec:
    """One column of an import template.

    ``choices`` maps Chinese labels to API values; the API value itself is accepted too. Several labels
    may map to one value (synonyms); the first label of each value is the one the template offers.
    """

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: ColumnKind = "str"
    choices: dict[str, str] | None = None
    required: bool = False
    example: str = ""
    note: str = ""

    def labels(self) -> list[str]:
        """The canonical label of each distinct value, in order (what a drop-down offers)."""
        if not self.choices:
            return []
        seen: set[str] = set()
        result: list[str] = []
        for label, value in self.choices.items():
            if value not in seen:
                seen.add(value)
                result.append(label)
        return result


@dataclass
class Row:
    number: int  # the spreadsheet row number a clerk sees (1-based, header row counted)
    values: dict[str, object]


@dataclass
class CellError:
    row: int
    field: str  # the API field name
    header: str  # the column header as the clerk sees it
    msg: str


@dataclass
class Table:
    """Data rows and cell problems. A row with cell errors is still in ``rows``, minus the failing
    fields, so a caller can add its own checks and report every problem of a row at once."""

    rows: list[Row] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def failed_rows(self) -> set[int]:
        return {e.row for e in self.errors}


class TableError(Exception):
    """The file as a whole cannot be read; ``status`` is the HTTP status to answer (413 or 422)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------------------------------------------
# Public entry point


def read_table(data: bytes, filename: str, columns: Sequence[ColumnSpec], *, max_rows: int) -> Table:
    """Read an uploaded ``.xlsx`` or ``.csv`` into rows keyed by API field name.

    Raises ``TableError`` (413 when over ``max_rows`` data rows, 422 otherwise) for whole-file problems;
    per-cell problems are collected in ``Table.errors``.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx" or suffix == ".xlsm":
        return _read_xlsx(data, columns, max_rows=max_rows)
    if suffix == ".csv":
        return _read_rows(_csv_rows(data), columns, max_rows=max_rows, epoch=CALENDAR_WINDOWS_1900)
    if suffix in (".xls", ".et", ".wps"):
        raise TableError(422, "不支持旧版Excel（.xls）格式，请在Excel中另存为.xlsx后上传")
    raise TableError(422, "不支持的文件类型，请上传.xlsx或.csv文件")


def header_key(text: object) -> str:
    """How headers are compared: NFKC, no spaces, no ``*`` markers, no bracketed notes, ASCII lower-case."""
    folded = unicodedata.normalize("NFKC", str(text))
    folded = _BRACKETED_RE.sub("", folded)
    return _HEADER_NOISE_RE.sub("", folded).lower()


# ---------------------------------------------------------------------------------------------------
# xlsx


def _check_zip(data: bytes) -> zipfile.ZipFile:
    if data.startswith(_OLE_MAGIC):
        # An OLE compound file: a legacy .xls renamed, or an xlsx saved with a password (encrypted).
        raise TableError(422, "文件不是有效的xlsx：可能是旧版.xls或设置了密码，请另存为不带密码的.xlsx后上传")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise TableError(422, "文件不是有效的xlsx") from None
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise TableError(413, "文件解压后过大或结构异常，请检查后重新上传")
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise TableError(422, "文件不是有效的xlsx")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (
            info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO
        ):
            raise TableError(413, "文件解压后过大或结构异常，请检查后重新上传")
    return archive


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    # Formulas are rare in clerks' lists; looking for <f> elements first spares the second streaming
    # pass (needed to tell "formula without cached value" from "blank") in the common case.
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        tail = b""
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                if _FORMULA_RE.search(tail + chunk):
                    return True
                tail = chunk[-64:]
    return False


def _read_xlsx(data: bytes, columns: Sequence[ColumnSpec], *, max_rows: int) -> Table:
    archive = _check_zip(data)
    try:
        with_formulas = _has_formulas(archive)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        raise TableError(422, "文件不是有效的xlsx") from None
    finally:
        archive.close()
    try:
        values_wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises a zoo of types (KeyError, XML errors, ...) for broken files
        # The type only: messages of parser errors can quote cell content.
        logger.info("unreadable xlsx upload: %s", type(exc).__name__)
        raise TableError(422, "文件不是有效的xlsx") from None
    try:
        formulas_wb = (
            load_workbook(io.BytesIO(data), read_only=True, data_only=False) if with_formulas else None
        )
    except Exception as exc:
        values_wb.close()
        logger.info("unreadable xlsx upload: %s", type(exc).__name__)
        raise TableError(422, "文件不是有效的xlsx") from None
    try:
        last_error: TableError | None = None
        for index, sheet in enumerate(values_wb.worksheets):
            # Files written by some tools carry a wrong <dimension>; without this rows past it are lost.
            sheet.reset_dimensions()  # type: ignore[union-attr]
            rows: Iterator[Sequence[object]] = sheet.iter_rows(values_only=True)
            if formulas_wb is not None:
                formula_sheet = formulas_wb.worksheets[index]
                formula_sheet.reset_dimensions()  # type: ignore[union-attr]
                rows = _mark_missing_formula_values(rows, formula_sheet.iter_rows(values_only=True))
            try:
                return _read_rows(rows, columns, max_rows=max_rows, epoch=values_wb.epoch)
            except _NoHeader as exc:
                last_error = exc
        raise last_error or _NoHeader(422, "文件中没有工作表")
    except TableError:
        raise
    except Exception as exc:
        logger.info("unreadable xlsx upload: %s", type(exc).__name__)
        raise TableError(422, "文件不是有效的xlsx") from None
    finally:
        values_wb.close()
        if formulas_wb is not None:
            formulas_wb.close()


def _mark_missing_formula_values(
    values: Iterator[Sequence[object]], formulas: Iterator[Sequence[object]]
) -> Iterator[Sequence[object]]:
    # Both passes stream the same sheet, so rows line up; a cell that is empty with data_only=True but
    # holds something with data_only=False is a formula whose result was never computed and saved.
    for value_row, formula_row in itertools.zip_longest(values, formulas, fillvalue=()):
        if not any(v is None and f is not None for v, f in zip(value_row, formula_row, strict=False)):
            yield value_row
            continue
        marked: list[object] = list(value_row)
        for i, (v, f) in enumerate(zip(value_row, formula_row, strict=False)):
            if v is None and f is not None:
                marked[i] = _NO_CACHED_VALUE
        yield marked


# ---------------------------------------------------------------------------------------------------
# csv


def _decode_csv(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: what Excel on a Chinese Windows writes as "CSV".
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise TableError(422, "无法识别CSV文件的编码，请另存为“CSV UTF-8”格式后上传") from None


def _csv_rows(data: bytes) -> Iterator[Sequence[object]]:
    text = _decode_csv(data)
    if "\x00" in text:
        raise TableError(422, "CSV文件内容异常，请另存为“CSV UTF-8”格式后上传")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error:
        raise TableError(422, "CSV文件格式不正确，请检查后重新上传") from None


# ---------------------------------------------------------------------------------------------------
# header detection and rows


class _NoHeader(TableError):
    """No header row in this sheet; the next sheet may have one."""


@dataclass(frozen=True)
class _Column:
    index: int
    spec: ColumnSpec
    header: str  # as the clerk sees it, minus required markers
    choice_map: dict[str, str] | None  # normalised label or API value → API value, built once per file


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _match_header(row: Sequence[object], lookup: dict[str, ColumnSpec]) -> list[_Column]:
    matched: list[_Column] = []
    used: set[str] = set()
    for index, cell in enumerate(row):
        if _is_blank(cell) or not isinstance(cell, str | int | float):
            continue
        spec = lookup.get(header_key(cell))
        # The first column naming a field wins; a repeated header is ignored rather than guessed at.
        if spec is None or spec.field in used:
            continue
        used.add(spec.field)
        shown = _HEADER_NOISE_RE.sub("", unicodedata.normalize("NFKC", str(cell)))
        choice_map = _choice_map(spec) if spec.choices else None
        matched.append(_Column(index=index, spec=spec, header=shown or spec.header, choice_map=choice_map))
    return matched


def _header_lookup(columns: Sequence[ColumnSpec]) -> dict[str, ColumnSpec]:
    lookup: dict[str, ColumnSpec] = {}
    for spec in columns:
        for name in (spec.header, *spec.aliases, spec.field):
            lookup.setdefault(header_key(name), spec)
    return lookup


def _looks_like_instructions(row: Sequence[object], found: list[_Column]) -> bool:
    first = next((c for c in row if not _is_blank(c)), None)
    if isinstance(first, str) and header_key(first).startswith(_INSTRUCTION_PREFIXES):
        return True
    # The template's note row: the mapped cells repeat the column notes.
    filled = 0
    notes = 0
    for col in found:
        if col.index >= len(row) or _is_blank(row[col.index]):
            continue
        filled += 1
        cell = row[col.index]
        if col.spec.note and isinstance(cell, str) and normalize(cell) == normalize(col.spec.note):
            notes += 1
    return notes > 0 and notes * 2 >= filled


def _read_rows(
    rows: Iterable[Sequence[object]],
    columns: Sequence[ColumnSpec],
    *,
    max_rows: int,
    epoch: datetime.datetime,
) -> Table:
    lookup = _header_lookup(columns)
    iterator = iter(rows)
    head = list(itertools.islice(iterator, HEADER_SCAN_ROWS))

    best: list[_Column] = []
    best_at = -1
    for position, row in enumerate(head):
        found = _match_header(row, lookup)
        if len(found) > len(best):
            best, best_at = found, position
    needed = min(2, len(columns))
    if best_at < 0 or len(best) < needed:
        expected = "、".join(spec.header for spec in columns[:6])
        raise _NoHeader(422, f"未找到表头行，请使用下载的模板（表头应包含：{expected}等）")
    present = {col.spec.field for col in best}
    missing = [spec.header for spec in columns if spec.required and spec.field not in present]
    if missing:
        raise TableError(422, f"缺少必填列：{'、'.join(missing)}")

    table = Table()
    header_row_number = best_at + 1
    numbered = enumerate(itertools.chain(head[best_at + 1 :], iterator), start=header_row_number + 1)
    checking_instructions = True
    data_rows = 0
    blank_run = 0
    for number, row in numbered:
        if all(_is_blank(c) for c in row):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if checking_instructions:
            # Only rows directly below the header can be the template's instruction or example rows;
            # further down, a row is data whatever it says.
            if _looks_like_instructions(row, best):
                continue
            checking_instructions = False
        data_rows += 1
        if data_rows > max_rows:
            # Stop here: the rest of the file is never read into memory.
            raise TableError(413, f"数据超过{max_rows}行的上限，请拆分成多个文件上传")
        table.rows.append(_convert_row(number, row, best, table.errors, epoch))
    return table


def _convert_row(
    number: int,
    row: Sequence[object],
    found: list[_Column],
    errors: list[CellError],
    epoch: datetime.datetime,
) -> Row:
    values: dict[str, object] = {}
    for col in found:
        raw = row[col.index] if col.index < len(row) else None
        spec = col.spec
        try:
            value = _convert_cell(raw, col, epoch)
        except ValueError as exc:
            errors.append(
                CellError(row=number, field=spec.field, header=col.header, msg=f"{col.header}：{exc}")
            )
            continue
        if spec.required and (value is None or value == []):
            errors.append(
                CellError(row=number, field=spec.field, header=col.header, msg=f"{col.header}：不能为空")
            )
            continue
        values[spec.field] = value
    return Row(number=number, values=values)


# ---------------------------------------------------------------------------------------------------
# cells


def _convert_cell(raw: object, col: _Column, epoch: datetime.datetime) -> object:
    """Convert one cell; ``ValueError`` messages describe the problem without quoting the value."""
    spec = col.spec
    if raw is _NO_CACHED_VALUE:
        raise ValueError("公式单元格无法读取，请粘贴为数值")
    if isinstance(raw, str):
        stripped = raw.strip()
        if stripped in _EXCEL_ERRORS:
            raise ValueError("单元格为Excel错误值，请更正")
        if not stripped:
            raw = None
    if spec.field == "id_number":
        # Passed through untouched: only the ID validator can tell "Excel made this a number" apart.
        return raw
    if raw is None:
        return [] if spec.kind == "list" else None
    if spec.kind == "str":
        return _to_str(raw)
    if spec.kind == "int":
        return _to_int(raw)
    if spec.kind == "date":
        return _to_date(raw, epoch)
    if spec.kind == "bool":
        return _to_bool(raw)
    if spec.kind == "enum":
        return _to_choice(raw, spec, col.choice_map or {})
    if spec.kind == "list":
        return _to_list(raw, spec, col.choice_map)
    raise AssertionError(f"unknown column kind {spec.kind!r}")


def _to_str(raw: object) -> str | None:
    if isinstance(raw, bool):
        text = "是" if raw else "否"
    elif isinstance(raw, float) and raw.is_integer():
        # Excel stores 1001 as 1001.0; the clerk typed "1001".
        text = str(int(raw))
    elif isinstance(raw, datetime.datetime):
        text = raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat(sep=" ")
    elif isinstance(raw, datetime.date):
        text = raw.isoformat()
    else:
        text = str(raw)
    return normalize(text) or None


def _to_int(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValueError("应为整数")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if abs(raw - round(raw)) < 1e-9:
            return int(round(raw))
        raise ValueError("应为整数")
    if isinstance(raw, str):
        text = re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", raw))
        match = _INT_RE.match(text)
        if match:
            return int(match.group(1))
    raise ValueError("应为整数，例如 4000")


def _to_date(raw: object, epoch: datetime.datetime) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, bool):
        raise ValueError("不是有效日期，请按2019-03-01格式填写")
    if isinstance(raw, int | float):
        return _from_number(raw, epoch)
    if isinstance(raw, str):
        text = _TIME_SUFFIX_RE.sub("", re.sub(r"\s+", " ", unicodedata.normalize("NFKC", raw).strip()))
        match = _YMD_RE.match(text)
        try:
            if match:
                return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if text.isascii() and text.isdigit():
                return _from_number(int(text), epoch)
        except ValueError:
            pass
    raise ValueError("不是有效日期，请按2019-03-01格式填写")


def _from_number(value: float, epoch: datetime.datetime) -> datetime.date:
    if isinstance(value, int) and 19000101 <= value <= 20991231:
        # 20190301 typed without separators.
        return datetime.date(value // 10000, value // 100 % 100, value % 100)
    if _SERIAL_MIN <= value <= _SERIAL_MAX:
        converted: Any = from_excel(value, epoch=epoch)
        if isinstance(converted, datetime.datetime):
            return converted.date()
        if isinstance(converted, datetime.date):
            return converted
    raise ValueError("不是有效日期，请按2019-03-01格式填写")


def _choice_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _to_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        key = _choice_key(raw)
        if key in _BOOL_TRUE:
            return True
        if key in _BOOL_FALSE:
            return False
    raise ValueError("请填写“是”或“否”")


def _choice_map(spec: ColumnSpec) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for label, value in (spec.choices or {}).items():
        mapping.setdefault(_choice_key(label), value)
        mapping.setdefault(_choice_key(value), value)
    return mapping


def _to_choice(raw: object, spec: ColumnSpec, mapping: dict[str, str]) -> str:
    text = _to_str(raw) or ""
    value = mapping.get(_choice_key(text))
    if value is None:
        raise ValueError(f"请从下拉列表中选择：{'、'.join(spec.labels())}")
    return value


def _to_list(raw: object, spec: ColumnSpec, mapping: dict[str, str] | None) -> list[str]:
    # Split before normalising: normalising first would fold the newlines that separate items.
    text = raw if isinstance(raw, str) else (_to_str(raw) or "")
    result: list[str] = []
    for part in split_list(text):
        item = normalize(part)
        if not item:
            continue
        if mapping is not None:
            mapped = mapping.get(_choice_key(item))
            if mapped is None:
                raise ValueError(f"含有无法识别的选项，可选：{'、'.join(spec.labels())}")
            item = mapped
        if item not in result:
            result.append(item)
    return result
