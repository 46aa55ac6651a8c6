"""The settings table, generated from ``Settings`` for ``--help``, the README and a doc test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import AliasChoices, BaseModel

from corpus import BUNDLED_CORPUS_DIR, Settings

PREFIX = "POLICY_ASSISTANT_"


def _default(field: Any) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return ""
        return str([str(v) for v in value]) if isinstance(value, list) else str(value)
    return "" if field.default is None else str(field.default)


def iter_settings() -> Iterator[tuple[str, str, str, str]]:
    """(env var, type, default, description) for every leaf setting."""
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for sub, subfield in annotation.model_fields.items():
                yield (
                    f"{PREFIX}{name.upper()}__{sub.upper()}",
                    _type_name(subfield.annotation),
                    _default(subfield),
                    subfield.description or "",
                )
        else:
            alias = field.validation_alias
            yield (
                alias.choices[0]
                if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str)
                else f"{PREFIX}{name.upper()}",
                _type_name(annotation),
                _default(field),
                field.description or "",
            )


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("pathlib.", "")


def settings_table() -> str:
    rows = ["| Variable | Type | Default | Description |", "|---|---|---|---|"]
    for env, type_name, default, description in iter_settings():
        shown = default.replace(str(BUNDLED_CORPUS_DIR), "<bundled corpus>")
        rows.append(f"| `{env}` | {type_name.replace('|', '/')} | `{shown}` | {description} |")
    return "\n".join(rows)
