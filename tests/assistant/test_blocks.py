"""Lists, tables and heading contexts: the quotable units beside sentences."""

from __future__ import annotations

import pytest

from assistant.blocks import BLOCK_CHARS, find_blocks, heading_contexts
from assistant.sentence_index import document_units, embedding_text
from corpus import BUNDLED_CORPUS_DIR, Document, DocumentMeta, SourceLine

pytestmark = pytest.mark.unit


def numbered(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), start=1))


def collapsed(lines: list[tuple[int, str]], first: int, last: int) -> str:
    return " ".join(" ".join(t for n, t in lines if first <= n <= last).split())


LIST_PAGE = """Dat is en blijft een uitdaging.

Dat leidt tot de volgende ambities:
•	 Wij willen minimaal de uitkeringslast beperken tot het

niveau waarvoor wij BUIG-middelen ontvangen

•	 Onze preventiequote blijft de komende twee jaar op 55%
•	 Binnen 1 jaar heeft 50% van het huidig bestand werk.

Daarna volgt gewone tekst die geen lijst meer is, en die lang genoeg is om proza te zijn."""


def test_a_list_is_one_block_with_its_lead_sentence_verbatim() -> None:
    lines = numbered(LIST_PAGE)
    blocks = find_blocks(lines)
    assert len(blocks) == 1
    block = blocks[0].sentence
    assert block.text.startswith("Dat leidt tot de volgende ambities:")
    assert "55%" in block.text and "50%" in block.text
    assert "gewone tekst" not in block.text
    assert (block.line_start, block.line_end) == (3, 9)
    # the quote stands verbatim (whitespace collapsed) in its lines
    assert " ".join(block.text.split()) in collapsed(lines, block.line_start, block.line_end)


TABLE_PAGE = """Het budget wordt hieronder per jaar gegeven in een overzicht van de gemeente.

Re-integratiebudget 2017 2018 2019
WWB Klassiek 3.211.464 3.091.648 3.107.632
Nieuw Wajong 146.831 181.473 228.814
Totaal 3.700.445 3.695.772 3.813.336

Daarna volgt gewone tekst die geen tabel meer is, en die lang genoeg is om proza te zijn."""


def test_a_table_with_its_header_row_is_one_block() -> None:
    lines = numbered(TABLE_PAGE)
    blocks = find_blocks(lines)
    tables = [b for b in blocks if "Totaal 3.700.445" in b.sentence.text]
    assert len(tables) == 1
    text = tables[0].sentence.text
    assert text.startswith("Re-integratiebudget 2017 2018 2019") or "Re-integratiebudget" in text
    assert "gewone tekst" not in text


LONG_TABLE_PAGE = """Hieronder is in beeld gebracht hoe het bijstandsbestand fluctueert. Het saldo van
in- en uitstroom zorgt per jaar voor een stijging. Dat geeft een enorme dynamiek.

TOTAAL 2012 2013 2014 2015 2016 2017
Beginstand 1.707 1.963 2.118 2.226 2.268 2.376
Instroom totaal 1.126 1.097 1.105 1.001 603 509
Instroom >1 maand 1.006 981 997 911 549 444
Instroom <1 maand 120 116 108 90 54 65
Uitstroom 873 942 997 958 486 492
Saldo 253 155 108 43 117 17
Eindstand 1.963 2.118 2.226 2.269 2.388 2.377

3.Jeugdigen.

Het valt op dat de jeugdwerkloosheid in Hengelo spectaculair gedaald is."""


def test_a_long_table_is_one_block_with_the_sentence_announcing_it_as_context() -> None:
    (table,) = find_blocks(numbered(LONG_TABLE_PAGE))
    assert len(table.sentence.text) > 300  # a table however long its rows run
    assert table.sentence.text.startswith("TOTAAL 2012") and "2.388" in table.sentence.text
    # ... and ends before the numbered heading of the next section
    assert (table.sentence.line_start, table.sentence.line_end) == (4, 11)
    # the paragraph before it names what the table is about: context, not quote
    assert table.lead == "Hieronder is in beeld gebracht hoe het bijstandsbestand fluctueert."


def test_a_long_list_is_cut_at_items_and_the_rest_keeps_the_lead_as_context() -> None:
    items = "\n".join(
        f"- Punt {i}: een onderdeel van de lijst met wat uitleg erbij." for i in range(30)
    )
    lines = numbered(f"Dit zijn de punten:\n{items}")
    blocks = find_blocks(lines)
    assert len(blocks) > 1
    assert all(len(b.sentence.text) <= BLOCK_CHARS + 80 for b in blocks)
    assert blocks[0].sentence.text.startswith("Dit zijn de punten:")
    assert all(b.lead == "Dit zijn de punten:" for b in blocks)
    assert not blocks[1].sentence.text.startswith("Dit zijn de punten:")


def test_a_template_subheading_keeps_the_topic_heading_above_it() -> None:
    text = """Inleidende tekst van de evaluatie die eindigt met een punt.

Flextensie

Beschrijving
Een methode waarbij werkzoekenden werken met behoud van uitkering.

Evaluatie
De werking wordt positief ervaren.

Jobcoaching

Beschrijving
Begeleiding op de werkplek.

Evaluatie
Ook dit werkt goed.

Loonkostensubsidie

Beschrijving
Een subsidie voor werkgevers.

Evaluatie
Werkgevers gebruiken haar vaker."""
    lines = numbered(text)
    contexts = dict(zip([n for n, _ in lines], heading_contexts(lines), strict=True))
    # "Beschrijving" recurs: it is a sub-heading under the instrument it describes
    assert contexts[6] == "Flextensie Beschrijving"
    assert contexts[9] == "Flextensie Evaluatie"
    assert contexts[14] == "Jobcoaching Beschrijving"
    assert contexts[1] == ""


def test_units_of_a_bundled_document_are_verbatim_and_embed_with_their_context() -> None:
    source = "001_2e26a5924f710f99.txt"
    raw = (BUNDLED_CORPUS_DIR / source).read_text(encoding="utf-8").split("\n")
    meta = DocumentMeta(
        doc_id="d",
        source=source,
        title="t",
        municipality="Enschede",
        doc_type="nota",
        year=2025,
        period=None,
        sha256="x",
        format="txt",
    )
    doc = Document(meta, [SourceLine(i, t) for i, t in enumerate(raw, start=1)])
    units = document_units(doc)
    blocks = [u for u in units if u["kind"] == "block"]
    assert blocks and len(units) > len(blocks)
    by_line = {i: t for i, t in enumerate(raw, start=1)}
    for unit in units:
        span = " ".join(by_line[n] for n in range(unit["line_start"], unit["line_end"] + 1))
        assert " ".join(unit["text"].split()) in " ".join(span.split())
    lks = next(b for b in blocks if "Gestarte contracten: 220" in b["text"])
    assert "LKS" in lks["text"]  # the list keeps its lead: "... zien we voor LKS ..."
    assert embedding_text("tekst", "Kop") == "Kop: tekst" and embedding_text("tekst", "") == "tekst"
