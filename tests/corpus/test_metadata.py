"""Metadata inferred from the text of all five bundled documents (no manifest applied)."""

from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS_DIR, document_from_bytes, load_document, load_manifest

pytestmark = pytest.mark.unit

EXPECTED = {
    "000_8b61c92ddb7f1bd9.txt": ("Enschede", "evaluatie", 2019, "2019-Q1..Q3"),
    "001_2e26a5924f710f99.txt": ("Enschede", "uitvoeringsprogramma", 2025, "2024-Q1..Q3"),
    "002_9a8395ceee984767.txt": ("Hengelo", "raadsvoorstel", 2017, "2016..2020"),
    "003_9d2ec121fa2b4399.txt": ("Enschede", "raadsbrief", 2023, "2022-Q1..Q3"),
    "004_ab214aa48ccf99b6.txt": ("Enschede", "beleidskader", 2019, "2019.."),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_inferred_metadata(name: str) -> None:
    meta = load_document(BUNDLED_CORPUS_DIR / name).meta
    assert (meta.municipality, meta.doc_type, meta.year, meta.period) == EXPECTED[name]
    assert meta.doc_type.capitalize() in meta.title and str(meta.year) in meta.title
    assert all(meta.inferred[k] for k in ("municipality", "doc_type", "year", "period", "title"))


def test_not_every_document_is_from_enschede() -> None:
    assert {v[0] for v in EXPECTED.values()} == {"Enschede", "Hengelo"}


def test_manifest_overrides_win_and_are_flagged() -> None:
    manifest = load_manifest(BUNDLED_CORPUS_DIR)
    name = "002_9a8395ceee984767.txt"
    data = (BUNDLED_CORPUS_DIR / name).read_bytes()
    meta = document_from_bytes(data, name, overrides={**manifest[name], "year": 2018}).meta
    assert meta.title == manifest[name]["title"] and meta.year == 2018
    assert meta.inferred["year"] is False and meta.inferred["municipality"] is True


def test_municipality_is_not_assumed(tmp_path: Path) -> None:
    text = "De gemeente Almelo stelt vast. In Almelo groeit het aantal banen. Almelose werkgevers."
    meta = document_from_bytes(text.encode(), "brief.txt").meta
    assert meta.municipality == "Almelo"
    meta = document_from_bytes(b"Een tekst zonder plaatsnaam.", "x.txt").meta
    assert meta.municipality is None
