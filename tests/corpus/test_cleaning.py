import pytest

from corpus import SourceLine, clean_line_text, clean_lines, join_lines

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("e Participatie: eind september 2024 is", "- Participatie: eind september 2024 is"),
        ("o Totaal LKS contracten: 671", "- Totaal LKS contracten: 671"),
        ("\uf0b7 Werkzoekenden met afstand", "- Werkzoekenden met afstand"),
        ("• punt", "- punt"),
        ("bijstand. leder jaar wordt er", "bijstand. Ieder jaar wordt er"),
        ("leder jaar", "Ieder jaar"),
        ("waarin de uitvoering wordt geévalueerd", "waarin de uitvoering wordt geëvalueerd"),
        ("o Beéindigde contracten: 155", "- Beëindigde contracten: 155"),
        ("substantiéle resultaten", "substantiële resultaten"),
        ("daling t.0.v. 2022", "daling t.o.v. 2022"),
        ("\ufffdDe evaluatie\t2019", "De evaluatie 2019"),
        ("een idée, één café", "een idée, één café"),
        ("het leder van de tas", "het leder van de tas"),
    ],
)
def test_clean_line_text(raw: str, clean: str) -> None:
    assert clean_line_text(raw) == clean


def test_join_undoes_hyphenation_but_keeps_compound_hyphens() -> None:
    assert (
        join_lines(["de kwetsbare midden-", "groepen worden"])
        == "de kwetsbare middengroepen worden"
    )
    assert join_lines(["aantal WW-", "uitkeringen"]) == "aantal WW-uitkeringen"
    assert join_lines(["met LKS-", "doelgroep"]) == "met LKS-doelgroep"
    assert join_lines(["lead:", "- item één", "- item twee"]) == "lead:\n- item één\n- item twee"


def test_page_number_lines_are_dropped_but_table_values_are_kept() -> None:
    lines = [
        SourceLine(i + 1, t)
        for i, t in enumerate(
            ["Tekst die eindigt.", "", "2", "", "Ambitie", "Aantal deelnemers:", "250", "429"]
        )
    ]
    cleaned = clean_lines(lines)
    assert cleaned[2] == ""  # a lone page number between blank lines
    assert cleaned[6] == "250" and cleaned[7] == "429"  # values in a table block stay
