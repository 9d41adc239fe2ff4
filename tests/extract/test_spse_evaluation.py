"""SPSE 4's evaluation page (`evaluasi/{code}/hasil`): our own snippet in the markup of the
participants table (marks as icons), read into bidder rows with their marks."""

from __future__ import annotations

import pytest

from procarchive.extract import spse_records
from scrapers.extract.spse import NotSpse, locate, page_part, parse_evaluation
from tests.conftest import realdata

CHECK, CLOSE, TIMES = (
    '<i class="fa fa-check"></i>',
    '<i class="fa fa-close"></i>',
    '<i class="fa fa-times"></i>',
)
HEADS = ("No", "Nama Peserta", "K", "B", "A", "T", "Penawaran", "Penawaran Terkoreksi", "H",
         "P", "PK", "Alasan")  # fmt: skip


def page(*rows: tuple[str, ...]) -> str:
    heads = "".join(f"<th>{head}</th>" for head in HEADS)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        "<html><body><footer>Aplikasi SPSE</footer><table class='table table-sm'>"
        f"<thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></body></html>"
    )


EVALUATION = page(
    ("1", "PT. KARYA BANGUN LESTARI - 01.513.583.3-915.000", CHECK, CHECK, CHECK, CHECK,
     "Rp. 1.398.000.000,00", "Rp. 1.397.500.000,00", CHECK, CHECK, CHECK, ""),
    ("2", "CV SINAR TEKNIK", "", "", CHECK, CLOSE, "Rp. 1.301.500.000,00",
     "Rp. 1.301.500.000,00", "", "", "", "Metode pelaksanaan tidak memenuhi"),
    ("3", "Budi Santoso", "", "", TIMES, "", "Rp. 1.500.000.000,00", "", "", "", "",
     " Surat penawaran tidak ditandatangani "),
)  # fmt: skip


def test_marks_passed_failed_and_not_evaluated() -> None:
    winner, failed_technical, failed_first = parse_evaluation(EVALUATION)
    assert winner == {
        "role": "bidder", "supplier_name": "PT. KARYA BANGUN LESTARI",
        "npwp": "01.513.583.3-915.000", "offer": 1_398_000_000,
        "corrected_price": 1_397_500_000, "passed_qualification": True,
        "passed_verification": True, "passed_administration": True, "passed_technical": True,
        "passed_price": True, "is_winner": True, "is_contract_winner": True, "fail_reason": None,
        "supplier_is_person": False,
    }  # fmt: skip
    assert (failed_technical["passed_administration"], failed_technical["passed_technical"]) == (
        True,
        False,
    )
    # Not evaluated after a failure: neither passed nor failed.
    assert failed_technical["passed_price"] is None
    assert failed_technical["passed_qualification"] is None
    assert failed_technical["fail_reason"] == "Metode pelaksanaan tidak memenuhi"
    assert (failed_technical["npwp"], failed_technical["is_winner"]) == (None, False)
    # fa-times is a failure too; a person's name carries no NPWP.
    assert failed_first["passed_administration"] is False
    assert failed_first["corrected_price"] is None and failed_first["supplier_is_person"]
    assert failed_first["fail_reason"] == "Surat penawaran tidak ditandatangani"


def test_an_empty_evaluation_and_a_page_without_one() -> None:
    assert parse_evaluation(page()) == []
    assert parse_evaluation(page(("", "", *[""] * 10))) == []  # a row without a bidder
    with pytest.raises(NotSpse):
        parse_evaluation("<html><body><table><tr><th>Nama Peserta</th></tr></table></body></html>")


def test_the_evaluation_page_is_known_by_its_url_and_its_table() -> None:
    assert locate("https://spse.inaproc.id/lkpp/evaluasi/10938471000/hasil") == (
        "lkpp", "tender", "evaluation", "10938471000",
    )  # fmt: skip
    assert locate("https://spse.inaproc.id/lkpp/evaluasinontender/10938471000/hasil") == (
        "lkpp", "nontender", "evaluation", "10938471000",
    )  # fmt: skip
    assert page_part(EVALUATION) == "evaluation"
    records = spse_records(
        EVALUATION.encode(), "https://spse.inaproc.id/lkpp/evaluasi/10938471000/hasil"
    )
    assert records is not None and records["notice_id"] == "lkpp-tender-10938471000"
    assert [row["supplier_name"] for row in records["evaluation"]][:2] == [
        "PT. KARYA BANGUN LESTARI",
        "CV SINAR TEKNIK",
    ]


def test_the_real_participants_page_is_not_taken_for_an_evaluation() -> None:
    path = realdata("real-sites") / "spse4-legacy-host" / "peserta.html"
    html = path.read_text(encoding="utf-8")
    assert page_part(html) == "participants"
    with pytest.raises(NotSpse):
        parse_evaluation(html)
