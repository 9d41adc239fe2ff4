"""Tax numbers masked around a text's digit runs only: the same text as `pattern.sub` over the
whole of it, whatever surrounds the numbers."""

from __future__ import annotations

import json
import random
import re
import sqlite3
import sys
from typing import Any

import pytest

from procarchive import sensitive
from procarchive.digit_runs import may_be_digits, sub_near_digit_runs
from procarchive.sensitive import (
    _SEP,
    NPWP,
    NPWP_BETWEEN,
    NPWP_DIGITS,
    NPWP_GAP,
    NPWP_MASK,
    PRINTED_NPWP,
    URL_GAP,
    text_masker,
)

# Digits of three scripts, the separators the patterns know, snippet marks, word characters
# and non-ASCII letters: what sits next to a tax number in a text.
PIECES = [*"0123456789", "٣", "٠", "१", "３", ".", "-", "\u2013", " ", "\t", "[", "]", "?",
          "a", "_", "é", "\u00a0", "²", "\n", "NPWP: ", "01.234.567.8-901.000", "0123456789012345",
          "[01].[234].[567].[8]-[901].[000]", "1234 5678 9012 3456", "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥"]  # fmt: skip


def narrowed(pattern: re.Pattern[str], text: str) -> str:
    return sub_near_digit_runs(pattern, NPWP_MASK, text, NPWP_DIGITS, NPWP_GAP, NPWP_BETWEEN)


def random_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    filler = "Pengadaan barang dan jasa pemerintah tahun 2020 senilai Rp 1.500.000. "
    texts = []
    for _ in range(count):
        parts = [rng.choice(PIECES) for _ in range(rng.randint(0, 80))]
        if rng.random() < 0.3:
            parts.insert(rng.randint(0, len(parts)), filler * rng.randint(1, 20))
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("pattern", [NPWP, PRINTED_NPWP], ids=["NPWP", "printed NPWP"])
def test_the_same_text_as_sub_over_the_whole_text(pattern: re.Pattern[str]) -> None:
    texts = random_texts(seed=21, count=20_000)
    masked = 0
    for text in texts:
        expected = pattern.sub(NPWP_MASK, text)
        assert narrowed(pattern, text) == expected, text
        masked += expected != text
    assert masked > 1000  # the texts hold many numbers to mask, not only ones to leave


def test_the_gap_is_the_longest_separator_and_digits_the_fewest_of_a_match() -> None:
    assert re._parser.parse(_SEP).getwidth() == (1, NPWP_GAP)  # type: ignore[attr-defined]
    assert NPWP.fullmatch("1" * NPWP_DIGITS) and not NPWP.fullmatch("1" * (NPWP_DIGITS - 1))
    printed = "01.234.567.8-901.000"  # the shorter printed form
    assert PRINTED_NPWP.fullmatch(printed) and sum(map(str.isdigit, printed)) == NPWP_DIGITS


def test_numbers_far_apart_in_a_long_text_are_each_masked() -> None:
    text = (" kata" * 500 + " ").join(["", "01.234.567.8-901.000", "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥", "x"])
    assert narrowed(NPWP, text) == NPWP.sub(NPWP_MASK, text)
    assert narrowed(NPWP, text).count(NPWP_MASK) == 2
    dates = "Ditandatangani 2020-01-04T00:30:38+07:00, nilai Rp 1.500.000.000 (tahun 2021)."
    assert narrowed(NPWP, dates) == dates  # digit runs, too few digits for a tax number


def test_json_is_left_as_it_is_only_where_masking_each_string_would_leave_it() -> None:
    """Redactor.text passes JSON on undecoded where TextMasker.leaves_json says masking
    leaves it: the same answer as decoding, masking each string and encoding again."""
    rng = random.Random(7)
    for names in ([], ["Budi Santoso", "Ani"]):
        masker = text_masker(names)
        words = ["Budi", "budi santoso", "ANI", "Anita", "LKPP", "é", "\\", "\u00e9"]
        values: list[Any] = []
        for _ in range(1500):
            strings = ["".join(rng.choice(PIECES + words) for _ in range(rng.randint(0, 6)))
                       for _ in range(rng.randint(0, 5))]  # fmt: skip
            values.append(strings)
            values.append({string: [string, 15] for string in strings})
        left, changed = 0, 0
        for value in values:
            for ensure_ascii in (True, False):
                text = json.dumps(value, ensure_ascii=ensure_ascii)
                masked = _masked_json(masker, json.loads(text))
                if masker.leaves_json(text):
                    assert masked == json.loads(text), text
                    left += 1
                changed += masked != json.loads(text)
        assert left > 1000 and changed > 500  # both kinds, many of each


def _masked_json(masker: Any, value: Any) -> Any:
    if isinstance(value, str):
        return masker(value)
    if isinstance(value, list):
        return [_masked_json(masker, item) for item in value]
    if isinstance(value, dict):
        return {masker(key): _masked_json(masker, item) for key, item in value.items()}
    return value


def test_every_digit_escaped_in_json_has_a_decimal_digit_in_its_escape() -> None:
    # What leaves_json counts on: a \d written as \uXXXX still counts as a possible digit.
    digits = [chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\d", chr(c))]
    assert len(digits) > 600
    for digit in digits:
        assert may_be_digits(json.dumps(digit)) >= 1, hex(ord(digit))


def test_a_batch_is_redacted_as_each_value_on_its_own() -> None:
    """Redactor.rows masks a batch column by column, whole columns in one pass: the same
    values as masking each value of each row by itself (Redactor.text, TextMasker)."""
    conn = sqlite3.connect(":memory:")
    redactor = sensitive.Redactor(conn)
    redactor.mask = text_masker(["Budi Santoso"])
    redactor.mask_url = text_masker(["Budi Santoso"], PRINTED_NPWP, URL_GAP)
    names = ["title", "text", "agencies", "url", "id", "year"]
    redact = redactor.rows([("articles", name) for name in names], names)
    assert redact is not None
    rng = random.Random(11)
    changed = 0
    texts = [*random_texts(3, 200), "", "budi  santoso", "a\0b 012345678901234", '["Budi"]']
    for _ in range(300):
        batch = []
        for _ in range(rng.randint(1, 12)):
            row: list[Any] = [rng.choice([*texts, None]) for _ in range(3)]
            row[2] = rng.choice([None, "", json.dumps([rng.choice(texts)]), rng.choice(texts)])
            row += [rng.choice([*texts, None, "https://x.example/01.234.567.8-901.000"]),
                    rng.choice(texts), rng.choice([None, 2020])]  # fmt: skip
            batch.append(tuple(row))
        expected = [
            [redactor.text(v) for v in row[:3]] + [redactor.mask_url(row[3]), *row[4:]]
            for row in batch
        ]
        assert redact(batch) == expected
        changed += expected != [list(row) for row in batch]
    assert changed > 200  # most batches have something to mask
    assert redact([]) == []
