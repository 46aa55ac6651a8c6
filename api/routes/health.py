from __future__ import annotations

from fastapi import APIRouter

from api.deps import AssistantDep
from api.openapi import error_responses
from api.schemas import HealthResponse

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=HealthResponse,
    responses=error_responses(),
    summary="Liveness and index version (no key needed)",
)
def health(assistant: AssistantDep) -> HealthResponse:
    return HealthResponse(**assistant.health())
