"""Rupiah amounts as SPSE and the news write them, to whole rupiah.

"Rp. 3.800.000,00" and "Rp 699.631.130,00" (dots group thousands, a comma starts the
cents), "3,8 Jt" and "271,34 jt" (juta: millions), "1,2 M" and "Rp 2,5 miliar" (milyar:
billions), "1,5 T" (triliun).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SCALES = {
    "jt": 10**6, "juta": 10**6, "m": 10**9, "miliar": 10**9, "milyar": 10**9, "t": 10**12,
    "triliun": 10**12, "rb": 10**3, "ribu": 10**3,
}  # fmt: skip
AMOUNT = re.compile(
    r"(?:rp\.?\s*)?(?P<number>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*(?P<scale>juta|jt|miliar|milyar|triliun|ribu|rb|m|t)?\b\.?",
    re.IGNORECASE,
)


def parse_amount(text: str | None) -> int | None:
    """Whole rupiah, or None where the text holds no amount."""
    if not text:
        return None
    match = AMOUNT.search(text.replace("\xa0", " "))
    if not match:
        return None
    number = match["number"].replace(".", "").replace(",", ".")
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    scale = SCALES.get((match["scale"] or "").lower(), 1)
    return int((value * scale).to_integral_value())
