"""Request body limits, in the one error shape.

:class:`BodyLimitGuard` refuses a declared ``Content-Length`` over the limit before anything
is read, and counts the bytes of a body sent without one (chunked) as the route reads them.
Uploads (``POST /api/v1/documents``) have their own, larger limit. A body whose next part
does not arrive within ``api.body_timeout_s`` is a 408 ``request_timeout`` (a slow client
holds no worker for ever).
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import UPLOAD_PATH, BodyTooLargeError, error_response, too_large_response
from corpus import Settings

MULTIPART_SLACK = 64 * 1024  # form fields and part headers around the file


class BodyLimitGuard:
    """413 for a body over the limit; 400 for a Content-Length that is no number."""

    def __init__(
        self, app: ASGIApp, *, max_body: int, max_upload: int, body_timeout: float = 30.0
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        upload = request.method == "POST" and request.url.path.rstrip("/") == UPLOAD_PATH
        limit = self.max_upload if upload else self.max_body
        declared = request.headers.get("content-length")
        if declared is not None and not declared.isdigit():
            response = error_response(
                request, 400, "bad_request", "the Content-Length header is not a number"
            )
            await response(scope, receive, send)
            return
        if declared is not None and int(declared) > limit:
            await too_large_response(request, limit)(scope, receive, send)
            return
        received, complete = 0, False

        async def counted() -> Message:
            nonlocal received, complete
            if complete:  # only the disconnect is left to wait for, for as long as it takes
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                raise HTTPException(
                    408, f"the request body stopped arriving (nothing for {self.body_timeout:g} s)"
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
                complete = not message.get("more_body", False)
            else:
                complete = True
            return message

        await self.app(scope, counted, send)


def install_limits(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        BodyLimitGuard,
        max_body=settings.api.max_body_bytes,
        max_upload=settings.api.max_upload_bytes + MULTIPART_SLACK,
        body_timeout=settings.api.body_timeout_s,
    )
