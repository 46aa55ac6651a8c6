"""Input bounds that the routes and the CLI share, so both refuse the same values."""

from __future__ import annotations

from typing import Literal

SearchMode = Literal["hybrid", "bm25", "dense"]
FigureKind = Literal["result", "target", "budget", "forecast", "context"]
CsvDialect = Literal["nl", "plain"]  # the dialects of assistant.figure_export.figures_csv
AccessChoice = Literal["public", "internal", "confidential"]
SEARCH_K_MAX = 500
YEAR_MIN, YEAR_MAX = 1900, 2100
PORT_MIN, PORT_MAX = 1, 65535
FIGURE_QUESTION_CHARS = 2000
SUBJECT_CHARS = 200
PERIOD_CHARS = 40
MUNICIPALITY_CHARS = 100
DOC_TYPE_CHARS = 100
DOC_ID_CHARS = 128
