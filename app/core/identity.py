"""Validators for identifiers: resident ID number (GB 11643), mainland mobile, USCC (GB 32100).

Each raises ``ValueError`` with a Chinese message a clerk can act on. Messages never contain the value
itself: these are personal data, and error bodies end up in logs, screenshots and e-mails.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import phonenumbers
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

__all__ = [
    "EXCEL_NUMBER_MSG",
    "IdNumber",
    "parse_id_number",
    "parse_mobile",
    "parse_uscc",
]

EXCEL_NUMBER_MSG = "身份证号被Excel转成了数字（科学计数法），请将该列设为文本格式后重新填写"
ID_EMPTY_MSG = "身份证号不能为空"
ID_LENGTH_MSG = "身份证号应为18位"
ID_OLD_MSG = "不支持15位旧身份证号，请填写18位身份证号"
ID_FORMAT_MSG = "身份证号格式不正确：前17位应为数字，最后一位为数字或X"
ID_CHECKSUM_MSG = "身份证号校验位错误"
ID_CHECKSUM_ZEROS_MSG = (
    "身份证号校验位错误（末三位为000，可能是被Excel转成数字后丢失了末尾几位，请将该列设为文本格式后重新填写）"
)
ID_BIRTH_MSG = "身份证号中的出生日期不合法"
ID_REGION_MSG = "身份证号前六位不是有效的行政区划代码"
MOBILE_MSG = "手机号码格式不正确"
USCC_MSG = "统一社会信用代码校验不通过"

# "6.2E+17", "6.20521E+17", "6.205211990010E17": what Excel shows, and writes to CSV, for a long number.
_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")
# "620521199001011000.0": a float that went through str(); the digits are already lost.
_DECIMAL_RE = re.compile(r"^\d+\.\d+$")
_MIN_BIRTH_YEAR = 1900
_LOC_DB = numdb.get("cn/loc")


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A validated 18-character resident ID number and what it encodes."""

    number: str  # 18 characters, a final check character ``X`` upper-case
    gender: Literal["male", "female"]
    birth_date: datetime.date
    region_code: str  # the first six digits: the place of first registration (GB/T 2260)


def _fold(text: str) -> str:
    # NFKC turns full-width digits and the ideographic space into ASCII; clerks paste IDs with
    # spaces or dashes between groups, which carry no meaning.
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\-]+", "", text)


def parse_id_number(raw: object) -> IdNumber:
    """Validate an ID number given as text; a number (what Excel makes of it) is refused, not guessed."""
    if raw is None:
        raise ValueError(ID_EMPTY_MSG)
    if isinstance(raw, bool):
        raise ValueError(ID_FORMAT_MSG)
    # Excel keeps only 15 significant digits: an 18-digit ID stored as a number has already lost its
    # last digits (and JSON numbers lose them in most clients too). Reconstructing them would be a
    # guess, and a wrong ID attached to a person is worse than an error the clerk can fix.
    if isinstance(raw, int | float | Decimal):
        raise ValueError(EXCEL_NUMBER_MSG)
    if not isinstance(raw, str):
        raise ValueError(ID_FORMAT_MSG)
    text = _fold(raw).upper()
    if not text:
        raise ValueError(ID_EMPTY_MSG)
    if _SCIENTIFIC_RE.match(text) or _DECIMAL_RE.match(text):
        raise ValueError(EXCEL_NUMBER_MSG)
    if len(text) == 15 and text.isdigit():
        raise ValueError(ID_OLD_MSG)
    if len(text) != 18:
        raise ValueError(ID_LENGTH_MSG)
    if not (text[:17].isascii() and text[:17].isdigit()) or not (text[17].isdigit() or text[17] == "X"):
        raise ValueError(ID_FORMAT_MSG)
    if text[17] != ric.calc_check_digit(text):
        raise ValueError(ID_CHECKSUM_ZEROS_MSG if text.endswith("000") else ID_CHECKSUM_MSG)
    try:
        birth_date = ric.get_birth_date(text)
    except ValidationError:
        raise ValueError(ID_BIRTH_MSG) from None
    if birth_date.year < _MIN_BIRTH_YEAR or birth_date > datetime.date.today():
        raise ValueError(ID_BIRTH_MSG)
    # ric.validate() also requires the county code to have existed in the birth year. That rejects
    # real people: codes are assigned when the card is first issued, often decades after birth (a
    # Qingshui county resident born in 1960 carries 620521, a code created in 1985). So only the
    # province part is checked here; the checksum already catches typos.
    if not any("province" in props for _part, props in _LOC_DB.info(text[:6])):
        raise ValueError(ID_REGION_MSG)
    gender: Literal["male", "female"] = "male" if int(text[16]) % 2 == 1 else "female"
    return IdNumber(number=text, gender=gender, birth_date=birth_date, region_code=text[:6])


def parse_mobile(raw: object) -> str:
    """Validate a mainland mobile number (``+86``/``86`` prefixes, spaces, dashes allowed); returns 11 digits."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError(MOBILE_MSG)
    if isinstance(raw, int):
        text = str(raw)
    elif isinstance(raw, float):
        # An 11-digit phone survives Excel's float storage intact, unlike an ID number.
        if not raw.is_integer():
            raise ValueError(MOBILE_MSG)
        text = str(int(raw))
    elif isinstance(raw, str):
        text = _fold(raw)
    else:
        raise ValueError(MOBILE_MSG)
    if not text:
        raise ValueError(MOBILE_MSG)
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValueError(MOBILE_MSG) from None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise ValueError(MOBILE_MSG)
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValueError(MOBILE_MSG)
    national = str(parsed.national_number)
    if len(national) != 11:
        raise ValueError(MOBILE_MSG)
    return national


def parse_uscc(raw: object) -> str:
    """Validate a 统一社会信用代码 (GB 32100, check character included); returns it upper-case, compact."""
    if not isinstance(raw, str):
        raise ValueError(USCC_MSG)
    text = _fold(raw).upper()
    try:
        return str(uscc.validate(text))
    except ValidationError:
        raise ValueError(USCC_MSG) from None
