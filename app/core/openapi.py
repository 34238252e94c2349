"""OpenAPI text: problem+json error responses and the Idempotency-Key header documented everywhere."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 问题详情",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "问题类型 URI"},
        "title": {"type": "string", "description": "问题标题"},
        "status": {"type": "integer", "description": "HTTP 状态码"},
        "detail": {"type": "string", "description": "具体说明（中文）"},
        "instance": {"type": "string", "description": "出错的请求路径"},
        "errors": {
            "type": "array",
            "description": "逐项校验错误",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}

_ERROR_TEXT = {
    "401": "未认证：缺少或无效的 API 密钥",
    "403": "角色无权调用",
    "404": "资源不存在或不在调用方范围内",
    "409": "状态冲突（非法状态变更、重复、时间冲突）",
    "412": "If-Match 与当前 ETag 不一致",
    "413": "请求体过大",
    "422": "输入无效",
    "429": "请求过于频繁（见 Retry-After）",
    "500": "服务器内部错误",
    "503": "服务暂不可用",
}


def _problem_ref() -> dict[str, Any]:
    return {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def customize_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        components["schemas"].pop("HTTPValidationError", None)
        components["schemas"].pop("ValidationError", None)
        for path, item in schema.get("paths", {}).items():
            for method, op in item.items():
                if not isinstance(op, dict):
                    continue
                responses = op.setdefault("responses", {})
                public = path in ("/healthz", "/readyz", "/metrics")
                codes = ["422", "500"] if public else ["401", "403", "404", "413", "422", "429", "500", "503"]
                if method == "post" and not public:
                    codes += ["409"]
                    params = op.setdefault("parameters", [])
                    if not any(p.get("name") == "Idempotency-Key" for p in params):
                        params.append(
                            {
                                "name": "Idempotency-Key",
                                "in": "header",
                                "required": False,
                                "description": "幂等键：24 小时内同键同内容重放首次响应；同键不同内容返回 422",
                                "schema": {"type": "string", "maxLength": 255},
                            }
                        )
                if method == "patch":
                    codes += ["409", "412"]
                if method == "delete":
                    codes += ["409", "412"]
                if path == "/readyz":
                    codes.append("503")
                for code in codes:
                    entry = responses.setdefault(code, {"description": _ERROR_TEXT.get(code, "错误")})
                    entry["content"] = _problem_ref()
                    entry.setdefault("description", _ERROR_TEXT.get(code, "错误"))
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
