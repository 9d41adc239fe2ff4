"""Small HTML helpers shared by the sample sites."""

from __future__ import annotations

from datetime import datetime
from html import escape

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def tanggal(moment: datetime, with_time: bool = True) -> str:
    """'Jumat, 02 Oktober 2015 16:40 WIB' as Indonesian news sites print dates."""
    text = f"{HARI[moment.weekday()]}, {moment.day:02d} {BULAN[moment.month - 1]} {moment.year}"
    return f"{text} {moment:%H:%M} WIB" if with_time else text


def paragraphs_html(paragraphs: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def links_html(items: list[tuple[str, str]], css: str) -> str:
    rows = "".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for href, label in items
    )
    return f'<ul class="{css}">{rows}</ul>'
