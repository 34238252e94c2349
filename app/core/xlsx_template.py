"""Import templates clerks download, fill in and upload again.

The template is built from the same ``ColumnSpec`` list that ``read_table`` reads with, so the headers,
drop-down choices and the reader can never drift apart. Columns holding long digit strings (ID number,
phone, codes) are formatted as text, because Excel silently turns an 18-digit ID into ``6.2E+17`` and
drops its last digits otherwise.
"""

import datetime
import io
import re
import unicodedata
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.core.tabular import ColumnSpec

__all__ = ["DATA_SHEET", "HELP_SHEET", "VALIDATION_ROWS", "build_template"]

DATA_SHEET = "填写"
HELP_SHEET = "说明"
CHOICES_SHEET = "选项"
# Drop-downs and formats cover this many data rows; beyond it typing still works, only unchecked.
VALIDATION_ROWS = 10_000
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
# Excel refuses an inline list longer than 255 characters; longer lists go to a hidden sheet.
_INLINE_LIST_LIMIT = 255
# Fields that are digit strings: as numbers Excel would drop leading zeros or digits past the 15th.
_TEXT_FIELDS_HINT = re.compile(r"(id_number|phone|_id$|_code$|_codes$|uscc)")

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FONT = Font(bold=True)
_EXAMPLE_FONT = Font(italic=True, color="7F7F7F")


def _display_width(text: str) -> int:
    # CJK characters take two columns in Excel's default fonts.
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _header_text(spec: ColumnSpec) -> str:
    return f"{spec.header}*" if spec.required else spec.header


def _is_text_column(spec: ColumnSpec) -> bool:
    return spec.kind in ("str", "list") or bool(_TEXT_FIELDS_HINT.search(spec.field))


def _allowed_values(spec: ColumnSpec) -> str:
    if spec.kind == "bool":
        return "是、否"
    if spec.kind in ("enum", "list") and spec.choices:
        joined = "、".join(spec.labels())
        return f"{joined}（可填多项，用顿号分隔）" if spec.kind == "list" else joined
    if spec.kind == "int":
        return "整数"
    if spec.kind == "date":
        return "日期，如 2019-03-01"
    if spec.kind == "list":
        return "可填多项，用顿号（、）分隔"
    return "文本"


def _example_cell_value(spec: ColumnSpec, text: str) -> str | int | datetime.date | None:
    # The example is written the way a clerk would type it, so the round-trip exercises the same
    # cell types the reader meets in real uploads.
    if not text:
        return None
    if spec.kind == "int" and re.fullmatch(r"-?\d+", text):
        return int(text)
    if spec.kind == "date":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _add_list_validation(
    wb: Workbook,
    ws: Worksheet,
    choices_ws: Worksheet | None,
    column: str,
    spec: ColumnSpec,
    labels: list[str],
) -> Worksheet | None:
    """Add a drop-down; returns the hidden choices sheet if one is in use (created on first need)."""
    inline = ",".join(labels)
    if len(inline) + 2 <= _INLINE_LIST_LIMIT and "," not in "".join(labels):
        formula = f'"{inline}"'
    else:
        if choices_ws is None:
            choices_ws = wb.create_sheet(CHOICES_SHEET)
            choices_ws.sheet_state = "hidden"
            target_col = 1
        else:
            target_col = choices_ws.max_column + 1
        letter = get_column_letter(target_col)
        choices_ws.cell(row=1, column=target_col, value=spec.header)
        for i, label in enumerate(labels, start=2):
            choices_ws.cell(row=i, column=target_col, value=label)
        formula = f"{quote_sheetname(CHOICES_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=not spec.required,
        showErrorMessage=True,
        errorTitle="无效的选项",
        error=f"请从下拉列表中选择{spec.header}",
        showInputMessage=bool(spec.note),
        promptTitle=spec.header[:32],
        prompt=spec.note[:255] if spec.note else None,
    )
    validation.add(f"{column}2:{column}{VALIDATION_ROWS + 1}")
    ws.add_data_validation(validation)
    return choices_ws


def build_template(
    columns: Sequence[ColumnSpec],
    *,
    title: str,
    instructions: Sequence[str],
    example: dict[str, str],
) -> bytes:
    """Build the import template (.xlsx bytes): a "填写" sheet with headers and one example row, and a
    "说明" sheet with the instructions and one line per column."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new Workbook always has one sheet
    ws.title = DATA_SHEET
    wb.properties.title = title
    choices_ws: Worksheet | None = None

    for index, spec in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = ws.cell(row=1, column=index, value=_header_text(spec))
        header.font = _REQUIRED_FONT if spec.required else _HEADER_FONT
        header.fill = _HEADER_FILL
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if spec.note:
            header.comment = Comment(spec.note, "模板")

        example_text = example.get(spec.field, spec.example)
        cell = ws.cell(row=2, column=index, value=_example_cell_value(spec, example_text))
        cell.font = _EXAMPLE_FONT

        dimension = ws.column_dimensions[letter]
        if _is_text_column(spec):
            # Column-level format: cells a clerk types or pastes into later are text from the start.
            dimension.number_format = TEXT_FORMAT
            cell.number_format = TEXT_FORMAT
        elif spec.kind == "date":
            dimension.number_format = DATE_FORMAT
            cell.number_format = DATE_FORMAT
        widest = max(_display_width(_header_text(spec)), _display_width(example_text))
        dimension.width = min(max(widest + 4, 10), 40)

        if spec.kind == "bool":
            choices_ws = _add_list_validation(wb, ws, choices_ws, letter, spec, ["是", "否"])
        elif spec.kind == "enum" and spec.choices:
            choices_ws = _add_list_validation(wb, ws, choices_ws, letter, spec, spec.labels())
        # A list column (e.g. 人员类别) takes several values, which a drop-down cannot express.

    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    _write_help(wb.create_sheet(HELP_SHEET), columns, title=title, instructions=instructions)
    if choices_ws is not None:
        # Keep the help sheet second so clerks find it; the hidden choices sheet goes last.
        wb.move_sheet(choices_ws, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(CHOICES_SHEET))

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_help(
    ws: Worksheet, columns: Sequence[ColumnSpec], *, title: str, instructions: Sequence[str]
) -> None:
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    row = 2
    for line in instructions:
        ws.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=False)
        row += 1
    row += 1
    for col, heading in enumerate(("列名", "是否必填", "可填写的值", "说明", "示例"), start=1):
        cell = ws.cell(row=row, column=col, value=heading)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for spec in columns:
        row += 1
        ws.cell(row=row, column=1, value=spec.header)
        ws.cell(row=row, column=2, value="必填" if spec.required else "选填")
        ws.cell(row=row, column=3, value=_allowed_values(spec)).alignment = Alignment(wrap_text=True)
        ws.cell(row=row, column=4, value=spec.note).alignment = Alignment(wrap_text=True)
        ws.cell(row=row, column=5, value=spec.example).number_format = TEXT_FORMAT
    for letter, width in zip("ABCDE", (18, 10, 40, 60, 24), strict=True):
        ws.column_dimensions[letter].width = width
