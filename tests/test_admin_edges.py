"""Edges of the administration that mutation testing found no test pinning: which changes only
the functional administrator makes, what the administrator's role does not open, who needs
an organisation, a manager who left, a domain change after leaving a match, an unfit login
masked, and whose pupils a board import may hold.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_CAS,
    INFORMED,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)
from import_helpers import pupil, write_list

# --- admin only commands
# Only the functioneel beheerder connects municipalities, organisations and
# professionals, and marks institution addresses (rule 1): every other role is refused
# each of those commands, told who may, and nothing is written.


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


# --- admin role limits
# The functioneel beheerder connects organisations and professionals (rule 1); that role
# gives no way into the work of the others (rule 16): placing a signal is for a
# meldingsbevoegde (rule 2), an organisation's signals and its evaluation list are for
# its instantiebeheerder (rule 14). An administrator who works at an organisation is
# refused all three, told to ask someone with that role, and nothing is written.


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


# --- organisation roles need an organisation
# A meldingsbevoegde, instantiebeheerder or instellingscoördinator belongs to an
# organisation: added without one, he or she is refused and nothing is written. An
# instantiebeheerder without an organisation would have no organisation to keep to:
# `vix professional lijst` shows managers their own organisation's people only
# (`people.list_professionals`, rule 16).


@pytest.mark.parametrize(
    ("role", "named"),
    [
        ("meldingsbevoegde", "meldingsbevoegde"),
        ("instantiebeheerder", "instantiebeheerder"),
        ("instellingscoordinator", "instellingscoördinator"),
    ],
)
def test_an_organisation_role_without_an_organisation_is_refused(
    vix: Runner, region: Region, vix_env: Path, role: str, named: str
) -> None:
    before = db_rows(vix_env, "SELECT COUNT(*) FROM professionals")[0][0]
    refused = vix("professional", "toevoegen", "los@regio.nl", "Lies Los", "--rol", role,
                  als=ADMIN)  # fmt: skip
    assert refused.exit_code == 1
    assert f"Een {named} hoort bij een organisatie: geef --organisatie CODE." in refused.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM professionals")[0][0] == before


# --- leaver manager inactive
# When a signaller with active signals is deactivated, vix names the organisation's
# active instantiebeheerder as the one who hands them on (`people.signal_keeper`): a
# manager who was deactivated too can no longer act, so vix says to appoint one instead
# of sending the administrator to someone who left.


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_deactivated_manager_is_not_named_to_hand_the_signals_on(
    vix: Runner, region: Region
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("professional", "deactiveer", region.manager, als=ADMIN))
    done = flat(ok(vix("professional", "deactiveer", region.school, als=ADMIN)).stderr)
    assert "Dirk Directeur" not in done and region.manager not in done
    assert (
        "ZON heeft geen actieve instantiebeheerder; wijs er een aan met 'vix professional "
        "toevoegen E-MAIL NAAM --rol instantiebeheerder --organisatie ZON'. Die draagt het "
        f"over aan een collega met 'vix professional overdragen {region.school} COLLEGA'."
    ) in done


# --- domain change after leaving
# A domain change to or from youth protection waits while the organisation is in an open
# match (rule 12); once its signal left the match, which goes on without it, the change is
# made (`people._refuse_lead_change` counts the member rows that have not left).


def test_youth_protection_that_left_an_open_match_may_change_its_domain(
    vix: Runner, region: Region
) -> None:
    for who in (region.school, region.jgz):
        signal(vix, who, *new_youth(BSN_ANNA, "Anna"))
    placed = signal(vix, region.gi, *new_youth(BSN_ANNA, "Anna"))
    match_id = str(placed["matches"][0]["id"])
    refused = vix("organisatie", "wijzig", "GI", "--domein", "jeugdhulp", als=ADMIN)
    assert refused.exit_code == 1 and "zit met actieve signalen in 1 lopende match" in (
        refused.stderr
    )
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=region.gi))
    seen = as_json(vix("match", match_id, "--json", als=region.school))
    assert seen["status"] == "lopend"
    assert {m["email"] for m in seen["members"]} == {region.school, region.jgz}
    ok(vix("organisatie", "wijzig", "GI", "--domein", "jeugdhulp", als=ADMIN))


# --- unfit login masked
# `vix onderhoud` names a professional whose stored e-mail address an older vix let hold a
# BSN by that address, the number masked (`people.unfit_contacts`): the login stays, but
# the line goes to cron mail and logs, where no BSN stands in clear (invariant).


def test_onderhoud_names_a_login_holding_a_bsn_with_the_number_masked(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    login = f"{BSN_CAS}@jgz.nl"
    with sqlite3.connect(vix_env) as db:
        db.execute("UPDATE professionals SET email = ? WHERE email = ?", (login, region.jgz))
    db.close()
    done = ok(vix("onderhoud", als=ADMIN))
    assert BSN_CAS not in done.output
    assert f"  professional ******{BSN_CAS[-3:]}@jgz.nl: e-mailadres" in done.stderr


# --- board import scope
# An instellingscoördinator imports pupil lists for the schools of his or her own board
# only (`people.board_with`): a board the coordinator's school is not in, though it holds
# the school asked for, opens nothing; nor does a board that holds the coordinator's school
# but not the one asked for (an organisation is in one board at most).


COORDINATOR = "ic@zonnebloem.nl"  # instellingscoördinator of ZON


def import_for(vix: Runner, path: Path, org: str) -> tuple[int, str]:
    result = vix("import", "leerlingen", str(path), "--organisatie", org, "--json", als=COORDINATOR)
    return result.exit_code, result.stderr


def test_only_a_board_with_both_schools_lets_the_coordinator_import(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path
) -> None:
    a = region.admin
    ok(vix("professional", "toevoegen", COORDINATOR, "Iris Coördinator", "--rol",
           "instellingscoordinator", "--organisatie", "ZON", als=a))  # fmt: skip
    for code, name in (("DUIN", "Basisschool Het Duin"), ("KUST", "Basisschool De Kust")):
        ok(vix("organisatie", "toevoegen", code, name, "--domein", "onderwijs", "--gemeente",
               "ZANDVOORT", als=a))  # fmt: skip
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA)])
    # a board of two other schools, one of them the school asked for
    ok(vix("rapport", "bestuur", "Stichting Kust", "--organisatie", "ESD", "--organisatie",
           "DUIN", als=a))  # fmt: skip
    code, said = import_for(vix, path, "ESD")
    assert code == 1 and "bestuur" in said
    # a board of the coordinator's school and another, not the school asked for
    ok(vix("rapport", "bestuur", "Stichting Zon", "--organisatie", "ZON", "--organisatie",
           "KUST", als=a))  # fmt: skip
    code, said = import_for(vix, path, "ESD")
    assert code == 1 and "bestuur" in said
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 0
    # the board's other school is open to the coordinator
    code, said = import_for(vix, path, "KUST")
    assert code == 0, said
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 1
