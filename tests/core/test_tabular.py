import datetime
import io
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from app.core import tabular
from app.core.identity import EXCEL_NUMBER_MSG, parse_id_number
from app.core.tabular import CellError, ColumnSpec, TableError, read_table
from app.core.textnorm import clean_list, clean_text
from app.core.xlsx_template import build_template
from app.employers.columns import JOB_COLUMNS, JOB_EXAMPLE, JOB_TEMPLATE_INSTRUCTIONS
from app.seekers.columns import SEEKER_COLUMNS, SEEKER_EXAMPLE, SEEKER_TEMPLATE_INSTRUCTIONS, TAG_LABELS

VALID_ID = "620521199001010012"
COLUMNS = (
    ColumnSpec("external_id", "外部编号", aliases=("人员编号",), required=True),
    ColumnSpec("name", "姓名", required=True, note="填写身份证上的姓名"),
    ColumnSpec("id_number", "身份证号", aliases=("公民身份号码",)),
    ColumnSpec("phone", "手机号", aliases=("联系电话",)),
    ColumnSpec("expected_salary", "期望月薪", kind="int"),
    ColumnSpec("available_from", "可到岗日期", kind="date"),
    ColumnSpec("needs_housing", "需要住宿", kind="bool"),
    ColumnSpec("skills", "技能特长", kind="list"),
    ColumnSpec(
        "mobility",
        "外出意愿",
        kind="enum",
        choices={"就近就地": "local", "省内": "in_province", "跨省": "cross_province"},
    ),
)


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- text normalisation ---------------------------------------------------------------------------


def test_clean_text() -> None:
    assert clean_text("  张\u3000三  ", max_len=10) == "张 三"
    assert clean_text("ＡＢＣ１２３", max_len=10) == "ABC123"
    assert clean_text("   ", max_len=10) is None
    assert clean_text(None, max_len=10) is None
    assert clean_text(123.0, max_len=10) == "123"
    with pytest.raises(ValueError, match="^长度不能超过3个字符$"):
        clean_text("电焊工人", max_len=3)


def test_clean_list() -> None:
    assert clean_list("电焊、叉车，电焊;  普工\n 叉车 ", max_items=5, max_len=10) == ["电焊", "叉车", "普工"]
    assert clean_list(["ａ", "a", " ", "b/c"], max_items=5, max_len=10) == ["a", "b/c"]
    assert clean_list(None, max_items=1, max_len=1) == []
    with pytest.raises(ValueError, match="最多"):
        clean_list("a、b、c", max_items=2, max_len=10)
    with pytest.raises(ValueError, match="长度不能超过2个字符"):
        clean_list(["abc"], max_items=2, max_len=2)


# --- reading ---------------------------------------------------------------------------------------


def test_aliases_with_stray_spaces_title_and_instruction_rows_are_handled() -> None:
    data = xlsx(
        [
            ["清水县2019年求职清单"],  # title row
            ["人员 编号 *", " 姓名（必填）", "公民身份号码", "联系　电话", "期望月薪(元)", "备注列"],
            ["填写说明：每行一人", "填写身份证上的姓名"],  # instruction row
            ["A1", "张三", VALID_ID, "13812345678", "4,000元", "ignored"],
            [None, None],  # blank in the middle keeps numbering
            ["A2", " 李　四 ", VALID_ID, 13812345678, "４０００", None],
        ]
    )
    table = read_table(data, "list.XLSX", COLUMNS, max_rows=100)
    assert table.errors == []
    assert [r.number for r in table.rows] == [4, 6]
    first, second = table.rows
    assert first.values == {
        "external_id": "A1",
        "name": "张三",
        "id_number": VALID_ID,
        "phone": "13812345678",
        "expected_salary": 4000,
    }
    assert second.values["name"] == "李 四"
    assert second.values["phone"] == "13812345678"
    assert second.values["expected_salary"] == 4000


def test_cell_conversions() -> None:
    header = ["外部编号", "姓名", "可到岗日期", "需要住宿", "技能特长", "外出意愿", "期望月薪"]
    data = xlsx(
        [
            header,
            ["1", "甲", 43525, "是", "电焊、叉车，电焊\n普工", "跨省", 4000.0],  # Excel serial date
            ["2", "乙", "2019/3/1", "×", "电焊/叉车", "in_province", "4000"],
            ["3", "丙", "2019年3月1日", "N", None, "就近就地", None],
            ["4", "丁", datetime.datetime(2019, 3, 1), 1, "", None, None],
            ["5", "戊", "2019.3.1", "有", None, None, None],
            ["6", "己", "20190301", "√", None, None, None],
            [1001.0, "庚", "2019-03-01", "yes", None, None, None],
        ]
    )
    table = read_table(data, "a.xlsx", COLUMNS, max_rows=100)
    assert table.errors == []
    dates = {r.values["available_from"] for r in table.rows}
    assert dates == {datetime.date(2019, 3, 1)}
    v = [r.values for r in table.rows]
    assert [x["needs_housing"] for x in v] == [True, False, False, True, True, True, True]
    assert v[0]["skills"] == ["电焊", "叉车", "普工"]
    assert v[1]["skills"] == ["电焊", "叉车"]
    assert v[2]["skills"] == [] and v[3]["skills"] == []
    assert [x["mobility"] for x in v[:4]] == ["cross_province", "in_province", "local", None]
    assert v[0]["expected_salary"] == 4000 and v[2]["expected_salary"] is None
    assert v[6]["external_id"] == "1001"


def test_cell_errors_name_row_and_header_never_the_value() -> None:
    data = xlsx(
        [
            ["外部编号", "姓名", "可到岗日期", "需要住宿", "外出意愿", "期望月薪"],
            ["1", "张三", "2019-02-30", "也许", "出国", "四千"],
            ["2", None, "明天", None, None, 4000.5],
        ]
    )
    table = read_table(data, "a.xlsx", COLUMNS, max_rows=100)
    by_cell = {(e.row, e.field): e for e in table.errors}
    assert set(by_cell) == {
        (2, "available_from"),
        (2, "needs_housing"),
        (2, "mobility"),
        (2, "expected_salary"),
        (3, "name"),
        (3, "available_from"),
        (3, "expected_salary"),
    }
    assert by_cell[(2, "mobility")].msg.startswith("外出意愿：请从下拉列表中选择：就近就地、省内、跨省")
    assert by_cell[(3, "name")] == CellError(row=3, field="name", header="姓名", msg="姓名：不能为空")
    assert by_cell[(2, "available_from")].header == "可到岗日期"
    for err in table.errors:
        assert err.msg.startswith(err.header + "：")
        for value in ("2019-02-30", "也许", "出国", "四千", "明天", "4000.5"):
            assert value not in err.msg
    # Rows with errors are still returned, minus the failing fields.
    assert len(table.rows) == 2
    assert table.rows[0].values == {"external_id": "1", "name": "张三"}
    assert table.failed_rows == {2, 3}


def test_excel_number_id_is_passed_through_for_a_row_error() -> None:
    data = xlsx(
        [
            ["外部编号", "姓名", "身份证号"],
            ["1", "张三", 6.20521199001010e17],
            ["2", "李四", "6.2E+17"],
            ["3", "王五", VALID_ID],
        ]
    )
    table = read_table(data, "a.xlsx", COLUMNS, max_rows=100)
    assert table.errors == []
    raw = [r.values["id_number"] for r in table.rows]
    assert isinstance(raw[0], float) and raw[1] == "6.2E+17"
    for value in raw[:2]:
        with pytest.raises(ValueError) as info:
            parse_id_number(value)
        assert str(info.value) == EXCEL_NUMBER_MSG
    assert parse_id_number(raw[2]).number == VALID_ID


def test_trailing_blank_rows_are_ignored_and_not_counted() -> None:
    rows: list[list[object]] = [["外部编号", "姓名"], ["1", "甲"], ["2", "乙"]]
    blank: list[object] = ["  ", None]
    rows += [blank] * 50 + [[None, ""]] * 50
    table = read_table(xlsx(rows), "a.xlsx", COLUMNS, max_rows=2)
    assert [r.values["external_id"] for r in table.rows] == ["1", "2"]
    assert table.errors == []


def test_formula_without_cached_value_is_a_cell_error() -> None:
    # openpyxl saves formulas without computed values, like many scripts and web exports do.
    data = xlsx([["外部编号", "姓名", "期望月薪"], ["1", "甲", "=3000+1000"], ["2", "乙", 3000]])
    table = read_table(data, "a.xlsx", COLUMNS, max_rows=10)
    assert [(e.row, e.field, e.msg) for e in table.errors] == [
        (2, "expected_salary", "期望月薪：公式单元格无法读取，请粘贴为数值")
    ]
    assert table.rows[1].values["expected_salary"] == 3000


def test_csv_utf8_bom_and_gbk() -> None:
    text = "外部编号,姓名,身份证号,可到岗日期\r\n1,张三,6.20521E+17,2019/3/1\r\n2,欧阳娜娜,620521199001010012,\r\n,,,\r\n"
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-8"), text.encode("gbk")):
        table = read_table(data, "list.csv", COLUMNS, max_rows=10)
        assert table.errors == []
        assert [r.number for r in table.rows] == [2, 3]
        assert table.rows[0].values["name"] == "张三"
        assert table.rows[1].values["name"] == "欧阳娜娜"
        assert table.rows[0].values["id_number"] == "6.20521E+17"
        assert table.rows[0].values["available_from"] == datetime.date(2019, 3, 1)
        assert table.rows[1].values["available_from"] is None


def test_not_a_zip_and_unsupported_types() -> None:
    with pytest.raises(TableError) as info:
        read_table(b"this is not a spreadsheet", "a.xlsx", COLUMNS, max_rows=10)
    assert (info.value.status, info.value.message) == (422, "文件不是有效的xlsx")
    # A zip that is not a workbook.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(TableError) as info:
        read_table(buf.getvalue(), "a.xlsx", COLUMNS, max_rows=10)
    assert info.value.status == 422
    for name in ("a.xls", "a.pdf", "noext"):
        with pytest.raises(TableError) as info:
            read_table(b"x", name, COLUMNS, max_rows=10)
        assert info.value.status == 422


def test_zip_bomb_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []

    def no_parse(*args: object, **kwargs: object) -> None:
        opened.append(args)
        pytest.fail("openpyxl must not see a zip bomb")

    monkeypatch.setattr(tabular, "load_workbook", no_parse)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))  # compresses ~1000:1
    assert len(buf.getvalue()) < 200_000
    with pytest.raises(TableError) as info:
        read_table(buf.getvalue(), "a.xlsx", COLUMNS, max_rows=10)
    assert info.value.status == 413
    assert opened == []


def test_total_uncompressed_size_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    data = xlsx([["外部编号", "姓名"], ["1", "甲"]])
    monkeypatch.setattr(tabular, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(TableError) as info:
        read_table(data, "a.xlsx", COLUMNS, max_rows=10)
    assert info.value.status == 413


def test_too_many_rows_stops_early(monkeypatch: pytest.MonkeyPatch) -> None:
    pulled = 0
    real_csv_rows = tabular._csv_rows

    def counting(data: bytes) -> Iterator[Sequence[object]]:
        nonlocal pulled
        for row in real_csv_rows(data):
            pulled += 1
            yield row

    monkeypatch.setattr(tabular, "_csv_rows", counting)
    data = ("外部编号,姓名\n" + "".join(f"{i},甲\n" for i in range(100_000))).encode()
    with pytest.raises(TableError) as info:
        read_table(data, "a.csv", COLUMNS, max_rows=50)
    assert info.value.status == 413
    assert pulled < 100  # header + 50 allowed + the one over the limit, not 100,000

    big = xlsx([["外部编号", "姓名"], *([str(i), "甲"] for i in range(200))])
    with pytest.raises(TableError) as info:
        read_table(big, "a.xlsx", COLUMNS, max_rows=199)
    assert info.value.status == 413
    assert len(read_table(big, "a.xlsx", COLUMNS, max_rows=200).rows) == 200


def test_no_header_and_missing_required_column() -> None:
    with pytest.raises(TableError) as info:
        read_table(xlsx([["foo", "bar"], ["1", "2"]]), "a.xlsx", COLUMNS, max_rows=10)
    assert info.value.status == 422 and "表头" in info.value.message
    with pytest.raises(TableError) as info:
        read_table(xlsx([["外部编号", "手机号"], ["1", "13812345678"]]), "a.xlsx", COLUMNS, max_rows=10)
    assert info.value.message == "缺少必填列：姓名"


def test_header_found_on_a_later_sheet() -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.append(["封面"])
    second = wb.create_sheet("名单")
    second.append(["外部编号", "姓名"])
    second.append(["1", "甲"])
    out = io.BytesIO()
    wb.save(out)
    table = read_table(out.getvalue(), "a.xlsx", COLUMNS, max_rows=10)
    assert [r.values for r in table.rows] == [{"external_id": "1", "name": "甲"}]


# --- template round-trip --------------------------------------------------------------------------


def _fill(template: bytes, rows: Sequence[Sequence[Any]], *, keep_example: bool) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    ws = wb["填写"]
    start = 3 if keep_example else 2
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, start=1):
            ws.cell(row=start + offset, column=col, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_seeker_template_structure() -> None:
    data = build_template(
        SEEKER_COLUMNS,
        title="求职清单导入模板",
        instructions=SEEKER_TEMPLATE_INSTRUCTIONS,
        example=SEEKER_EXAMPLE,
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["填写", "说明"]
    ws = wb["填写"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["外部编号*", "姓名*", "身份证号*"]
    id_col = headers.index("身份证号*") + 1
    assert ws.cell(row=2, column=id_col).value == SEEKER_EXAMPLE["id_number"]
    assert ws.cell(row=2, column=id_col).number_format == "@"
    letter = get_column_letter(id_col)
    assert ws.column_dimensions[letter].number_format == "@"
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    edu_letter = get_column_letter(headers.index("文化程度") + 1)
    assert (
        validations[f"{edu_letter}2:{edu_letter}10001"]
        == '"文盲或半文盲,小学,初中,高中,中专或技校,大专,本科及以上"'
    )
    housing_letter = get_column_letter(headers.index("需要住宿") + 1)
    assert validations[f"{housing_letter}2:{housing_letter}10001"] == '"是,否"'
    help_text = [c.value for c in wb["说明"]["A"] if c.value]
    assert SEEKER_TEMPLATE_INSTRUCTIONS[0] in help_text
    assert {spec.header for spec in SEEKER_COLUMNS} <= set(help_text)
    # The example ID number is a real checksum-valid number of 清水县.
    assert parse_id_number(SEEKER_EXAMPLE["id_number"]).region_code == "620521"


@pytest.mark.parametrize("keep_example", [True, False])
def test_seeker_template_round_trip(keep_example: bool) -> None:
    template = build_template(
        SEEKER_COLUMNS,
        title="求职清单导入模板",
        instructions=SEEKER_TEMPLATE_INSTRUCTIONS,
        example=SEEKER_EXAMPLE,
    )
    # Filled the way a clerk would, in template column order.
    filled = _fill(
        template,
        [
            [
                "QS-1",
                "李四",
                "620521199001010020",
                "138-1234-5678",
                "H01",
                "620521",
                "高中",
                "电焊、叉车",
                "",
                "普工",
                "是",
                "省内",
                "620000、120105",
                "4000",
                "否",
                datetime.date(2019, 3, 1),
                "未就业",
                "建档立卡、回流人员",
                "焊工",
            ],
            [
                "QS-2",
                "欧阳娜娜",
                "62052119900101024X",
                "13912345678",
                None,
                "620521",
                "本科及以上",
                None,
                None,
                None,
                "否",
                "就近就地",
                None,
                3500,
                "是",
                "2019/4/1",
                "已就业",
                None,
                None,
            ],
        ],
        keep_example=keep_example,
    )
    table = read_table(filled, "求职清单.xlsx", SEEKER_COLUMNS, max_rows=100)
    assert table.errors == []
    # A kept example row (marked 示例) is skipped, not imported as a person.
    assert [r.values["external_id"] for r in table.rows] == ["QS-1", "QS-2"]
    first, second = (r.values for r in table.rows)
    assert table.rows[0].number == (3 if keep_example else 2)
    assert first["education"] == "senior_high" and first["mobility"] == "in_province"
    assert first["tags"] == [TAG_LABELS["建档立卡"], TAG_LABELS["回流人员"]]
    assert first["preferred_region_codes"] == ["620000", "120105"]
    assert first["available_from"] == datetime.date(2019, 3, 1)
    assert first["wants_work"] is True and first["needs_housing"] is False
    assert first["expected_salary"] == 4000
    assert parse_id_number(first["id_number"]).gender == "female"
    assert second["education"] == "bachelor" and second["employment_status"] == "employed"
    assert second["available_from"] == datetime.date(2019, 4, 1)
    assert second["tags"] == [] and second["household_id"] is None


def test_template_example_row_itself_is_valid_when_replaced() -> None:
    # If the clerk overwrites only the 示例 marker, the example values themselves import cleanly.
    template = build_template(
        SEEKER_COLUMNS,
        title="求职清单导入模板",
        instructions=SEEKER_TEMPLATE_INSTRUCTIONS,
        example=SEEKER_EXAMPLE,
    )
    wb = load_workbook(io.BytesIO(template))
    wb["填写"]["A2"] = "QS-9"
    out = io.BytesIO()
    wb.save(out)
    table = read_table(out.getvalue(), "a.xlsx", SEEKER_COLUMNS, max_rows=10)
    assert table.errors == []
    (row,) = table.rows
    assert row.values["id_number"] == SEEKER_EXAMPLE["id_number"]
    assert row.values["tags"] == ["registered_poor", "zero_employment"]
    assert row.values["available_from"] == datetime.date(2019, 3, 1)


def test_job_template_round_trip() -> None:
    template = build_template(
        JOB_COLUMNS, title="岗位供给清单导入模板", instructions=JOB_TEMPLATE_INSTRUCTIONS, example=JOB_EXAMPLE
    )
    wb = load_workbook(io.BytesIO(template))
    headers = [c.value for c in wb["填写"][1]]
    assert "统一社会信用代码" in headers and "状态" in headers
    filled = _fill(
        template,
        [
            [
                "HB-1",
                None,
                "91110000600037341L",
                "保洁员",
                "保洁",
                None,
                None,
                5,
                "120105",
                None,
                3000,
                3500,
                "是",
                "否",
                None,
                55,
                "不限",
                "是",
                "2019-12-31",
                "招聘中",
            ]
        ],
        keep_example=True,
    )
    table = read_table(filled, "岗位.xlsx", JOB_COLUMNS, max_rows=10)
    assert table.errors == []
    (row,) = table.rows
    assert row.values["employer_uscc"] == "91110000600037341L"
    assert row.values["headcount"] == 5 and row.values["salary_max"] == 3500
    assert row.values["education_min"] == "none" and row.values["status"] == "open"
    assert row.values["public_welfare"] is True and row.values["valid_until"] == datetime.date(2019, 12, 31)


def test_note_row_below_header_is_skipped_but_only_there() -> None:
    data = xlsx(
        [
            ["外部编号", "姓名"],
            [None, "填写身份证上的姓名"],  # the template's notes, repeated under the header
            ["1", "甲"],
            ["示例-2", "乙"],  # further down, a row is data whatever it says
        ]
    )
    table = read_table(data, "a.xlsx", COLUMNS, max_rows=10)
    assert [(r.number, r.values["external_id"]) for r in table.rows] == [(3, "1"), (4, "示例-2")]


@pytest.mark.parametrize("columns", [SEEKER_COLUMNS, JOB_COLUMNS])
def test_template_headers_and_aliases_are_unambiguous(columns: tuple[ColumnSpec, ...]) -> None:
    owners: dict[str, str] = {}
    for spec in columns:
        for name in (spec.header, *spec.aliases, spec.field):
            key = tabular.header_key(name)
            assert owners.setdefault(key, spec.field) == spec.field, f"{name} names two columns"


def test_legacy_or_encrypted_workbook_gets_a_specific_message() -> None:
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512
    with pytest.raises(TableError) as info:
        read_table(ole, "a.xlsx", COLUMNS, max_rows=10)
    assert info.value.status == 422 and ".xls" in info.value.message
