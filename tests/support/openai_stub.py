"""A small OpenAI-protocol chat server on loopback, for real HTTP round trips in tests.

``POST /v1/chat/completions`` answers with ``reply(messages)`` (by default the cited passages
of the prompt, quoted: ``assistant.llm.reply_from_prompt``), after ``delay_s`` seconds.
Every request body is kept in ``requests``. Use it as a context manager::

    with OpenAIStub(reply=lambda messages: "...") as stub:
        settings = ...(llm={"backend": "openai", "base_url": stub.base_url})
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from assistant.llm import reply_from_prompt

Messages = list[dict[str, Any]]


def prompt_reply(messages: Messages) -> str:
    """The default reply: the passages of the last user message, quoted and labelled."""
    user = [m for m in messages if m.get("role") == "user"]
    return reply_from_prompt(str(user[-1]["content"]) if user else "")


class OpenAIStub:
    def __init__(
        self, reply: Callable[[Messages], str] | str = prompt_reply, delay_s: float = 0.0
    ) -> None:
        self.reply = reply
        self.delay_s = delay_s
        self.requests: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def user_prompts(self) -> list[str]:
        """The user message of every request received."""
        return [
            str(m["content"])
            for body in self.requests
            for m in body.get("messages", [])
            if m.get("role") == "user"
        ]

    def __enter__(self) -> OpenAIStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # a slow reply still waiting returns at once
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer(self, body: dict[str, Any]) -> dict[str, Any]:
        self.requests.append(body)
        if self.delay_s:
            self._stop.wait(self.delay_s)
        text = self.reply if isinstance(self.reply, str) else self.reply(body["messages"])
        return {
            "id": f"chatcmpl-stub-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "stub"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found", "type": "not_found"}})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                self._send(200, stub._answer(body))

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
