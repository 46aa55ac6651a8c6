"""The composition root: ``create_app(settings)`` builds everything in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.auth import Authenticator
from api.errors import install_error_handlers
from api.limits import install_limits
from api.routes import ask, audit, documents, health, me, metrics, pages, search
from api.security import install_security
from assistant import PolicyAssistant, build_assistant
from corpus import Settings

log = logging.getLogger("policy_assistant.api")


def create_app(settings: Settings | None = None, **assistant_overrides: Any) -> FastAPI:
    """Build the FastAPI app. Two apps with different settings can live in one process."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        assistant: PolicyAssistant = build_assistant(settings, **assistant_overrides)
        assistant.warm_up()
        app.state.assistant = assistant
        log.info("index version %s", assistant.health()["index_version"])
        log.info("auth %s", "on" if app.state.auth.required else "off (local single-user mode)")
        yield

    app = FastAPI(
        title="Policy assistant",
        version="0.1.0",
        description="Questions over Dutch municipal policy documents, cited to the line.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.auth = Authenticator(settings)
    install_error_handlers(app)
    install_limits(app, settings)
    install_security(app, settings)  # last: outermost

    app.include_router(health.router)
    app.include_router(search.router)
    app.include_router(documents.router)
    app.include_router(me.router)
    app.include_router(metrics.router)
    app.include_router(ask.router)
    app.include_router(audit.router)
    app.include_router(pages.router)
    app.mount("/static", pages.static_files(), name="static")
    return app
