"""The functioneel beheerder connects organisations and professionals (rule 1); that role
gives no way into the work of the others (rule 16): placing a signal is for a
meldingsbevoegde (rule 2), an organisation's signals and its evaluation list are for
its instantiebeheerder (rule 14). An administrator who works at an organisation is
refused all three, told to ask someone with that role, and nothing is written."""

from __future__ import annotations

from pathlib import Path

from conftest import (
    ADMIN,
    BSN_ANNA,
    INFORMED,
    Region,
    Runner,
    db_rows,
    new_youth,
    ok,
    signal,
)

AT_SCHOOL = "beheer@zonnebloem.nl"  # an administrator at the school


def test_an_administrator_does_not_signal_nor_read_an_organisations_signals(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ok(vix("professional", "toevoegen", AT_SCHOOL, "Bea Beheer", "--rol", "beheerder",
           "--organisatie", "ZON", als=ADMIN))  # fmt: skip
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signals_before = db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0]
    for who in (ADMIN, AT_SCHOOL):
        for args, role in (
            (["signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED], "meldingsbevoegde"),
            (["signalen", "--organisatie", "--json"], "instantiebeheerder"),
            (["rapport", "evaluatielijst", "--json"], "instantiebeheerder"),
        ):
            refused = vix(*args, als=who)
            assert refused.exit_code == 1, (who, args)
            assert refused.stdout == ""
            assert "heeft de rol functioneel beheerder" in refused.stderr
            assert f"dit mag alleen met de rol {role}. Vraag het aan een {role}." in (
                " ".join(refused.stderr.split())
            )
            assert "Anna" not in refused.output
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == signals_before
