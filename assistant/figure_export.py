"""The figures table as a file a person opens in Excel.

Three forms of the same rows (``assistant.figures.row_to_public`` plus the document's ``title``
and ``document_year``):

- ``figures_csv(rows, "nl")``: the Dutch CSV dialect that Dutch Excel opens as it is: ``;``
  between fields, a decimal comma (``21,29``), whole numbers without a fraction (``608``),
  ``ja``/``nee`` for flags, CRLF line ends and a UTF-8 byte order mark. Text that Excel would
  read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) gets a leading ``'``.
  Columns in reading order: title, municipality, period, kind, ... source, page, line, quote.
- ``figures_csv(rows, "plain")``: the form ``format=csv`` had before (``,``, decimal point,
  ``True``/``False``, no BOM, the old column order) with the new columns at the end, for scripts.
- ``figures_xlsx(rows)``: one sheet, the Dutch column order, numbers as numbers, flags as
  booleans, text never read as a formula; a bold frozen header row with a filter.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from assistant.figures import PUBLIC_COLUMNS

CsvDialect = Literal["nl", "plain"]

# reading order for a person: what the figure is about and where it stands, then its provenance
EXPORT_COLUMNS = (
    "title",
    "municipality",
    "period",
    "kind",
    "subject",
    "measure",
    "value",
    "unit",
    "cumulative",
    "period_inferred",
    "approx",
    "document_year",
    "source",
    "page",
    "line",
    "quote",
    "doc_id",
    "figure_id",
)
ADDED_COLUMNS = ("title", "document_year")  # appended to the old columns in the plain dialect
OPTIONAL_COLUMNS = ("partial_reason", "conflict")  # present for a question's answer
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "Cijfers"


def with_documents(
    rows: Sequence[Mapping[str, Any]], documents: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The rows with their document's ``title`` and ``document_year`` (None when unknown)."""
    out = []
    for row in rows:
        doc = documents.get(str(row.get("doc_id")), {})
        out.append({**row, "title": doc.get("title"), "document_year": doc.get("year")})
    return out


def export_columns(rows: Sequence[Mapping[str, Any]], dialect: CsvDialect = "nl") -> list[str]:
    base = (
        list(PUBLIC_COLUMNS) + list(ADDED_COLUMNS) if dialect == "plain" else list(EXPORT_COLUMNS)
    )
    return base + [c for c in OPTIONAL_COLUMNS if any(c in row for row in rows)]


def dutch_number(value: float | int) -> str:
    """``608`` for 608.0, ``21,29`` for 21.29, ``8600000`` for 8.6e6: no thousands separator,
    so that neither Excel nor ``read_csv(decimal=",")`` can read it as another number."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace(".", ",") if isinstance(value, float) else str(value)


def _dutch_cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int | float):
        return dutch_number(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def figures_csv(rows: Sequence[Mapping[str, Any]], dialect: CsvDialect = "nl") -> bytes:
    """The rows as CSV bytes in ``dialect`` (see the module docstring)."""
    columns = export_columns(rows, dialect)
    if dialect == "plain":
        import pandas as pd

        frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
        return frame.to_csv(index=False).encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_dutch_cell(row.get(c)) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value if isinstance(value, bool | int | float) else str(value)


def figures_xlsx(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The rows as an xlsx workbook (openpyxl): one sheet, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = export_columns(rows, "nl")
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = SHEET_TITLE
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, row in enumerate(rows, start=2):
        for m, column in enumerate(columns, start=1):
            value = _xlsx_value(row.get(column))
            cell = sheet.cell(row=n, column=m, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a quote starting with '=' is text, never a formula
    widths = {"title": 48, "quote": 80, "measure": 30, "subject": 24, "figure_id": 28}
    for m, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(m)].width = widths.get(column, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
