"""A match whose agreement term still runs on the report's day: judged only once agreed.

"Het aandeel 'op tijd' is berekend over de matches waarvan de termijn op de rapportdatum
verstreken is terwijl ze liepen (of die al afstemming hebben)" (docs/README-reports.md).
The report counts the matches still in their term per creation day and takes off those
that already have their agreement; no test made a match agreed inside a term that was
still running, so dropping that correction (an agreed match left "pending") went
unnoticed: it made the stagnated count -1.
"""

from __future__ import annotations

from conftest import BSN_ANNA, BSN_BRAM, Region, Runner, as_json, new_youth, ok

NOVEMBER = ["rapport", "jaarverslag", "--van", "01-11-2026", "--tot", "30-11-2026", "--json"]


def test_a_match_agreed_inside_its_running_term_is_judged_and_on_time(
    vix: Runner, region: Region
) -> None:
    # Thursday 19-11-2026: two matches (Anna, Bram); the term (5 working days) runs to
    # 26-11, after the report's day, Monday 23-11. Anna's agreement on 20-11, Bram's none.
    ids = []
    for bsn, name in ((BSN_ANNA, "Anna"), (BSN_BRAM, "Bram")):
        args = [*new_youth(bsn, name), "--ouders-geinformeerd", "19-11-2026", "--json"]
        ok(vix("signaleer", *args, als=region.school, now="2026-11-19T09:00:00"))
        found = as_json(vix("signaleer", *args, als=region.jgz, now="2026-11-19T10:00:00"))
        ids.append(str(found["matches"][0]["id"]))
    ok(vix("afstemming", ids[0], "--datum", "20-11-2026", als=region.jgz, now="2026-11-20T12:00"))

    m = as_json(vix(*NOVEMBER, als=region.manager, now="2026-11-23T10:00:00"))["matches"]
    assert (m["arisen"], m["with_agreement"]) == (2, 1)
    # Anna's is judged (agreed, on time); Bram's term still runs: in neither
    assert (m["judged"], m["agreement_in_time"], m["stagnated"]) == (1, 1, 0)
    assert m["agreement_share"] == 100.0

    # a week later both terms have passed: Bram's match stagnated
    m = as_json(vix(*NOVEMBER, als=region.manager, now="2026-11-30T10:00:00"))["matches"]
    assert (m["judged"], m["agreement_in_time"], m["stagnated"]) == (2, 1, 1)
    assert m["agreement_share"] == 50.0


def test_a_match_ended_inside_a_term_that_still_runs_is_counted_once(
    vix: Runner, region: Region
) -> None:
    """Ended on its second day without agreement, its term running on the report's day:
    it is neither judged nor pending twice (judged was -1 when both took it off)."""
    args = [*new_youth(BSN_ANNA, "Anna"), "--ouders-geinformeerd", "19-11-2026", "--json"]
    ok(vix("signaleer", *args, als=region.school, now="2026-11-19T09:00:00"))
    found = as_json(vix("signaleer", *args, als=region.jgz, now="2026-11-19T10:00:00"))
    ok(vix("intrekken", str(found["signal_id"]), "--reden", "weggenomen", als=region.jgz,
           now="2026-11-20T09:00:00"))  # fmt: skip
    m = as_json(vix(*NOVEMBER, als=region.manager, now="2026-11-23T10:00:00"))["matches"]
    assert (m["arisen"], m["youth_ended"]) == (1, 1)
    assert (m["judged"], m["agreement_in_time"], m["stagnated"]) == (0, 0, 0)
