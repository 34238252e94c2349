"""Glue between the preview API shapes and the pure scorer."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core.problems import Invalid
from app.matching.schemas import PreviewMatch, PreviewRequest, PreviewResponse, PreviewResult
from app.matching.score import JobIn, SeekerIn, rank
from app.regions import service as regions


def check_region_codes(*, session: Session, request: PreviewRequest) -> None:
    """One query for every code in the request; 422 naming each unknown one."""
    places: list[tuple[list[str | int], str]] = []
    for i, s in enumerate(request.seekers):
        places.append((["body", "seekers", i, "hukou_region_code"], s.hukou_region_code))
        places += [(["body", "seekers", i, "preferred_region_codes"], c) for c in s.preferred_region_codes]
    places += [(["body", "jobs", i, "region_code"], j.region_code) for i, j in enumerate(request.jobs)]
    known = regions.known_codes(session=session, codes=[code for _, code in places])
    errors: list[dict[str, Any]] = [
        {"loc": loc, "msg": f"行政区划代码 {code} 不存在", "type": "region_unknown"}
        for loc, code in places
        if code not in known
    ]
    if errors:
        raise Invalid(errors[0]["msg"], errors=errors[:100])


def run(request: PreviewRequest) -> PreviewResponse:
    seekers = [SeekerIn(**s.model_dump()) for s in request.seekers]
    jobs = [JobIn(**j.model_dump()) for j in request.jobs]
    results = rank(seekers, jobs, per_seeker=request.per_seeker)
    return PreviewResponse(
        results=[
            PreviewResult(
                seeker_ref=r.seeker_ref,
                matches=[
                    PreviewMatch(job_ref=m.job_ref, score=m.score, components=m.components, reasons=m.reasons)
                    for m in r.matches
                ],
            )
            for r in results
        ]
    )
