"""Import templates clerks download: the same column specs the importers read with."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Response

from app.auth.deps import AnyPrincipal
from app.core.xlsx_template import build_template
from app.employers.columns import JOB_COLUMNS, JOB_EXAMPLE, JOB_TEMPLATE_INSTRUCTIONS
from app.seekers.columns import SEEKER_COLUMNS, SEEKER_EXAMPLE, SEEKER_TEMPLATE_INSTRUCTIONS

router = APIRouter(tags=["导入模板"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}}, "description": "xlsx 模板文件"}
}


@lru_cache(maxsize=2)
def _template(kind: str) -> bytes:
    if kind == "seekers":
        return build_template(
            SEEKER_COLUMNS,
            title="求职清单导入模板",
            instructions=SEEKER_TEMPLATE_INSTRUCTIONS,
            example=SEEKER_EXAMPLE,
        )
    return build_template(
        JOB_COLUMNS, title="岗位供给清单导入模板", instructions=JOB_TEMPLATE_INSTRUCTIONS, example=JOB_EXAMPLE
    )


def _download(kind: str, filename: str, ascii_name: str) -> Response:
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(_template(kind), media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get(
    "/v1/templates/seekers.xlsx",
    response_class=Response,
    responses=_XLSX_RESPONSE,
    summary="下载求职清单导入模板",
    description="中文表头、一行示例（导入时自动跳过）、枚举列下拉选择、“说明”工作表。填好后上传到 POST /v1/seekers/import。",
)
def seekers_template(_: AnyPrincipal) -> Response:
    return _download("seekers", "求职清单导入模板.xlsx", "seekers.xlsx")


@router.get(
    "/v1/templates/jobs.xlsx",
    response_class=Response,
    responses=_XLSX_RESPONSE,
    summary="下载岗位供给清单导入模板",
    description="中文表头、一行示例（导入时自动跳过）、枚举列下拉选择、“说明”工作表。填好后上传到 POST /v1/jobs/import。",
)
def jobs_template(_: AnyPrincipal) -> Response:
    return _download("jobs", "岗位供给清单导入模板.xlsx", "jobs.xlsx")
