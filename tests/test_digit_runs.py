"""Tax numbers masked around a text's digit runs only: the same text as `pattern.sub` over the
whole of it, whatever surrounds the numbers."""

from __future__ import annotations

import random
import re

import pytest

from procarchive.digit_runs import sub_near_digit_runs
from procarchive.sensitive import _SEP, NPWP, NPWP_DIGITS, NPWP_GAP, NPWP_MASK, PRINTED_NPWP

# Digits of three scripts, the separators the patterns know, snippet marks, word characters
# and non-ASCII letters: what sits next to a tax number in a text.
PIECES = [*"0123456789", "٣", "٠", "१", "３", ".", "-", "\u2013", " ", "\t", "[", "]", "?",
          "a", "_", "é", "\u00a0", "\n", "NPWP: ", "01.234.567.8-901.000", "0123456789012345",
          "[01].[234].[567].[8]-[901].[000]", "1234 5678 9012 3456", "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥"]  # fmt: skip


def narrowed(pattern: re.Pattern[str], text: str) -> str:
    return sub_near_digit_runs(pattern, NPWP_MASK, text, NPWP_DIGITS, NPWP_GAP)


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
