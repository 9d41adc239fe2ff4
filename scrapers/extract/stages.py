"""What an SPSE stage says of a package's state: one rule for the archive's `notices.status`
and the OCDS export's tenderStatus, so that the two never disagree."""

from __future__ import annotations

import re

# SPSE's stage words, to the states a researcher filters on (OCDS tenderStatus codes).
STATUS_WORDS = (("batal", "cancelled"), ("gagal", "unsuccessful"), ("selesai", "complete"))
NOT_STARTED = re.compile(r"\bbelum (dimulai|diumumkan|ada|tayang)\b")


def notice_status(stage: str | None) -> str | None:
    """planned, active, complete, cancelled or unsuccessful ("Tender Batal" -> "cancelled",
    "Belum Dimulai" -> "planned"); None without a stage."""
    if not stage:
        return None
    lowered = stage.lower()
    if NOT_STARTED.search(lowered):
        return "planned"
    return next((status for word, status in STATUS_WORDS if word in lowered), "active")
