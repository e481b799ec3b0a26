"""Only the functioneel beheerder connects municipalities, organisations and
professionals, and marks institution addresses (rule 1): every other role is refused
each of those commands, told who may, and nothing is written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import Region, Runner, ok

COMMANDS = [
    ("gemeente", "toevoegen", "BLOEM", "Bloemendaal"),
    ("gemeente", "wijzig", "HAARLEM", "--wethouder", "W. Anders"),
    ("organisatie", "deactiveer", "ESD"),
    (
        "professional",
        "toevoegen",
        "nieuw@zonnebloem.nl",
        "Nina Nieuw",
        "--rol",
        "meldingsbevoegde",
        "--organisatie",
        "ZON",
    ),
    ("professional", "deactiveer", "ib@esdoorn.nl"),
    ("instellingsadres", "2011AB", "1", "Leefgroep De Linde"),
    ("instellingsadres", "2011AB", "2", "--wis"),
]


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_no_other_role_connects_or_marks_anything(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ok(vix("instellingsadres", "2011AB", "2", "Leefgroep De Eik", als=region.admin))
    for who in (region.school, region.manager, region.coordinator, region.regie):
        for args in COMMANDS:
            before = dump(vix_env)
            refused = vix(*args, als=who)
            assert refused.exit_code == 1, (who, args)
            assert "mag alleen met de rol functioneel beheerder" in refused.stderr, (who, args)
            assert "Vraag het aan de functioneel beheerder." in refused.stderr
            # the refused command's transaction is rolled back whole
            assert dump(vix_env) == before, (who, args)
