"""Errors as RFC 9457 problem details (``application/problem+json``), in Chinese for people.

Services raise :class:`ProblemError` subclasses; the handlers installed by
:func:`install_error_handlers` turn those, validation errors, unknown routes, missing
calendar years and database outages into problem documents. No stack trace or SQL ever
reaches a client: unexpected errors are logged and answered with a plain 500.

A method a path does not have is answered 405 with ``Allow`` listing every method of the path
(:func:`allowed_methods`: the router names only the first route it found for the path, and a
path such as ``/projects`` has a GET route and a POST route), as problem+json for the API and as
the site's error page for the pages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from rules.calendar import CalendarYearMissing
from rules.decision import Decision, Finding
from rules.params import ParameterNotInForce

log = logging.getLogger("baozu.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "/problems/"


class Violation(BaseModel):
    article: str
    code: str
    message: str
    field: str | None = None


class FieldError(BaseModel):
    field: str
    location: str
    message: str


class Problem(BaseModel):
    """The problem document every error response carries (declared in OpenAPI)."""

    type: str
    title: str
    status: int
    detail: str
    violations: list[Violation] | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    status = 400
    slug = "bad-request"
    title = "请求有误"

    def __init__(self, detail: str, *, status: int | None = None, slug: str | None = None,
                 title: str | None = None, violations: Iterable[Finding] = (),
                 field: str | None = None, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status or self.status
        self.slug = slug or self.slug
        self.title = title or self.title
        self.violations = tuple(violations)
        self.field = field
        self.headers = headers
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": PROBLEM_BASE + self.slug, "title": self.title,
                                "status": self.status, "detail": self.detail}
        if self.violations:
            body["violations"] = [_violation(f) for f in self.violations]
        if self.field:
            body["errors"] = [{"field": self.field, "location": "body", "message": self.detail}]
        body.update(self.extra)
        return body


class InvalidInput(ProblemError):
    status, slug, title = 422, "validation", "请求数据不合法"


class RuleViolation(ProblemError):
    """A rule of the regulation refused the request; ``violations`` cite the articles."""

    status, slug, title = 422, "rule-violation", "不符合保障性租赁住房规定"

    @classmethod
    def from_decision(cls, decision: Decision, detail: str | None = None) -> RuleViolation:
        violations = decision.violations
        text = detail or "；".join(f"{f.message}（{f.article}）" for f in violations)
        return cls(text, violations=violations)


class Unauthorized(ProblemError):
    status, slug, title = 401, "unauthorized", "未登录或登录已失效"

    def __init__(self, detail: str = "请先登录", **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(ProblemError):
    status, slug, title = 403, "forbidden", "无权进行此操作"


class NotFound(ProblemError):
    status, slug, title = 404, "not-found", "未找到"

    def __init__(self, detail: str = "未找到该记录", **kw: Any) -> None:
        super().__init__(detail, **kw)


class Conflict(ProblemError):
    status, slug, title = 409, "conflict", "与当前状态冲突"


class TooManyRequests(ProblemError):
    """429 with ``Retry-After`` (seconds): e.g. too many failed logins (ASVS V6.3)."""

    status, slug, title = 429, "too-many-requests", "请求过于频繁"

    def __init__(self, detail: str, *, retry_after: int, **kw: Any) -> None:
        kw.setdefault("headers", {"Retry-After": str(max(1, retry_after))})
        super().__init__(detail, **kw)


class ServiceBusy(ProblemError):
    """503 with ``Retry-After``: the request could not get the database in time."""

    status, slug, title = 503, "service-unavailable", "服务暂时不可用"

    def __init__(self, detail: str = "当前办理人数较多，请稍后重试", **kw: Any) -> None:
        kw.setdefault("headers", {"Retry-After": "5"})
        super().__init__(detail, **kw)


def _violation(f: Finding) -> dict[str, Any]:
    data = {"article": f.article, "code": f.code, "message": f.message}
    if f.field:
        data["field"] = f.field
    return data


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=body["status"], media_type=PROBLEM_JSON,
                        headers=headers)


# ---- validation messages in Chinese -------------------------------------------------------

_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为文本",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为是或否（true/false）",
    "bool_parsing": "应为是或否（true/false）",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_places": "小数位数不能超过 {decimal_places} 位",
    "decimal_max_digits": "数字位数不能超过 {max_digits} 位",
    "float_parsing": "应为数字",
    "greater_than": "必须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "必须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "enum": "取值应为以下之一：{expected}",
    "literal_error": "取值应为以下之一：{expected}",
    "list_type": "应为列表",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "json_invalid": "JSON 格式不正确",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "uuid_parsing": "格式不正确",
    "value_error": "{error}",
    "assertion_error": "{error}",
}


def _chinese_message(error: dict[str, Any]) -> str:
    if error.get("type") in {"enum", "literal_error"} and error.get("input") in ("", None):
        return "请选择一项"  # an empty choice (a radio group left unanswered)
    if error.get("type") in {"missing", "string_too_short", "string_pattern_mismatch"} \
            and error.get("input", "") in ("", None):
        return "必填，请填写"
    template = _MESSAGES.get(error.get("type", ""), "取值不合法")
    ctx = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return "取值不合法"


def _field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    result = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        location = loc[0] if loc and loc[0] in {"body", "query", "path", "header", "cookie"} else ""
        path = loc[1:] if location else loc
        result.append({"field": ".".join(path) or location or "body", "location": location,
                       "message": _chinese_message(error)})
    return result


_HTTP_TITLES = {
    400: "请求有误", 401: "未登录或登录已失效", 403: "无权进行此操作", 404: "未找到",
    405: "不支持该请求方法", 406: "不支持请求的格式", 409: "与当前状态冲突",
    413: "请求内容过大", 415: "不支持的内容类型", 429: "请求过于频繁",
}


_HTTP_TYPES = {413: PROBLEM_BASE + "request-too-large"}


def document_problems(app: FastAPI) -> None:
    """Make the OpenAPI document say what the handlers below really send for errors.

    Every error declared with :func:`problem_responses` is served as
    ``application/problem+json`` with the :class:`Problem` body, but FastAPI lists the model
    under the route's own media type (``application/json``, ``text/html``) and adds a
    default 422 with its ``HTTPValidationError`` shape, which the validation handler
    replaces; and a body that cannot be decoded at all is answered 400 by FastAPI before
    any validation. The generated document is rewritten once: each error response carries
    only ``application/problem+json`` with the ``Problem`` schema, every operation with a
    body declares the 400, so clients and contract tests (``tests/security/test_fuzz.py``)
    check against the truth.
    """
    generate = app.openapi
    problem_ref = {"$ref": "#/components/schemas/Problem"}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if "requestBody" in operation:  # a body that is not UTF-8 (FastAPI answers 400)
                    operation["responses"].setdefault("400", {
                        "description": "请求内容无法解析", "content": {PROBLEM_JSON: {}}})
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    text = str(content)
                    if status.isdigit() and int(status) >= 400 and (
                            PROBLEM_JSON in content or "HTTPValidationError" in text
                            or problem_ref["$ref"] in text):
                        if "HTTPValidationError" in text:
                            response["description"] = "请求数据不合法"
                        response["content"] = {PROBLEM_JSON: {"schema": dict(problem_ref)}}
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "Problem" not in components:
            definitions = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components |= definitions.pop("$defs", {})
            components["Problem"] = definitions
        rendered = str(schema["paths"])
        for unused in ("HTTPValidationError", "ValidationError"):
            if f"/{unused}'" not in rendered:
                components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def wants_page(request: Request) -> bool:
    """A browser asking for a page outside the API (an unknown address typed or followed):
    it gets the site's HTML 404 page; API clients and everything else get problem+json."""
    return (not request.url.path.startswith("/api/")
            and "text/html" in request.headers.get("accept", ""))


PageError = Callable[[Request, int, str], Response]
RouteMethods = list[tuple[re.Pattern[str], frozenset[str], bool]]


def _route_methods(app: Any) -> RouteMethods:
    """Every route of ``app``: its path's pattern, its methods, whether it is a page (routes
    whose class says ``serves_pages``, i.e. ``app.web.core.PageRoute``). Built once."""
    table: RouteMethods | None = getattr(app.state, "route_methods", None)
    if table is None:
        table = []
        for context in iter_route_contexts(app.routes):
            if context.path and context.methods:
                table.append((compile_path(context.path)[0], frozenset(context.methods),
                              bool(getattr(context.original_route, "serves_pages", False))))
        app.state.route_methods = table
    return table


def allowed_methods(request: Request) -> tuple[list[str], bool]:
    """The methods of every route whose path matches the request's (sorted), and whether the
    path is a page's."""
    path = request.scope.get("path", "")
    methods: set[str] = set()
    page = False
    for pattern, route_methods, is_page in _route_methods(request.app):
        if pattern.match(path):
            methods |= route_methods
            page = page or is_page
    return sorted(methods), page


def install_error_handlers(app: FastAPI, page_error: PageError | None = None) -> None:
    """The handlers; ``page_error`` renders the site's HTML error page (given by
    ``create_app()``: the pages sit above every domain, this module below): for a browser
    asking for an unknown address, and for a method a page does not have."""
    document_problems(app)
    @app.exception_handler(ProblemError)
    async def _problem(_: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.body(), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc.errors())
        detail = "；".join(f"{e['field']}：{e['message']}" for e in errors)
        return problem_response({"type": PROBLEM_BASE + "validation", "title": "请求数据不合法",
                                 "status": 422, "detail": detail, "errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and page_error is not None and wants_page(request):
            return page_error(request, 404, "您访问的页面不存在，请检查网址或从首页进入。")
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            methods, page = allowed_methods(request)
            if methods:
                headers = (headers or {}) | {"Allow": ", ".join(methods)}
            if page and page_error is not None:
                response = page_error(request, 405, f"该页面不支持 {request.method} 请求"
                                                    f"（可用：{'、'.join(methods)}）。")
                response.headers.update(headers or {})
                return response
        title = _HTTP_TITLES.get(exc.status_code, "请求未能完成")
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else title
        if exc.detail == "There was an error parsing the body":
            detail = "请求内容无法解析（应为 UTF-8 编码的 JSON 或表单）"
        if exc.status_code == 404:
            detail = "未找到该资源"
        return problem_response({"type": _HTTP_TYPES.get(exc.status_code, "about:blank"),
                                 "title": title, "status": exc.status_code, "detail": detail},
                                headers)

    @app.exception_handler(CalendarYearMissing)
    async def _calendar(_: Request, exc: CalendarYearMissing) -> JSONResponse:
        return problem_response({
            "type": PROBLEM_BASE + "calendar-year-missing", "title": "缺少节假日安排",
            "status": 422, "year": exc.year,
            "detail": f"{exc.year} 年的国务院节假日安排尚未录入，无法计算工作日；"
                      f"请管理员录入该年通知（PUT /api/v1/calendar/{exc.year}）",
        })

    @app.exception_handler(ParameterNotInForce)
    async def _parameter(_: Request, exc: ParameterNotInForce) -> JSONResponse:
        return problem_response({"type": PROBLEM_BASE + "parameter-not-in-force",
                                 "title": "规定尚未施行", "status": 422, "detail": exc.message,
                                 "violations": [{"article": exc.article, "code": "not_in_force",
                                                 "message": exc.message}]})

    @app.exception_handler(OperationalError)
    async def _database_down(_: Request, exc: OperationalError) -> JSONResponse:
        log.error("database unavailable: %s", type(exc.orig).__name__ if exc.orig else exc)
        return problem_response({"type": PROBLEM_BASE + "service-unavailable",
                                 "title": "服务暂时不可用", "status": 503,
                                 "detail": "数据库暂时无法访问，请稍后重试"},
                                {"Retry-After": "5"})

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(_: Request, exc: PoolTimeout) -> JSONResponse:
        log.error("no database connection within BAOZU_DB_POOL_TIMEOUT")
        return problem_response(ServiceBusy().body(), {"Retry-After": "5"})

    @app.exception_handler(DataError)
    async def _data_out_of_range(_: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot hold (a number out of range, a text too long): the
        # request's fault, not an outage. Only the error's class is logged, never the value.
        log.warning("database refused a value: %s", type(exc.orig).__name__ if exc.orig else exc)
        return problem_response({"type": PROBLEM_BASE + "validation", "title": "请求数据不合法",
                                 "status": 422, "detail": "数值或文本超出允许的范围"})

    @app.exception_handler(DBAPIError)
    async def _database_error(_: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return await _database_down(_, exc)  # type: ignore[arg-type]
        log.exception("database error")
        return _internal()

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return _internal()


def _internal() -> JSONResponse:
    return problem_response({"type": "about:blank", "title": "服务器内部错误", "status": 500,
                             "detail": "服务器处理请求时出错，已记录，请稍后重试"})


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries so the OpenAPI document declares the problem shapes."""
    return {s: {"model": Problem, "description": _HTTP_TITLES.get(s, "错误"),
                "content": {PROBLEM_JSON: {}}} for s in statuses}
