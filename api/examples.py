"""OpenAPI examples: real answers over the bundled corpus (shortened), for ``/docs``.

``tests/api/test_openapi.py`` validates each against its response model, so an example cannot
drift from the contract.
"""

from __future__ import annotations

from typing import Any

QUESTION = "Hoeveel LKS-contracten zijn er in Q3 gestart?"
_DOC = {
    "doc_id": "001_2e26a5924f710f99",
    "title": "Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025",
    "source": "001_2e26a5924f710f99.txt",
    "municipality": "Enschede",
    "doc_type": "uitvoeringsprogramma",
    "year": 2025,
    "page": None,
}
_QUOTE = (
    "In de eerste drie kwartalen van 2024 zien we voor LKS onderstaand resultaat: "
    "o Totaal LKS contracten: 671 o Aantal lopende contracten: 451 "
    "o Gestarte contracten: 220 o Beéindigde contracten: 155"
)
_FIGURE = {
    "figure_id": "001_2e26a5924f710f99:90:9",
    "subject": "loonkostensubsidie",
    "measure": "gestarte contracten",
    "value": 220,
    "unit": "count",
    "period": "2024-Q1..Q3",
    "cumulative": True,
    "period_inferred": False,
    "kind": "result",
    "municipality": "Enschede",
    "approx": False,
    "doc_id": "001_2e26a5924f710f99",
    "source": "001_2e26a5924f710f99.txt",
    "page": None,
    "line": 90,
    "quote": "o Gestarte contracten: 220",
    "partial_reason": "cumulative: only a figure over Q1..Q3 (2024-Q1..Q3) exists, not Q3 alone",
    "conflict": False,
    "match_score": 7.0,
}
_MORE = (
    "Meer in de bronnen:\n- gestarte contracten (loonkostensubsidie) in Enschede: **220** — de "
    "eerste drie kwartalen van 2024, cumulatief; soort: resultaat. Bron: Uitvoeringsprogramma "
    "Enschedese Arbeidsmarkt Aanpak 2025, r. 90 [c1]."
)
_PARTIAL = "cumulative: only a figure over Q1..Q3 (2024-Q1..Q3) exists, not Q3 alone"

ASK_EXAMPLE: dict[str, Any] = {
    "status": "partial",
    "lead": "Geen cijfer voor alleen het derde kwartaal, wel cumulatief. 220 gestarte contracten "
    "(loonkostensubsidie) in Enschede, de eerste drie kwartalen van 2024, cumulatief; "
    "resultaat [c1].",
    "answer": "Geen cijfer voor alleen het derde kwartaal, wel cumulatief. 220 gestarte contracten "
    "(loonkostensubsidie) in Enschede, de eerste drie kwartalen van 2024, cumulatief; "
    f"resultaat [c1].\n\n- “{_QUOTE}” [c1]\n\nLet op: er is geen cijfer voor alleen het derde "
    "kwartaal. Het genoemde cijfer is cumulatief over de eerste drie kwartalen van 2024.\n\n"
    + _MORE,
    "more": _MORE,
    "language": "nl",
    "conversation_id": "f3b0c4f1a1d24e8b9c2d7e6a5b4c3d2e",
    "citations": [
        {"id": "c1", **_DOC, "line_start": 83, "line_end": 92, "quote": _QUOTE, "score": 1.0}
    ],
    "figures": [_FIGURE],
    "trace": {
        "route": "metrics",
        "index_version": "20261204T101500-1a2b3c",
        "timings_ms": {"total": 120},
        "grounding": {"checked": True, "numbers": 6, "grounded": 6, "ok": True},
        "conversation": {
            "turn": 1,
            "follow_up": False,
            "kind": "new",
            "resolved_question": QUESTION,
        },
        "writer": {"name": "default", "model": None, "fallback_reason": None},
        "partial_reasons": [_PARTIAL],
    },
}

SEARCH_EXAMPLE: dict[str, Any] = {
    "results": [
        {
            **_DOC,
            "line_start": 60,
            "line_end": 100,
            "section": "DOELEN EN INDICATOREN",
            "text": "DOELEN EN INDICATOREN\n\n...\no Totaal LKS contracten: 671\n\n"
            "o Aantal lopende contracten: 451\no Gestarte contracten: 220\n...",
            "score": 0.0328,
            "chunk_id": "001_2e26a5924f710f99:0004",
            "citation": "Uitvoeringsprogramma Enschedese Arbeidsmarkt Aanpak 2025 (Enschede, 2025), "
            "001_2e26a5924f710f99.txt, regels 60-100: “DOELEN EN INDICATOREN ...”",
        }
    ]
}

METRICS_EXAMPLE: dict[str, Any] = {
    "figures": [_FIGURE],
    "status": "partial",
    "reasons": [_PARTIAL],
    "conflicts": [],
}


def example(*values: dict[str, Any]) -> dict[str, Any]:
    """A model's ``json_schema_extra``: its examples."""
    return {"examples": list(values)}
