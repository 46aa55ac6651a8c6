"""Loaders for the word lists in ``vocab/questions.toml`` and ``vocab/words.toml``."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

_QUESTIONS = Path(__file__).with_name("vocab") / "questions.toml"
_WORDS = Path(__file__).with_name("vocab") / "words.toml"


@lru_cache(maxsize=1)
def _questions() -> dict[str, Any]:
    with _QUESTIONS.open("rb") as handle:
        return tomllib.load(handle)


def kind_words() -> dict[str, list[str]]:
    return dict(_questions()["kinds"])


def municipality_words() -> dict[str, list[str]]:
    return dict(_questions()["municipalities"])


@lru_cache(maxsize=1)
def question_stopwords() -> frozenset[str]:
    from metrics.query import stem_tokens

    words = _questions()["stopwords"]["words"]
    return frozenset(s for w in words for s in stem_tokens(w))


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    with _WORDS.open("rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Words a label or heading cannot end with."""
    return frozenset(_words()["function_words"])


@lru_cache(maxsize=1)
def label_stopwords() -> frozenset[str]:
    """Words trimmed from the ends of a measure label."""
    return function_words() | frozenset(_words()["label_stopwords"])
