"""A report over a past period counts a match for an organisation, a domain and as "over
gemeentegrenzen" as it was in that period (docs/README-reports.md, rule 14).

An organisation that joins a match after the period does not get it, with its stagnation
and escalations, in the period's report; one that joined during it gets the match, and an
escalation only when it was in the match on the escalation's day. A move after a family
match ended, or after the period, does not make the match cross municipal borders in it,
and the municipality a youth left counts for the time before the move.
"""

from __future__ import annotations

from typing import Any

from conftest import BSN_ANNA, Region, Runner, as_json, ok
from report_scenario import new, place, withdraw

YEAR_2026 = ["--van", "01-01-2026", "--tot", "31-12-2026"]
BEFORE = "2027-01-04T12:00:00"  # the 2026 report as it was first made


def report(vix: Runner, als: str, now: str, *scope: str, period: list[str] = YEAR_2026) -> Any:
    return as_json(vix("rapport", "jaarverslag", *scope, *period, "--json", als=als, now=now))


def comparable(r: dict[str, Any]) -> dict[str, Any]:
    """The report without when it was made, its notes (they name today) and what is
    counted on the day of the report (the active signals, and a row of an organisation
    that has only those)."""
    figures = {k: v for k, v in r.items() if k not in ("made_at", "notes")}
    figures["signals"] = {k: v for k, v in r["signals"].items() if k != "active_now"}
    counts = ("placed", "withdrawn", "expired", "matches")
    figures["per_organisation"] = [
        {k: v for k, v in o.items() if k != "active_now"}
        for o in r["per_organisation"]
        if r["scope_kind"] != "regio" or any(o[k] for k in counts)
    ]
    return figures


def escalated(r: dict[str, Any]) -> list[Any]:
    return [e["count"] for e in r["matches"]["escalations"]]


def the_2026_reports(vix: Runner, region: Region, now: str) -> dict[str, Any]:
    coordinator = region.coordinator
    return {
        "school internal": report(vix, region.manager, now),
        "school": report(vix, coordinator, now, "--organisatie", "ZON"),
        "board": report(vix, coordinator, now, "--organisatie", "ZON", "--organisatie", "ESD"),
        "gi": report(vix, coordinator, now, "--organisatie", "GI"),
        "regio": report(vix, coordinator, now, "--regio"),
    }


def test_an_organisation_joining_later_leaves_the_period_as_it_was(
    vix: Runner, region: Region
) -> None:
    """JGZ and youth care make Anna's match on Monday 02-11-2026; `vix stagnatie`
    escalates it on 16-11; youth protection (GI) joins on 01-12, the school only in 2027."""
    place(vix, region.jgz, "2026-11-02T09:00:00", *new(BSN_ANNA, "Anna"))
    care = place(vix, region.care, "2026-11-02T10:00:00", *new(BSN_ANNA, "Anna"))
    [match] = care["matches"]
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-11-16T07:30:00"))
    gi = place(vix, region.gi, "2026-12-01T09:00:00", *new(BSN_ANNA, "Anna"))
    assert [m["id"] for m in gi["matches"]] == [match["id"]]
    ok(vix("rapport", "bestuur", "Stichting Scholen", "--organisatie", "ZON",
           "--organisatie", "ESD", als=region.admin))  # fmt: skip
    before = the_2026_reports(vix, region, BEFORE)

    school = place(vix, region.school, "2027-02-01T09:00:00", *new(BSN_ANNA, "Anna"))
    assert [m["id"] for m in school["matches"]] == [match["id"]]
    after = the_2026_reports(vix, region, "2027-02-02T12:00:00")
    for name in before:
        assert comparable(after[name]) == comparable(before[name]), name

    # the school was in no match in 2026: none, nothing stagnated, nothing escalated
    own = after["school internal"]
    m = own["matches"]
    assert (m["arisen"], m["youth_arisen"], m["judged"], m["stagnated"]) == (0, 0, 0, 0)
    assert escalated(own) == [0, 0, 0]
    assert own["per_domain"] == [] and own["per_organisation"][0]["matches"] == 0
    for name in ("school", "board"):
        assert after[name]["matches"]["arisen"] == 0, name
        assert escalated(after[name]) == [0, 0, 0], name
    # GI joined in 2026: the match counts, stagnated; the escalation before it joined not
    gi_report = after["gi"]["matches"]
    assert (gi_report["arisen"], gi_report["stagnated"]) == ("<5", "<5")
    assert escalated(after["gi"]) == [0, 0, 0]
    # the region: the escalation counts; education was in no match in 2026
    assert escalated(after["regio"]) == ["<5", 0, 0]
    domains = {d["domain"] for d in after["regio"]["per_domain"]}
    assert "onderwijs" not in domains and "jeugdbescherming/jeugdreclassering" in domains


def test_an_organisation_that_left_before_the_period_does_not_end_the_match_in_it(
    vix: Runner, region: Region
) -> None:
    """Youth care leaves Anna's match in December 2026; the match ends in March 2027."""
    jgz = place(vix, region.jgz, "2026-11-02T09:00:00", *new(BSN_ANNA, "Anna"))
    care = place(vix, region.care, "2026-11-02T10:00:00", *new(BSN_ANNA, "Anna"))
    gi = place(vix, region.gi, "2026-11-03T09:00:00", *new(BSN_ANNA, "Anna"))
    withdraw(vix, region.care, "2026-12-15T09:00:00", care, "weggenomen")
    withdraw(vix, region.gi, "2027-03-01T09:00:00", gi, "weggenomen")
    withdraw(vix, region.jgz, "2027-03-01T09:00:00", jgz, "weggenomen")
    quarter = ["--van", "01-01-2027", "--tot", "31-03-2027"]
    now = "2027-04-01T09:00:00"
    for code, ended in (("JH", 0), ("JGZ", "<5")):
        r = report(vix, region.coordinator, now, "--organisatie", code, period=quarter)
        assert r["matches"]["youth_ended"] == ended, code
