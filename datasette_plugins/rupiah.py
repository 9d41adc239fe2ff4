"""Datasette plugin: amounts in rupiah read as rupiah on HTML pages ("Rp 1.234.567.890").
CSV and JSON keep the whole-rupiah integers, so exports still sum and sort."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

AMOUNT_COLUMNS = frozenset(
    {
        "pagu", "hps", "realised", "offer", "corrected_price", "negotiated_price",
        "contract_value", "previous_hps", "difference", "value",
    }
)  # fmt: skip


def rupiah(value: int) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {abs(value):,}".replace(",", ".")


@hookimpl
def render_cell(value: Any, column: str) -> str | None:
    if column in AMOUNT_COLUMNS and isinstance(value, int) and not isinstance(value, bool):
        return rupiah(value)
    return None


# The cells it renders: datasette_plugins/cell_display.py calls it for those alone.
render_cell.renders = lambda table, column: column in AMOUNT_COLUMNS
