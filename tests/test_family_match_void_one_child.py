"""A family match needs signals on two children (rule 7), also when a deleted signal
makes it as if it never existed (rule 15, `matching.restart`).

Anna (school) and her brother Bram (JGZ) make a family match; youth care signals Anna
later and joins it. Then JGZ's signal on Bram turns out unjustified. Without it, Anna's
two signals came from two organisations, but on one child: that is Anna's own match,
never a family match. So the family match never existed and goes; Anna's match stays.
Pinned by mutation testing (session 25): no test noticed a restart that let one child's
signals make a family match."""

from __future__ import annotations

from typing import Any

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    INFORMED,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    new_youth,
    ok,
)

MOTHER = (P_MOTHER,)


def place(vix: Runner, als: str, now: str, *youth: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("signaleer", *youth, *INFORMED, "--json", als=als, now=now))
    return found


def test_one_childs_signals_leave_no_family_match(vix: Runner, region: Region) -> None:
    place(vix, region.school, "2026-11-23T10:00:00", *new_youth(BSN_ANNA, "Anna", parents=MOTHER))
    bram = place(
        vix, region.jgz, "2026-11-23T10:01:00", *new_youth(BSN_BRAM, "Bram", parents=MOTHER)
    )
    [family] = [m for m in bram["matches"] if m["kind"] == "family"]
    care = place(
        vix, region.care, "2026-11-23T10:02:00", *new_youth(BSN_ANNA, "Anna", parents=MOTHER)
    )
    kinds = {m["kind"]: m["id"] for m in care["matches"]}
    assert kinds["family"] == family["id"]
    ok(vix("intrekken", str(bram["signal_id"]), "--reden", "onterecht", als=region.jgz,
           now="2026-11-23T10:03:00"))  # fmt: skip
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator,
                    now="2026-11-23T10:04:00"))  # fmt: skip
    assert [m["id"] for m in z["matches"]] == [kinds["youth"]]
    assert (
        vix("match", str(family["id"]), als=region.school, now="2026-11-23T10:04:00").exit_code == 1
    )
