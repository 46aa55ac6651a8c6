"""``policy-assistant ask`` through a server that is already up.

Loading the embedder and the index takes seconds; a running ``serve`` has them loaded. The CLI
asks ``GET /health`` at the configured host and port (a loopback address when the server
binds every address) with a short timeout, and uses the server only when it serves the same
index version as this data directory's ``index/CURRENT``, so an answer never comes from
another index. Anything else (no server, another index, auth on, a broken answer) falls back
to answering in the process. Only the standard library is used, so this path imports neither
fastapi nor the model.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from corpus import InvalidRequestError, Settings

HEALTH_TIMEOUT_S = 0.5
ASK_TIMEOUT_S = 120.0
_ANY_ADDRESS = {"0.0.0.0", "::", "[::]", ""}


@dataclass(frozen=True, slots=True)
class Server:
    base_url: str
    index_version: str


def server_url(settings: Settings) -> str:
    host = settings.api.host.strip()
    if host in _ANY_ADDRESS:
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.api.port}"


def local_index_version(settings: Settings) -> str | None:
    try:
        version = (settings.data_dir / "index" / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return version or None


def find_server(settings: Settings) -> Server | None:
    """The server at the configured address when it serves this data directory's index."""
    version = local_index_version(settings)
    if version is None:
        return None
    base = server_url(settings)
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=HEALTH_TIMEOUT_S) as response:
            health = json.loads(response.read())
    except (OSError, ValueError):
        return None
    if not isinstance(health, dict) or health.get("index_version") != version:
        return None
    return Server(base, version)


def ask_server(server: Server, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The server's ``/api/v1/ask`` answer; None when it cannot answer for us (auth, 5xx,
    a dropped connection); its 4xx verdict on the question is raised as the CLI's own error."""
    request = urllib.request.Request(
        f"{server.base_url}/api/v1/ask",
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=ASK_TIMEOUT_S) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403, 429) or exc.code >= 500:
            return None
        try:
            error = json.loads(exc.read())["error"]
        except (ValueError, KeyError, TypeError):
            return None
        raise InvalidRequestError(
            str(error.get("message", "")), code=str(error.get("code", "bad_request"))
        ) from None
    except (OSError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None
