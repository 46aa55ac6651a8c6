"""The HTTP/1.1 protocol `serve` runs: uvicorn's, guarded against slow and oversized requests.

uvicorn closes an idle keep-alive connection (``api.keep_alive_s``), but it waits for ever on
a connection that sends half a request line or headers ("slowloris"), and it answers what its
parser refuses in plain text. This protocol class (``uvicorn.run(http=...)``) adds:

- a **head deadline**: the request line and headers must arrive within
  ``api.header_timeout_s`` of the connection (or of the next request's first byte); then a
  408 ``request_timeout`` and the connection is closed (a connection that sent nothing is
  just closed);
- a **head size limit** (:data:`corpus.settings.MAX_REQUEST_HEAD_BYTES`): a longer request
  line is a 414 ``uri_too_long``, longer headers a 431 ``headers_too_large``;
- the refusals of uvicorn's own parser (malformed HTTP) in the one error shape (400
  ``bad_request``) instead of plain text.

Slow request bodies are the app's part (:mod:`api.limits`, ``api.body_timeout_s``).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from functools import cache
from typing import Any

from corpus import Settings
from corpus.settings import MAX_REQUEST_HEAD_BYTES

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Protocol
except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Protocol  # type: ignore[assignment]

LINGER_S = 1.0
_REASONS = {
    400: "Bad Request",
    408: "Request Timeout",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
}


@cache
def _header_timeout() -> float:
    """The head deadline of this worker, read once from the settings (the environment)."""
    return Settings().api.header_timeout_s


def error_bytes(status: int, code: str, message: str) -> bytes:
    """A complete HTTP/1.1 response in the one error shape, closing the connection."""
    rid = uuid.uuid4().hex
    body = json.dumps({"error": {"code": code, "message": message, "request_id": rid}}).encode()
    head = (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        f"x-request-id: {rid}\r\n"
        "x-content-type-options: nosniff\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class GuardedHTTPProtocol(_Protocol):
    """uvicorn's HTTP/1.1 protocol with a head deadline, a head size limit and JSON refusals."""

    max_head_bytes = MAX_REQUEST_HEAD_BYTES

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0  # bytes of the current request head received so far
        self._head_tail = b""  # the last 3 bytes, to find a CRLF CRLF split over two reads
        self._line_done = False
        self._refused = False
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # answered and closing: what else comes is dropped
        if self._awaiting_head():
            if self._head_timer is None:
                self._arm_head_timer()
            if not self._count_head(data):
                return
        super().data_received(data)
        if self.transport.is_closing() or not self._awaiting_head():
            # the head is complete (a request is being served) or the connection is done
            self._cancel_head_timer()
            self._head_bytes, self._head_tail, self._line_done = 0, b"", False

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "bad_request", "the request is not valid HTTP/1.1 and was not read")

    # ----- internals ----------------------------------------------------------------------
    def _awaiting_head(self) -> bool:
        """No request is being served: the next bytes belong to a request line or headers."""
        cycle: Any = self.cycle
        return cycle is None or bool(cycle.response_complete)

    def _count_head(self, data: bytes) -> bool:
        """Count ``data`` towards the request head; False (and refused) when it is too long."""
        seen = self._head_tail + data
        end = seen.find(b"\r\n\r\n")
        self._line_done = self._line_done or b"\r\n" in seen
        taken = len(data) if end == -1 else end + 4 - len(self._head_tail)
        self._head_bytes += taken
        self._head_tail = seen[-3:]
        if self._head_bytes <= self.max_head_bytes:
            return True
        if self._line_done:
            self._refuse(431, "headers_too_large", "the request headers are too long")
        else:
            self._refuse(414, "uri_too_long", "the request URL (path and query) is too long")
        return False

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(_header_timeout(), self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or not self._awaiting_head():
            return
        if self._head_bytes == 0:
            self.transport.close()  # connected, or kept alive, and sent nothing
            return
        self._refuse(408, "request_timeout", "the request line and headers did not arrive in time")

    def _refuse(self, status: int, code: str, message: str) -> None:
        """Answer in the error shape and close. The close lingers (up to
        :data:`LINGER_S`, reading and dropping what the client still sends): closing with
        unread data would reset the connection and could lose the answer on its way."""
        self._cancel_head_timer()
        if self.transport.is_closing() or self._refused:
            return
        self._refused = True
        self.transport.write(error_bytes(status, code, message))
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_S, self.transport.close)
        else:
            self.transport.close()
