"""Reporting periods: ``2019``, ``2019-H1``, ``2019-Q3``, ``2019-07``.

Years run 2000-2099: the cooperation's records begin this century, and a year such as 0001 or 9999 has
no midnight in every time zone a report converts to (it overflowed the database's date range)."""

from __future__ import annotations

import re
from datetime import date

PERIOD_PATTERN = r"^20\d{2}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?$"
_RE = re.compile(PERIOD_PATTERN)


def parse_period(period: str) -> tuple[date, date]:
    """Return the first and last day of a period; ValueError for anything else."""
    if not _RE.match(period):
        raise ValueError("期间格式应为 2019、2019-H1、2019-Q3 或 2019-07（2000—2099 年）")
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1), date(year, 12, 31)
    tail = period[5:]
    if tail.startswith("H"):
        first_month = 1 if tail == "H1" else 7
        months = 6
    elif tail.startswith("Q"):
        first_month = (int(tail[1]) - 1) * 3 + 1
        months = 3
    else:
        first_month = int(tail)
        months = 1
    last_month = first_month + months - 1
    end = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return date(year, first_month, 1), date.fromordinal(end.toordinal() - 1)
