from __future__ import annotations

from fastapi import APIRouter

from api.deps import AssistantDep
from api.schemas import HealthResponse

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse, summary="Liveness and index version")
def health(assistant: AssistantDep) -> HealthResponse:
    return HealthResponse(**assistant.health())
