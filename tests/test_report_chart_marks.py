"""A hidden count has no height in the report's charts (docs/README-reports.md: the
charts show what the tables show). A bar of "<5" drawn as high as 4, or one of "x" as
5, would say more than its mark; the chart tests had no hidden count with a bar of
height to compare, so drawing marks with a height went unnoticed.
"""

from __future__ import annotations

import re

from conftest import Region, Runner, new_youth, ok
from report_scenario import valid_bsns


def test_a_hidden_count_is_a_bar_without_height(vix: Runner, region: Region) -> None:
    # September 6 signals, October 3 and November 2: two "<5" months, nothing else hidden
    bsns = iter(valid_bsns(11, start=900_000_000))
    for month, count in (("09", 6), ("10", 3), ("11", 2)):
        for i in range(count):
            args = [*new_youth(next(bsns), f"K{i}"), "--ouders-geinformeerd", f"01-{month}-2026"]
            ok(vix("signaleer", *args, als=region.school, now=f"2026-{month}-01T09:00:00"))
    period = ["--van", "01-09-2026", "--tot", "30-11-2026", "--formaat", "html"]
    html = ok(vix("rapport", "jaarverslag", "--regio", *period, als=region.coordinator,
                  now="2026-12-01T09:00:00")).stdout  # fmt: skip
    bars = re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"[^>]*>'
                      r"<title>([^<]+)</title>", html)  # fmt: skip
    assert [float(height) > 0 for height, label in bars if label == "6"] == [True]
    assert [float(height) for height, label in bars if label == "&lt;5"] == [0, 0]
