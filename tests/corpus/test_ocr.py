"""OCR of a scanned PDF (page images only), behind ``Settings.ingest.ocr``, with Debian's
tesseract (``apt-get install tesseract-ocr tesseract-ocr-nld``; ``make test`` installs it as
root). A missing tesseract FAILS these tests; ``POLICY_ASSISTANT_OCR=0`` skips them."""

from __future__ import annotations

import os
import shutil

import pytest

from corpus.errors import NoTextLayerError
from corpus.readers import read_bytes
from corpus.readers.ocr import OcrOptions
from tests.support.renderings import scanned_pdf

pytestmark = pytest.mark.integration
PAGES = [
    [
        "In 2024 stroomden 429 mensen uit de bijstand naar werk.",
        "Het college wil dat aantal in 2025 verhogen naar 500.",
        "",
        "De gemeente werkt daarbij samen met werkgevers in Twente.",
    ],
    [
        "Het budget voor re-integratie bedraagt 8,6 miljoen euro.",
        "Daarvan gaat een derde naar loonkostensubsidie.",
    ],
]
HEADER = "Nota Werk en Inkomen 2025"


@pytest.fixture(scope="module")
def scan() -> bytes:
    if os.environ.get("POLICY_ASSISTANT_OCR") == "0":
        pytest.skip("POLICY_ASSISTANT_OCR=0: OCR tests switched off")
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract is missing (apt-get install tesseract-ocr tesseract-ocr-nld)")
    return scanned_pdf(PAGES, HEADER)


def test_a_scan_without_ocr_is_refused_as_needing_ocr(scan: bytes) -> None:
    with pytest.raises(NoTextLayerError, match="needs OCR"):
        read_bytes(scan, "scan.pdf")


def test_a_scan_is_read_by_ocr_with_its_furniture_left_out(scan: bytes) -> None:
    got = read_bytes(scan, "scan.pdf", ocr=OcrOptions(dpi=300))
    text = [(sl.page, sl.ref, sl.text) for sl in got.lines if sl.text]
    expected = [
        (page, ref, line)
        for page, lines in enumerate(PAGES, start=1)
        for ref, line in enumerate([t for t in lines if t], start=1)
    ]
    assert text == expected
    assert {(sl.page, sl.text) for sl in got.furniture} >= {(1, HEADER), (2, HEADER)}
    # the paragraph break of page 1 stays a paragraph break
    lines = [sl.text for sl in got.lines if sl.page == 1]
    assert lines[lines.index(PAGES[0][1]) + 1] == ""


def test_ocr_without_tesseract_says_how_to_install_it(
    scan: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(NoTextLayerError, match="apt-get install tesseract-ocr"):
        read_bytes(scan, "scan.pdf", ocr=OcrOptions())
