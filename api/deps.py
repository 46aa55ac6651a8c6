"""Dependency aliases for the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

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


AssistantDep = Annotated[PolicyAssistant, Depends(get_assistant)]
ReadyAssistantDep = Annotated[PolicyAssistant, Depends(get_ready_assistant)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
