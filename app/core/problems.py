"""RFC 9457 problem details: domain errors raised by services, mapped to HTTP in one place."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("laowu.problems")

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "请求格式错误",
    401: "未认证",
    403: "无权访问",
    404: "资源不存在",
    405: "不支持的请求方法",
    406: "不支持的响应格式",
    409: "状态冲突",
    412: "前置条件失败",
    413: "请求体过大",
    415: "不支持的媒体类型",
    422: "输入无效",
    428: "缺少前置条件",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


class DomainError(Exception):
    status = 400
    type_slug = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra or {}


class Unauthorized(DomainError):
    status = 401
    type_slug = "unauthorized"


class Forbidden(DomainError):
    status = 403
    type_slug = "forbidden"


class NotFound(DomainError):
    status = 404
    type_slug = "not-found"


class Conflict(DomainError):
    status = 409
    type_slug = "conflict"


class PreconditionFailed(DomainError):
    status = 412
    type_slug = "precondition-failed"


class PayloadTooLarge(DomainError):
    status = 413
    type_slug = "payload-too-large"


class Invalid(DomainError):
    status = 422
    type_slug = "validation-error"


class RateLimited(DomainError):
    status = 429
    type_slug = "rate-limited"


def invalid_field(loc: list[str | int], msg: str, type_: str = "value_error") -> Invalid:
    return Invalid(msg, errors=[{"loc": loc, "msg": msg, "type": type_}])


def problem_body(
    status: int,
    detail: str,
    *,
    type_slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://laowu.example.cn/problems/{type_slug or status}",
        "title": TITLES.get(status, "错误"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return body


def problem_response(
    status: int,
    detail: str,
    *,
    type_slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, detail, type_slug=type_slug, errors=errors, instance=instance, extra=extra),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_JSON,
    )


_HTTP_DETAILS = {
    404: "请求的路径不存在",
    405: "该路径不支持此请求方法",
}


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        # Never echo the submitted value: it may be an ID number or phone.
        out.append(
            {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": err.get("type", "")}
        )
    return out


@lru_cache(maxsize=8)
def _path_table(app: FastAPI) -> list[tuple[re.Pattern[str], int, list[str]]]:
    table = []
    for template, item in app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        methods = [m.upper() for m in item if m in ("get", "post", "put", "patch", "delete")]
        # Specificity: how much of the template is literal text.
        literal = len(re.sub(r"\{[^}]+\}", "", template))
        table.append((re.compile(f"^{pattern}$"), literal, methods))
    return table


def _allowed_methods(request: Request) -> list[str]:
    """The methods the documented path serves. The most specific template speaks for the path:
    ``/v1/seekers/batch`` rather than ``/v1/seekers/{seeker_id}``, which would also match it."""
    matches = [
        (spec, methods) for regex, spec, methods in _path_table(request.app) if regex.match(request.url.path)
    ]
    best = max((spec for spec, _ in matches), default=0)
    chosen = {m for spec, group in matches if spec == best for m in group}
    methods = sorted(chosen, key=["GET", "POST", "PUT", "PATCH", "DELETE"].index)
    if "GET" in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return methods


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem_response(
            exc.status,
            exc.detail,
            type_slug=exc.type_slug,
            errors=exc.errors,
            headers=exc.headers,
            instance=request.url.path,
            extra=exc.extra,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 400:
            # FastAPI's "error parsing the body": the contract answers invalid input with 422.
            return problem_response(
                422,
                "请求体不是有效的 JSON 或表单数据",
                type_slug="validation-error",
                errors=[{"loc": ["body"], "msg": "无法解析请求体", "type": "json_invalid"}],
                instance=request.url.path,
            )
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code not in _HTTP_DETAILS else None
        return problem_response(
            exc.status_code,
            detail or _HTTP_DETAILS.get(exc.status_code, TITLES.get(exc.status_code, "错误")),
            headers=headers or None,
            instance=request.url.path,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        where = "、".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
        return problem_response(
            422,
            f"请求参数校验失败：{where}",
            type_slug="validation-error",
            errors=errors,
            instance=request.url.path,
        )

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        return problem_response(
            412,
            "资源已被他人修改，请重新获取后再提交",
            type_slug="precondition-failed",
            instance=request.url.path,
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # A uniqueness race lost to a concurrent request: the client may re-read and retry.
        return problem_response(
            409,
            "与已有数据冲突（可能被并发请求抢先写入），请刷新后重试",
            type_slug="conflict",
            instance=request.url.path,
        )

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", type(exc.orig).__name__ if exc.orig else "OperationalError")
        return problem_response(
            503, "数据库暂不可用，请稍后重试", type_slug="unavailable", headers={"Retry-After": "5"}
        )

    @app.exception_handler(PoolTimeout)
    async def _pool(request: Request, exc: PoolTimeout) -> JSONResponse:
        return problem_response(
            503, "服务繁忙，请稍后重试", type_slug="unavailable", headers={"Retry-After": "2"}
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Log the type and place only; the message may carry submitted values.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return problem_response(500, "服务器内部错误，请稍后重试或联系管理员", type_slug="internal")
