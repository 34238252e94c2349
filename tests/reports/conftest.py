"""Rows for report tests, inserted directly: the reports only read these tables."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.db import local_zone, new_id
from app.employers.models import Employer, Job
from app.partnerships.models import Partnership, Target
from app.placements.models import Placement, ServiceRecord
from app.seekers.models import Seeker

_counter = itertools.count(1)


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=local_zone())


@dataclass
class Factory:
    session: Session

    def partnership(self, receiving: str, sending: str, valid_from: date = date(2019, 1, 1)) -> Partnership:
        p = Partnership(receiving_region_code=receiving, sending_region_code=sending, valid_from=valid_from)
        self.session.add(p)
        self.session.flush()
        return p

    def target(self, receiving: str, period: str, **numbers: int) -> Target:
        t = Target(receiving_region_code=receiving, period=period, **numbers)
        self.session.add(t)
        self.session.flush()
        return t

    def seeker(
        self,
        county: str,
        *,
        name: str = "张三",
        household_id: str | None = None,
        tags: list[str] | None = None,
        training_needs: list[str] | None = None,
        wants_work: bool = True,
        deleted: bool = False,
        created: datetime | None = None,
        updated: datetime | None = None,
    ) -> Seeker:
        n = next(_counter)
        tags = tags or []
        created = created or local(date(2019, 1, 1), 8)
        s = Seeker(
            owner_region_code=county,
            external_id=f"T-{n:05d}",
            name=name,
            id_number_enc="v1.test",
            id_number_bidx=f"{n:064x}",
            id_number_masked=f"{county}********{n % 10000:04d}",
            gender="male",
            birth_date=date(1990, 1, 1),
            household_id=household_id,
            hukou_region_code=county,
            tags=tags,
            tags_text="," + ",".join(tags) + "," if tags else ",",
            training_needs=training_needs or [],
            wants_work=wants_work,
            content_hash=f"{n:064x}",
            deleted_at=local(date(2019, 2, 1)) if deleted else None,
            created_at=created,
            updated_at=updated or created,
        )
        self.session.add(s)
        self.session.flush()
        return s

    def placement(
        self, seeker: Seeker, receiving: str | None, category: str, started_on: date, **extra: Any
    ) -> Placement:
        p = Placement(
            seeker_id=seeker.id,
            owner_region_code=seeker.owner_region_code,
            hukou_region_code=seeker.hukou_region_code,
            receiving_region_code=receiving,
            employer_name="某公司",
            region_code=receiving or seeker.owner_region_code,
            category=category,
            started_on=started_on,
            created_by="test",
            **extra,
        )
        self.session.add(p)
        self.session.flush()
        return p

    def service(self, seeker: Seeker, kind: str, occurred: datetime) -> ServiceRecord:
        r = ServiceRecord(
            seeker_id=seeker.id,
            owner_region_code=seeker.owner_region_code,
            kind=kind,
            occurred_at=occurred,
            created_by="test",
        )
        self.session.add(r)
        self.session.flush()
        return r

    def job(self, receiving: str, headcount: int, created: datetime, *, deleted: bool = False) -> Job:
        employer = Employer(
            owner_region_code=receiving,
            name="某公司",
            uscc=new_id()[:18].upper(),
            region_code=receiving,
        )
        self.session.add(employer)
        self.session.flush()
        job = Job(
            owner_region_code=receiving,
            external_id=new_id(),
            employer_id=employer.id,
            title="普工",
            headcount=headcount,
            region_code=receiving,
            salary_min=4000,
            salary_max=5000,
            content_hash=new_id(),
            created_at=created,
            updated_at=created,
            deleted_at=local(date(2019, 3, 1)) if deleted else None,
        )
        self.session.add(job)
        self.session.flush()
        return job


@pytest.fixture
def factory(session: Session) -> Factory:
    return Factory(session)


MakeKey = Callable[..., dict[str, str]]
