"""Document text inside the answer's Markdown is shown as text, never read as markup.

The answer is Markdown, and its citation markers (``[c1]``) and bold figures are made only by
the writer. Text taken from a document (a quote, a title, a file name, a figure's label) goes
in through :func:`as_text`, which escapes what Markdown or the chat page would read as markup:
a ``[c1]``, ``**`` or ``[link](http://...)`` written in a document stays those characters.
:func:`plain_text` undoes the escapes for a terminal (``policy-assistant ask``).
"""

from __future__ import annotations

import re

# backslash, code, emphasis, link (and citation marker) brackets, inline HTML
_MARKUP = re.compile(r"([\\`*\[\]<])")
_ESCAPED = re.compile(r"\\([\\`*\[\]<])")


def as_text(text: str) -> str:
    """``text`` escaped for the answer's Markdown: ``[c1]`` → ``\\[c1\\]``."""
    return _MARKUP.sub(r"\\\1", text)


def plain_text(markdown: str) -> str:
    """The answer with the escapes of :func:`as_text` undone (what the chat page shows)."""
    return _ESCAPED.sub(r"\1", markdown)
