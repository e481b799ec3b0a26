"""Milestones may share a day: contact <= agreement <= action (`followup.record_milestone`).

Contact recorded after the agreement, dated the agreement's day, is in order; a day
later is not."""

from __future__ import annotations

from conftest import Region, anna_s_match, as_json, ok


def test_contact_may_be_dated_the_day_of_the_agreement(vix, region: Region) -> None:
    match_id = anna_s_match(vix, region)  # JGZ leads
    now = "2026-11-27T10:00:00"
    ok(vix("afstemming", str(match_id), "--datum", "25-11-2026", als=region.jgz, now=now))
    late = vix("contact", str(match_id), "--datum", "26-11-2026", als=region.school, now=now)
    assert late.exit_code == 1 and "niet na de afstemming" in " ".join(late.stderr.split())
    ok(vix("contact", str(match_id), "--datum", "25-11-2026", als=region.school, now=now))
    shown = as_json(vix("match", str(match_id), "--json", als=region.school, now=now))
    assert sorted((m["kind"], m["on_date"]) for m in shown["milestones"]) == [
        ("agreement", "2026-11-25"),
        ("contact", "2026-11-25"),
    ]
