"""A picture of one figure over periods, across documents (PNG or SVG)."""

from __future__ import annotations

import io
import re

import pandas as pd

from corpus import InvalidRequestError


def _period_sort_key(period: str) -> tuple[int, int, str]:
    years = re.findall(r"(?:19|20)\d\d", period)
    quarter = re.findall(r"Q([1-4])", period)
    return (int(years[-1]) if years else 9999, int(quarter[-1]) if quarter else 5, period)


def render_chart(rows: pd.DataFrame, title: str, fmt: str = "png") -> bytes:
    """Values over periods; one line per document, markers at each figure."""
    if fmt not in ("png", "svg"):
        raise InvalidRequestError("format must be png or svg", code="invalid_format")
    known = rows[rows["period"] != "unknown"]
    if known.empty:
        raise InvalidRequestError("no figures with a known period to draw", code="nothing_to_draw")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    periods = sorted(known["period"].unique(), key=_period_sort_key)
    x_of = {p: i for i, p in enumerate(periods)}
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=110)
    for source, group in known.groupby("source"):
        group = group.sort_values("period", key=lambda s: s.map(lambda p: _period_sort_key(str(p))))
        xs = [x_of[p] for p in group["period"]]
        label = f"{source} ({', '.join(sorted(set(group['kind'])))})"
        ax.plot(xs, group["value"], marker="o", label=label)
        for x, value, line in zip(xs, group["value"], group["line"], strict=True):
            ax.annotate(
                f"{value:g}",
                (x, value),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=8,
            )
            del line
    ax.set_xticks(range(len(periods)), periods, rotation=30, ha="right")
    unit = ", ".join(sorted(set(known["unit"])))
    ax.set_ylabel(unit)
    ax.set_title(title[:90])
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    plt.close(fig)
    return buffer.getvalue()
