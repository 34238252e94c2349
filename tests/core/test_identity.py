import datetime
import re

import pytest
from stdnum.cn import ric

from app.core.identity import EXCEL_NUMBER_MSG, IdNumber, parse_id_number, parse_mobile, parse_uscc

VALID_ID = "620521199001010012"  # 清水县, 1990-01-01, male


def make_id(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def _no_digits_echoed(message: str) -> None:
    # Messages may name lengths ("18位") but never a run of the submitted digits.
    assert not re.search(r"\d{5,}", message), message


def test_valid_id_number_and_derived_fields() -> None:
    parsed = parse_id_number(VALID_ID)
    assert parsed == IdNumber(
        number=VALID_ID, gender="male", birth_date=datetime.date(1990, 1, 1), region_code="620521"
    )
    female = parse_id_number(make_id("62052119851231002"))
    assert female.gender == "female" and female.birth_date == datetime.date(1985, 12, 31)


def test_id_number_tolerates_spaces_full_width_and_lower_x() -> None:
    assert parse_id_number(" 620521 19900101 0012 ").number == VALID_ID
    assert parse_id_number("６２０５２１１９９００１０１００１２").number == VALID_ID
    with_x = "62052119900101024X"
    assert parse_id_number(with_x.lower()).number == with_x


@pytest.mark.parametrize(
    "raw",
    [
        6.2e17,
        620521199001010012,
        6.20521199001010e17,
        "6.2E+17",
        "6.20521E+17",
        "6.205211990010100E17",
        "620521199001010000.0",
    ],
)
def test_excel_numbers_are_refused_not_guessed(raw: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_id_number(raw)
    assert str(info.value) == EXCEL_NUMBER_MSG


def test_wrong_checksum() -> None:
    wrong = VALID_ID[:-1] + ("3" if VALID_ID[-1] != "3" else "4")
    with pytest.raises(ValueError, match="^身份证号校验位错误$") as info:
        parse_id_number(wrong)
    _no_digits_echoed(str(info.value))


def test_checksum_failure_ending_in_zeros_hints_at_excel() -> None:
    with pytest.raises(ValueError, match="Excel") as info:
        parse_id_number("620521199001011000")
    assert "校验位错误" in str(info.value)


@pytest.mark.parametrize(
    "first17",
    [
        "62052119901301001",  # month 13
        "62052119900230001",  # 30 February
        "62052118991231001",  # before 1900
        f"620521{datetime.date.today().year + 1}0101001",  # future
    ],
)
def test_impossible_birth_date(first17: str) -> None:
    with pytest.raises(ValueError, match="^身份证号中的出生日期不合法$"):
        parse_id_number(make_id(first17))


def test_old_county_code_with_earlier_birth_year_is_accepted() -> None:
    # 620521 exists since 1985; people born before that carry it too. stdnum's own validate() refuses them.
    parsed = parse_id_number(make_id("62052119600315001"))
    assert parsed.birth_date == datetime.date(1960, 3, 15)


def test_unknown_province_is_refused() -> None:
    with pytest.raises(ValueError, match="行政区划"):
        parse_id_number(make_id("99052119900101001"))


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("620521900101001", "15位"),
        ("62052119900101001", "18位"),
        ("6205211990010100A2", "格式"),
        ("", "不能为空"),
        (None, "不能为空"),
    ],
)
def test_id_number_shape_errors(raw: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        parse_id_number(raw)
    _no_digits_echoed(str(info.value))


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138 1234 5678",
        "8613812345678",
        "0086-138-1234-5678",
        "１３８１２３４５６７８",
        13812345678,
        13812345678.0,
    ],
)
def test_mobile_accepted_forms(raw: object) -> None:
    assert parse_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw", ["010-12345678", "12345678901", "1381234567", "+1 650 253 0000", "abc", "", None, 1.5]
)
def test_mobile_rejected(raw: object) -> None:
    with pytest.raises(ValueError, match="^手机号码格式不正确$"):
        parse_mobile(raw)


def test_uscc() -> None:
    assert parse_uscc("91110000600037341L") == "91110000600037341L"
    assert parse_uscc(" 9111 0000 6000 3734 1l ") == "91110000600037341L"
    for bad in ("91110000600037341M", "A1110000600037341L", "123", None, 91110000600037341):
        with pytest.raises(ValueError, match="^统一社会信用代码校验不通过$"):
            parse_uscc(bad)
