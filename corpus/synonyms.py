"""Synonym vocabulary (``vocab/synonyms.toml``) for query expansion and subject matching."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

_VOCAB = Path(__file__).with_name("vocab") / "synonyms.toml"


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, dict[str, tuple[str, ...]]]:
    with _VOCAB.open("rb") as handle:
        raw = tomllib.load(handle)
    return {section: {k: tuple(v) for k, v in groups.items()} for section, groups in raw.items()}


def expand_query(query: str) -> str:
    """Append the synonyms of every vocabulary term found in ``query``."""
    low = query.lower()
    extra: list[str] = []
    for groups in synonym_groups().values():
        for terms in groups.values():
            if any(re.search(rf"(?<![\w-]){re.escape(t)}", low) for t in terms):
                extra.extend(t for t in terms if t not in low)
    return f"{query} {' '.join(extra)}" if extra else query
