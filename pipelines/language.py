"""Detect each article's language with langdetect, deterministically.

langdetect is random by design; a fixed seed makes it repeatable. It reads only the title
and the start of the text: a few hundred characters decide the language as well as the
whole article and cost a fraction of the time.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from langdetect import DetectorFactory, LangDetectException, detect

SAMPLE_CHARS = 600
MIN_LETTERS = 20

DetectorFactory.seed = 0


def detect_language(title: str | None, text: str) -> str | None:
    sample = f"{title or ''}\n{text[:SAMPLE_CHARS]}"
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    try:
        return str(detect(sample))
    except LangDetectException:
        return None


class LanguagePipeline:
    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        adapter["lang"] = detect_language(adapter.get("title"), adapter.get("text") or "")
        return item
