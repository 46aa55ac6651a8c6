"""The documents a question names: by kind and year ("het Uitvoeringsprogramma EAA 2025",
"the EAA framework") or by a phrase of a title ("'Werk maken van werk'").

A passage of a named document is the one the asker means, so it ranks above a passage of another
document that holds the same words. A question that names no document, or names every one,
points at none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.language import vocab_table, words, years_in

TITLE_WORDS = 3  # a run of this many title words (not all function words) names its document


def _type_words() -> dict[str, list[str]]:
    return {str(k): [str(w).lower() for w in v] for k, v in vocab_table("document_types").items()}


def _names(low: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", low) is not None


def _by_type(low: str, years: set[str], documents: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """Documents whose kind the question names, with the year when it names years (the
    document's year or the title's)."""
    asked = {t for t, forms in _type_words().items() if any(_names(low, f) for f in forms)}
    named = set()
    for doc_id, entry in documents.items():
        kind = str(entry.get("doc_type") or "")
        title = str(entry.get("title") or "").lower()
        if not (kind in asked or any(_names(title, t) for t in asked)):
            continue
        held = {str(entry.get("year") or "")} | set(years_in(title))
        if not years or years & held:
            named.add(doc_id)
    return named


def _title_runs(documents: Mapping[str, Mapping[str, Any]]) -> dict[str, set[str]]:
    """Every run of TITLE_WORDS title words (no figures) -> the documents whose title holds it."""
    runs: dict[str, set[str]] = {}
    for doc_id, entry in documents.items():
        title = words(str(entry.get("title") or ""))
        for i in range(len(title) - TITLE_WORDS + 1):
            run = " ".join(title[i : i + TITLE_WORDS])
            if not any(ch.isdigit() for ch in run):
                runs.setdefault(run, set()).add(doc_id)
    return runs


def _named_runs(question: str, documents: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The title runs in ``question`` that only one title holds ("werk maken van werk") -> that
    document."""
    low = " ".join(words(question))
    return {
        run: next(iter(docs))
        for run, docs in _title_runs(documents).items()
        if len(docs) == 1 and _names(low, run)
    }


def named_documents(question: str, documents: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The documents ``question`` names (doc ids), or an empty set."""
    low = " ".join(question.lower().split())
    named = _by_type(low, set(years_in(question)), documents)
    named |= set(_named_runs(question, documents).values())
    return named if len(named) < len(documents) else set()
