"""The matches judged are those agreed on time plus those stagnated: the shield knows it.

docs/README-reports.md ("Aanvullende afscherming"): the days with agreement up to the term
and "gestagneerd" add up to the matches whose term passed. Without that line a report
showed those judged (10) and stagnated (7), and so the agreements on time (3, "<5"). The
report tests always had a small count among the three, so leaving the line out of the
shield went unnoticed.
"""

from __future__ import annotations

from conftest import Region, Runner, as_json, new_youth, ok
from report_scenario import valid_bsns

NOVEMBER = ["rapport", "jaarverslag", "--van", "01-11-2026", "--tot", "30-11-2026", "--json"]


def test_agreements_on_time_are_not_judged_less_stagnated(vix: Runner, region: Region) -> None:
    # ten matches on Monday 02-11-2026: three agreed on Wednesday, seven never
    for i, bsn in enumerate(valid_bsns(10, start=700_000_000)):
        args = [*new_youth(bsn, f"K{i}"), "--ouders-geinformeerd", "02-11-2026", "--json"]
        ok(vix("signaleer", *args, als=region.school, now="2026-11-02T09:00:00"))
        found = as_json(vix("signaleer", *args, als=region.jgz, now="2026-11-02T10:00:00"))
        if i < 3:
            match = str(found["matches"][0]["id"])
            ok(vix("afstemming", match, "--datum", "04-11-2026", als=region.jgz,
                   now="2026-11-04T12:00:00"))  # fmt: skip
    later = "2026-12-01T09:00:00"
    exact = as_json(vix(*NOVEMBER, als=region.manager, now=later))["matches"]
    assert (exact["judged"], exact["agreement_in_time"], exact["stagnated"]) == (10, 3, 7)
    m = as_json(vix(*NOVEMBER, "--regio", als=region.coordinator, now=later))["matches"]
    assert m["agreement_in_time"] == "<5"
    assert not (isinstance(m["judged"], int) and isinstance(m["stagnated"], int)), m
    assert m["agreement_share"] is None
