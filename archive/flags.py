"""Red flags of tender notices as data: the `notice_flags` view, one row a notice and
indicator with its value, the threshold it was held to and whether it is flagged, and the
thresholds in `flag_thresholds` (a table, so a researcher can see and change them with SQL).

A view, not a table written by the crawl: it is computed from the current rows of
notices, notice_awards, notice_schedule and notice_versions whenever it is read, so it
never disagrees with them. docs/flags.md defines each indicator and says where it follows
the Open Contracting Partnership's Cardinal or ICW's opentender.net and where it differs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the published site imports this module with the standard library only
    from sqlite_utils import Database

# (indicator, method LIKE pattern, threshold, basis): the most specific pattern wins.
THRESHOLDS = (
    ("single_bidder", "%", 1, "one bid received in a competitive tender (Cardinal R018)"),
    ("short_submission", "%", 7,
     "days from the announcement to the bid deadline, tender and seleksi: a project default "
     "for a schedule set in working days (Peraturan LKPP 12/2021), not read from its text"),
    ("short_submission", "%cepat%", 3,
     "tender cepat has a short schedule by design: a project default, not read from the rule"),
    ("winner_near_hps", "%", 0.99, "the winning price is at least 99% of the HPS (opentender)"),
    ("narrow_bid_band", "%", 0.02,
     "the highest of three or more bids is less than 2% above the lowest (Cardinal R024's idea)"),
    ("lowest_valid_not_winning", "%", 1,
     "a bid that passed every evaluated mark was lower than the winner's (Cardinal R028)"),
    ("repeat_winner", "%", 3,
     "the winner won this many packages or more from the same work unit in the budget year"),
    ("retendered", "%", 1, "an earlier package of the same work unit and name was cancelled"),
    ("hps_changed", "%", 1, "the HPS took more than one value over the notice's versions"),
)  # fmt: skip

# What each indicator is called on a notice's page.
LABELS = {
    "single_bidder": "Single bidder",
    "short_submission": "Short submission period",
    "winner_near_hps": "Winning price near the HPS",
    "narrow_bid_band": "Bids in a narrow band",
    "lowest_valid_not_winning": "Lowest valid bid did not win",
    "repeat_winner": "Repeat winner from one work unit",
    "retendered": "Re-tendered after a cancellation",
    "hps_changed": "HPS changed after the announcement",
}

_PRICE = "coalesce(corrected_price, offer)"
_SUPPLIER = "lower(trim(replace(replace(replace(supplier_name, '.', ''), ',', ''), '  ', ' ')))"
_MARKS = (
    "passed_qualification", "passed_verification", "passed_administration",
    "passed_technical", "passed_price",
)  # fmt: skip


def _threshold(indicator: str) -> str:
    return (
        "(SELECT threshold FROM flag_thresholds t WHERE t.indicator = "
        f"'{indicator}' AND coalesce(n.method, '') LIKE t.method_like "
        "ORDER BY length(t.method_like) DESC LIMIT 1)"
    )


def _row(indicator: str, value: str, flagged: str, detail: str, source: str) -> str:
    return f"""
SELECT n.id AS notice_id, n.lpse, n.category, n.package_code, n.name, n.work_unit,
  n.budget_year, '{indicator}' AS indicator, {value} AS value,
  {_threshold(indicator)} AS threshold, ({flagged}) AS flagged, {detail} AS detail
{source}"""


def view_sql() -> str:
    evaluated = " OR ".join(f"{mark} IS NOT NULL" for mark in _MARKS)
    valid = " AND ".join(f"coalesce({mark}, 1)" for mark in _MARKS)
    competitive = "n.category = 'tender'"
    threshold = _threshold
    blocks = [
        _row(
            "single_bidder", "b.bids", f"b.bids <= {threshold('single_bidder')}",
            "b.bids || ' bid(s)'",
            f"FROM notices n JOIN bids b ON b.notice_id = n.id WHERE {competitive}",
        ),
        _row(
            "short_submission", "round(p.days, 2)", f"p.days < {threshold('short_submission')}",
            "printf('%.1f days from %s to %s', p.days, p.opens, p.closes)",
            f"FROM notices n JOIN periods p ON p.notice_id = n.id WHERE {competitive} "
            "AND p.days IS NOT NULL",
        ),
        _row(
            "winner_near_hps", "round(w.price * 1.0 / n.hps, 4)",
            f"w.price * 1.0 / n.hps >= {threshold('winner_near_hps')} AND w.price <= n.hps",
            "printf('%s won at %.2f%% of the HPS', w.supplier_name, 100.0 * w.price / n.hps)",
            "FROM notices n JOIN winners w ON w.notice_id = n.id WHERE n.hps > 0 "
            f"AND w.price IS NOT NULL AND {competitive}",
        ),
        _row(
            "narrow_bid_band", "round((b.high - b.low) * 1.0 / b.low, 4)",
            f"(b.high - b.low) * 1.0 / b.low < {threshold('narrow_bid_band')}",
            "printf('%d bids within %.2f%% of the lowest', b.bids, 100.0 * (b.high - b.low) / b.low)",
            f"FROM notices n JOIN bids b ON b.notice_id = n.id WHERE b.bids >= 3 AND b.low > 0 "
            f"AND {competitive}",
        ),
        _row(
            "lowest_valid_not_winning", "v.below",
            f"v.below >= {threshold('lowest_valid_not_winning')}",
            "CASE WHEN v.below > 0 THEN printf('%d valid bid(s) below the winner''s %s', "
            "v.below, w.price) ELSE 'the winner''s was the lowest valid bid' END",
            "FROM notices n JOIN winners w ON w.notice_id = n.id "
            "JOIN (SELECT o.notice_id, sum(o.valid AND o.price < w2.price) AS below FROM offers o "
            "JOIN winners w2 ON w2.notice_id = o.notice_id WHERE o.notice_id IN "
            "(SELECT notice_id FROM offers WHERE evaluated) GROUP BY o.notice_id) v "
            f"ON v.notice_id = n.id WHERE w.price IS NOT NULL AND {competitive}",
        ),
        _row(
            "repeat_winner", "r.wins", f"r.wins >= {threshold('repeat_winner')}",
            "printf('%s won %d package(s) of this work unit in %s', w.supplier_name, r.wins, "
            "n.budget_year)",
            "FROM notices n JOIN winners w ON w.notice_id = n.id JOIN repeats r ON "
            "r.lpse = n.lpse AND r.unit = coalesce(n.work_unit, n.agency, '') AND "
            "r.budget_year IS n.budget_year AND r.supplier = w.supplier "
            "WHERE n.category IN ('tender', 'nontender')",
        ),
        _row(
            "retendered", "c.cancelled", f"c.cancelled >= {threshold('retendered')}",
            "CASE WHEN c.cancelled > 0 THEN c.cancelled || ' earlier cancelled package(s): ' "
            "|| c.codes ELSE 'no earlier cancelled package of this name' END",
            "FROM notices n JOIN retenders c ON c.notice_id = n.id",
        ),
        _row(
            "hps_changed", "h.values_seen", f"h.values_seen > {threshold('hps_changed')}",
            "CASE WHEN h.values_seen > 1 THEN printf('HPS from %d to %d', h.first_hps, n.hps) "
            "ELSE 'HPS unchanged' END",
            "FROM notices n JOIN hps_values h ON h.notice_id = n.id WHERE n.category = 'tender'",
        ),
    ]  # fmt: skip
    return f"""CREATE VIEW notice_flags AS
WITH offers AS (
  SELECT notice_id, {_PRICE} AS price, ({valid}) AS valid, ({evaluated}) AS evaluated
  FROM notice_awards WHERE role = 'bidder' AND offer IS NOT NULL
), bids AS (
  SELECT notice_id, count(*) AS bids, min(price) AS low, max(price) AS high
  FROM offers GROUP BY notice_id
), winners AS (
  SELECT notice_id, supplier_name, {_SUPPLIER} AS supplier,
    coalesce(contract_value, negotiated_price, corrected_price, offer) AS price, min(position)
  FROM notice_awards WHERE role = 'winner' GROUP BY notice_id
), periods AS (
  SELECT notice_id,
    min(CASE WHEN (stage LIKE 'Pengumuman%' OR stage LIKE 'Undangan%')
      AND stage NOT LIKE '%Pemenang%' AND stage NOT LIKE '%Hasil%' THEN starts_at END) AS opens,
    max(CASE WHEN stage LIKE '%Penawaran%' AND (stage LIKE '%Upload%'
      OR stage LIKE '%Pemasukan%' OR stage LIKE '%Kirim%' OR stage LIKE '%Penyampaian%')
      THEN ends_at END) AS closes,
    julianday(max(CASE WHEN stage LIKE '%Penawaran%' AND (stage LIKE '%Upload%'
      OR stage LIKE '%Pemasukan%' OR stage LIKE '%Kirim%' OR stage LIKE '%Penyampaian%')
      THEN ends_at END))
      - julianday(min(CASE WHEN (stage LIKE 'Pengumuman%' OR stage LIKE 'Undangan%')
      AND stage NOT LIKE '%Pemenang%' AND stage NOT LIKE '%Hasil%' THEN starts_at END)) AS days
  FROM notice_schedule GROUP BY notice_id
), repeats AS (
  SELECT n.lpse, coalesce(n.work_unit, n.agency, '') AS unit, n.budget_year, w.supplier,
    count(DISTINCT n.id) AS wins
  FROM notices n JOIN winners w ON w.notice_id = n.id
  WHERE n.category IN ('tender', 'nontender') AND n.status IS NOT 'cancelled'
  GROUP BY n.lpse, unit, n.budget_year, w.supplier
), retenders AS (
  SELECT n.id AS notice_id, count(c.id) AS cancelled, group_concat(c.package_code, ', ') AS codes
  FROM notices n LEFT JOIN notices c ON c.lpse = n.lpse AND c.category = n.category
    AND c.id <> n.id AND c.status = 'cancelled'
    AND lower(trim(c.name)) = lower(trim(n.name))
    AND coalesce(c.work_unit, c.agency, '') = coalesce(n.work_unit, n.agency, '')
    AND coalesce(c.announced_at, c.created_on) < coalesce(n.announced_at, n.created_on)
  WHERE n.category = 'tender'
  GROUP BY n.id
), hps_values AS (
  SELECT notice_id, count(DISTINCT hps) AS values_seen, min(version), hps AS first_hps
  FROM notice_versions WHERE hps IS NOT NULL GROUP BY notice_id
)
{" UNION ALL ".join(blocks)}"""


def create_flags(db: Database) -> None:
    """The thresholds table, seeded, and the view over it (migration 0025)."""
    db.table("flag_thresholds").create(
        {"indicator": str, "method_like": str, "threshold": float, "basis": str},
        pk=("indicator", "method_like"),
    )
    db.table("flag_thresholds").insert_all(
        {"indicator": i, "method_like": m, "threshold": t, "basis": b} for i, m, t, b in THRESHOLDS
    )
    db.execute(view_sql())
