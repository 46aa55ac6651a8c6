"""HTML: the visible text of block elements, each with the source line of its start tag.

Scripts, styles, navigation and hidden elements are dropped, and so are page headers and
footers (``header``/``footer`` outside ``article``, ``main`` and ``section``). Each block
element (p, li, h1-h6, pre, blockquote, div, ...) gives one line with its own text, whitespace
collapsed; a nested block gives its own line. A table row gives one line, cells joined with `` | ``.
List items start with ``"- "``. A ``pre`` gives one line per source line.

lxml parses; it numbers lines only up to 65,535, so longer files are parsed with the standard
library's ``html.parser`` (through BeautifulSoup), which numbers every line but is slower.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.errors import CorruptDocumentError, TextEncodingError
from corpus.model import ExtractedText, SourceLine
from corpus.readers.text import decode_bom, unicode_bom

if TYPE_CHECKING:
    from bs4 import Tag
    from lxml.html import HtmlElement

DROP = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "noscript",
    "template",
    "head",
    "svg",
    "iframe",
    "object",
    "button",
    "select",
    "dialog",
}
BLOCK = {
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "blockquote",
    "div",
    "dt",
    "dd",
    "caption",
    "figcaption",
    "address",
    "section",
    "article",
    "main",
    "aside",
    "details",
    "summary",
    "legend",
    "fieldset",
    "form",
    "ul",
    "ol",
    "dl",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "figure",
    "center",
    "body",
    "html",
    "hr",
}
LXML_MAX_LINE = 65_535
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CONTROL = {c: None for c in range(32) if chr(c) not in "\t\n\r"}  # lxml refuses them
_WINDOWS_1252_ALIASES = {"latin_1", "iso8859-1", "ascii", "cp1252"}


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """Decode with the BOM or declared charset; else UTF-8; else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    wide = unicode_bom(data)
    if wide is not None:
        return decode_bom(data, wide, name)
    head = data[:4096]
    found = _CHARSET.search(head) or _XML_ENCODING.search(head)
    candidates = []
    if found:
        try:
            declared = codecs.lookup(found.group(1).decode("ascii")).name
            # as browsers do (WHATWG): Latin-1 and ASCII labels mean Windows-1252
            candidates.append("cp1252" if declared in _WINDOWS_1252_ALIASES else declared)
        except LookupError:
            pass
    candidates += ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TextEncodingError(
        f"{name}: the HTML is neither in its declared charset, UTF-8 nor Windows-1252"
    )


@dataclass
class _Node:
    """One element, whichever parser made it: tag, attributes, line and content in order."""

    tag: str
    attrs: dict[str, str]
    line: int
    content: list[str | _Node]


def _from_lxml(el: HtmlElement) -> _Node:
    content: list[str | _Node] = [el.text] if el.text else []
    for child in el:
        if isinstance(child.tag, str):  # skip comments and processing instructions
            content.append(_from_lxml(child))
        if child.tail:
            content.append(child.tail)
    return _Node(el.tag.lower(), dict(el.attrib), el.sourceline or 1, content)


def _from_soup(tag: Tag) -> _Node:
    from bs4 import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    content: list[str | _Node] = []
    for child in tag.contents:
        if isinstance(child, Tag):
            content.append(_from_soup(child))
        elif isinstance(child, NavigableString) and not isinstance(
            child, Comment | Declaration | Doctype | ProcessingInstruction
        ):
            content.append(str(child))
    return _Node(
        tag.name.lower(), {k: str(v) for k, v in tag.attrs.items()}, tag.sourceline or 1, content
    )


def parse(text: str) -> _Node:
    """Parse with lxml; with ``html.parser`` for very long files or what lxml refuses."""
    text = _XML_DECL.sub("", text.translate(_CONTROL), count=1)
    if text.count("\n") < LXML_MAX_LINE:
        import lxml.html
        from lxml.etree import ParserError

        try:
            return _from_lxml(lxml.html.document_fromstring(text))
        except ParserError:  # "Document is empty"
            return _Node("html", {}, 1, [])
        except ValueError:  # e.g. "Invalid tag name"
            pass
    from bs4 import BeautifulSoup

    return _from_soup(BeautifulSoup(text, "html.parser"))


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _keep_content_headers(node: _Node, in_content: bool = False) -> None:
    """A header or footer inside an article/main/section belongs to the content: keep it."""
    if in_content and node.tag in ("header", "footer"):
        node.tag = "div"
    in_content = in_content or node.tag in ("article", "main", "section")
    for child in node.content:
        if isinstance(child, _Node):
            _keep_content_headers(child, in_content)


def _hidden(node: _Node) -> bool:
    return (
        node.tag in DROP
        or "hidden" in node.attrs
        or node.attrs.get("aria-hidden") == "true"
        or bool(_DISPLAY_NONE.search(node.attrs.get("style", "")))
    )


def _all_text(node: _Node) -> str:
    """All visible text under a node, for table cells."""
    if _hidden(node):
        return ""
    sep = " " if node.tag in BLOCK or node.tag in ("br", "td", "th") else ""
    return sep + "".join(c if isinstance(c, str) else _all_text(c) for c in node.content) + sep


def _row(tr: _Node) -> str:
    cells = [
        _collapse(_all_text(c))
        for c in tr.content
        if isinstance(c, _Node) and c.tag in ("td", "th") and not _hidden(c)
    ]
    return " | ".join(cells) if any(cells) else ""


def _walk(node: _Node, prefix: str = "") -> Iterator[tuple[int, str]]:
    """Pre-order: a block's own text (inline content) first, then its nested blocks."""
    if _hidden(node):
        return
    if node.tag == "tr":
        row = _row(node)
        if row:
            yield node.line, row
        return
    if node.tag == "pre":
        yield from _pre(node, prefix)
        return
    if node.tag == "li":
        prefix = "- "
    own: list[str] = []
    nested: list[_Node] = []
    _split(node, own, nested)
    text = _collapse("".join(own))
    if text:
        yield node.line, prefix + text
        prefix = ""
    for child in nested:
        for item in _walk(child, prefix):
            prefix = ""
            yield item


def _split(node: _Node, own: list[str], nested: list[_Node]) -> None:
    """Inline text of ``node`` into ``own``; nested block elements into ``nested``."""
    for child in node.content:
        if isinstance(child, str):
            own.append(child)
        elif _hidden(child):
            continue
        elif child.tag in BLOCK or child.tag in ("tr", "li", "pre", "td", "th"):
            nested.append(child)  # a cell outside a row is read as a block
            own.append(" ")
        elif child.tag == "br":
            own.append(" ")
        else:
            _split(child, own, nested)


def _pre(node: _Node, prefix: str) -> Iterator[tuple[int, str]]:
    raw = _all_text(node).strip(" ")
    if raw.startswith("\n"):  # HTML ignores one newline right after <pre>
        raw = raw[1:]
        offset = 1
    else:
        offset = 0
    for i, line in enumerate(raw.split("\n")):
        text = _collapse(line)
        if text:
            yield node.line + offset + i, prefix + text
            prefix = ""


def read_html(data: bytes, name: str) -> ExtractedText:
    """Read an HTML page. Raises a typed :class:`~corpus.errors.CorpusError`."""
    text, encoding = decode_html(data, name)
    try:
        root = parse(text.replace("\r\n", "\n").replace("\r", "\n"))
        _keep_content_headers(root)
        lines = [SourceLine(line=line, text=t) for line, t in _walk(root)]
    except RecursionError:
        raise CorruptDocumentError(f"{name}: the HTML is nested too deeply to read") from None
    return ExtractedText(format="html", lines=lines, pages=None, encoding=encoding)
