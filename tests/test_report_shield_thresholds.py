"""The shield's threshold at its edge: 4 is small, 5 is not (docs/README-reports.md,
"Afscherming van kleine aantallen": "een mediaan over minder dan 5 matches staat als -").

The report tests had medians over 5 matches and more, and shielded ones only where a
bucket was hidden too, so a median shown over 4 matches, or one hidden over exactly 5,
went unnoticed.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Region, Runner, as_json, new_youth, ok
from report_scenario import valid_bsns

NOVEMBER = ["rapport", "jaarverslag", "--van", "01-11-2026", "--tot", "30-11-2026", "--json"]
LATER = "2026-12-01T09:00:00"


def matches_in_november(vix: Runner, region: Region, count: int) -> None:
    """`count` matches on Monday 02-11-2026: contact after 1 working day, agreement after 2."""
    for i, bsn in enumerate(valid_bsns(count, start=500_000_000)):
        args = [*new_youth(bsn, f"K{i}"), "--ouders-geinformeerd", "02-11-2026", "--json"]
        ok(vix("signaleer", *args, als=region.school, now="2026-11-02T09:00:00"))
        found = as_json(vix("signaleer", *args, als=region.jgz, now="2026-11-02T10:00:00"))
        match = str(found["matches"][0]["id"])
        for what, day in (("contact", "03"), ("afstemming", "04")):
            when = f"2026-11-{day}T12:00:00"
            ok(vix(what, match, "--datum", f"{day}-11-2026", als=region.jgz, now=when))


def region_report(vix: Runner, region: Region) -> Any:
    return as_json(vix(*NOVEMBER, "--regio", als=region.coordinator, now=LATER))


@pytest.mark.parametrize(("count", "shown"), [(4, False), (5, True)])
def test_a_median_needs_five_matches_in_a_shielded_report(
    vix: Runner, region: Region, count: int, shown: bool
) -> None:
    matches_in_november(vix, region, count)
    m = region_report(vix, region)["matches"]
    assert m["with_contact"] == (count if shown else "<5")
    assert (m["median_contact_days"], m["median_agreement_days"]) == (
        (1.0, 2.0) if shown else (None, None)
    )
    # the organisation's own report shows them over any number
    own = as_json(vix(*NOVEMBER, als=region.manager, now=LATER))["matches"]
    assert (own["median_contact_days"], own["median_agreement_days"]) == (1.0, 2.0)
