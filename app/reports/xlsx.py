"""Reports as .xlsx: a title row, merged two-level headers like the bureau's own tables, a bold totals
row, notes underneath, and column widths measured from the contents (CJK characters count double)."""

from __future__ import annotations

import io
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.reports.tables import Cell as CellValue
from app.reports.tables import Report, Table

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTALS_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MIN_WIDTH = 6
_MAX_WIDTH = 40


def _display_width(value: CellValue | str) -> int:
    if value is None:
        return 0
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _write_header(ws: Worksheet, table: Table, top: int) -> None:
    for r, header_row in enumerate(table.header):
        for c, text in enumerate(header_row, start=1):
            cell = ws.cell(row=top + r, column=c, value=text)
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.alignment = _CENTER
            cell.border = _BORDER
    first = table.header[0]
    col = 0
    while col < len(first):
        span = 1
        while col + span < len(first) and first[col + span] is None:
            span += 1
        if span > 1:
            ws.merge_cells(start_row=top, start_column=col + 1, end_row=top, end_column=col + span)
        col += span
    for c in range(len(first)):
        depth = 1
        while depth < len(table.header) and table.header[depth][c] is None:
            depth += 1
        if depth > 1:
            ws.merge_cells(start_row=top, start_column=c + 1, end_row=top + depth - 1, end_column=c + 1)


def _write_table(ws: Worksheet, table: Table) -> None:
    width = table.width
    ws.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.row_dimensions[1].height = 28
    header_top = 2
    _write_header(ws, table, header_top)
    row_no = header_top + len(table.header)
    ws.freeze_panes = f"{get_column_letter(3 if width > 2 else 1)}{row_no}"
    for data in table.rows:
        for c, value in enumerate(data, start=1):
            cell = ws.cell(row=row_no, column=c, value=value)
            cell.border = _BORDER
            if isinstance(value, int | float):
                cell.alignment = Alignment(horizontal="right")
            elif c > 1:
                # Codes and IDs stay text: Excel would otherwise turn "0012" into 12.
                cell.number_format = "@"
        row_no += 1
    if table.totals is not None:
        for c, value in enumerate(table.totals, start=1):
            cell = ws.cell(row=row_no, column=c, value=value)
            cell.font = Font(bold=True)
            cell.fill = _TOTALS_FILL
            cell.border = _BORDER
        # "合计" spans the 序号 and name columns, as in the bureau's tables.
        if width > 1 and table.totals[1] is None:
            ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=2)
            ws.cell(row=row_no, column=1).alignment = _CENTER
        row_no += 1
    for note in table.notes:
        cell = ws.cell(row=row_no, column=1, value=note)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=width)
        ws.row_dimensions[row_no].height = 32
        row_no += 1
    _fit_columns(ws, table)


def _fit_columns(ws: Worksheet, table: Table) -> None:
    for c in range(table.width):
        # A grouped header ("来津就业人数" over two columns) is shared, so each column needs half of it.
        texts: list[int] = []
        for r, header_row in enumerate(table.header):
            text = header_row[c]
            if text is None:
                continue
            span = 1
            if r == 0:
                while c + span < table.width and header_row[c + span] is None:
                    span += 1
            texts.append(-(-_display_width(text) // span))
        values = [_display_width(row[c]) for row in table.rows]
        if table.totals is not None and c > 1:
            values.append(_display_width(table.totals[c]))
        best = max([*texts, *values, _MIN_WIDTH])
        ws.column_dimensions[get_column_letter(c + 1)].width = min(best + 2, _MAX_WIDTH)


def to_xlsx(report: Report) -> bytes:
    wb = Workbook()
    first = True
    for table in report.tables:
        if first:
            ws = wb.active
            assert ws is not None
            ws.title = table.sheet_name
            first = False
        else:
            ws = wb.create_sheet(table.sheet_name)
        _write_table(ws, table)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
