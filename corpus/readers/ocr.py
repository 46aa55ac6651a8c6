"""OCR of a PDF page without a text layer (a scan), with tesseract, when the setting is on.

``Settings.ingest.ocr`` turns it on. The page is rendered by PDFium at ``ocr_dpi`` and read by
the ``tesseract`` command (Debian: ``tesseract-ocr`` and ``tesseract-ocr-nld``), whose TSV
output gives every word with its box. The words are grouped into tesseract's lines, and each
line becomes a :class:`~corpus.furniture.PlacedLine` in PDF points, so page furniture and
paragraph breaks are found as for a text layer. Without tesseract the PDF is refused with a
clear message, never read as empty.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.errors import NoTextLayerError
from corpus.furniture import PlacedLine

if TYPE_CHECKING:
    from PIL.Image import Image

MIN_CONFIDENCE = 30.0  # tesseract's words below this confidence (0-100) are noise


@dataclass(frozen=True, slots=True)
class OcrOptions:
    languages: str = "nld+eng"
    dpi: int = 300
    timeout_s: float = 120.0

    @classmethod
    def of(cls, ingest: Any) -> OcrOptions | None:
        """The options of ``Settings.ingest``, or None when OCR is off."""
        if not getattr(ingest, "ocr", False):
            return None
        return cls(ingest.ocr_languages, ingest.ocr_dpi, ingest.ocr_timeout_s)


def tesseract(name: str) -> str:
    found = shutil.which("tesseract")
    if found is None:
        raise NoTextLayerError(
            f"{name}: the PDF has no text layer and needs OCR, which is turned on, but "
            "tesseract is not installed: `apt-get install tesseract-ocr tesseract-ocr-nld`"
        )
    return found


def read_image(image: Image, height_pt: float, options: OcrOptions, name: str) -> list[PlacedLine]:
    """The lines tesseract reads on a page image (``height_pt``: the page's height)."""
    command = tesseract(name)
    scale = 72.0 / options.dpi
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        path = Path(folder) / "page.png"
        image.save(path)
        try:
            done = subprocess.run(
                [command, str(path), "stdout", "-l", options.languages, "--psm", "3", "tsv"],
                capture_output=True,
                text=True,
                timeout=options.timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise NoTextLayerError(
                f"{name}: OCR of a page took longer than {options.timeout_s:.0f} s"
            ) from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise NoTextLayerError(f"{name}: OCR failed ({detail[0]})")
    return _lines(done.stdout, height_pt, scale)


def _lines(tsv: str, height_pt: float, scale: float) -> list[PlacedLine]:
    words: dict[tuple[int, int, int], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        if float(row.get("conf") or -1) < MIN_CONFIDENCE:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.setdefault(key, []).append(row)
    out: list[PlacedLine] = []
    for key in sorted(words):
        row_words = sorted(words[key], key=lambda w: int(w["left"]))
        left = min(int(w["left"]) for w in row_words) * scale
        right = max(int(w["left"]) + int(w["width"]) for w in row_words) * scale
        top_px = min(int(w["top"]) for w in row_words)
        bottom_px = max(int(w["top"]) + int(w["height"]) for w in row_words)
        top, bottom = height_pt - top_px * scale, height_pt - bottom_px * scale
        size = max(1.0, top - bottom)  # ascender to descender: about the font size
        text = " ".join(w["text"].strip() for w in row_words)
        out.append(PlacedLine(text, left, right, bottom, top, size, bottom))
    return out
