"""Artefact cleaning for indexing.

Cleaning never changes the source lines: it produces a cleaned *index text* per line, while
chunks keep the verbatim lines for quoting. Rules, each a small function:

* bullets read as ``e ``, ``o ``, ````, ``•`` become ``- ``;
* OCR slips: ``leder`` → ``Ieder`` at a sentence start, ``t.0.v.`` → ``t.o.v.``,
  an acute ``é`` after a vowel (``geévalueerd``, ``Beéindigde``) → ``ë``;
* private-use glyphs, replacement characters and tabs become spaces;
* a lone page number left in a text file is dropped from the index text (a PDF's running
  headers, footers and page numbers are left out by its reader: ``corpus.furniture``);
* hyphenation at line ends is undone when the lines are joined (:func:`join_lines`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from corpus.model import SourceLine

_BULLET = re.compile(r"^\s*(?:[eo•·▪●■◦‣∙\-–*]|[\uf000-\uf8ff])\s+(?=\S)")
_PRIVATE_USE = re.compile(r"[\uf000-\uf8ff\ufffd\u00ad\u200b]")
_LEDER = re.compile(r"(^|[.!?:]\s+|^-\s)led(er|ere)\b")
_ACUTE_AFTER_VOWEL = re.compile(r"(?<=[aeiouAEIOU])é")
_T0V = re.compile(r"\bt\.0\.v\.")
_SPACES = re.compile(r"[ \t\u00a0]+")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*)?(?:pagina\s+)?(\d{1,3})(?:\s*(?:van|/)\s*\d{1,3})?(?:\s*-)?\s*$", re.I
)
_HYPHEN_END = re.compile(r"([a-zà-ÿ])-$")


def clean_line_text(text: str) -> str:
    """Clean one line for the indexes; the result may be empty."""
    text = unicodedata.normalize("NFC", text)
    text = _BULLET.sub("- ", text)
    text = _PRIVATE_USE.sub(" ", text)
    text = _LEDER.sub(lambda m: f"{m.group(1)}Ied{m.group(2)}", text)
    text = _T0V.sub("t.o.v.", text)
    text = _ACUTE_AFTER_VOWEL.sub("ë", text)
    return _SPACES.sub(" ", text).strip()


def is_page_number_line(lines: Sequence[SourceLine], index: int) -> bool:
    """A lone small number between blank lines, not a table value."""
    match = _PAGE_NUMBER.match(lines[index].text)
    if not match or int(match.group(1)) > 400:
        return False
    prev_text = lines[index - 1].text.strip() if index > 0 else ""
    next_text = lines[index + 1].text.strip() if index + 1 < len(lines) else ""
    if prev_text.endswith(":"):
        return False
    neighbours_numeric = [
        t for t in (prev_text, next_text) if t and re.fullmatch(r"[\d.,%€\s]+", t)
    ]
    if neighbours_numeric:
        return False
    return not prev_text or not next_text


def clean_lines(lines: Sequence[SourceLine]) -> list[str]:
    """The cleaned index text of every line ('' for dropped lines), aligned with ``lines``."""
    return [
        "" if is_page_number_line(lines, index) else clean_line_text(sl.text)
        for index, sl in enumerate(lines)
    ]


def join_lines(texts: Sequence[str]) -> str:
    """Join cleaned lines into running text, undoing hyphenation at line ends."""
    out = ""
    for text in texts:
        if not text:
            continue
        if not out:
            out = text
        elif _HYPHEN_END.search(out) and text[:1].islower():
            out = out[:-1] + text
        elif out.endswith("-") and text[:1].isalnum():
            out += text
        elif text.startswith("- "):
            out += "\n" + text
        else:
            out += " " + text
    return out
