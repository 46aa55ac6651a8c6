"""The answer prompts: text files in ``assistant/prompts/``, rendered from a default answer.

The user message lists the cited passages as ``[c1] "quote" (title, municipality, lines)`` and
the figure rows, inside ``<sources>`` / ``<figures>`` blocks that the system prompt declares
to be data, not instructions. ``reply_from_prompt`` reads those blocks back: the fake chat
model and the OpenAI test stub answer with it, so their replies are predictable.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.citations import format_location
from assistant.figure_text import phrases
from assistant.language import Language
from assistant.numeric import format_value

if TYPE_CHECKING:
    from assistant.pipeline.run import AskResult

PROMPT_DIR = Path(__file__).resolve().parents[1] / "prompts"
PROMPT_FILES = ("answer_system.txt", "answer_user.txt")
_CLOSING_TAGS = re.compile(r"</?\s*(?:sources|figures|draft)\s*>", re.I)
_SOURCE_LINE = re.compile(r'^\[(c\d+)\] "(.*)" \(', re.M)
_LANGUAGE_LINE = re.compile(r"^Answer language: .*\((nl|en)\)\s*$", re.M)
_DRAFT = re.compile(r"<draft>\n(.*)\n</draft>", re.S)


@dataclass(frozen=True, slots=True)
class AnswerPrompt:
    system: str
    user: str

    def messages(self) -> list[tuple[str, str]]:
        """The chat messages in LangChain's ``(role, text)`` form."""
        return [("system", self.system), ("human", self.user)]


@cache
def load_prompt(name: str) -> str:
    return (PROMPT_DIR / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _labels() -> dict[str, Any]:
    with (PROMPT_DIR / "labels.toml").open("rb") as handle:
        return tomllib.load(handle)


def _data(text: str) -> str:
    """Source text on one line, without tags that could close the data blocks."""
    return " ".join(_CLOSING_TAGS.sub(" ", text).split())


def passage_lines(citations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for c in citations:
        where = ", ".join(
            str(part)
            for part in (
                c.get("title"),
                c.get("municipality"),
                c.get("location") or format_location(c.get("page"), c["line_start"], c["line_end"]),
            )
            if part
        )
        lines.append(f'[{c["id"]}] "{_data(str(c["quote"]))}" ({where})')
    return lines


def figure_lines(rows: list[dict[str, Any]], lang: Language) -> list[str]:
    lines = []
    for r in rows:
        period = f"{r.get('period')}{' (cumulative)' if r.get('cumulative') else ''}"
        line = r.get("line")
        where = r.get("location") or (format_location(r.get("page"), line, line) if line else None)
        source = ", ".join(str(part) for part in (r.get("title"), where) if part)
        lines.append(
            f"- {format_value(float(r['value']), str(r.get('unit')), lang)} | unit: {r.get('unit')}"
            f" | period: {period} | kind: {r.get('kind')} | municipality: {r.get('municipality')}"
            f' | source: {source} | quote: "{_data(str(r.get("quote", "")))}"'
        )
    return lines


def render_answer_prompt(question: str, result: AskResult) -> AnswerPrompt:
    """The system and user messages for rewording ``result`` (each placeholder filled)."""
    labels = _labels()
    values = {
        "question": " ".join(question.split()),
        "language": result.language,
        "language_name": labels["language_names"][result.language],
        "status": result.status,
        "passages": "\n".join(passage_lines(result.citations)) or labels["empty"]["passages"],
        "figures": "\n".join(figure_lines(result.figures, result.language))
        or labels["empty"]["figures"],
        "draft": _CLOSING_TAGS.sub(" ", result.answer).strip(),
    }
    system, user = (load_prompt(name).format_map(values).strip() for name in PROMPT_FILES)
    return AnswerPrompt(system, user)


def reply_from_prompt(user: str) -> str:
    """A deterministic answer from a rendered user message: the cited passages, quoted.

    The reply cites each passage by its label, in the asked language; with no passages it
    repeats the draft. Used by the fake chat model and the OpenAI test stub.
    """
    match = _LANGUAGE_LINE.search(user)
    lang: Language = "en" if match and match.group(1) == "en" else "nl"
    sources = _SOURCE_LINE.findall(user)
    if not sources:
        draft = _DRAFT.search(user)
        return draft.group(1).strip() if draft else ""
    quoted = [f"- “{quote}” [{cid}]" for cid, quote in sources]
    return "\n".join([str(phrases(lang)["passages_intro"]), "", *quoted])
