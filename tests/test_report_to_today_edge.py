"""A report whose period ends today exactly runs "to today" (docs/README-reports.md,
"Aanvullende afscherming": "loopt de periode tot en met vandaag (of later)"): every
signal placed in it has ended in it or is active today. The test of that relation made
its report ten days before the period's end, so a report on the last day itself, left
out of the relation, went unnoticed.
"""

from __future__ import annotations

from conftest import Region, Runner, as_json, new_youth, ok
from report_scenario import valid_bsns


def test_a_report_on_the_periods_last_day_gives_no_withdrawn_count_away(
    vix: Runner, region: Region
) -> None:
    """Nine signals in March, four withdrawn: placed 9 and active 5 on 31-03 would leave
    at least 4 withdrawn, and "<5" exactly 4."""
    for i, bsn in enumerate(valid_bsns(9, start=800_000_000)):
        args = [*new_youth(bsn, f"K{i}"), "--ouders-geinformeerd", "02-03-2026", "--json"]
        ok(vix("signaleer", *args, als=region.school, now="2026-03-02T08:00:00"))
    mine = as_json(vix("signalen", "--json", als=region.school, now="2026-03-10T09:00:00"))
    for s in mine[:4]:
        args = [str(s["id"]), "--reden", "weggenomen"]
        ok(vix("intrekken", *args, als=region.school, now="2026-03-10T09:00:00"))
    march = ["rapport", "jaarverslag", "--van", "01-03-2026", "--tot", "31-03-2026", "--json"]
    r = as_json(vix(*march, als=region.coordinator, now="2026-03-31T23:00:00"))
    s = r["signals"]
    assert s["withdrawn_resolved"] == "<5"
    assert not (isinstance(s["placed"], int) and isinstance(s["active_now"], int)), s
