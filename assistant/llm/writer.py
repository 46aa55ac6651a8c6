"""The optional LLM writer: rewords the default writer's answer, never its facts.

``LLMWriter.rewrite(question, result)`` sends the cited passages, the figure rows and the
draft to the chat model, then checks the reply:

- every number stands in a cited quote or a figure row (``assistant.grounding``);
- it cites only existing ``[cN]`` labels, and at least one when there are citations;
- it is not empty and is written in the question's language.

When a check fails, or the model errors or times out, the default answer is kept unchanged.
Refused answers are never sent. Status, citations and figures always stay as they were; the
trace records ``writer`` (name, model, fallback_reason) and ``timings_ms.llm``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from typing import TYPE_CHECKING, Any

from assistant.grounding import GroundingReport, ground_answer
from assistant.language import Language, language_votes
from assistant.llm.chat_models import ChatModel
from assistant.llm.prompts import render_answer_prompt

if TYPE_CHECKING:
    from assistant.pipeline.run import AskResult

log = logging.getLogger("policy_assistant.llm")

_THINKING = re.compile(r"<think>.*?</think>", re.S | re.I)
_BRACKETS = re.compile(r"\[([^\[\]\n]{1,60})\]")
_LABEL = re.compile(r"^c\d+$", re.I)
_LIST_NUMBER = re.compile(r"^(\s*)\d{1,2}[.)]\s+", re.M)  # "1. " starts a list item, no claim
# a web address, domain or e-mail address: the model may only repeat one a cited quote holds
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>()\[\]]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:nl|com|org|net|eu|example|io|info|gov|be|de)\b",
    re.I,
)
_QUOTED = re.compile(r"“[^”]*”|„[^”“]*[”“]|\"[^\"\n]*\"")


def writer_trace(name: str, model: str | None = None, reason: str | None = None) -> dict[str, Any]:
    return {"name": name, "model": model, "fallback_reason": reason}


def message_text(message: Any) -> str:
    """The text of a chat reply (a string, or LangChain content blocks)."""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [b if isinstance(b, str) else str(b.get("text", "")) for b in content]
        return "".join(p for p in parts if p)
    return str(content or "")


def cited_labels(text: str) -> list[str]:
    """The citation labels of ``text``: ``[c1]``, ``[c1, c2]``, ``[c1][c3]``."""
    labels: list[str] = []
    for group in _BRACKETS.findall(text):
        parts = [p.strip() for p in re.split(r"[,;]", group)]
        if parts and all(_LABEL.match(p) for p in parts):
            labels.extend(p.lower() for p in parts)
    return labels


def citation_problem(text: str, citations: list[dict[str, Any]]) -> str | None:
    known = {str(c["id"]) for c in citations}
    labels = cited_labels(text)
    unknown = sorted(set(labels) - known)
    if unknown:
        return f"unknown_citations: {', '.join(unknown)}"
    if known and not labels:
        return "no_citations"
    return None


def link_problem(text: str, citations: list[dict[str, Any]]) -> str | None:
    """A link or address the cited quotes do not hold (an injected instruction's target)."""
    quotes = " ".join(str(c.get("quote") or "") for c in citations).lower()
    foreign = sorted({m.rstrip(".,;:") for m in _LINK.findall(text)} - {""})
    foreign = [link for link in foreign if link.lower() not in quotes]
    return f"ungrounded_links: {', '.join(foreign)}" if foreign else None


def language_problem(text: str, lang: Language) -> str | None:
    """The framing must be in ``lang``; quoted Dutch evidence does not count."""
    votes = language_votes(_QUOTED.sub(" ", text))
    other: Language = "en" if lang == "nl" else "nl"
    return f"wrong_language: {other}" if votes[other] > votes[lang] else None


def _failure(exc: BaseException) -> str:
    names = [cls.__name__ for cls in type(exc).__mro__]
    if isinstance(exc, TimeoutError) or any("Timeout" in n for n in names):
        return "timeout"
    return f"error: {type(exc).__name__}"


class LLMWriter:
    """Wraps a ``ChatModel``; ``rewrite`` keeps the default answer unless the reply passes."""

    def __init__(self, model: ChatModel, model_name: str) -> None:
        self.model = model
        self.model_name = model_name

    def rewrite(self, question: str, result: AskResult) -> AskResult:
        if result.status == "refused":
            return self._keep(result, "refused_not_sent", None)
        started = time.perf_counter()
        try:
            prompt = render_answer_prompt(question, result)
            text = message_text(self.model.invoke(prompt.messages()))
        except Exception as exc:  # any model failure keeps the default answer
            log.warning("LLM writer failed (%s); the default answer is kept", type(exc).__name__)
            return self._keep(result, _failure(exc), _ms(started))
        elapsed = _ms(started)
        text, report, problem = self.verify(text, result)
        if problem:
            log.info("LLM answer rejected (%s); the default answer is kept", problem)
            return self._keep(result, problem, elapsed)
        trace = _with_timing(result.trace, elapsed)
        trace["grounding"] = report.to_dict()
        trace["writer"] = writer_trace("llm", self.model_name)
        return dataclasses.replace(result, answer=text, more="", trace=trace)

    def verify(self, text: str, result: AskResult) -> tuple[str, GroundingReport, str | None]:
        """The cleaned reply, its grounding report and the first failed check (or ``None``)."""
        text = _THINKING.sub("", text).strip()
        names = [str(c.get(k) or "") for c in result.citations for k in ("title", "source")]
        names += [str(r.get("source") or "") for r in result.figures]
        _, report = ground_answer(
            _LIST_NUMBER.sub(r"\1- ", text),
            [str(c["quote"]) for c in result.citations],
            result.figures,
            names,
        )
        if not text:
            return text, report, "empty"
        if not report.ok:
            return text, report, f"ungrounded_numbers: {', '.join(report.ungrounded)}"
        problem = (
            citation_problem(text, result.citations)
            or link_problem(text, result.citations)
            or language_problem(text, result.language)
        )
        return text, report, problem

    def _keep(self, result: AskResult, reason: str, elapsed: int | None) -> AskResult:
        trace = _with_timing(result.trace, elapsed)
        trace["writer"] = writer_trace("default", self.model_name, reason)
        return dataclasses.replace(result, trace=trace)


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _with_timing(trace: dict[str, Any], elapsed: int | None) -> dict[str, Any]:
    out = dict(trace)
    if elapsed is not None:
        timings = dict(out.get("timings_ms", {}))
        timings["llm"] = elapsed
        timings["total"] = int(timings.get("total", 0)) + elapsed
        out["timings_ms"] = timings
    return out
