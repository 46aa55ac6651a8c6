"""The one error shape: ``{"error": {"code", "message", "request_id"}}``, never with status 200.

Typed errors carry their own code and status; validation errors become 422; anything
unexpected becomes a 500 with the request id and no internal detail.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from corpus import PolicyAssistantError

log = logging.getLogger("policy_assistant.api")

UPLOAD_PATH = "/api/v1/documents"
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
}


def request_id(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    if rid is None:
        rid = uuid.uuid4().hex
        request.state.request_id = rid
    return str(rid)


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    rid = request_id(request)
    return JSONResponse(
        status_code=status,
        content={"error": {"code": code, "message": message, "request_id": rid}},
        headers={**(headers or {}), "X-Request-ID": rid},
    )


class BodyTooLargeError(StarletteHTTPException):
    """Raised while a body is read past its limit (an HTTPException, so FastAPI's body parsing
    passes it on instead of turning it into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, "request body too large")
        self.limit = limit


def too_large_response(request: Request, limit: int) -> JSONResponse:
    """413 for a body over ``limit``: ``upload_too_large`` on the upload route."""
    upload = request.method == "POST" and request.url.path.rstrip("/") == UPLOAD_PATH
    what, code = ("upload", "upload_too_large") if upload else ("request body", "body_too_large")
    return error_response(request, 413, code, f"the {what} is over the limit of {limit:,} bytes")


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _json_error(exc: RequestValidationError) -> str | None:
    """The message for a body that is not JSON at all, or None for other validation errors."""
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            loc = err.get("loc", ())
            where = f" at character {loc[-1]}" if len(loc) > 1 and isinstance(loc[-1], int) else ""
            reason = str((err.get("ctx") or {}).get("error") or "malformed")
            return f"the request body is not valid JSON ({reason}{where})"
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PolicyAssistantError)
    async def _typed(request: Request, exc: PolicyAssistantError) -> JSONResponse:
        return error_response(request, exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        broken = _json_error(exc)
        if broken is not None:
            return error_response(request, 400, "invalid_json", broken)
        return error_response(request, 422, "invalid_request", _describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, BodyTooLargeError):
            return too_large_response(request, exc.limit)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(request, exc.status_code, code, message, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error (request %s)", request_id(request))
        return error_response(
            request, 500, "internal_error", "an unexpected error occurred; quote the request id"
        )
