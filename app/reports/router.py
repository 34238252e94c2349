from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, RedirectResponse, Response

from app.auth.deps import Authenticated
from app.auth.principal import Principal, Role
from app.core.deps import SessionDep
from app.core.periods import PERIOD_PATTERN
from app.core.problems import NotFound
from app.reports import service, tables
from app.reports.schemas import ProgressReport, ReportFormat, ServicesReport, TrainingNeedsReport
from app.reports.xlsx import XLSX_MEDIA_TYPE, to_xlsx

router = APIRouter(tags=["报表"])

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Downloads list every shortfall; the JSON view pages them by ``shortfall_limit``.
DOWNLOAD_SHORTFALL_LIMIT = 100_000

ReportReader = Annotated[Principal, Depends(Authenticated(Role.admin, Role.receiving, Role.sending))]
# Service records name individual labourers: only their own county (and admins) may read them.
SendingReader = Annotated[Principal, Depends(Authenticated(Role.admin, Role.sending))]
Period = Annotated[
    str,
    Query(
        pattern=PERIOD_PATTERN,
        description="期间：年 2019、半年 2019-H1、季度 2019-Q3 或月 2019-07",
        examples=["2019-H1"],
    ),
]
Format = Annotated[
    ReportFormat,
    Query(description="json（默认）、xlsx（Excel 表格）或 csv（UTF-8 带 BOM，Excel 可直接打开）"),
]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "报表；format=xlsx 或 csv 时为附件下载",
        "content": {
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


def _download(report: tables.Report, fmt: ReportFormat, table_index: int = 0) -> Response:
    if fmt == "xlsx":
        body, media_type, ext = to_xlsx(report), XLSX_MEDIA_TYPE, "xlsx"
    else:
        body, media_type, ext = tables.to_csv(report.tables[table_index]), "text/csv; charset=utf-8", "csv"
    title = report.tables[table_index if fmt == "csv" else 0].title
    # ASCII filename for old clients, the Chinese title for the rest (RFC 6266 / 5987).
    disposition = (
        f'attachment; filename="{report.filename}.{ext}"; '
        f"filename*=UTF-8''{quote(title)}-{quote(report.filename)}.{ext}"
    )
    return Response(content=body, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get(
    "/v1/reports/progress",
    response_model=ProgressReport,
    responses=FILE_RESPONSES,
    summary="就业扶贫工作进展情况（各输入地任务数与完成数）",
    description=(
        "每个输入地一行，另有合计行：来津就业、就近就地就业、转移其他地区就业的任务数与完成数，"
        "以及提供岗位数。完成数按期间内到岗（started_on）的劳动力计，同一人同一类别同一期间只计一次，"
        "计入其所在县结对的输入地。应提供岗位数按“每个输入地每年 1000 个”按月折算："
        "年 1000、半年 500、季度 250、月 83。管理员看全部；输入地只看本地；输出地看其结对输入地。"
    ),
)
def progress_report(
    session: SessionDep,
    principal: ReportReader,
    period: Period,
    format: Format = "json",
) -> Any:
    report = service.progress(session=session, principal=principal, period=period)
    if format == "json":
        return report
    return _download(tables.progress_tables(report), format)


@router.get(
    "/v1/reports/services",
    response_model=ServicesReport,
    responses=FILE_RESPONSES,
    summary="就业服务情况（各输出地服务覆盖与待补服务名单）",
    description=(
        "每个输出地一行：有就业意愿人数、本期获得服务人数、零就业家庭户数及其中本期获得至少 3 次服务的户数、"
        "推荐岗位不足 3 个的人数；shortfalls 列出未达标的劳动力（姓名脱敏），供经办人逐一联系。"
        "服务次数只计期间内发生的。输出地只看本县；管理员看全部；输入地无权查看。"
        "csv 格式默认导出汇总表，part=shortfalls 导出待补服务名单；xlsx 含两张表。"
    ),
)
def services_report(
    session: SessionDep,
    principal: SendingReader,
    period: Period,
    format: Format = "json",
    shortfall_limit: Annotated[
        int, Query(ge=0, le=10_000, description="JSON 中最多返回的待补服务名单行数（下载表格不受限）")
    ] = 500,
    part: Annotated[
        Literal["summary", "shortfalls"], Query(description="csv 导出哪张表：summary 汇总，shortfalls 名单")
    ] = "summary",
) -> Any:
    limit = shortfall_limit if format == "json" else DOWNLOAD_SHORTFALL_LIMIT
    report = service.services(session=session, principal=principal, period=period, shortfall_limit=limit)
    if format == "json":
        return report
    return _download(tables.services_tables(report), format, 1 if part == "shortfalls" else 0)


@router.get(
    "/v1/reports/training-needs",
    response_model=TrainingNeedsReport,
    responses=FILE_RESPONSES,
    summary="培训需求清单（按月）",
    description=(
        "按输出地和培训需求统计有就业意愿的劳动力人数（截至该月最后一天，按该月底前最后更新的记录计），"
        "并按需求、按输出地汇总。输出地只看本县；输入地看其结对县；管理员看全部。"
    ),
)
def training_needs_report(
    session: SessionDep,
    principal: ReportReader,
    month: Annotated[
        str, Query(pattern=service.MONTH_PATTERN, description="月份，如 2020-10", examples=["2020-10"])
    ],
    format: Format = "json",
) -> Any:
    report = service.training_needs(session=session, principal=principal, month=month)
    if format == "json":
        return report
    return _download(tables.training_tables(report), format)


# --- the report page: static files, no build step ----------------------------------------------------

_PAGE_HEADERS = {
    # The page holds an API key in sessionStorage: allow no third-party script, frame or form target.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
_ASSETS = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}


@router.get("/reports", include_in_schema=False)
def reports_page_redirect() -> RedirectResponse:
    return RedirectResponse("/reports/", status_code=308)


@router.get("/reports/", include_in_schema=False)
def reports_page() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS
    )


@router.get("/reports/{asset}", include_in_schema=False)
def reports_asset(asset: str) -> Response:
    if asset not in _ASSETS:
        raise NotFound("页面资源不存在")
    return FileResponse(STATIC_DIR / asset, media_type=_ASSETS[asset], headers=_PAGE_HEADERS)
