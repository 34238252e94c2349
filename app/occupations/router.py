from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.auth.deps import AdminPrincipal, AnyPrincipal
from app.core.deps import SessionDep
from app.occupations import service
from app.occupations.schemas import (
    OccupationHitOut,
    OccupationOut,
    OccupationSearchResult,
    SynonymsIn,
    SynonymsOut,
)

router = APIRouter(prefix="/v1/occupations", tags=["职业分类"])

CodePath = Annotated[str, Path(pattern=r"^\d-\d{2}-\d{2}-\d{2}$", description="职业细类代码，如 6-18-02-04")]


@router.get("", response_model=OccupationSearchResult, summary="按招聘或求职的口语说法查找标准职业")
def search_occupations(
    session: SessionDep,
    _: AnyPrincipal,
    q: Annotated[
        str, Query(min_length=1, max_length=200, description="自由文本，如“电气柜装配工包吃住”“会开叉车”")
    ],
    limit: Annotated[int, Query(ge=1, le=50, description="最多返回条数")] = 10,
) -> OccupationSearchResult:
    hits = service.search(session=session, q=q, limit=limit)
    return OccupationSearchResult(
        items=[OccupationHitOut(code=h.code, name=h.name, score=h.score, matched=h.phrase) for h in hits]
    )


@router.get("/{code}", response_model=OccupationOut, summary="获取职业")
def get_occupation(code: CodePath, session: SessionDep, _: AnyPrincipal) -> OccupationOut:
    occ = service.get(session=session, code=code)
    return OccupationOut(code=occ.code, name=occ.name, aliases=list(occ.aliases), open_entry=occ.open_entry)


@router.post("/{code}/synonyms", response_model=SynonymsOut, summary="为职业添加说法（管理员，扩充词库）")
def add_synonyms(code: CodePath, body: SynonymsIn, session: SessionDep, _: AdminPrincipal) -> SynonymsOut:
    added, existing = service.add_synonyms(session=session, code=code, phrases=body.phrases)
    session.commit()
    return SynonymsOut(code=code, added=added, existing=existing)
