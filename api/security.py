"""What every response carries, and who the client is.

:class:`ResponseGuard` (outermost ASGI middleware):

- **request id**: a client's ``X-Request-ID`` is kept only when it is a short token
  (:data:`REQUEST_ID`); anything else is replaced by a new id. The id is in every response's
  ``X-Request-ID`` and in every error body.
- **security headers** on every response: a Content-Security-Policy (the pages may load only
  their own scripts, styles and images; an SVG chart no script at all; JSON nothing),
  ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` and ``Referrer-Policy``.
- **relative redirects**: a redirect (the trailing-slash one) points to a path, never to a
  host taken from the ``Host`` header.

The client address is the connecting address, or, for a request from one of
``auth.trusted_proxies``, the last address in ``X-Forwarded-For`` that is not a trusted proxy
(uvicorn's ``ProxyHeadersMiddleware``, added by :func:`install_security` only then).
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit, urlunsplit

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.openapi import DOCS_PAGES, DOCS_POLICY
from corpus import Settings

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
SELF_ONLY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# the API docs (/docs, /redoc) are served from local assets (api.openapi): their own policy,
# which lets their inline start-up script run and loads nothing from elsewhere
API_DOCS = DOCS_POLICY
# matplotlib's SVG styles itself with a <style> element; nothing else may load or run
SVG = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
NOTHING = "default-src 'none'; frame-ancestors 'none'"
COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def client_request_id(value: str | None) -> str:
    """The client's request id when it is a short token, else a new one."""
    if value is not None and REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def relative_location(location: str) -> str:
    """``http://any.host/api/v1/x?y=1`` → ``/api/v1/x?y=1``; a path stays as it is."""
    parts = urlsplit(location)
    if not (parts.scheme or parts.netloc):
        return location
    path = "/" + parts.path.lstrip("/")  # never '//host': that is a host again
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def content_policy(content_type: str, path: str, docs_paths: frozenset[str]) -> str:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "text/html":
        return API_DOCS if path in docs_paths else SELF_ONLY
    if kind == "image/svg+xml":
        return SVG
    return NOTHING


class ResponseGuard:
    """The request id, the security headers and relative redirects (see the module doc)."""

    def __init__(self, app: ASGIApp, *, docs_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
        rid = client_request_id(asked.decode("latin-1") if asked is not None else None)
        scope.setdefault("state", {})["request_id"] = rid

        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = rid
                for name, value in COMMON.items():
                    headers[name] = value
                headers["content-security-policy"] = content_policy(
                    headers.get("content-type", ""), scope["path"], self.docs_paths
                )
                if 300 <= message["status"] < 400 and "location" in headers:
                    headers["location"] = relative_location(headers["location"])
            await send(message)

        await self.app(scope, receive, guarded)


def install_security(app: FastAPI, settings: Settings) -> None:
    """Add the trusted-proxy reading (when proxies are configured) and the response guard;
    call it after every other middleware, so the guard is outermost."""
    if settings.auth.trusted_proxies:
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.auth.trusted_proxies)
    app.add_middleware(ResponseGuard, docs_paths=DOCS_PAGES)
