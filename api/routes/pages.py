"""The HTML pages: the chat page (``/``), the source view (``/bron/{doc_id}``) and the
documents list (``/documenten``). Server-rendered shells; the data comes from the JSON API
through small vanilla JS modules under ``api/web/static``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from api.deps import SettingsDep
from api.web import DEFAULT_LANGUAGE, LANGUAGES, STATIC_DIR, TEMPLATES_DIR, ui_strings

LANGUAGE_COOKIE = "pa_lang"

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=TEMPLATES_DIR)


def static_files() -> StaticFiles:
    """The app mounts this at ``/static``."""
    return StaticFiles(directory=STATIC_DIR)


def _language(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def _render(request: Request, settings: SettingsDep, template: str, **context: Any) -> HTMLResponse:
    lang = _language(request)
    strings = ui_strings()
    return templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "t": strings[lang],
            "strings": strings,
            "max_question_chars": settings.api.max_question_chars,
            "auth_enabled": settings.auth.enabled,
            **context,
        },
    )


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _render(request, settings, "chat.html", page="chat")


@router.get("/bron/{doc_id}", response_class=HTMLResponse)
def source_page(
    request: Request,
    settings: SettingsDep,
    doc_id: Annotated[str, Path(max_length=128)],
    line_start: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    line_end: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    page_end: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> HTMLResponse:
    target = {
        "doc_id": doc_id,
        "line_start": line_start,
        "line_end": line_end,
        "page": page,
        "page_end": page_end,
    }
    return _render(request, settings, "source.html", page="source", target=target)


@router.get("/documenten", response_class=HTMLResponse)
def documents_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    return _render(request, settings, "documents.html", page="documents")
