"""``GET /api/v1/audit`` (admin): the audit trail, one record per answer, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import AdminDep, AssistantDep
from api.openapi import error_responses
from api.schemas import AuditRecordPublic, AuditResponse

router = APIRouter(prefix="/api/v1", tags=["audit"])


@router.get(
    "/audit",
    response_model=AuditResponse,
    responses=error_responses(401, 403, 422, 429, 503),
    summary="Audit trail of answers, newest first (admin)",
)
def audit(
    assistant: AssistantDep,
    admin: AdminDep,
    limit: Annotated[
        int, Query(ge=1, description="Most records returned (capped by a setting).")
    ] = 50,
    since: Annotated[
        datetime | None, Query(description="Only records at or after this time (ISO 8601).")
    ] = None,
    status: Annotated[
        Literal["answered", "partial", "refused"] | None,
        Query(description="Only records with this status."),
    ] = None,
    conversation_id: Annotated[
        str | None, Query(max_length=64, description="Only records of this conversation.")
    ] = None,
) -> AuditResponse:
    records = assistant.audit_records(
        admin.access, limit=limit, since=since, status=status, conversation_id=conversation_id
    )
    return AuditResponse(records=[AuditRecordPublic.model_validate(r.to_dict()) for r in records])
