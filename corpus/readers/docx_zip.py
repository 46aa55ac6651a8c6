"""The zip check of a DOCX: zip bombs and archives that are not Word documents are refused
before anything is parsed. The sizes come from the zip directory, so nothing is unpacked."""

from __future__ import annotations

import io
import zipfile

from corpus.errors import CorruptDocumentError, DocumentTooLargeError

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 10_000


def check_zip(
    data: bytes, name: str, max_unpacked: int = MAX_UNCOMPRESSED, max_ratio: int = MAX_RATIO
) -> None:
    """Refuse zip bombs and archives that are not Word documents, before any parsing.

    The sizes come from the zip directory (``ZipInfo.file_size``), so nothing is unpacked.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError, struct.error, EOFError, ...
        raise CorruptDocumentError(f"{name}: not a valid DOCX (zip) file ({exc})") from None
    if len(infos) > MAX_MEMBERS:
        raise DocumentTooLargeError(f"{name}: the DOCX holds {len(infos):,} files")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > max_unpacked:
        raise DocumentTooLargeError(
            f"{name}: the DOCX unpacks to {total:,} bytes, over the limit of {max_unpacked:,} bytes"
        )
    worst = max((i.file_size / max(1, i.compress_size) for i in infos), default=0.0)
    if total / max(1, packed) > max_ratio or worst > max_ratio:
        raise DocumentTooLargeError(
            f"{name}: the DOCX is compressed more than {max_ratio}x (a zip bomb?); refused"
        )
    if "word/document.xml" not in {i.filename for i in infos}:
        raise CorruptDocumentError(f"{name}: not a Word document (no word/document.xml)")
