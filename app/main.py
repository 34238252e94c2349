"""create_app(): routers, middleware, exception handlers — nothing else."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from app.auth.router import router as api_keys_router
from app.config import get_settings
from app.core.balance import ConnectionBalancer
from app.core.idempotency import IdempotencyMiddleware
from app.core.observability import BodySizeLimitMiddleware, ObservabilityMiddleware, configure_logging
from app.core.openapi import customize_openapi
from app.core.problems import install_problem_handlers
from app.core.query import guard_request
from app.employers.router import router as employers_router
from app.exchanges.router import matches_router
from app.exchanges.router import router as exchanges_router
from app.interviews.router import router as interviews_router
from app.matching.router import router as matching_router
from app.occupations.router import router as occupations_router
from app.ops.router import router as ops_router
from app.partnerships.router import router as partnerships_router
from app.placements.router import router as placements_router
from app.regions.router import router as regions_router
from app.reports.router import router as reports_router
from app.seekers.router import router as seekers_router
from app.templates_router import router as templates_router

ROUTERS = [
    ops_router,
    api_keys_router,
    regions_router,
    partnerships_router,
    occupations_router,
    matching_router,
    reports_router,
    seekers_router,
    employers_router,
    templates_router,
    exchanges_router,
    matches_router,
    interviews_router,
    placements_router,
]


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level)
    app = FastAPI(
        dependencies=[Depends(guard_request)],
        title="劳务协作人岗匹配服务 laowu",
        version="1.0.0",
        description=(
            "东西部劳务协作“三来三往”人岗对接服务：输出地报送求职清单，输入地回应岗位供给清单，"
            "系统按技能、地点与意愿匹配并跟踪推荐、远程面试、录用与稳岗。\n\n"
            "认证：`Authorization: Bearer <api-key>`。错误统一为 RFC 9457 `application/problem+json`。"
            "所有 POST 支持 `Idempotency-Key`（24 小时内同键同内容重放首次响应，同键不同内容返回 422）。"
            "列表接口使用 `limit`/`cursor` 分页，可用 `updated_since` 增量同步，按 `(updated_at, id)` 排序。"
            "多进程部署时，服务可能在某个响应中带 `Connection: close` 以均衡各进程的连接，客户端重新建立连接即可。"
        ),
    )
    install_problem_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    # Last added runs first: the balancer, observability, then the size limit, then idempotency.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ObservabilityMiddleware)
    app.add_middleware(ConnectionBalancer, directory=settings.balance_dir)
    customize_openapi(app)
    return app
