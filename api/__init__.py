"""The HTTP API and the command line: the outermost layer."""

from api.app import create_app

__all__ = ["create_app"]
