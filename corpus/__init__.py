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
)
from corpus.errors import (
    ConfigurationError,
    CorpusError,
    CorruptDocumentError,
    DocumentNotFoundError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    IndexNotReadyError,
    InvalidRequestError,
    ManifestError,
    NoTextLayerError,
    NotFoundError,
    PolicyAssistantError,
    StateError,
    TextEncodingError,
    UnsupportedFormatError,
)
from corpus.metadata import Municipality, infer_metadata, municipalities
from corpus.model import Chunk, Document, DocumentMeta, ExtractedText, SourceLine
from corpus.periods import PeriodMatch, find_periods, find_quarters, period_years
from corpus.settings import BUNDLED_CORPUS_DIR, LLMSettings, Settings

__all__ = [
    "BUNDLED_CORPUS_DIR",
    "Chunk",
    "ConfigurationError",
    "CorpusError",
    "CorruptDocumentError",
    "Document",
    "DocumentMeta",
    "DocumentNotFoundError",
    "DocumentTooLargeError",
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "ExtractedText",
    "IndexNotReadyError",
    "InvalidRequestError",
    "LLMSettings",
    "ManifestError",
    "Municipality",
    "NoTextLayerError",
    "NotFoundError",
    "PeriodMatch",
    "PolicyAssistantError",
    "Settings",
    "SourceLine",
    "StateError",
    "TextEncodingError",
    "UnsupportedFormatError",
    "chunk_document",
    "clean_line_text",
    "clean_lines",
    "document_from_bytes",
    "document_from_json",
    "document_to_json",
    "find_periods",
    "find_quarters",
    "infer_metadata",
    "is_valid_doc_id",
    "iter_corpus_files",
    "join_lines",
    "load_document",
    "load_manifest",
    "make_doc_id",
    "municipalities",
    "period_years",
]
