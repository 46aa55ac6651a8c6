"""The structure Word keeps outside a paragraph's text: heading styles and list numbering.

A paragraph is a heading when its style (or a style it is based on) is a built-in heading
("heading 1".."heading 9", "Title"; the names stay English in a Dutch Word, whose display
names are "Kop 1"..) or carries an outline level. A numbered or bulleted paragraph gets the
label Word shows before it ("1.", "a)", "2.1.", "•"), counted per list and level from
``word/numbering.xml`` (its start values, formats and level texts; a deeper level starts
again after a higher one).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HEADING_NAME = re.compile(r"^(?:heading|kop)\s*([1-9])$", re.IGNORECASE)
_TITLE_NAMES = {"title", "titel"}
_BULLET = "•"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ROMAN = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
]


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el: etree._Element | None, default: str | None = None) -> str | None:
    return default if el is None else el.get(_w("val"), default)


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


@dataclass(slots=True)
class _Style:
    name: str = ""
    based_on: str | None = None
    outline: int | None = None
    num: tuple[str, int] | None = None  # (numId, ilvl) of a list style


@dataclass(slots=True)
class Structure:
    """Heading levels and list labels of one document's paragraphs, in reading order."""

    styles: dict[str, _Style] = field(default_factory=dict)
    abstract: dict[str, dict[int, _Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> Structure:
        """Read the styles and the numbering of a python-docx ``Document``."""
        out = cls()
        part = document.part
        with contextlib.suppress(KeyError, NotImplementedError, AttributeError):
            out._read_styles(part.styles.element)
        with contextlib.suppress(KeyError, NotImplementedError, AttributeError):
            out._read_numbering(part.numbering_part.element)
        return out

    def _read_styles(self, root: etree._Element) -> None:
        for style in root.iterchildren(_w("style")):
            style_id = style.get(_w("styleId"))
            if not style_id:
                continue
            ppr = style.find(_w("pPr"))
            outline = _val(ppr.find(_w("outlineLvl"))) if ppr is not None else None
            num = _num_pr(ppr) if ppr is not None else None
            self.styles[style_id] = _Style(
                name=_val(style.find(_w("name")), "") or "",
                based_on=_val(style.find(_w("basedOn"))),
                outline=int(outline) if outline and outline.isdigit() else None,
                num=num,
            )

    def _read_numbering(self, root: etree._Element) -> None:
        for abstract in root.iterchildren(_w("abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iterchildren(_w("lvl")):
                ilvl = int(lvl.get(_w("ilvl"), "0"))
                start = _val(lvl.find(_w("start")), "1") or "1"
                levels[ilvl] = _Level(
                    start=int(start) if start.lstrip("-").isdigit() else 1,
                    fmt=_val(lvl.find(_w("numFmt")), "decimal") or "decimal",
                    text=_val(lvl.find(_w("lvlText")), "") or "",
                )
            self.abstract[abstract.get(_w("abstractNumId"), "")] = levels
        for num in root.iterchildren(_w("num")):
            overrides: dict[int, int] = {}
            for override in num.iterchildren(_w("lvlOverride")):
                restart = _val(override.find(_w("startOverride")))
                if restart and restart.isdigit():
                    overrides[int(override.get(_w("ilvl"), "0"))] = int(restart)
            abstract_id = _val(num.find(_w("abstractNumId")), "") or ""
            self.nums[num.get(_w("numId"), "")] = (abstract_id, overrides)

    def _style_chain(self, style_id: str | None) -> list[_Style]:
        chain: list[_Style] = []
        while style_id and style_id in self.styles and len(chain) < 20:
            chain.append(self.styles[style_id])
            style_id = self.styles[style_id].based_on
        return chain

    def heading_level(self, p: etree._Element) -> int | None:
        """1-9 for a heading paragraph (Title counts as 1), else None."""
        ppr = p.find(_w("pPr"))
        if ppr is not None:
            outline = _val(ppr.find(_w("outlineLvl")))
            if outline and outline.isdigit() and int(outline) < 9:
                return int(outline) + 1
        style_id = _val(ppr.find(_w("pStyle"))) if ppr is not None else None
        for style in self._style_chain(style_id):
            match = _HEADING_NAME.match(style.name.strip())
            if match:
                return int(match.group(1))
            if style.name.strip().lower() in _TITLE_NAMES:
                return 1
            if style.outline is not None and style.outline < 9:
                return style.outline + 1
        return None

    def label(self, p: etree._Element) -> str:
        """The number or bullet Word shows before a list paragraph ('' for none); advances
        the list's counters."""
        ppr = p.find(_w("pPr"))
        num = _num_pr(ppr) if ppr is not None else None
        if num is None and ppr is not None:
            style_id = _val(ppr.find(_w("pStyle")))
            num = next((s.num for s in self._style_chain(style_id) if s.num), None)
        if num is None or num[0] in ("", "0") or num[0] not in self.nums:
            return ""
        num_id, ilvl = num
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        counts = self.counters.setdefault(num_id, {})
        level = levels.get(ilvl, _Level())
        start = overrides.get(ilvl, level.start)
        counts[ilvl] = counts.get(ilvl, start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if level.fmt == "bullet":
            return _BULLET
        if level.fmt == "none":
            return ""

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lvl = levels.get(k, _Level())
            value = counts.get(k, overrides.get(k, lvl.start))
            return _format(value, lvl.fmt)

        return re.sub(r"%([1-9])", number, level.text).strip()


def _num_pr(ppr: etree._Element) -> tuple[str, int] | None:
    num_pr = ppr.find(_w("numPr"))
    if num_pr is None:
        return None
    num_id = _val(num_pr.find(_w("numId")))
    ilvl = _val(num_pr.find(_w("ilvl")), "0") or "0"
    if num_id is None:
        return None
    return num_id, int(ilvl) if ilvl.isdigit() else 0


def _format(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and value >= 1:
        letters = ""
        n = value
        while n > 0:
            n, rest = divmod(n - 1, 26)
            letters = _LETTERS[rest] + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman") and value >= 1:
        out, n = "", value
        for amount, letters in _ROMAN:
            while n >= amount:
                out += letters
                n -= amount
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)
