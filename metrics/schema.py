"""The figures table: one typed row per figure, with provenance, validated by pandera."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

UNITS = ("count", "percent", "euro", "ratio", "score", "other")
KINDS = ("result", "target", "budget", "forecast", "context")

COLUMNS: dict[str, str] = {
    "figure_id": "string",
    "subject": "string",
    "measure": "string",
    "value": "float64",
    "unit": "string",
    "period": "string",
    "cumulative": "bool",
    "period_inferred": "bool",
    "kind": "string",
    "municipality": "string",
    "approx": "bool",
    "doc_id": "string",
    "source": "string",
    "page": "Int64",
    "line": "int64",
    "quote": "string",
}


def _schema() -> Any:
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "figure_id": pa.Column("string", unique=True),
            "subject": pa.Column("string"),
            "measure": pa.Column("string"),
            "value": pa.Column("float64", pa.Check(lambda s: s.notna() & (s.abs() < 1e13))),
            "unit": pa.Column("string", pa.Check.isin(UNITS)),
            "period": pa.Column("string", pa.Check.str_matches(r"^(unknown|\d{4}.*)$")),
            "cumulative": pa.Column("bool"),
            "period_inferred": pa.Column("bool"),
            "kind": pa.Column("string", pa.Check.isin(KINDS)),
            "municipality": pa.Column("string"),
            "approx": pa.Column("bool"),
            "doc_id": pa.Column("string"),
            "source": pa.Column("string"),
            "page": pa.Column("Int64", nullable=True),
            "line": pa.Column("int64", pa.Check.ge(1)),
            "quote": pa.Column("string", pa.Check(lambda s: s.str.len() > 0)),
        },
        strict=True,
        ordered=True,
        coerce=False,
    )


def figures_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Build and validate the figures table from extractor rows."""
    records = []
    for n, row in enumerate(rows):
        record = {column: row.get(column) for column in COLUMNS}
        if not record["figure_id"]:  # unique within the table: the row's position breaks ties
            record["figure_id"] = f"{row['doc_id']}:{row['line']}:{n}"
        for flag in ("cumulative", "period_inferred", "approx"):
            record[flag] = bool(record[flag])
        record["municipality"] = record["municipality"] or "onbekend"
        record["period"] = record["period"] or "unknown"
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame = frame.astype(COLUMNS)
    return validate(frame)


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    validated: pd.DataFrame = _schema().validate(frame)
    return validated


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in COLUMNS.items()})
