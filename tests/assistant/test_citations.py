"""The one readable form of a source: title, page and lines (or heading and paragraph)."""

from __future__ import annotations

import pytest

from assistant.citations import format_citation, format_location, format_source
from corpus import Location

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("where", "nl", "en"),
    [
        (Location(2, 36, 39), "p. 2, r. 36–39", "p. 2, l. 36–39"),
        (Location(2, 36, 36), "p. 2, r. 36", "p. 2, l. 36"),
        (Location(2, 40, 2, page_end=3), "p. 2, r. 40 – p. 3, r. 2", "p. 2, l. 40 – p. 3, l. 2"),
        (Location(None, 83, 98), "r. 83–98", "l. 83–98"),
        (
            Location(None, 37, 39, unit="paragraph", heading="2.4 Uitstroom naar werk"),
            "§ 2.4 Uitstroom naar werk, alinea 37–39",
            "§ 2.4 Uitstroom naar werk, para. 37–39",
        ),
        (
            Location(3, 12, 12, unit="paragraph", heading="Financiën"),
            "p. 3, § Financiën, alinea 12",
            "p. 3, § Financiën, para. 12",
        ),
    ],
)
def test_format_location(where: Location, nl: str, en: str) -> None:
    assert format_location(where) == nl
    assert format_location(where, lang="en") == en


def test_older_callers_pass_page_and_lines() -> None:
    assert format_location(4, 10, 12) == "p. 4, r. 10–12"
    assert format_location(None, 7, 7) == "r. 7"


def test_source_and_citation_name_the_title_never_the_file() -> None:
    where = Location(2, 36, 39)
    assert format_source("Uitvoeringsprogramma EAA 2025", where) == (
        "Uitvoeringsprogramma EAA 2025, p. 2, r. 36–39"
    )
    doc = {"title": "Nota", "municipality": "Enschede", "year": 2025, "source": "nota.pdf"}
    text = format_citation(doc, where, quote="Het  budget\nis € 8,6 miljoen.")
    assert text == "Nota (Enschede, 2025), p. 2, r. 36–39: “Het budget is € 8,6 miljoen.”"
