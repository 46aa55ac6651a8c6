"""``GET /api/v1/me``: the caller's role and clearance (the chat page asks it for a key)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import PrincipalDep
from api.openapi import error_responses
from api.schemas import MeResponse
from corpus import ACCESS_LEVELS

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.get(
    "/me",
    response_model=MeResponse,
    responses=error_responses(401, 429),
    summary="The caller: role, key id, clearance and the access levels it may read",
)
def me(principal: PrincipalDep, request: Request) -> MeResponse:
    return MeResponse(
        role=principal.role,
        key_id=principal.key_id,
        name=principal.name,
        clearance=principal.clearance,
        access=list(principal.access or ACCESS_LEVELS),
        auth_required=request.app.state.auth.required,
    )
