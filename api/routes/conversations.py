"""``GET /api/v1/conversations`` (and ``/{conversation_id}``): the caller's own conversations,
to list them and to resume one (the chat page's history). A key sees only its own; in the
local mode (auth off) every conversation is the local user's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import AssistantDep, ReaderDep
from api.openapi import error_responses
from api.schemas import (
    ConversationResponse,
    ConversationsResponse,
    ConversationSummaryPublic,
    ConversationTurnPublic,
)
from assistant import answer_more

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])


@router.get(
    "",
    response_model=ConversationsResponse,
    responses=error_responses(401, 422, 429, 503),
    summary="The caller's conversations, newest first",
    description="Conversations of the caller's API key (the local user's without auth) that "
    "have not expired (`STATE__CONVERSATION_TTL_HOURS` idle time): id, first question as "
    "title, times, number of turns and the last turn's status.",
)
def conversations(
    assistant: AssistantDep,
    principal: ReaderDep,
    limit: Annotated[int, Query(ge=1, le=200, description="Most conversations returned.")] = 50,
) -> ConversationsResponse:
    found = assistant.conversations_of(principal.asker, limit)
    return ConversationsResponse(
        conversations=[ConversationSummaryPublic.model_validate(c.to_dict()) for c in found]
    )


@router.get(
    "/{conversation_id}",
    response_model=ConversationResponse,
    responses=error_responses(401, 404, 422, 429, 503),
    summary="One of the caller's conversations, turn by turn, to resume it",
    description="Every kept turn: the question, the answer text and lead as sent, status, "
    "citations and figures. Send `conversation_id` with the next /ask to go on with it. "
    "Another key's conversation, an expired one and an unknown id are all a 404 "
    "`conversation_not_found`.",
)
def conversation(
    assistant: AssistantDep,
    principal: ReaderDep,
    conversation_id: Annotated[
        str, Path(max_length=128, description="The id /ask gave the conversation.")
    ],
) -> ConversationResponse:
    turns = assistant.conversation_turns(principal.asker, conversation_id)
    return ConversationResponse(
        conversation_id=conversation_id,
        turns=[
            ConversationTurnPublic.model_validate(
                {**t.to_dict(), "more": answer_more(t.answer, "en" if t.language == "en" else "nl")}
            )
            for t in turns
        ],
    )
