"""Two lines of the shield that no report test needed (docs/README-reports.md,
"Aanvullende afscherming"): the organisations' "verl." column adds up to the expired
signals, and the days to agreement up to the term add up to "afstemming binnen N
werkdagen". A report that showed a total and all but one of its parts gave that one
away; leaving either line out of the shield went unnoticed.
"""

from __future__ import annotations

from typing import Any

from conftest import Region, Runner, as_json, new_youth, ok
from report_scenario import valid_bsns

NOVEMBER = ["rapport", "jaarverslag", "--van", "01-11-2026", "--tot", "30-11-2026", "--json"]


def given_away(total: Any, parts: list[Any]) -> bool:
    """Whether a shown total less its shown parts pins the one hidden part to 1-4."""
    hidden = [p for p in parts if not isinstance(p, int)]
    if not isinstance(total, int) or len(hidden) != 1:
        return False
    return 0 < total - sum(p for p in parts if isinstance(p, int)) < 5


def test_the_expired_column_gives_no_organisations_small_count_away(
    vix: Runner, region: Region
) -> None:
    """Five signals of the Zonnebloem and two of the Esdoorn expire in June 2026."""
    bsns = iter(valid_bsns(7, start=950_000_000))
    for who, town, count in ((region.school, "HAARLEM", 5), (region.school2, "ZANDVOORT", 2)):
        for i in range(count):
            args = [*new_youth(next(bsns), f"K{i}", town=town), "--ouders-geinformeerd"]
            ok(vix("signaleer", *args, "03-06-2024", als=who, now="2024-06-03T09:00:00"))
    ok(vix("onderhoud", als=region.coordinator, now="2026-06-04T06:00:00"))
    june = ["--van", "01-06-2026", "--tot", "30-06-2026", "--json"]
    r = as_json(vix("rapport", "jaarverslag", "--regio", *june, als=region.coordinator))
    rows = {o["code"]: o["expired"] for o in r["per_organisation"]}
    assert rows["ESD"] == "<5"
    assert not given_away(r["signals"]["expired"], [rows["ZON"], rows["ESD"]]), r["signals"]


def test_the_agreements_on_time_give_no_days_bucket_away(vix: Runner, region: Region) -> None:
    """Matches of Monday 02-11-2026: agreed after 1 working day (5), after 2 (4), after 7
    (3), never (5). On time: 9, of which the 4 of day 2 are the '<5'."""
    bsns = iter(valid_bsns(17, start=960_000_000))
    for agreed, count in (("03", 5), ("04", 4), ("11", 3), (None, 5)):
        for i in range(count):
            args = [*new_youth(next(bsns), f"K{i}"), "--ouders-geinformeerd", "02-11-2026"]
            ok(vix("signaleer", *args, als=region.school, now="2026-11-02T09:00:00"))
            found = as_json(vix("signaleer", *args, "--json", als=region.jgz,
                                now="2026-11-02T10:00:00"))  # fmt: skip
            if agreed:
                match, when = str(found["matches"][0]["id"]), f"2026-11-{agreed}T12:00"
                ok(vix("afstemming", match, "--datum", f"{agreed}-11-2026", als=region.jgz,
                       now=when))  # fmt: skip
    later = "2026-12-01T09:00:00"
    exact = as_json(vix(*NOVEMBER, als=region.manager, now=later))["matches"]
    assert (exact["agreement_in_time"], exact["with_agreement"], exact["judged"]) == (9, 12, 17)
    r = as_json(vix(*NOVEMBER, "--regio", als=region.coordinator, now=later))
    buckets = {b["label"]: b["count"] for b in r["agreement_distribution"]}
    assert buckets["2"] == "<5"
    up_to_term = [buckets[label] for label in ("0", "1", "2", "3", "4", "5")]
    assert not given_away(r["matches"]["agreement_in_time"], up_to_term), (r["matches"], buckets)
