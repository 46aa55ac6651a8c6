"""Options that several commands share, bounded like the API's parameters (api/bounds.py).

A value out of bounds is a usage error (exit 2) before any work is done."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from api.bounds import DOC_ID_CHARS, DOC_TYPE_CHARS, MUNICIPALITY_CHARS, YEAR_MAX, YEAR_MIN


def max_chars(limit: int) -> Callable[[str | None], str | None]:
    """A typer callback: a usage error for a text option longer than ``limit``."""

    def check(value: str | None) -> str | None:
        if value is not None and len(value) > limit:
            raise typer.BadParameter(f"at most {limit} characters (got {len(value)})")
        return value

    return check


MunicipalityOpt = Annotated[
    str | None,
    typer.Option(help="Only this municipality.", callback=max_chars(MUNICIPALITY_CHARS)),
]
YearOpt = Annotated[
    int | None, typer.Option(min=YEAR_MIN, max=YEAR_MAX, help="Only documents of this year.")
]
DocTypeOpt = Annotated[
    str | None, typer.Option(help="Only this document type.", callback=max_chars(DOC_TYPE_CHARS))
]
DocIdOpt = Annotated[
    str | None, typer.Option(help="Only this document.", callback=max_chars(DOC_ID_CHARS))
]
