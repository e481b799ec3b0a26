"""A half day and a share in the text and HTML report: Dutch decimals, one place.

`getal()` writes a median that is not a whole number with a decimal comma ("2,5"), and
`procent()` a share to one decimal ("66,7%"). No report of the tests had a median of a
half, so `getal`'s branch for it never ran: writing "2.5", or "2", went unnoticed.
"""

from __future__ import annotations

from conftest import Region, Runner, as_json, new_youth, ok
from report_scenario import valid_bsns

NOVEMBER = ["rapport", "jaarverslag", "--van", "01-11-2026", "--tot", "30-11-2026"]


def test_a_median_of_a_half_and_a_share_are_written_the_dutch_way(
    vix: Runner, region: Region
) -> None:
    # three matches on Monday 02-11-2026; agreements after 2 and 3 working days, one none
    days = ["04", "05", None]
    for i, (bsn, agreed) in enumerate(zip(valid_bsns(3, start=400_000_000), days, strict=True)):
        args = [*new_youth(bsn, f"K{i}"), "--ouders-geinformeerd", "02-11-2026", "--json"]
        ok(vix("signaleer", *args, als=region.school, now="2026-11-02T09:00:00"))
        found = as_json(vix("signaleer", *args, als=region.jgz, now="2026-11-02T10:00:00"))
        if agreed:
            match, day = str(found["matches"][0]["id"]), f"{agreed}-11-2026"
            when = f"2026-11-{agreed}T12:00"
            ok(vix("afstemming", match, "--datum", day, als=region.jgz, now=when))

    m = as_json(vix(*NOVEMBER, "--json", als=region.manager))["matches"]
    assert (m["median_agreement_days"], m["agreement_share"]) == (2.5, 66.7)
    text = ok(vix(*NOVEMBER, als=region.manager)).stdout
    median = next(line for line in text.splitlines() if "mediaan werkdagen tot afstemming" in line)
    assert median.split()[-1] == "2,5"
    share = next(line for line in text.splitlines() if "aandeel (van 3 met verstreken" in line)
    assert share.split()[-1] == "66,7%"
    html = ok(vix(*NOVEMBER, "--formaat", "html", als=region.manager)).stdout
    assert '<td>mediaan werkdagen tot afstemming</td><td class="n">2,5</td>' in html
    assert 'met verstreken termijn)</td><td class="n">66,7%</td>' in html
