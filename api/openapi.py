"""What ``/openapi.json``, ``/docs`` and ``/redoc`` show: the API key scheme, the error
responses of each route, and the Swagger UI and ReDoc pages served offline.

The Swagger UI and ReDoc scripts come from the installed ``fastapi-offline`` package (MIT),
not from a CDN, so the pages work on an intranet without internet.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles

from api.schemas import ErrorResponse

DOCS_ASSETS = "/docs-assets"
# the docs pages may load nothing from elsewhere: ReDoc's bundle would fetch its logo from
# cdn.redoc.ly, and a browser obeying this policy does not even try (the footer keeps its text)
DOCS_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",  # the pages' inline start-up script
        "style-src 'self' 'unsafe-inline'",  # ReDoc's styled components
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",  # ReDoc's search worker
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
# the docs pages (api.security gives them DOCS_POLICY instead of the chat page's policy)
SWAGGER_UI, SWAGGER_UI_REDIRECT, REDOC = "/docs", "/docs/oauth2-redirect", "/redoc"
DOCS_PAGES = frozenset((SWAGGER_UI, SWAGGER_UI_REDIRECT, REDOC))

api_key_scheme = HTTPBearer(
    scheme_name="APIKey",
    bearerFormat="pa_<key id>_<secret>",
    description="An API key made with `policy-assistant keys create --role reader|clerk|admin`, "
    "sent as `Authorization: Bearer <key>`. Needed once auth is on (always when the server "
    "listens beyond loopback); in the local single-user mode any value or none is accepted.",
    auto_error=False,
)

# status -> (when it happens, its error codes); the first code is the example's
ERRORS: dict[int, tuple[str, tuple[str, ...]]] = {
    400: ("The request body is not valid JSON.", ("invalid_json",)),
    401: ("No API key, or one that is unknown or revoked.", ("missing_api_key", "invalid_api_key")),
    403: ("The key's role is too low for this route.", ("insufficient_role",)),
    404: (
        "The document (or model, or conversation) does not exist, or the key may not see it.",
        ("document_not_found", "model_not_found", "conversation_not_found", "not_found"),
    ),
    408: (
        "The request body stopped arriving (`api.body_timeout_s`).",
        ("request_timeout",),
    ),
    413: (
        "The request body (or upload, or document) is over its limit.",
        ("body_too_large", "upload_too_large", "document_too_large"),
    ),
    415: ("The upload is no PDF, DOCX, HTML, text or Markdown file.", ("unsupported_format",)),
    422: (
        "A parameter or body field is invalid (empty or too long question, bad filter, ...).",
        (
            "invalid_request",
            "empty_question",
            "question_too_long",
            "invalid_conversation_id",
            "missing_file",
            "missing_file_name",
            "too_many_figures",
        ),
    ),
    429: (
        "Too many requests for this key, or too many failed key checks from this address; "
        "see `Retry-After`.",
        ("rate_limited",),
    ),
    500: ("An unexpected error; quote the request id.", ("internal_error",)),
    503: (
        "The index is empty (run `policy-assistant ingest`), or the state store is busy.",
        ("index_not_ready", "state_unavailable"),
    ),
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's error responses (``responses=``): each status with the one error shape, when
    it happens, its codes and an example. 500 is always among them."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in sorted({*statuses, 500}):
        description, codes = ERRORS[status]
        listed = ", ".join(f"`{c}`" for c in codes)
        out[status] = {
            "model": ErrorResponse,
            "description": f"{description} Codes: {listed}.",
            "content": {
                "application/json": {
                    "example": {
                        "error": {
                            "code": codes[0],
                            "message": description,
                            "request_id": "4f1c2a9e0b7d4e2f9a8c6b5d3e1f0a2b",
                        }
                    }
                }
            },
        }
    return out


def install_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` from local assets; create the app with
    ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not added."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(_assets())), name="docs-assets")
    oauth2_redirect = SWAGGER_UI_REDIRECT

    @app.get(SWAGGER_UI, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _local_only(
            get_swagger_ui_html(
                openapi_url=f"{root}{app.openapi_url}",
                title=f"{app.title} - Swagger UI",
                oauth2_redirect_url=f"{root}{oauth2_redirect}",
                swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            )
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _local_only(
            get_redoc_html(
                openapi_url=f"{root}{app.openapi_url}",
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
                with_google_fonts=False,
            )
        )


def _local_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = DOCS_POLICY
    return page


def _assets() -> Any:
    """The folder of ``swagger-ui-bundle.js``, ``swagger-ui.css``, ``redoc.standalone.js``."""
    return files("fastapi_offline") / "static"
