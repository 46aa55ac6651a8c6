"""The application service: one object the API and the CLI both use.

It owns the search index, the retriever and the ingest entry point, built once from Settings.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.audit import (
    DEFAULT_PRINCIPAL,
    AuditLog,
    AuditRecord,
    cited_places,
    create_audit_log,
    figure_ids,
)
from assistant.conversation import (
    ConversationStore,
    ConversationSummary,
    Turn,
    conversation_id_or_new,
)
from assistant.conversation_store import create_conversation_store
from assistant.figures import FigureService
from assistant.followup import Resolution, resolve_followup
from assistant.language import detect_language
from assistant.llm import ChatModel, create_llm_writer, writer_trace
from assistant.locator import Locator
from assistant.passages import Passage, read_cited, read_passage
from assistant.pipeline import AnswerPipeline, AskResult
from assistant.sentence_index import SentenceStep
from assistant.source_answer import answer_from_sources
from assistant.transcript import ask_transcript
from assistant.uploads import DocumentLibrary
from corpus import (
    SAFE_ACCESS,
    DocumentNotFoundError,
    InvalidRequestError,
    NotFoundError,
    Settings,
    is_valid_doc_id,
)
from ingest import (
    Embedder,
    HybridRetriever,
    IndexStep,
    IngestReport,
    SearchFilters,
    SearchHit,
    SearchIndex,
    VectorIndex,
    build_index,
    create_embedder,
    create_vector_index,
)


class PolicyAssistant:
    """Search, documents, passages and ingest over the current index version."""

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        vectors: VectorIndex | None = None,
        steps: Sequence[IndexStep] = (),
        chat_model: ChatModel | None = None,
        conversations: ConversationStore | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder or create_embedder(settings)
        self.vectors = vectors or create_vector_index(settings)
        self.index = SearchIndex(settings, self.vectors, self.embedder)
        self.retriever = HybridRetriever(self.index, settings)
        if not steps and settings.metrics.enabled:
            from metrics import FigureStep

            steps = (FigureStep(), SentenceStep(settings, self.embedder))
        elif not steps:
            steps = (SentenceStep(settings, self.embedder),)
        self.steps = tuple(steps)
        self.figures = FigureService(self.index, settings.api.max_chart_figures)
        self.locator = Locator(self.index)
        self.pipeline = AnswerPipeline(
            self.index, self.retriever, self.figures, locator=self.locator
        )
        # the optional LLM writer (None without a model) may reword the default answer
        self.writer = create_llm_writer(settings, chat_model)
        self.conversations = conversations or create_conversation_store(settings)
        self.audit = audit or create_audit_log(settings)

    def warm_up(self) -> None:
        self.embedder.warm_up()
        self.pipeline.warm_up()

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: SearchFilters | None = None,
        *,
        principal: str | None = None,
    ) -> AskResult:
        """Answer a chat question with citations and figures (the ``/ask`` response).

        A follow-up is read against the conversation's previous turn (``assistant.followup``);
        the turn is stored, and every answer is written to the audit log.
        """
        started = time.perf_counter()
        self._check_text(question, "question")
        cid = conversation_id_or_new(conversation_id)
        filters = filters or SearchFilters()
        self._check_filters(filters)
        thread = _thread(principal, cid)
        previous = self.conversations.last_turn(thread)
        resolution = resolve_followup(question, previous, filters)
        if len(resolution.question) > self.settings.api.max_question_chars:
            resolution = resolve_followup(question, None, filters)
        if resolution.kind == "source" and previous is not None:
            result = answer_from_sources(question, previous, cid)
        else:
            resolved = SearchFilters(**resolution.frame.filters, access=filters.access)
            result = self.pipeline.ask(
                resolution.question, cid, resolved, language=detect_language(question)
            )
            result.conversation_id = cid
            if self.writer is None:
                result.trace["writer"] = writer_trace("default")
            else:
                result = self.writer.rewrite(resolution.question, result)
        turn = self.conversations.append(thread, _turn(question, resolution, result))
        result.trace["conversation"] = {
            "turn": turn.turn,
            "follow_up": resolution.follow_up,
            "kind": resolution.kind,
            "resolved_question": resolution.question,
        }
        self._audit(question, resolution, result, principal, turn.turn, started)
        return result

    def conversations_of(self, principal: str | None, limit: int = 50) -> list[ConversationSummary]:
        """The asker's live conversations, newest first (what the chat page lists)."""
        return self.conversations.summaries(_thread(principal, ""), limit)

    def conversation_turns(self, principal: str | None, conversation_id: str) -> list[Turn]:
        """The turns of one of the asker's conversations; 404 when it has none (unknown,
        expired, or another key's)."""
        turns = self.conversations.turns(
            _thread(principal, conversation_id_or_new(conversation_id))
        )
        if not turns:
            raise NotFoundError(
                f"no conversation with id {conversation_id!r}", code="conversation_not_found"
            )
        return turns

    def ask_transcript(
        self,
        questions: Sequence[str],
        filters: SearchFilters | None = None,
        *,
        principal: str | None = None,
    ) -> AskResult:
        """Answer the last of a chat's user questions as a follow-up of the earlier ones, for
        clients that send the whole transcript instead of a conversation id (see
        ``assistant.transcript``)."""
        return ask_transcript(self, questions, filters, principal=principal)

    def conversation_turn(self, conversation_id: str, principal: str | None = None) -> Turn | None:
        """The last stored turn of the asker's conversation, if any."""
        return self.conversations.last_turn(_thread(principal, conversation_id))

    def copy_conversation_turn(
        self, source: str, target: str, principal: str | None = None
    ) -> None:
        """Append the last turn of conversation ``source`` to ``target`` (nothing if none)."""
        turn = self.conversation_turn(source, principal)
        if turn is not None:
            self.conversations.append(_thread(principal, target), turn)

    def audit_records(
        self, access: tuple[str, ...] | None = None, **filters: Any
    ) -> list[AuditRecord]:
        """Audit records, newest first; with ``access``, only those whose citations and figures
        all come from documents the reader may see (the others are left out, not masked)."""
        records = self.audit.records(**filters)
        if access is None:
            return records
        documents = self.index.snapshot().documents if self.index.ready() else {}
        allowed = {d for d, e in documents.items() if e.get("access", SAFE_ACCESS) in access}
        return [
            r
            for r in records
            if all(c["doc_id"] in allowed for c in r.citations)
            and all(f.split(":", 1)[0] in allowed for f in r.figure_ids)
        ]

    def _audit(
        self,
        question: str,
        resolution: Resolution,
        result: AskResult,
        principal: str | None,
        turn: int,
        started: float,
    ) -> None:
        version = result.trace.get("index_version")
        snap = self.index.snapshot() if self.index.ready() else None
        chunks = snap.chunks if snap is not None and snap.version == version else None
        places, chunk_ids = cited_places(result.citations, chunks, self.locator.lines)
        self.audit.append(
            AuditRecord(
                principal=principal or DEFAULT_PRINCIPAL,
                question=question,
                resolved_question=resolution.question,
                route=str(result.trace.get("route", "none")),
                status=result.status,
                language=result.language,
                conversation_id=result.conversation_id,
                turn=turn,
                index_version=version,
                latency_ms=round((time.perf_counter() - started) * 1000),
                citations=places,
                chunk_ids=chunk_ids,
                figure_ids=figure_ids(result.figures),
            )
        )

    def _check_filters(self, filters: SearchFilters | None) -> None:
        """A filter on a document that does not exist, or may not be seen, is a 404."""
        if filters is not None and filters.doc_id:
            self.document_entry(filters.doc_id, filters.access)

    def _check_text(self, text: str, noun: str) -> None:
        """An empty or over-long question or query is a typed 422 error. A text of only
        spaces, control characters or invisible format characters (zero-width space, joiner,
        byte order mark, ...) is empty."""
        limit = self.settings.api.max_question_chars
        if is_blank(text):
            raise InvalidRequestError(
                f"the {noun} is empty (it holds no visible character)", code=f"empty_{noun}"
            )
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidRequestError(
                f"the {noun} holds characters that are not valid Unicode (a lone surrogate)",
                code=f"invalid_{noun}",
            ) from None
        if len(text) > limit:
            raise InvalidRequestError(
                f"the {noun} is {len(text)} characters; the limit is {limit}",
                code=f"{noun}_too_long",
            )

    # ----- ingest -------------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        *,
        prune: bool = False,
        progress: bool = False,
        remove: Collection[str] = (),
    ) -> IngestReport:
        return build_index(
            self.settings,
            paths,
            prune=prune,
            progress=progress,
            steps=self.steps,
            embedder=self.embedder,
            vectors=self.vectors,
            remove=remove,
        )

    @cached_property
    def library(self) -> DocumentLibrary:
        return DocumentLibrary(self)

    def upload(
        self,
        data: bytes,
        file_name: str,
        overrides: Mapping[str, Any] | None = None,
        access: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        """Check, store under <data_dir>/uploads and ingest one file (see assistant.uploads)."""
        return self.library.upload(data, file_name, overrides, access)

    def delete_document(self, doc_id: str, access: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Remove a document's chunks and figures in a new index version."""
        return self.library.delete(doc_id, access)

    # ----- read side ----------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        if not self.index.ready():
            return {
                "status": "ok",
                "index_version": None,
                "documents": 0,
                "chunks": 0,
                "figures": 0,
            }
        snap = self.index.snapshot()
        figures = int(snap.manifest.get("steps", {}).get("metrics", {}).get("figures", 0))
        return {
            "status": "ok",
            "index_version": snap.version,
            "documents": len(snap.documents),
            "chunks": int(snap.manifest.get("chunks", 0)),
            "figures": figures,
        }

    def search(
        self, query: str, k: int = 10, filters: SearchFilters | None = None, mode: str = "hybrid"
    ) -> list[SearchHit]:
        self._check_text(query, "query")
        self._check_filters(filters)
        k = max(1, min(k, self.settings.api.max_k))
        return self.retriever.search(query, k=k, filters=filters, mode=mode)  # type: ignore[arg-type]

    def documents(self, access: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        snap = self.index.snapshot()
        out = []
        per_doc = snap.manifest.get("steps", {}).get("metrics", {}).get("per_document", {})
        for doc_id, entry in sorted(snap.documents.items()):
            if access is not None and entry.get("access", SAFE_ACCESS) not in access:
                continue
            out.append(
                {
                    "doc_id": doc_id,
                    "title": entry["title"],
                    "source": entry["source"],
                    "municipality": entry.get("municipality"),
                    "doc_type": entry.get("doc_type"),
                    "year": entry.get("year"),
                    "period": entry.get("period"),
                    "pages": entry.get("pages"),
                    "lines": entry.get("lines"),
                    "chunks": entry.get("chunks", 0),
                    "figures": int(per_doc.get(doc_id, 0)),
                    "sha256": entry.get("sha256"),
                    "ingested_at": entry.get("ingested_at") or snap.manifest.get("created_at"),
                    "access": entry.get("access", SAFE_ACCESS),
                    "format": entry.get("format"),
                    "inferred": entry.get("inferred", {}),
                }
            )
        return out

    def document_entry(self, doc_id: str, access: tuple[str, ...] | None = None) -> dict[str, Any]:
        if not is_valid_doc_id(doc_id):
            raise DocumentNotFoundError(f"no document with id {doc_id!r}")
        entry = self.index.snapshot().documents.get(doc_id)
        if entry is None or (access is not None and entry.get("access", SAFE_ACCESS) not in access):
            raise DocumentNotFoundError(f"no document with id {doc_id!r}")
        return entry

    def passage(
        self,
        doc_id: str,
        line_start: int | None = None,
        line_end: int | None = None,
        page: int | None = None,
        *,
        context: int = 5,
        access: tuple[str, ...] | None = None,
    ) -> Passage:
        """The document's lines ``line_start..line_end`` in its own line numbers
        (``SourceLine.line``, what search hits and the answer's evidence carry)."""
        entry = self.document_entry(doc_id, access)
        doc = self.index.snapshot().document(doc_id)
        return read_passage(entry, doc, doc_id, line_start, line_end, page, context)

    def cited_passage(
        self,
        doc_id: str,
        line_start: int | None = None,
        line_end: int | None = None,
        page: int | None = None,
        page_end: int | None = None,
        *,
        context: int = 5,
        access: tuple[str, ...] | None = None,
    ) -> Passage:
        """A place as a citation names it (``/passage``): a PDF by page and the lines on that
        page (a 422 without the page), a DOCX by paragraph, a text file by line."""
        entry = self.document_entry(doc_id, access)
        doc = self.index.snapshot().document(doc_id)
        return read_cited(entry, doc, doc_id, line_start, line_end, page, context, page_end)


def _thread(principal: str | None, conversation_id: str) -> str:
    """The store's id of a conversation: its owner and the id the client knows. A conversation
    belongs to the key that started it: another key with the same id starts its own, so no
    citation of a document it may not see is carried over."""
    return f"{principal or DEFAULT_PRINCIPAL}:{conversation_id}"


def is_blank(text: str) -> bool:
    """True when ``text`` has no visible character: only whitespace, control characters (Cc)
    and invisible format characters (Cf: U+200B zero-width space, U+2060, U+FEFF, ...)."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def _turn(question: str, resolution: Resolution, result: AskResult) -> Turn:
    return Turn(
        question=question,
        resolved_question=resolution.question,
        kind=resolution.kind,
        language=result.language,
        status=result.status,
        route=str(result.trace.get("route", "none")),
        index_version=result.trace.get("index_version"),
        frame=resolution.frame,
        citations=result.citations,
        figures=result.figures,
        answer=result.answer,
        lead=getattr(result, "lead", None),  # the compose stage's lead, once answers have one
    )


def build_assistant(settings: Settings | None = None, **overrides: Any) -> PolicyAssistant:
    """The composition used by both the API (in its lifespan) and the CLI."""
    return PolicyAssistant(settings or Settings(), **overrides)
