"""An escalation counts for an organisation that was in the match on its day, also one
that came in later that day (docs/README-reports.md: "Een opschaling telt bij de dag
waarop ze gebeurde, en in het rapport van een organisatie alleen als die op die dag in
de match zat"). No test had an organisation join on an escalation's day, so counting
only those that joined the day before went unnoticed."""

from __future__ import annotations

from conftest import BSN_ANNA, Region, Runner, as_json, new_youth, ok

NOVEMBER = ["rapport", "jaarverslag", "--van", "01-11-2026", "--tot", "30-11-2026", "--json"]


def test_an_organisation_that_joins_on_the_escalations_day_counts_it(
    vix: Runner, region: Region
) -> None:
    args = [*new_youth(BSN_ANNA, "Anna"), "--ouders-geinformeerd", "22-10-2026", "--json"]
    ok(vix("signaleer", *args, als=region.school, now="2026-10-22T09:00:00"))
    match = as_json(vix("signaleer", *args, als=region.jgz, now="2026-10-22T10:00:00"))
    run = as_json(vix("stagnatie", "--escaleer", "--json", als=region.coordinator,
                      now="2026-11-02T08:00:00"))  # fmt: skip
    assert [s["escalated_to"] for s in run] == [1]
    # youth care signals Anna at noon that day and comes into her match
    care = as_json(vix("signaleer", *args, als=region.care, now="2026-11-02T12:00:00"))
    assert [m["id"] for m in care["matches"]] == [m["id"] for m in match["matches"]]
    later = "2026-12-01T09:00:00"
    for code in ("JH", "ZON"):
        r = as_json(vix(*NOVEMBER, "--organisatie", code, als=region.coordinator, now=later))
        assert [e["count"] for e in r["matches"]["escalations"]] == ["<5", 0, 0], code
    # the escalation of 02-11 is no part of October's report of any of them
    october = ["--van", "01-10-2026", "--tot", "31-10-2026"]
    r = as_json(vix(*NOVEMBER[:2], *october, "--json", "--organisatie", "JH",
                    als=region.coordinator, now=later))  # fmt: skip
    assert [e["count"] for e in r["matches"]["escalations"]] == [0, 0, 0]
