"""Dependency aliases for the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from assistant import PolicyAssistant
from corpus import IndexNotReadyError, Settings


def get_assistant(request: Request) -> PolicyAssistant:
    assistant: PolicyAssistant = request.app.state.assistant
    return assistant


def get_ready_assistant(request: Request) -> PolicyAssistant:
    assistant = get_assistant(request)
    if not assistant.index.ready():
        raise IndexNotReadyError("the index is empty: run `policy-assistant ingest` first")
    return assistant


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_principal(request: Request) -> str | None:
    """Who asks, for the audit log: ``request.state.principal`` as the auth layer sets it (an
    API key id or role); ``None`` (recorded as ``local``) while there is no auth."""
    principal = getattr(request.state, "principal", None)
    return str(principal) if principal is not None else None


def require_admin(request: Request) -> None:
    """Admin-only routes (the hook for API-key auth): with auth disabled, the local
    single-user default, everyone may; with auth enabled, no one until keys with roles exist."""
    if get_settings(request).auth.enabled:
        raise HTTPException(status_code=403, detail="this route needs the admin role")


AssistantDep = Annotated[PolicyAssistant, Depends(get_assistant)]
ReadyAssistantDep = Annotated[PolicyAssistant, Depends(get_ready_assistant)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PrincipalDep = Annotated[str | None, Depends(get_principal)]
AdminDep = Annotated[None, Depends(require_admin)]
