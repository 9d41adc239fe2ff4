"""OCDS bids (the bids extension, shipped and merged into the schema) and numberOfTenderers,
from the participants' offers and the evaluation marks. Notices of our own invention."""

from __future__ import annotations

from typing import Any

from procarchive import ocds
from tests.test_ocds import PACKAGE_URI, PREFIX, WINNER, notice, version


def bidder(name: str, offer: int | None, **marks: bool | None) -> dict[str, Any]:
    return {"supplier_name": name, "npwp": None, "offer": offer, "corrected_price": offer,
            "role": "bidder", "supplier_is_person": False, **marks}  # fmt: skip


def released(awards: list[dict[str, Any]]) -> dict[str, Any]:
    record = notice(stage="Tender Sudah Selesai", status="complete", awards=awards)
    return ocds.release(version(1, "2026-06-04T01:00:00+00:00", record, []), PREFIX)


def test_each_offer_is_a_bid_and_counts_as_a_tenderer() -> None:
    built = released(
        [
            bidder("PT Karya Bangun Lestari", 1_398_000_000),
            bidder("CV Sinar Teknik", 1_401_500_000),
            bidder("PT Registered Only", None),  # registered, never bid
            WINNER,
        ]
    )
    assert built["tender"]["numberOfTenderers"] == 2
    details = built["bids"]["details"]
    assert [bid["value"]["amount"] for bid in details] == [1_398_000_000, 1_401_500_000]
    assert all("status" not in bid for bid in details)  # no evaluation page read
    assert built["bids"]["statistics"] == [{"id": "bids", "measure": "bids", "value": 2}]
    tenderers = {p["name"] for p in built["parties"] if "tenderer" in p["roles"]}
    assert {"PT Karya Bangun Lestari", "CV Sinar Teknik"} <= tenderers
    assert "PT Registered Only" not in tenderers
    winner_award = next(a for a in built["awards"] if a["id"] == "winner-1")
    assert winner_award["relatedBid"] == "bid-1"


def test_evaluation_marks_set_each_bids_status_and_the_counts() -> None:
    built = released(
        [
            bidder("PT Karya Bangun Lestari", 1_398_000_000, passed_administration=True,
                   passed_technical=True, passed_price=True),
            bidder("CV Sinar Teknik", 1_301_500_000, passed_administration=True,
                   passed_technical=False),
        ]
    )  # fmt: skip
    assert [bid["status"] for bid in built["bids"]["details"]] == ["valid", "disqualified"]
    measures = {s["measure"]: s["value"] for s in built["bids"]["statistics"]}
    assert measures == {"bids": 2, "validBids": 1, "disqualifiedBids": 1}


def test_a_notice_without_offers_has_no_bids_section() -> None:
    built = released([bidder("PT Registered Only", None)])
    assert "bids" not in built
    assert "numberOfTenderers" not in built["tender"]


def test_packages_with_bids_are_valid_and_name_the_extension() -> None:
    built = [released([bidder("PT Karya Bangun Lestari", 1_398_000_000, passed_price=True)])]
    package = ocds.release_package(built, PACKAGE_URI, "2026-06-04T02:00:00Z", "procarchive")
    assert ocds.validate_package(package) == []
    assert package["extensions"] == [ocds.EXTENSIONS["bids"]]
    record = ocds.compiled_record(built[0]["ocid"], built)
    assert record["compiledRelease"]["bids"]["details"][0]["status"] == "valid"
    records = ocds.record_package([record], PACKAGE_URI, "2026-06-04T02:00:00Z", "procarchive")
    assert ocds.validate_package(records, "record") == []


def test_the_merged_schema_checks_a_bid_as_the_extension_defines_it() -> None:
    built = [released([bidder("PT Karya Bangun Lestari", 1_398_000_000)])]
    built[0]["bids"]["details"][0]["status"] = "accepted"  # not in bidStatus.csv
    del built[0]["bids"]["statistics"][0]["value"]  # required by BidsStatistic
    package = ocds.release_package(built, PACKAGE_URI, "2026-06-04T02:00:00Z", "procarchive")
    errors = ocds.validate_package(package)
    assert any("status" in error and "accepted" in error for error in errors), errors
    assert any("'value' is a required property" in error for error in errors), errors
