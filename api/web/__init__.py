"""The chat page's files: Jinja2 templates, static JS/CSS and the UI strings (``i18n.json``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


@cache
def ui_strings() -> dict[str, dict[str, str]]:
    """UI strings per language, from ``i18n.json`` (every language has the same keys)."""
    data: dict[str, dict[str, str]] = json.loads((WEB_DIR / "i18n.json").read_text("utf-8"))
    return data


__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "STATIC_DIR", "TEMPLATES_DIR", "WEB_DIR", "ui_strings"]
