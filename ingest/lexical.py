"""BM25 over the chunks with Dutch stopwords and the ``dutch_porter`` stemmer (bm25s + PyStemmer).

``dutch_porter`` rather than Snowball ``dutch``: the latter maps begeleiding to "beleid" and
gemeente to "meen". Scores are computed for every chunk, so metadata filters are exact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpus.synonyms import matched_groups

_IDS_FILE = "chunk_ids.json"


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("dutch_porter")


def _tokenize(texts: list[str], stemmer: Any) -> Any:
    import bm25s

    return bm25s.tokenize(texts, stopwords="nl", stemmer=stemmer, show_progress=False)


class BM25Index:
    """A persisted bm25s index whose rows are chunk ids."""

    def __init__(self, retriever: Any, chunk_ids: list[str]) -> None:
        self._retriever = retriever
        self.chunk_ids = chunk_ids
        self._stemmer = _stemmer()
        self._form_words: dict[str, list[str]] = {}  # synonym form -> its known stems

    @classmethod
    def build(cls, chunk_ids: Sequence[str], texts: Sequence[str]) -> BM25Index:
        import bm25s

        retriever = bm25s.BM25()
        if texts:
            retriever.index(_tokenize(list(texts), _stemmer()), show_progress=False)
        return cls(retriever, list(chunk_ids))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.chunk_ids:
            self._retriever.save(str(folder))
        (folder / _IDS_FILE).write_text(json.dumps(self.chunk_ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        import bm25s

        chunk_ids = json.loads((folder / _IDS_FILE).read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(folder)) if chunk_ids else bm25s.BM25()
        return cls(retriever, chunk_ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the query, with synonyms: a synonym group found in the
        query adds the score of its best-matching term per chunk ("social assistance" scores
        a chunk as "bijstand" or as "uitkering", whichever is higher), not the sum of all its
        terms, so a group of many common words cannot drown a rare question word."""
        if not self.chunk_ids:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        total = np.zeros(len(self.chunk_ids), dtype=np.float32)
        grouped: set[str] = set()
        for terms in matched_groups(query):
            forms = [self._known_form(t) for t in terms]
            grouped.update(w for f in forms for w in f)
            scored = [self._retriever.get_scores(f) for f in forms if f]
            if scored:
                total += np.asarray(scored, dtype=np.float32).max(axis=0)
        plain = [w for w in self._known(query) if w not in grouped]
        if plain:
            total += np.asarray(self._retriever.get_scores(plain), dtype=np.float32)
        return total

    def _known_form(self, form: str) -> list[str]:
        """``_known`` of a synonym form, kept: the vocabulary's forms recur in every query."""
        words = self._form_words.get(form)
        if words is None:
            words = self._form_words[form] = self._known(form)
        return words

    def _known(self, text: str) -> list[str]:
        """The stemmed words of ``text`` that the index knows."""
        tokens = _tokenize([text], self._stemmer)
        inverse = {index: word for word, index in tokens.vocab.items()}
        words = [inverse[i] for i in tokens.ids[0] if i in inverse]
        return [w for w in words if w in self._retriever.vocab_dict]
