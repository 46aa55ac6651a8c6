"""Question language (nl/en) from word lists, and stemmed content terms for matching.

The word lists live in ``vocab/language.toml``; the stemmer is PyStemmer ``dutch_porter``, as in
the BM25 index, so a question term and a passage word meet in the same stemmed form.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Container
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from corpus import municipalities
from corpus.synonyms import group_matches, synonym_groups

Language = Literal["nl", "en"]

_VOCAB = Path(__file__).with_name("vocab") / "language.toml"
_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ0-9'-]*|\d+(?:[.,]\d+)*", re.I)


@lru_cache(maxsize=1)
def _vocab() -> dict[str, Any]:
    with _VOCAB.open("rb") as handle:
        return tomllib.load(handle)


def vocab_table(section: str) -> dict[str, Any]:
    """A table of ``vocab/language.toml`` (e.g. ``document_types``)."""
    return dict(_vocab()[section])


def word_list(section: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _vocab()[section]["words"])


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def language_votes(text: str) -> dict[Language, int]:
    """How many Dutch and English function words ``text`` holds."""
    tokens = words(text)
    return {lang: sum(1 for t in tokens if t in word_list(lang)) for lang in ("nl", "en")}


def detect_language(question: str) -> Language:
    """``en`` when English function words outnumber Dutch ones; ``nl`` otherwise."""
    votes = language_votes(question)
    return "en" if votes["en"] > votes["nl"] else "nl"


def question_kind(question: str) -> str | None:
    """``definition``, ``list`` or ``reason`` when the question asks for one (patterns in
    ``vocab/language.toml``), else None."""
    low = " ".join(question.lower().split())
    for kind, patterns in _vocab()["question_kinds"].items():
        if any(re.search(p, low) for p in patterns):
            return str(kind)
    return None


def has_marker(text: str, section: str) -> bool:
    """Whether ``text`` holds a word of a marker list (``definition_markers``, ...)."""
    low = " ".join(words(text))
    return any(re.search(rf"\b{re.escape(m)}\b", low) for m in word_list(section))


def is_figure_question(question: str) -> bool:
    low = " ".join(words(question))
    return any(re.search(rf"\b{re.escape(cue)}\b", low) for cue in word_list("figure_cues"))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("dutch_porter")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return word_list("nl") | word_list("en") | word_list("stopwords")


def stems(text: str) -> list[str]:
    """Stemmed words of ``text`` (hyphenated words split), digits kept as they stand."""
    parts: list[str] = []
    for word in words(text.replace("é", "e").replace("ë", "e")):
        parts.extend(p for p in re.split(r"[-']", word) if p)
    return [str(s) for s in _stemmer().stemWords(parts)]


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry content: no function words, no bare numbers."""
    stop = _stopwords()
    kept: list[str] = []
    for word in words(text.replace("é", "e").replace("ë", "e")):
        for part in re.split(r"[-']", word):
            if part and part not in stop and not part[0].isdigit() and len(part) > 1:
                kept.append(part)
    return [str(s) for s in _stemmer().stemWords(kept)]


Term = str | tuple[str, ...]


@lru_cache(maxsize=1)
def _measure_forms() -> frozenset[str]:
    return frozenset(
        f.lower() for forms in synonym_groups().get("measures", {}).values() for f in forms
    )


def _form_stems(form: str) -> list[str]:
    """A synonym form's content stems. A figure measure that is a function word elsewhere
    ("gestart", "lopende") keeps its stems: in "hoeveel contracten zijn gestart?" it is the
    point of the question."""
    found = content_stems(form)
    if found or form.lower() not in _measure_forms():
        return found
    return [s for s in stems(form) if not s[:1].isdigit()]


def _alternatives(forms: tuple[str, ...]) -> tuple[str, ...]:
    """A synonym group's forms as stem phrases, the canonical (Dutch) one first."""
    return tuple(dict.fromkeys(" ".join(_form_stems(f)) for f in forms if _form_stems(f)))


def question_terms(question: str) -> list[Term]:
    """The question's content stems, where a word of a synonym group becomes one term that any
    form of the group meets: "social assistance" is met by "bijstand" and "uitkering", "goal" by
    "doelstelling". This lets an English question be scored against Dutch sentences."""
    covered: set[str] = set()
    groups: list[Term] = []
    matched = group_matches(question)
    low = question.lower()
    pieces = {f for _, found in matched for f in found}
    for forms, found in matched:
        # a group met only inside a longer word another group meets ("bijstand" in
        # "bijstandsgerechtigden") is that word's, not a second term
        inside = all(any(f != p and f in p for p in pieces) for f in found)
        if inside and not any(re.search(rf"\b{re.escape(f)}\b", low) for f in found):
            continue
        stems_found = {s for f in found for s in _form_stems(f)}
        alternatives = _alternatives(forms)
        if not alternatives or not stems_found or stems_found <= covered:
            continue
        covered |= stems_found
        # the forms the asker used first: a group weighs as its first form the corpus knows
        # ("tegenprestatie" weighs as itself, not as the common canonical "verplicht")
        asked = tuple(a for a in alternatives if set(a.split()) <= stems_found)
        groups.append(tuple(dict.fromkeys((*asked, *alternatives))))
    places = municipality_stems()
    plain = [t for t in content_stems(question) if t not in covered and t not in places]
    return [*groups, *(_separable(t) for t in plain)]


# the particles of Dutch separable verbs ("uitbreiden": "breiden ... uit")
_PARTICLES = "uit|in|op|af|aan|mee|door|over|toe|terug|voor|na|bij|weg|samen|vast|los|om|neer|vrij"
# a separable verb's participle ("uitgebreid") is met by its other forms too: the verb
# ("uitbreiden", "uitbreiding") and its stem split off from the particle ("breiden ... uit")
_PARTICIPLE = re.compile(rf"^({_PARTICLES})ge([a-z]{{4,}})$")


def _separable(stem: str) -> Term:
    m = _PARTICIPLE.match(stem)
    return (stem, m.group(1) + m.group(2), m.group(2)) if m else stem


@lru_cache(maxsize=1)
def _municipality_forms() -> dict[str, str]:
    return {form.lower(): mun.name for mun in municipalities() for form in mun.forms}


@lru_cache(maxsize=1)
def municipality_stems() -> frozenset[str]:
    """Stems of the municipality names and adjectives ("ensched", "hengeloes"): a question's
    place is matched to a document's municipality, not counted as a word."""
    return frozenset(s for form in _municipality_forms() for s in content_stems(form))


def asked_municipality(question: str) -> str | None:
    """The municipality a question names ("in Hengelo", "Hengelose uitkeringen"), or None."""
    forms = _municipality_forms()
    for word in words(question):
        if word in forms:
            return forms[word]
    low = question.lower()
    for form, name in forms.items():
        if " " in form and re.search(rf"\b{re.escape(form)}\b", low):
            return name
    return None


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def years_in(text: str) -> list[str]:
    """The calendar years (1900-2099) that ``text`` names, as written, in order."""
    return _YEAR.findall(text)


def whole_year_asked(question: str) -> str | None:
    """The year a question asks about as a whole ("hoeveel in heel 2019?"), or None."""
    low = " ".join(words(question))
    for year in years_in(question):
        for cue in word_list("whole_year"):
            if re.search(rf"\b{re.escape(cue.format(year=year))}\b", low):
                return year
    return None


_COUNTED = re.compile(
    r"\b(?:hoeveel|how many|how much|het aantal|the number of)\s+([^\W\d][\w-]*)", re.I
)


def counted_terms(question: str) -> list[Term]:
    """The stems of what a figure question counts: the word after "hoeveel" / "how many"
    ("hoeveel no-riskpolissen", "how many fte"). Empty when that word carries no subject
    ("hoeveel mensen", "hoeveel geld"), is a word of a synonym group (a broad subject the
    documents state in many words: "hoeveel bijstandsgerechtigden" is answered by "1.241
    trajecten ... van het bijstandsbestand"), or the question counts nothing."""
    found = _COUNTED.search(question)
    if not found:
        return []
    window = " ".join(words(question[found.start(1) :])[:3])  # "social assistance benefits"
    own = set(content_stems(found.group(1)))
    if not own:
        return []
    terms = question_terms(window)
    if any(not isinstance(t, str) and any(own & set(a.split()) for a in t) for t in terms):
        return []
    return [t for t in terms if isinstance(t, str) and t in own]


_CLAUSE_END = re.compile(rf"\b((?:{_PARTICLES})(?:\s+en\s+(?:{_PARTICLES}))*)\s*(?=[?!.,;]|$)")
_VERB_ENDINGS = ("den", "ten", "de", "te", "en", "t", "d")


def joined_particles(text: str, known: Container[str]) -> str:
    """A Dutch separable verb split over its clause ("hoeveel mensen stroomden dat jaar in en
    uit?", "waarom breiden we het team uit?") written whole beside it ("instroom uitstroom",
    "uitbreiden"), so that the question meets "instroom" and "uitbreiding". A joined form counts
    only when the corpus knows its stem (``known``: the idf table)."""
    out = text
    for clause in re.split(r"[,;?!]", text):
        m = _CLAUSE_END.search(clause)
        if not m:
            continue
        particles = [p for p in re.split(r"\s+en\s+", m.group(1)) if p]
        before = [w for w in words(clause[: m.start()]) if w not in _stopwords() and len(w) > 2]
        for word in before:
            joined = [_joined(particle, word, known) for particle in particles]
            if all(joined):
                out = re.sub(rf"\b{re.escape(word)}\b", " ".join(joined), out, count=1)
    return out


def _joined(particle: str, word: str, known: Container[str]) -> str:
    """``particle`` before ``word`` or its root ("in" + "stroomden" -> "instroom"), the
    shortest form whose stem ``known`` holds; empty when none."""
    roots = {word, *(word[: -len(e)] for e in _VERB_ENDINGS if word.endswith(e))}
    for root in sorted(roots, key=len):
        stem = stems(particle + root)
        if stem and stem[0] in known:
            return particle + root
    return ""
