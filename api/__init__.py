"""The HTTP API and the command line: the outermost layer.

``create_app`` is imported on first use, so the command line starts without fastapi.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api.app import create_app


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from api.app import create_app

        return create_app
    raise AttributeError(f"module 'api' has no attribute {name!r}")


__all__ = ["create_app"]
