"""The lead and the short quotes of an answer (part of stage 6, compose).

The lead is one or two sentences of at most LEAD_WORDS words that answer the question: for a
figure answer the figure rows it rests on (number with unit, municipality, period in words,
kind; as many of the shown rows as fit, what they share told once; then the first row's own
sentence when it states a figure beside the row and fits), for a passages answer
the best source's own words named by title, page and lines (with the figures stated right
beside its sentence when that states one, or the question asks one). A
partial answer's lead starts with the short form of what is missing; the full note stands
below it. A quote shown under the lead is cut to EXCERPT_CHARS characters around the
sentences that hold the question's words (and, for a figure question, a figure).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant.figure_text import Note, describe_lead, describe_leads, phrases
from assistant.language import Language, Term, stems
from assistant.markup import as_text
from assistant.numeric import read_number
from assistant.pipeline.units import figure_count, figures_in
from assistant.sentences import coverage, split_sentences, stem_coverage

LEAD_WORDS = 40  # issue 19: a lead of at most about 40 words
ANSWER_WORDS = 120  # ... and a figure answer of at most about 120 words, without "meer"
EXCERPT_CHARS = 300  # a quote under the lead is at most about this long
# a lead's sentence and the figure sentences beside it, before the run is cut to the lead
NEIGHBOUR_WORDS = 2 * LEAD_WORDS
TABLE_WORDS = 4  # a run of text with a figure in every 4 words is table rows, not prose
GRID_WORDS = 2  # ... and with one in every 2 words a grid of figures that needs its headings
MIN_SENTENCE_WORDS = 8  # a passage lead quotes at least this many words of its sentence
MIN_MEASURE_WORDS = 2  # a figure lead names what it counts in at least this many words
ELLIPSIS = "…"


def word_count(text: str) -> int:
    return len(text.split())


def _score(text: str, terms: Sequence[Term], idf: dict[str, float], figure: bool) -> tuple:
    """How well a piece of text answers: a figure first (for a figure question), then the
    question's words."""
    return (figure and figure_count(text) > 0, coverage(terms, text, idf) if terms else 0.0)


def window(
    text: str,
    size: int,
    terms: Sequence[Term],
    idf: dict[str, float],
    figure: bool,
    *,
    most_figures: bool = False,
) -> str:
    """``text`` itself when it has at most ``size`` words, else the run of ``size`` words that
    answers best (the first on a tie), with an ellipsis where words are left out. Best is a
    figure (for a figure question), then the question's words, then the most figures; with
    ``most_figures`` the most figures come first."""
    words = text.split()
    if len(words) <= size:
        return text
    size = max(size, 1)
    # each word's stems, read once: a run's stems are those of its words in turn (``stems``
    # finds words within whitespace), not the run's text stemmed again for every start
    word_stems = [stems(w) for w in words] if terms else []

    def key(i: int) -> tuple:
        """``_score`` of the run from word ``i`` (and its figures), as that of its text."""
        part = " ".join(words[i : i + size]) if figure else ""
        cover = (
            stem_coverage(terms, frozenset(itertools.chain(*word_stems[i : i + size])), idf)
            if terms
            else 0.0
        )
        if not figure:
            return (figure, cover, -i)
        figures = figure_count(part)
        if most_figures:
            return (figures, figures > 0, cover, -i)
        return (figures > 0, cover, figures, -i)

    best = max(range(len(words) - size + 1), key=key)
    part = " ".join(words[best : best + size])
    head = f"{ELLIPSIS} " if best > 0 else ""
    tail = f" {ELLIPSIS}" if best + size < len(words) else ""
    return f"{head}{part}{tail}"


def table_like(text: str, words: int = TABLE_WORDS) -> bool:
    """Rows of a table rather than a sentence: at least one figure in every ``words`` words
    ("Totaal 3.700.445 3.695.772 3.813.336")."""
    return figure_count(text) * words >= max(word_count(text), 1)


def sentences_of(quote: str) -> list[str]:
    """The sentences of a quote (the quote itself when it has none)."""
    return [s.text for s in split_sentences([(0, quote)])] or [quote]


def best_sentence(
    quotes: Sequence[str],
    terms: Sequence[Term],
    idf: dict[str, float],
    figure: bool,
    fits: Callable[[str], bool] | None = None,
) -> tuple[int, str]:
    """The quote (its index) and sentence a lead quotes: for a figure question the sentence
    of the first quote that states a figure and holds the question's words, a figure of the
    kind asked first (``fits``: a count, a share or an amount), then most of the question's
    words; otherwise (or when no quote has one) the first quote's sentence holding most of
    the question's words (the first on a tie)."""
    split = [sentences_of(q) for q in quotes]
    if figure:
        for number, sentences in enumerate(split):
            found = [s for s in sentences if figure_count(s) > 0 and coverage(terms, s, idf) > 0]
            if found:
                return number, max(
                    found, key=lambda s: (fits is None or fits(s), coverage(terms, s, idf))
                )
    sentences = split[0] if split else [""]
    best = max(sentences, key=lambda s: coverage(terms, s, idf)) if terms else sentences[0]
    return 0, best


def with_neighbours(
    quote: str, sentence: str, room: int, terms: Sequence[Term], idf: dict[str, float]
) -> str:
    """``sentence`` of ``quote`` with the sentences right before and after it that state a
    figure too ("Ons doel was ... 43,5%. Met een resultaat van 57,4% haalden we het doel
    ruim."), while the run has at most ``room`` words: the figures a result, its target or
    its starting point stand beside. Of the two neighbours the one holding more of the
    question's words comes first (the next one on a tie). ``sentence`` alone when it is no
    sentence of the quote."""
    sentences = sentences_of(quote)
    if sentence not in sentences:
        return sentence
    first = last = sentences.index(sentence)
    size = word_count(sentence)
    while True:
        fits = [
            i
            for i in (last + 1, first - 1)
            if 0 <= i < len(sentences)
            and figure_count(sentences[i]) > 0
            and size + word_count(sentences[i]) <= room
        ]
        if not fits:
            return " ".join(sentences[first : last + 1])
        i = max(fits, key=lambda i: (coverage(terms, sentences[i], idf), i > last))
        size += word_count(sentences[i])
        first, last = min(first, i), max(last, i)


def excerpt(
    quote: str,
    terms: Sequence[Term],
    idf: dict[str, float],
    figure: bool,
    limit: int = EXCERPT_CHARS,
) -> str:
    """A quote cut to about ``limit`` characters: its best sentences in their order (a figure
    first for a figure question, then the question's words), an ellipsis where sentences are
    left out; one sentence over the limit is cut to its best words."""
    if len(quote) <= limit:
        return quote
    sentences = [s.text for s in split_sentences([(0, quote)])] or [quote]
    order = sorted(
        range(len(sentences)), key=lambda i: (*_score(sentences[i], terms, idf, figure), -i)
    )[::-1]
    keep: set[int] = set()
    size = 0
    for i in order:
        if keep and (
            size + len(sentences[i]) > limit or not any(_score(sentences[i], terms, idf, figure))
        ):
            continue  # after the best sentence, only those that fit and answer something
        keep.add(i)
        size += len(sentences[i]) + 2
    parts: list[str] = []
    for i, sentence in enumerate(sentences):
        if i in keep:
            words = limit // 7  # about 7 characters a word
            while len(sentence) > limit and words >= MIN_SENTENCE_WORDS:
                sentence = window(sentences[i], words, terms, idf, figure)
                words -= 4
            if parts and parts[-1] == ELLIPSIS and sentence.startswith(ELLIPSIS):
                parts.pop()
            parts.append(sentence)
        elif not parts or not parts[-1].endswith(ELLIPSIS):
            parts.append(ELLIPSIS)
    return " ".join(parts)


def with_notes(lead: str, notes: Sequence[Note]) -> str:
    """A partial answer's lead: the short form of what is missing first (the first note)."""
    return " ".join([notes[0].short, lead]) if notes else lead


def figure_lead(
    rows: Sequence[tuple[dict[str, Any], str]], notes: Sequence[Note], lang: Language
) -> str:
    """The lead of a figure answer (``told_figures``)."""
    return told_figures(rows, notes, lang)[0]


def told_figures(
    rows: Sequence[tuple[dict[str, Any], str]],
    notes: Sequence[Note],
    lang: Language,
    limit: int = LEAD_WORDS,
) -> tuple[str, int]:
    """The lead of a figure answer and how many of ``rows`` (each with its citation id, best
    first) it states: as many as fit in LEAD_WORDS words (and in ``limit``, the room the
    answer's other parts leave), what they share told once (``describe_leads``), the
    measures' words shortened before a row is left out. The first row is always stated."""
    lead = with_notes("", notes)
    for count in range(len(rows), 0, -1):
        room = LEAD_WORDS if count == 1 else min(LEAD_WORDS, limit)
        for cap in (None, 8, 5, 3, MIN_MEASURE_WORDS):
            if count == 1:
                told = describe_lead(rows[0][0], rows[0][1], lang, cap)
            else:
                told = describe_leads(rows[:count], lang, cap)
            lead = with_notes(told, notes)
            if word_count(lead) <= room:
                return lead, count
    return lead, 1 if rows else 0


def with_sentence(
    lead: str,
    quote: str,
    line: str,
    terms: Sequence[Term],
    idf: dict[str, float],
    lang: Language,
) -> str:
    """A figure lead with the sentence of its first row's quote that states the row (the one
    sharing most words with the row's own ``line``) when that sentence states a figure the
    lead does not and the lead has room for it: the target, the comparison or the parts a
    figure is told with ("… stijging van 1,14% … ten opzichte van een landelijke stijging van
    0,49%."). When that sentence states only the lead's own figures, the figure-stating
    sentences right beside it come along (``with_neighbours``), cut to the words that state
    the most figures: "Er zijn 180 mensen aan een opleiding begonnen. Van hen heeft 28%
    inmiddels werk ...". A grid of figures is left out: its figures need the table's
    headings."""
    template = str(phrases(lang)["lead_row_sentence"])
    # 2: the ellipses of a cut sentence
    room = LEAD_WORDS - word_count(lead) - word_count(template.format(sentence="")) - 2
    own = set(line.lower().split())
    if room < MIN_SENTENCE_WORDS or not quote or not own:
        return lead
    sentence = max(sentences_of(quote), key=lambda s: len(own & set(s.lower().split())))
    if not own & set(sentence.lower().split()):
        return lead
    told = window(sentence, room, terms, idf, True, most_figures=True)
    leads = stated_values(lead, lang, "nl")
    if not stated_values(told, "nl") - leads and not table_like(sentence):
        # its figures are the lead's own: the figure-stating sentences beside it, as in a
        # passages lead
        told = window(
            with_neighbours(quote, sentence, NEIGHBOUR_WORDS, terms, idf),
            room,
            terms,
            idf,
            True,
            most_figures=True,
        )
    if table_like(told, GRID_WORDS):
        return lead
    if not stated_values(told, "nl") - leads:
        return lead  # its figures are the lead's own ("1,14%" is "1.14%" in English)
    return f"{lead} {template.format(sentence=as_text(told))}"


def stated_values(text: str, *languages: Language) -> set[float]:
    """The values of the figures ``text`` states, each numeral read with the marks of each of
    ``languages`` (``numeric.read_number``: Dutch 6.143 and 1,14; English 6,143 and 1.14)."""
    read = (read_number(numeral, lang) for numeral in figures_in(text) for lang in languages)
    return {round(value, 6) for value in read if value is not None}


def with_year(quote: str, sentence: str, years: Sequence[str]) -> str:
    """``sentence`` of ``quote`` with the sentence right after (else before) it that states a
    figure for one of the asked ``years``, when ``sentence`` names none of them; else
    ``sentence``."""
    sentences = sentences_of(quote)
    if not years or sentence not in sentences or any(y in sentence for y in years):
        return sentence
    at = sentences.index(sentence)
    for i in (at + 1, at - 1):
        if not 0 <= i < len(sentences):
            continue
        other = sentences[i]
        if any(y in other for y in years) and figure_count(other) > 0:
            return " ".join(sentences[min(at, i) : max(at, i) + 1])
    return sentence


def passage_lead(
    citations: Sequence[Mapping[str, Any]],
    notes: Sequence[Note],
    terms: Sequence[Term],
    idf: dict[str, float],
    lang: Language,
    figure: bool,
    *,
    counts: bool = True,
    years: Sequence[str] = (),
    fits: Callable[[str], bool] | None = None,
    choice: tuple[int, str] | None = None,
) -> str:
    """ "Volgens <title> (<page, lines>): “<its best sentence>” [c1]", the sentence cut to
    the words the lead has room for; a sentence that states a figure (or any sentence of a
    figure question) comes with the figure-stating sentences right beside it
    (``with_neighbours``), unless the figures are no counts (``counts``: a list's or a
    definition's numbers). When they do not fit whole, the run is cut to the words that
    state the most figures ("… bepaald op 120. Tot en met het derde kwartaal zijn er 97 …"),
    so a result is not left out for want of room beside its target; a table row
    (``table_like``) only gets the rows beside it that fit whole. A sentence that does not
    name the year the question asks (one of ``years``) comes with the sentence right beside
    it that states a figure for that year (``with_year``), the two cut to the words around
    that figure: "… moet de bruto arbeidsdeelname omhoog. In 2021 was dat 61,4%.".
    ``choice``: the quote (its index) and sentence to quote, as ``lead_choice.LeadModel``
    chose them; else ``best_sentence``'s."""
    if not citations:
        return with_notes("", notes)
    quotes = [str(c["quote"]) for c in citations]
    number, sentence = choice or best_sentence(quotes, terms, idf, figure, fits)
    cited = citations[number]
    template = str(phrases(lang)["lead_passage"])
    values = {
        "title": as_text(str(cited.get("title") or cited.get("source"))),
        "location": str(cited.get("location") or ""),
        "cid": cited["id"],
    }
    frame = with_notes(template.format(**values, sentence=""), notes)
    room = max(LEAD_WORDS - word_count(frame) - 2, MIN_SENTENCE_WORDS)  # 2: the ellipses
    # a sentence that states a figure is told with it: a cut keeps the figure, and the
    # figures stated right beside it come along (cut to the lead's room, see below)
    figure = figure or (counts and figure_count(sentence) > 0)
    run = sentence
    if figure and not table_like(sentence):
        # the figures stated right beside it come along; a run longer than the lead's room is
        # cut to the words that state the most figures (a result beside its target)
        run = with_neighbours(quotes[number], sentence, NEIGHBOUR_WORDS, terms, idf)
        if word_count(run) > room + 2:
            run = window(run, room, terms, idf, True, most_figures=True)
    elif figure:
        run = with_neighbours(quotes[number], sentence, room + 2, terms, idf)
    if counts and run == sentence:
        # the figure for the asked year beside it: cut to the words around that figure
        run = with_year(quotes[number], sentence, years)
        if run != sentence and word_count(run) > room + 2:
            run = window(run, room, [*terms, *years], idf, True)
    told = run if run != sentence else window(sentence, room, terms, idf, figure)
    return with_notes(template.format(**values, sentence=as_text(told)), notes)
