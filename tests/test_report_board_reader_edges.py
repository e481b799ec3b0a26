"""A board report for the instellingscoördinator who knows her own school exactly.

docs/README-reports.md ("Wie zelf een deel kent"): every count of the board report that,
less her own count, leaves 1 to 4 is hidden; what she knows from her own part alone (the
other schools have 0) is no secret to her and is shown. The board tests had differences
of 1 to 3 only, so a difference of exactly 4 left shown, or one of 0 hidden, went
unnoticed.
"""

from __future__ import annotations

from conftest import Region, Runner, as_json, new_youth, ok
from report_scenario import valid_bsns

BEA = "bestuur@zonnebloem.nl"  # instellingscoördinator of the Zonnebloem
BOARD = ["--organisatie", "ZON", "--organisatie", "ESD"]
PERIOD = ["--van", "01-10-2026", "--tot", "30-11-2026", "--json"]
LATER = "2026-12-01T09:00:00"


def test_a_difference_of_four_is_hidden_and_one_of_none_is_shown(
    vix: Runner, region: Region
) -> None:
    a = region.admin
    bea = ["--rol", "instellingscoordinator", "--organisatie", "ZON"]
    ok(vix("professional", "toevoegen", BEA, "Bea Bestuur", *bea, als=a))
    ok(vix("rapport", "bestuur", "Kennemer Scholen", *BOARD, als=a))
    bsns = iter(valid_bsns(16, start=600_000_000))
    # October: the Zonnebloem 6, the Esdoorn none; November: the Zonnebloem 6, the Esdoorn 4
    for who, town, now, count in [
        (region.school, "HAARLEM", "2026-10-05T09:00:00", 6),
        (region.school, "HAARLEM", "2026-11-02T09:00:00", 6),
        (region.school2, "ZANDVOORT", "2026-11-02T09:00:00", 4),
    ]:
        for i in range(count):
            args = [*new_youth(next(bsns), f"K{i}", town=town), "--ouders-geinformeerd"]
            ok(vix("signaleer", *args, now[8:10] + "-" + now[5:7] + "-2026", als=who, now=now))

    own = as_json(vix("rapport", "jaarverslag", *PERIOD, als=BEA, now=LATER))
    assert own["internal"] is True
    assert [m["signals"] for m in own["per_month"]] == [6, 6]
    r = as_json(vix("rapport", "jaarverslag", *BOARD, *PERIOD, als=BEA, now=LATER))
    assert r["scope"] == "bestuur Kennemer Scholen"
    months = {m["month"]: m["signals"] for m in r["per_month"]}
    # 10 in November less her own 6 would be the Esdoorn's 4
    assert months["2026-11"] == "x"
    # 6 in October less her own 6 is 0: she knows that much already
    assert months["2026-10"] == 6
    # the coordinator knows no school exactly: November's 10 gives her nothing
    plain = as_json(vix("rapport", "jaarverslag", *BOARD, *PERIOD, als=region.coordinator,
                        now=LATER))  # fmt: skip
    assert {m["month"]: m["signals"] for m in plain["per_month"]} == {
        "2026-10": 6,
        "2026-11": 10,
    }
