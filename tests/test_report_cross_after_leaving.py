"""A move after a youth's match ended, or after the youth left the family match, within
the period, crosses no border in it (docs/README-reports.md: "een cliëntmatch als de
jeugdige in die tijd verhuisde; een gezinsmatch als een van de jeugdigen verhuisde
terwijl zijn of haar signaal in de match zat"). The tests moved youths after the period
only, so a move counted up to the period's end instead of the match's (or the member's)
went unnoticed.
"""

from __future__ import annotations

from typing import Any

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    new_youth,
    ok,
)

NOVEMBER = ["rapport", "jaarverslag", "--van", "01-11-2026", "--tot", "30-11-2026", "--json"]


def placed(vix: Runner, who: str, args: list[str]) -> dict[str, Any]:
    answer = as_json(vix("signaleer", *args, "--ouders-geinformeerd", "02-11-2026", "--json",
                         als=who, now="2026-11-02T09:00:00"))  # fmt: skip
    return dict(answer)


def move(vix: Runner, region: Region, bsn: str, day: str) -> None:
    when = f"2026-11-{day}T12:00:00"
    ok(vix("jeugdige", "verhuis", bsn, "--gemeente", "ZANDVOORT", "--datum", f"{day}-11-2026",
           als=region.coordinator, now=when))  # fmt: skip


def crossing(vix: Runner, region: Region) -> object:
    r = as_json(vix(*NOVEMBER, als=region.manager, now="2026-11-23T10:00:00"))
    return r["matches"]["cross_municipality"]


def test_a_move_after_leaving_the_match_in_the_period_crosses_no_border(
    vix: Runner, region: Region
) -> None:
    # Anna's youth match (school, JGZ) ends on 05-11 when JGZ withdraws; she moves on 10-11
    placed(vix, region.school, new_youth(BSN_ANNA, "Anna"))
    jgz = placed(vix, region.jgz, new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", str(jgz["signal_id"]), "--reden", "weggenomen", als=region.jgz,
           now="2026-11-05T09:00:00"))  # fmt: skip
    # Bram, Cas and Daan's family match runs on; Daan leaves it on 05-11, moves on 10-11
    mother = ["--ouder", P_MOTHER]
    placed(vix, region.school, [*new_youth(BSN_BRAM, "Bram"), *mother])
    placed(vix, region.jgz, [*new_youth(BSN_CAS, "Cas"), *mother])
    daan = placed(vix, region.care, [*new_youth(BSN_DAAN, "Daan"), *mother])
    [family] = daan["matches"]
    assert family["kind"] == "family"
    ok(vix("intrekken", str(daan["signal_id"]), "--reden", "weggenomen", als=region.care,
           now="2026-11-05T09:00:00"))  # fmt: skip
    for bsn in (BSN_ANNA, BSN_DAAN):
        move(vix, region, bsn, "10")
    assert crossing(vix, region) == 0
    # Bram moving while in the family match does cross one
    move(vix, region, BSN_BRAM, "12")
    assert crossing(vix, region) == 1
