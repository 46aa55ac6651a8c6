"""Structure-aware chunking.

* Headings the document marks (a DOCX heading style: ``SourceLine.level``), numbered headings
  ("2.4 Uitstroom naar werk") and capitalised headings ("TERUGBLIK 2024") start sections;
  every chunk carries its section path ("1. ARBEIDSMARKT > 1.1 ECONOMIE").
* Paragraph blocks are packed up to a soft size. A block that ends in ``:`` stays with the
  list or block that follows, and consecutive list items / "label: value" lines stay together.
* A chunk may run on over a page break (the PDF reader leaves the page furniture out and puts a
  blank line only where a paragraph ends): ``page`` is the page of its first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.cleaning import clean_lines, join_lines
from corpus.model import Chunk, Document

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
_LETTER = re.compile(r"[A-Za-zÀ-ÿ]")
_LIST_ITEM = re.compile(r"^(?:- |[a-z0-9]{1,2}[.)]\s)")
_LABEL_VALUE = re.compile(r"^[^:]{2,60}:\s*\S")
_TERMINAL = (".", ",", ";", ":", "!", "?")


@dataclass(slots=True)
class _Block:
    indices: list[int]
    is_list: bool
    leads_list: bool


def _is_caps_heading(text: str) -> bool:
    letters = _LETTER.findall(text)
    if len(letters) < 4 or len(text) > 70:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) >= 0.9 and not text.endswith((",", ";"))


def heading_level(text: str, prev_text: str, next_text: str) -> int | None:
    """The heading depth of a cleaned line (1 = top), or None when it is body text."""
    if not text or len(text) > 80:
        return None
    match = _NUMBERED.match(text)
    if match:
        number, title = match.groups()
        top = int(number.split(".")[0])
        title_ok = title[:1].isupper() and not title.endswith((",", ";")) and len(title) >= 3
        if top <= 20 and title_ok and not re.search(r"\d{3,}|:\s*\d", title):
            return number.count(".") + 1 if "." in number.rstrip(".") else 1
        return None
    if _is_caps_heading(text):
        return 9
    words = text.split()
    prev_ends = not prev_text or prev_text.endswith((".", "!", "?"))
    dangling = words[-1].lower() in {"en", "de", "het", "van", "of", "in", "met", "voor", "een"}
    if (
        len(words) <= 6
        and text[:1].isupper()
        and not text.endswith(_TERMINAL)
        and prev_ends
        and not dangling
        and not _LIST_ITEM.match(text)
        and next_text[:1].isupper()
        and not re.fullmatch(r"[\d\s.,%€-]+", text)
    ):
        return 10
    return None


class _SectionTracker:
    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []

    def enter(self, level: int, title: str, *, continues_previous: bool = False) -> None:
        """Open a section; a caps heading wrapped over two lines continues the previous one."""
        if continues_previous and self.stack and self.stack[-1][0] == level:
            self.stack[-1] = (level, f"{self.stack[-1][1]} {title}")
            return
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))

    @property
    def path(self) -> str:
        return " > ".join(title for _, title in self.stack)


def _blocks(cleaned: list[str], body: list[int]) -> list[_Block]:
    """Group consecutive body lines into blocks, split at blank lines and list items."""
    blocks: list[_Block] = []
    current: list[int] = []
    for pos, index in enumerate(body):
        prev = body[pos - 1] if pos else None
        contiguous = prev is not None and index == prev + 1
        new_item = bool(_LIST_ITEM.match(cleaned[index]))
        if current and (not contiguous or new_item):
            blocks.append(_make_block(current, cleaned))
            current = []
        current.append(index)
    if current:
        blocks.append(_make_block(current, cleaned))
    return blocks


def _make_block(indices: list[int], cleaned: list[str]) -> _Block:
    first = cleaned[indices[0]]
    last = next((cleaned[i] for i in reversed(indices) if cleaned[i]), "")
    is_list = bool(_LIST_ITEM.match(first) or _LABEL_VALUE.match(first))
    return _Block(indices=indices, is_list=is_list, leads_list=last.endswith(":"))


def chunk_document(doc: Document, *, max_chars: int = 1200, min_chars: int = 200) -> list[Chunk]:
    """Split a document into chunks with exact coordinates and section paths."""
    lines = doc.lines
    cleaned = clean_lines(lines)
    sections: list[str] = [""] * len(lines)
    is_heading = [False] * len(lines)
    tracker = _SectionTracker()
    prev_text = ""
    for i, text in enumerate(cleaned):
        next_text = next((t for t in cleaned[i + 1 : i + 4] if t), "")
        level = lines[i].level if text and lines[i].level is not None else None
        if level is None and text:
            level = heading_level(text, prev_text, next_text)
        if level is not None:
            wrapped = bool(i and is_heading[i - 1] and level == 9)
            tracker.enter(level, text, continues_previous=wrapped)
            is_heading[i] = True
        sections[i] = tracker.path
        if text:
            prev_text = text

    groups: list[list[int]] = []
    body: list[int] = []
    current_section = None
    for i, text in enumerate(cleaned):
        if not text:
            continue
        if is_heading[i] and sections[i] != current_section:
            if body:
                groups.append(body)
            body = []
            current_section = sections[i]
        body.append(i)
    if body:
        groups.append(body)

    pieces: list[list[int]] = []
    for group in groups:
        pieces.extend(_pack(_blocks(cleaned, group), cleaned, max_chars))
    pieces = _merge_small(pieces, cleaned, min_chars, max_chars)
    return [_to_chunk(doc, seq, piece, cleaned, sections) for seq, piece in enumerate(pieces)]


def _size(indices: list[int], cleaned: list[str]) -> int:
    return sum(len(cleaned[i]) + 1 for i in indices)


def _pack(blocks: list[_Block], cleaned: list[str], max_chars: int) -> list[list[int]]:
    chunks: list[list[int]] = []
    current: list[int] = []
    glued = False
    for block in blocks:
        block_size = _size(block.indices, cleaned)
        keep_together = glued or (block.is_list and current and _size(current, cleaned) < max_chars)
        limit = max_chars * 2 if keep_together else max_chars
        if current and _size(current, cleaned) + block_size > limit:
            chunks.append(current)
            current = []
        if block_size > max_chars * 2:
            chunks.extend(_split_long(block.indices, cleaned, max_chars))
            glued = False
            continue
        current.extend(block.indices)
        glued = block.leads_list
    if current:
        chunks.append(current)
    return chunks


def _split_long(indices: list[int], cleaned: list[str], max_chars: int) -> list[list[int]]:
    out: list[list[int]] = []
    current: list[int] = []
    for i in indices:
        if current and _size(current, cleaned) + len(cleaned[i]) > max_chars:
            out.append(current)
            current = []
        current.append(i)
    if current:
        out.append(current)
    return out


def _merge_small(
    pieces: list[list[int]],
    cleaned: list[str],
    min_chars: int,
    max_chars: int,
) -> list[list[int]]:
    merged: list[list[int]] = []
    for piece in pieces:
        if merged:
            prev = merged[-1]
            small = _size(prev, cleaned) < min_chars
            fits = _size(prev, cleaned) + _size(piece, cleaned) <= max_chars * 2
            if small and fits:
                prev.extend(piece)
                continue
        merged.append(list(piece))
    return merged


def _to_chunk(
    doc: Document, seq: int, piece: list[int], cleaned: list[str], sections: list[str]
) -> Chunk:
    first, last = doc.lines[piece[0]], doc.lines[piece[-1]]
    quote_lines = doc.lines[piece[0] : piece[-1] + 1]
    return Chunk(
        chunk_id=f"{doc.meta.doc_id}:{seq:04d}",
        doc_id=doc.meta.doc_id,
        seq=seq,
        text=join_lines([cleaned[i] for i in piece]),
        quote="\n".join(sl.text for sl in quote_lines),
        line_start=first.line,
        line_end=last.line,
        page=first.page,
        section=sections[piece[0]],
    )
