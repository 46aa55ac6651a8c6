"""The composition root: ``create_app(settings)`` builds everything in the lifespan."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.auth import Authenticator
from api.errors import install_error_handlers
from api.limits import install_limits
from api.openapi import install_docs
from api.routes import (
    ask,
    audit,
    conversations,
    documents,
    health,
    me,
    metrics,
    openai_compat,
    pages,
    search,
)
from api.security import install_security
from assistant import PolicyAssistant, build_assistant
from corpus import Settings

log = logging.getLogger("policy_assistant.api")

DESCRIPTION = """Questions over Dutch municipal policy documents, answered with line-exact
citations, and the figures table behind them.

* **Ask**: `POST /api/v1/ask` (and `/ask/stream`): answered, partial or refused, every passage
  cited to its file and lines (or page) with the exact quote.
* **OpenAI-compatible**: `GET /v1/models`, `POST /v1/chat/completions` for chat front-ends
  and scripts (Open WebUI, the `openai` SDK, LangChain's `ChatOpenAI`).
* **Search, documents, metrics** for clerks; **upload and delete** for admins.

Auth: with auth on, every route but `/health` needs `Authorization: Bearer <key>` (the
Authorize button). Errors share one shape: `{"error": {"code", "message", "request_id"}}`.
"""
TAGS = [
    {"name": "ask", "description": "Questions answered from passages and figures, with citations."},
    {"name": "openai", "description": "The OpenAI chat-completions protocol over `/ask`."},
    {"name": "search", "description": "Hybrid passage search (BM25 + dense) with exact lines."},
    {"name": "documents", "description": "Ingested documents, passages, uploads and deletes."},
    {"name": "metrics", "description": "The figures table: filter, ask, export, chart."},
    {"name": "audit", "description": "The audit trail of answers (admin)."},
    {"name": "auth", "description": "Who the key is: role and clearance."},
    {"name": "health", "description": "Liveness and the index version (no key needed)."},
]


# the garbage collector's thresholds while the app serves: a youngest generation of 10,000
# objects, not 700. With 700 the objects a question holds while it is answered (its ~560
# candidates, their features) outlive two young collections and move to the oldest generation,
# whose growth set off a full collection every ~22 questions (9 in 200, ~110 ms each, up to
# 167 ms) even with the warm-up frozen; with 10,000 most die young (none in 200 questions, the
# young collections ~2 ms each, ~0.7 ms per question as before). Objects and answers the same.
SERVING_GC_THRESHOLD = (10_000, 10, 10)


def create_app(settings: Settings | None = None, **assistant_overrides: Any) -> FastAPI:
    """Build the FastAPI app. Two apps with different settings can live in one process."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        assistant: PolicyAssistant = build_assistant(settings, **assistant_overrides)
        assistant.warm_up()
        # what the warm-up built (model, unit tables, lexicon) lives as long as the app: a full
        # garbage collection then skips it instead of pausing a request for 0.1-0.4 s to scan it
        gc.collect()
        gc.freeze()
        thresholds = gc.get_threshold()
        gc.set_threshold(*SERVING_GC_THRESHOLD)
        app.state.assistant = assistant
        log.info("index version %s", assistant.health()["index_version"])
        log.info("auth %s", "on" if app.state.auth.required else "off (local single-user mode)")
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()  # collectable again once the app is gone (tests build many apps)

    app = FastAPI(
        title="Policy assistant",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from local assets by install_docs, not from a CDN
        redoc_url=None,
        openapi_tags=TAGS,
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
    app.include_router(conversations.router)
    app.include_router(audit.router)
    app.include_router(openai_compat.router)
    app.include_router(pages.router)
    app.mount("/static", pages.static_files(), name="static")
    install_docs(app)
    return app
