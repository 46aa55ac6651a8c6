"""Conversations: the turns of each ``conversation_id``, for follow-ups and to resume them.

A turn stores the question as asked, the resolved question (after follow-up resolution, see
``assistant.followup``), its frame (subject words, period, municipality, filters), the answer's
status, language, route, text, lead, citations and figures, and the time. The store
(``assistant.conversation_store``) keeps them in the state database (``assistant.state_db``:
SQLite under ``<data_dir>/state`` for the workers of one machine, or PostgreSQL through
``DATABASE_URL`` for several machines), bounded in turns and idle time.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from corpus import InvalidRequestError

CONVERSATION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def conversation_id_or_new(conversation_id: str | None) -> str:
    """The client's id when well formed, a new uuid4 hex when none is given, else a 422."""
    if conversation_id is None:
        return uuid.uuid4().hex
    if not CONVERSATION_ID.fullmatch(conversation_id):
        raise InvalidRequestError(
            "conversation_id must be 1-64 letters, digits, '_' or '-'",
            code="invalid_conversation_id",
        )
    return conversation_id


@dataclass(slots=True)
class Frame:
    """What a turn was about, for the next turn to carry over."""

    subject: list[str] = field(default_factory=list)  # content words, as written
    period: str | None = None  # normalised: 2024-Q3, 2022, 2024-Q1..Q3, or Q3 without a year
    period_text: str | None = None  # the period as written in the resolved question
    year: int | None = None
    quarter: int | None = None
    municipality: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)  # the search filters applied

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Frame:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(slots=True)
class Turn:
    """One question and its answer in a conversation."""

    question: str
    resolved_question: str
    kind: str  # new | refine | aspect | subject | source (see assistant.followup)
    language: str
    status: str
    route: str
    index_version: str | None
    frame: Frame
    citations: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    answer: str = ""  # the answer text as sent, so that a resumed conversation shows it again
    lead: str | None = None  # the answer's lead sentence(s), when the answer has one
    turn: int = 0  # set by the store: 1, 2, ...
    created_at: str = ""  # set by the store (UTC ISO 8601)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """One conversation in a list of them: enough to recognise it and resume it."""

    conversation_id: str  # as the client knows it (without its owner)
    title: str  # the first question still kept
    created_at: str  # UTC ISO 8601
    updated_at: str  # the last turn's time
    turns: int
    last_status: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ConversationStore(Protocol):
    """Turns per conversation id, shared by every process of the service."""

    def last_turn(self, conversation_id: str) -> Turn | None: ...

    def append(self, conversation_id: str, turn: Turn) -> Turn: ...

    def turns(self, conversation_id: str) -> list[Turn]: ...

    def summaries(self, prefix: str, limit: int = 50) -> list[ConversationSummary]: ...
