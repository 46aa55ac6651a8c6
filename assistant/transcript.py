"""A chat given as its whole transcript (the OpenAI chat protocol): the last user message is the
question, the earlier user messages are the conversation.

Such clients keep no conversation id; they send every earlier message again with each turn.
The conversation is found by content instead: after a turn answered the user messages
``q1..qn``, a copy of it is kept under :func:`transcript_id` ``(q1..qn)`` (per asker, like
every conversation), so the next request, whose earlier messages are ``q1..qn``, continues
from it. The assistant's own earlier replies are not needed: a follow-up is read against the
stored turn, which holds the resolved question, its frame and its citations.

Each question is asked in a conversation of its own (a new id, holding the copied turn before
it), so two chats that start alike, or the same transcript sent again (a client's
"regenerate"), never see each other's turns. When no stored turn is found (the conversation
expired, or began elsewhere), the last :data:`REPLAYED` earlier questions are asked again
first, in order, each answer recorded like any other.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from corpus import InvalidRequestError

if TYPE_CHECKING:
    from assistant.conversation import Turn
    from assistant.pipeline import AskResult
    from ingest import SearchFilters


class Conversations(Protocol):
    """What a transcript is answered through (``PolicyAssistant`` is one): ``ask`` with a
    conversation, and the stored turns of conversations."""

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: SearchFilters | None = None,
        *,
        principal: str | None = None,
    ) -> AskResult: ...

    def conversation_turn(
        self, conversation_id: str, principal: str | None = None
    ) -> Turn | None: ...

    def copy_conversation_turn(
        self, source: str, target: str, principal: str | None = None
    ) -> None: ...


REPLAYED = 3  # earlier questions asked again when their stored turn is gone
ID_PREFIX = "chat-"


def transcript_id(questions: Sequence[str]) -> str:
    """The conversation id of a transcript's user questions (whitespace does not count)."""
    normal = [" ".join(q.split()) for q in questions]
    digest = hashlib.sha256(json.dumps(normal, ensure_ascii=False).encode("utf-8"))
    return ID_PREFIX + digest.hexdigest()[:40]


def ask_transcript(
    assistant: Conversations,
    questions: Sequence[str],
    filters: SearchFilters | None = None,
    *,
    principal: str | None = None,
) -> AskResult:
    """Answer ``questions[-1]`` as a follow-up of ``questions[:-1]`` (oldest first)."""
    if not questions:
        raise InvalidRequestError("there is no user message to answer", code="empty_question")
    last = len(questions)
    # the longest earlier prefix whose answer is stored, looked for as far as REPLAYED back
    stored = next(
        (
            length
            for length in range(last - 1, max(0, last - 2 - REPLAYED), -1)
            if assistant.conversation_turn(transcript_id(questions[:length]), principal)
        ),
        0,
    )
    first = stored + 1 if stored else max(1, last - REPLAYED)
    for n in range(first, last):
        try:
            _ask_step(assistant, questions, n, filters, principal)
        except InvalidRequestError:
            continue  # an earlier message that is no question: the next one starts afresh
    return _ask_step(assistant, questions, last, filters, principal)


def _ask_step(
    assistant: Conversations,
    questions: Sequence[str],
    n: int,
    filters: SearchFilters | None,
    principal: str | None,
) -> AskResult:
    """Ask ``questions[n - 1]`` in a new conversation that holds the stored turn of the ones
    before it, and keep a copy of its turn under the id of ``questions[:n]``."""
    conversation = uuid.uuid4().hex
    if n > 1:
        previous = transcript_id(questions[: n - 1])
        assistant.copy_conversation_turn(previous, conversation, principal)
    result = assistant.ask(questions[n - 1], conversation, filters, principal=principal)
    assistant.copy_conversation_turn(conversation, transcript_id(questions[:n]), principal)
    return result
