"""Lists, tables and the headings a passage stands under: quotable units beside sentences.

A policy text often gives its answer as a list ("Dat leidt tot de volgende ambities: • ... •
...") or a table ("Totaal 3.700.445 3.695.772 ..."), whose lines are no sentences. A **block**
is such a list with its lead sentence, or a run of table lines, quoted whole (up to
``BLOCK_CHARS``; a longer one is cut at item boundaries into several blocks, each knowing its
lead). The **context** of a line is the heading above it ("Flextensie Beschrijving"): a
definition often names its subject only in the heading, so a passage is matched to a question
with its context, while its quote stays the verbatim source text.

Everything here works on raw ``(line number, text)`` pairs, like ``assistant.sentences``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.sentences import BULLET, Sentence, line_blocks, split_sentences

BLOCK_CHARS = 700
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*%?")
_NUMBERED_HEADING = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?\s*[^\W\d_][^\d]{1,58}")
_ROW_NUMBERS = 3  # a table row holds this many figures at least ...
_TABLE_SHARE = 0.6  # ... on this share of a block's lines
_LEAD = re.compile(
    r":\s*$|\b(?:volgende|onderstaande?|hieronder|als volgt)\b[^.!?]*[.:]?\s*$", re.IGNORECASE
)
_ANNOUNCES = re.compile(r"\b(?:hieronder|onderstaande?|volgende tabel|in tabel|below)\b", re.I)
_HEADING_START = re.compile(r"^[A-ZÀ-Ý0-9‘’'\"“(]")
_LABEL_VALUE = re.compile(r":\s*\S.*\d\s*$")
_ITEM_KINDS = ("item", "numeric", "short")
_CONTEXT_HEADINGS = 3  # headings kept in a line's context at most
_SUBHEADING_REPEATS = 3  # a heading this frequent in a document is a template sub-heading


@dataclass(frozen=True, slots=True)
class Block:
    """A list or a table: its verbatim text and lines, and the lead it continues."""

    sentence: Sentence
    lead: str


def _kind(block: Sequence[tuple[int, str]]) -> str:
    """item (a bullet), lead (ends in ':' or announces a list), numeric (short lines that hold
    figures: a table), short (a caption or heading line) or prose."""
    first = block[0][1]
    text = " ".join(t for _, t in block)
    if BULLET.match(first) or first.lstrip()[:1] in "•\uf0b7":
        return "item"
    if _LEAD.search(text):
        return "lead"
    if len(block) == 1 and _NUMBERED_HEADING.fullmatch(first.strip()):
        return "short"  # "3.Jeugdigen.": a section number is no figure
    with_digits = sum(1 for _, t in block if _DIGIT.search(t))
    rows = sum(1 for _, t in block if len(_NUMBER.findall(t)) >= _ROW_NUMBERS)
    if len(block) >= 2 and rows / len(block) >= _TABLE_SHARE:
        return "numeric"  # a table: most lines hold a row of figures, however long it runs
    if (
        with_digits
        and all(len(t) <= 90 for _, t in block)
        and with_digits / len(block) >= 0.5
        and len(text) < 300
    ):
        return "numeric"
    if len(text) <= 60 and not re.search(r"[.!?]$", text):
        return "short"
    return "prose"


def find_blocks(lines: Sequence[tuple[int, str]], spaced: bool = False) -> list[Block]:
    """The lists (a lead sentence and the items after it) and tables (two or more lines with
    figures, with their caption lines) of one page's ``(line number, raw text)`` pairs."""
    blocks = line_blocks(lines, spaced)
    kinds = [_kind(b) for b in blocks]
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        if kinds[i] != "lead" and kinds[i] not in _ITEM_KINDS:
            i += 1
            continue
        lead: Sentence | None = None
        j = i
        if kinds[i] == "lead":
            sentences = split_sentences(blocks[i])
            lead = sentences[-1] if sentences else None
            j = i + 1
        run: list[int] = []
        while j < len(blocks) and kinds[j] in _ITEM_KINDS:
            run.append(j)
            j += 1
        while run and kinds[run[-1]] == "short":  # a trailing heading belongs to what follows
            run.pop()
        figures = sum(1 for r in run for _, t in blocks[r] if _DIGIT.search(t))
        lines_run = sum(len(blocks[r]) for r in run)
        if run and (lead is not None or (figures >= 2 and lines_run >= 2)):
            cut = _cut(lead, [blocks[r] for r in run])
            caption = (
                _announcing(blocks[i - 1]) if lead is None and i and kinds[i - 1] == "prose" else ""
            )
            out.extend(Block(b.sentence, caption or b.lead) for b in cut)
        i = max(j, i + 1) if run else i + 1
    return out


def _announcing(paragraph: list[tuple[int, str]]) -> str:
    """The sentence of the paragraph before a table that announces it ("Hieronder is in beeld
    gebracht hoe het bestand ... fluctueert."): the table's subject, for its context only."""
    found = [s.text for s in split_sentences(paragraph) if _ANNOUNCES.search(s.text)]
    return found[-1] if found else ""


def _cut(lead: Sentence | None, items: list[list[tuple[int, str]]]) -> list[Block]:
    """One block per stretch of items up to BLOCK_CHARS; the first one starts with the lead."""
    head = lead.text if lead is not None else ""
    out: list[Block] = []
    current: list[list[tuple[int, str]]] = []

    def flush() -> None:
        if not current:
            return
        body = " ".join(t for item in current for _, t in item)
        first = not out
        text = f"{head} {body}" if first and head else body
        start = lead.line_start if first and lead is not None else current[0][0][0]
        out.append(Block(Sentence(text, start, current[-1][-1][0]), head))

    size = len(head)
    for item in items:
        item_size = sum(len(t) + 1 for _, t in item)
        if current and size + item_size > BLOCK_CHARS:
            flush()
            current = []
            size = 0
        current.append(item)
        size += item_size
    flush()
    return out


def _heading_like(text: str) -> bool:
    if not text or len(text) > 60 or len(text.split()) > 8:
        return False
    if text[-1] in ".,;:!?" or sum(c.isalpha() for c in text) < 3:
        return False
    if len(re.findall(r"\d+", text)) > 1 or BULLET.match(text) or text[0] in "•\uf0b7":
        return False
    if _LABEL_VALUE.search(text) or (re.search(r"\d\s*$", text) and not text[0].isdigit()):
        return False
    return bool(_HEADING_START.match(text))


def heading_contexts(
    lines: Sequence[tuple[int, str]], levels: Sequence[int | None] | None = None
) -> list[str]:
    """The headings in force at every line of a document ("Flextensie Beschrijving"), one
    string per line of ``lines``. When the document marks its headings (``levels``: a DOCX
    heading style's level per line, None elsewhere), those are the headings: a line stands
    under the last heading of every level above it. Else a heading is a short line without
    closing punctuation after a blank line or a closed sentence, followed by a capital, and a
    heading that recurs in the document ("Beschrijving", "Resultaten", "Evaluatie") is a
    template sub-heading under the last unique one ("Flextensie"), so both are kept."""
    if levels is not None and any(level is not None for level in levels):
        return _marked_contexts(lines, levels)
    texts = [" ".join(raw.split()) for _, raw in lines]
    headings: set[int] = set()
    for i, text in enumerate(texts):
        if not _heading_like(text):
            continue
        before = next((texts[j] for j in range(i - 1, max(i - 4, -1), -1) if texts[j]), "")
        after = next((texts[j] for j in range(i + 1, min(i + 4, len(texts))) if texts[j]), "")
        opens = i == 0 or not texts[i - 1] or not before or before[-1] in ".!?:"
        if (opens or _heading_like(before)) and after and not after[0].islower():
            headings.add(i)
    repeats = Counter(texts[i].lower() for i in headings)
    out: list[str] = []
    topic: list[str] = []
    sub = ""
    last = -10
    for i in range(len(lines)):
        if i in headings:
            text = texts[i]
            if repeats[text.lower()] >= _SUBHEADING_REPEATS:
                sub = text
            elif last >= i - 2 and not sub and topic:  # a heading wrapped over two lines
                if text.lower() not in " ".join(topic).lower():
                    topic = [*topic, text][-_CONTEXT_HEADINGS:]
            else:
                topic, sub = [text], ""
            last = i
        out.append(" ".join([*topic, sub]).strip())
    return out


def _marked_contexts(lines: Sequence[tuple[int, str]], levels: Sequence[int | None]) -> list[str]:
    """The last heading of every level above each line (the last _CONTEXT_HEADINGS of them)."""
    out: list[str] = []
    stack: list[tuple[int, str]] = []
    for (_, raw), level in zip(lines, levels, strict=True):
        text = " ".join(raw.split())
        if level is not None and text:
            stack = [(lv, t) for lv, t in stack if lv < level] + [(level, text)]
        out.append(" ".join(t for _, t in stack[-_CONTEXT_HEADINGS:]))
    return out
