"""The corpus layer: settings, the document model, readers, cleaning, chunking, metadata.

The bundled default corpus (five Twente policy documents) lives in this folder too.
Importing this package is cheap: parsers load inside the readers.
"""

from corpus.chunking import chunk_document
from corpus.cleaning import clean_line_text, clean_lines, join_lines
from corpus.documents import (
    document_from_bytes,
    document_from_json,
    document_to_json,
    is_valid_doc_id,
    iter_corpus_files,
    load_document,
    load_manifest,
    make_doc_id,
    read_limits,
    safe_file_name,
    write_manifest,
)
from corpus.errors import (
    CorpusError,
    CorruptDocumentError,
    DocumentNotFoundError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    ForbiddenError,
    IndexNotReadyError,
    InvalidRequestError,
    ManifestError,
    NoTextLayerError,
    NotFoundError,
    PolicyAssistantError,
    RateLimitedError,
    RequestTooLargeError,
    TextEncodingError,
    UnauthorizedError,
    UnsupportedFormatError,
)
from corpus.metadata import infer_metadata
from corpus.model import (
    ACCESS_LEVELS,
    AccessLevel,
    Chunk,
    Document,
    DocumentMeta,
    ExtractedText,
    SourceLine,
)
from corpus.periods import PeriodMatch, find_periods
from corpus.readers import sniff_format
from corpus.settings import BUNDLED_CORPUS_DIR, Settings, is_loopback

__all__ = [
    "ACCESS_LEVELS",
    "BUNDLED_CORPUS_DIR",
    "AccessLevel",
    "Chunk",
    "CorpusError",
    "CorruptDocumentError",
    "Document",
    "DocumentMeta",
    "DocumentNotFoundError",
    "DocumentTooLargeError",
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "ExtractedText",
    "ForbiddenError",
    "IndexNotReadyError",
    "InvalidRequestError",
    "ManifestError",
    "NoTextLayerError",
    "NotFoundError",
    "PeriodMatch",
    "PolicyAssistantError",
    "RateLimitedError",
    "RequestTooLargeError",
    "Settings",
    "SourceLine",
    "TextEncodingError",
    "UnauthorizedError",
    "UnsupportedFormatError",
    "chunk_document",
    "clean_line_text",
    "clean_lines",
    "document_from_bytes",
    "document_from_json",
    "document_to_json",
    "find_periods",
    "infer_metadata",
    "is_loopback",
    "is_valid_doc_id",
    "iter_corpus_files",
    "join_lines",
    "load_document",
    "load_manifest",
    "make_doc_id",
    "read_limits",
    "safe_file_name",
    "sniff_format",
    "write_manifest",
]
