"""Synonym vocabulary (``vocab/synonyms.toml``): the groups a query names, for BM25 and sentence
scoring, and the subjects the metrics module matches."""

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


def _form_pattern(term: str) -> str:
    """A term matches at a word start; a long one also as a prefix ("uitkering" in
    "uitkeringen"), a short one only as a whole word ("sw" is not in "swimming")."""
    return re.escape(term) + (r"\b" if len(term) < 5 else "")


@lru_cache(maxsize=1)
def _group_patterns() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    """Per group: one pattern matching any of its terms, and the terms."""
    return [
        (
            re.compile(
                rf"(?<![\w-])(?:{'|'.join(_form_pattern(t) for t in sorted(terms, key=len, reverse=True))})"
            ),
            terms,
        )
        for groups in synonym_groups().values()
        for terms in groups.values()
    ]


def group_matches(query: str) -> list[tuple[tuple[str, ...], list[str]]]:
    """The synonym groups with a term in ``query``: each group's terms (canonical first) and
    the pieces of the (lower-cased) query that matched."""
    low = query.lower()
    out = []
    for pattern, terms in _group_patterns():
        found = [m.group(0) for m in pattern.finditer(low)]
        if found:
            out.append((terms, found))
    return out


def matched_groups(query: str) -> list[tuple[str, ...]]:
    """The synonym groups with a term in ``query`` (each group's terms, canonical first)."""
    return [terms for terms, _ in group_matches(query)]


def subject_name(key: str) -> str:
    """A subject as a person reads it: its synonym group's canonical term ("re_integratie" ->
    "re-integratie"); a key of no group with its underscores as spaces."""
    for groups in synonym_groups().values():
        if groups.get(key):
            return groups[key][0]
    return key.replace("_", " ")
