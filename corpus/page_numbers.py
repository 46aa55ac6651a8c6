"""Page numbers in their usual forms: "3", "- 3 -", "pagina 3 van 54", "3/54", "blz. 3", "iii".

``corpus.furniture`` takes a line at a page edge for the page number when the value read here
goes up with the page.
"""

from __future__ import annotations

import re

# a roman numeral of one or more letters (the lookahead keeps the empty string out)
ROMAN = r"(?=[ivxlcdm])(?:m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
_PAGE_NUMBER = re.compile(
    rf"""^[\s\-–—|·•\[(]*
    (?:(?:pagina|pag\.?|blz\.?|bladzijde|page|p\.)\s*)?
    (?P<value>\d{{1,4}}|{ROMAN})
    (?:\s*(?:van|of|/|\|)\s*\d{{1,4}})?
    [\s\-–—|·•\])]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def page_number_value(text: str) -> int | None:
    """The number a page-number line states ("- 3 -", "Pagina 3 van 54", "iv"), or None."""
    match = _PAGE_NUMBER.match(text.strip())
    if not match or not text.strip():
        return None
    value = match.group("value")
    return int(value) if value.isdigit() else _roman(value.lower())


def _roman(text: str) -> int | None:
    if not text or any(c not in _ROMAN_VALUES for c in text):
        return None
    total = 0
    for here, after in zip(text, [*text[1:], ""], strict=True):
        value = _ROMAN_VALUES[here]
        total += -value if after and _ROMAN_VALUES[after] > value else value
    return total
