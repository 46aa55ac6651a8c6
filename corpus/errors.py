"""Typed errors of the corpus layer.

Every error of the product derives from :class:`PolicyAssistantError`, which carries a
stable ``code`` and an HTTP ``status``. Only ``api/errors.py`` turns them into JSON::

    PolicyAssistantError
    ├── CorpusError
    │   ├── UnsupportedFormatError   (415)
    │   ├── EmptyDocumentError       (422)
    │   ├── NoTextLayerError         (422)
    │   ├── CorruptDocumentError     (422)
    │   ├── EncryptedDocumentError   (422)
    │   ├── TextEncodingError        (422)
    │   ├── DocumentTooLargeError    (413)
    │   └── ManifestError            (422)
    ├── NotFoundError                (404)
    │   └── DocumentNotFoundError    (404)
    ├── InvalidRequestError          (422)
    ├── IndexNotReadyError           (503)
    ├── ConfigurationError           (500)
    ├── StateError                   (503)
    ├── UnauthorizedError            (401)
    ├── ForbiddenError               (403)
    ├── RequestTooLargeError         (413)
    └── RateLimitedError             (429)
"""

from __future__ import annotations


class PolicyAssistantError(Exception):
    code = "internal_error"
    status = 500

    def __init__(
        self, message: str, *, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}  # extra HTTP headers (WWW-Authenticate, Retry-After)
        if code:
            self.code = code


class CorpusError(PolicyAssistantError):
    code = "corpus_error"
    status = 422


class UnsupportedFormatError(CorpusError):
    code = "unsupported_format"
    status = 415


class EmptyDocumentError(CorpusError):
    code = "empty_document"


class NoTextLayerError(CorpusError):
    code = "no_text_layer"


class CorruptDocumentError(CorpusError):
    code = "corrupt_document"


class EncryptedDocumentError(CorpusError):
    code = "encrypted_document"


class TextEncodingError(CorpusError):
    code = "text_encoding"


class DocumentTooLargeError(CorpusError):
    code = "document_too_large"
    status = 413


class ManifestError(CorpusError):
    code = "invalid_manifest"


class NotFoundError(PolicyAssistantError):
    code = "not_found"
    status = 404


class DocumentNotFoundError(NotFoundError):
    code = "document_not_found"


class InvalidRequestError(PolicyAssistantError):
    code = "invalid_request"
    status = 422


class IndexNotReadyError(PolicyAssistantError):
    code = "index_not_ready"
    status = 503


class ConfigurationError(PolicyAssistantError):
    """A setting names a backend that cannot run here (e.g. its package is not installed)."""

    code = "invalid_configuration"
    status = 500


class StateError(PolicyAssistantError):
    """A conversation or audit database under ``<data_dir>/state`` cannot be read or written."""

    code = "state_unavailable"
    status = 503


class UnauthorizedError(PolicyAssistantError):
    code = "unauthorized"
    status = 401


class ForbiddenError(PolicyAssistantError):
    code = "forbidden"
    status = 403


class RequestTooLargeError(PolicyAssistantError):
    code = "body_too_large"
    status = 413


class RateLimitedError(PolicyAssistantError):
    code = "rate_limited"
    status = 429
