"""Dependency aliases for the routes."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from api.auth import Authenticator
from api.openapi import api_key_scheme
from assistant import PolicyAssistant
from assistant.keys import Principal, Role
from corpus import ForbiddenError, IndexNotReadyError, Settings


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


def get_principal(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Security(api_key_scheme)],
) -> Principal:
    """The caller, from ``Authorization: Bearer <key>`` (the local admin when auth is off).

    ``api_key_scheme`` only documents the header (``/docs`` gets Authorize); the header itself
    is read here, so a missing or malformed one gets our own 401 codes."""
    auth: Authenticator = request.app.state.auth
    address = request.client.host if request.client else "unknown"
    principal = auth.authenticate(request.headers.get("authorization"), address)
    request.state.principal = principal
    return principal


AssistantDep = Annotated[PolicyAssistant, Depends(get_assistant)]
ReadyAssistantDep = Annotated[PolicyAssistant, Depends(get_ready_assistant)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


def ensure_role(principal: Principal, role: Role) -> Principal:
    """403 when the caller's role is below ``role`` (reader < clerk < admin)."""
    if not principal.can(role):
        raise ForbiddenError(
            f"this needs the {role} role; your key has the {principal.role} role",
            code="insufficient_role",
        )
    return principal


@cache
def require_role(role: Role) -> Callable[[Principal], Principal]:
    """A dependency that lets ``role`` and the roles above it through."""

    def check(principal: PrincipalDep) -> Principal:
        return ensure_role(principal, role)

    check.__name__ = f"require_{role}"
    return check


ReaderDep = Annotated[Principal, Depends(require_role("reader"))]
ClerkDep = Annotated[Principal, Depends(require_role("clerk"))]
AdminDep = Annotated[Principal, Depends(require_role("admin"))]
