"""find_numbers: Dutch and English number formats, and what is not a figure."""

from __future__ import annotations

import pytest

from metrics.numbers import find_numbers

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("Het bestand telt 6.143 uitkeringen.", 6143.0, "count"),
        ("Dat is 21,29% van het bestand.", 21.29, "percent"),
        ("Er is € 8,6 miljoen beschikbaar.", 8_600_000.0, "euro"),
        ("Er liepen 1.241 trajecten.", 1241.0, "count"),
        ("Dat betreft vijftig werkgevers.", 50.0, "count"),
        ("The rate rose to 12.5% last year.", 12.5, "percent"),
        ("We helped 1,234 people into work.", 1234.0, "count"),
        ("Een bedrag van 8,6 mln voor re-integratie.", 8_600_000.0, "euro"),
        ("Een bedrag van € 5.000,- per persoon.", 5000.0, "euro"),
        ("Zeven op de tien inwoners werkt.", 0.7, "ratio"),
    ],
)
def test_number_formats(text: str, value: float, unit: str) -> None:
    found = find_numbers(text)
    assert [(m.value, m.unit) for m in found] == [(value, unit)]


def test_range_gives_both_ends() -> None:
    found = find_numbers("een case-load van 40 tot 75 werkzoekenden per FTE")
    assert [m.value for m in found] == [40.0, 75.0]
    assert all(m.in_range for m in found)


@pytest.mark.parametrize(
    "text",
    [
        "De uitstroom steeg in 20191 fors.",  # footnote digit glued to a year
        "2.4 Uitstroom",  # section number
        "7",  # a lone small number: a page or line number
        "Op 1 oktober 2024 en op 15-03-2023 is gemeten.",  # dates
        "In 2024 en 2025 gaan we door.",  # years
        "1. Inleiding",  # list numbering
        "Zie tabel 3 en artikel 7.",  # references
    ],
)
def test_not_figures(text: str) -> None:
    assert find_numbers(text) == []


def test_approx_word_is_flagged() -> None:
    (match,) = find_numbers("Er doen ruim 300 inwoners mee.")
    assert match.value == 300.0
    assert match.approx


@pytest.mark.parametrize(
    ("text", "value", "parts"),
    [
        ("Bij negen van de tien werkenden met risico op armoede", 0.9, (9.0, 10.0)),
        ("In Twente werkt 7 op de 10 inwoners", 0.7, (7.0, 10.0)),
        ("Meer dan de helft van het bestand", 0.5, None),  # a share, but no two numbers
        ("In Twente werkt 7 op de 10 inwoners", 0.5, None),  # another value
    ],
)
def test_share_parts_are_the_two_numbers_of_a_stated_share(
    text: str, value: float, parts: tuple[float, float] | None
) -> None:
    from metrics import share_parts

    assert share_parts(text, value) == parts


def test_spelled_figures_are_kept_per_text_and_read_as_find_numbers_reads_them() -> None:
    """``spelled_figures`` keeps each text's spelled counts (an answer reads its quotes twice):
    the same pairs as ``find_numbers`` gives, a new list on every call."""
    from metrics.numbers import spelled_figures

    texts = [
        "Dat betreft vijftig werkgevers en twaalf trajecten.",
        "Zeven op de tien inwoners werkt; 1.241 trajecten liepen.",
        "Er is € 8,6 miljoen beschikbaar voor honderd banen.",
        "Geen getal hier.",
    ]
    for text in texts * 2:
        expected = [(m.raw, m.value) for m in find_numbers(text) if m.spelled and m.unit == "count"]
        first = spelled_figures(text)
        assert first == expected
        first.append(("x", 1.0))  # the caller's list: the kept pairs stay as they were
        assert spelled_figures(text) == expected
    assert spelled_figures(texts[0]) == [("vijftig", 50.0), ("twaalf", 12.0)]
