"""School registrations end: at 23 (`vix onderhoud`), at death, and when a pupil left
the school (`vix import leerlingen --volledig`). Through the real CLI on real files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    P_FATHER,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
    signal,
)
from import_helpers import pupil, write_list
from typer.testing import Result


def run_import(vix: Runner, path: Path, *extra: str, org: str = "ZON", now: str | None = None):
    return vix(
        "import",
        "leerlingen",
        str(path),
        "--organisatie",
        org,
        "--json",
        *extra,
        als=ADMIN,
        now=now,
    )


def onderhoud(vix: Runner, region: Region, now: str) -> Result:
    return ok(vix("onderhoud", als=region.coordinator, now=now))


def youths(db: Path) -> set[str]:
    return {r[0] for r in db_rows(db, "SELECT bsn FROM youths")}


def registrations(db: Path) -> set[tuple[str, str]]:
    return {
        (r[0], r[1])
        for r in db_rows(
            db,
            "SELECT y.bsn, o.code FROM pupils p JOIN youths y ON y.id = p.youth_id"
            " JOIN organisations o ON o.id = p.organisation_id",
        )
    }


def removals(db: Path) -> list[dict[str, Any]]:
    """The audit records of removed registrations, as (subject, detail)."""
    return [
        {"subject": r["subject"], **json.loads(r["detail"])}
        for r in db_rows(
            db,
            "SELECT subject, detail FROM audit_log WHERE action = 'delete' AND entity = 'pupil'"
            " ORDER BY id",
        )
    ]


def no_number_in_the_log(db: Path, *numbers: str) -> None:
    for row in db_rows(db, "SELECT * FROM audit_log"):
        text = " ".join(str(v) for v in tuple(row))
        assert not any(n in text for n in numbers), text


def removed_in_inzage(vix: Runner, region: Region, number: str) -> list[str]:
    """The inzage follows the youth's pseudonym: the removal shows there, erased or not."""
    z = as_json(vix("inzage", "--bsn", number, "--json", als=region.coordinator))
    return [e["action"] for e in z["log"] if e["action"] == "gewist: schoolinschrijving"]


# -- at 23: `vix onderhoud` ---------------------------------------------------------------


def test_a_pupil_who_turns_23_is_removed_by_maintenance_and_forgotten(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    rows = [
        pupil(BSN_ANNA, born="01-01-2004", parent1=P_MOTHER, pupil_number="1"),  # 23: 1-1-2027
        pupil(BSN_BRAM, "Bram", born="02-01-2004", pupil_number="2"),
    ]
    ok(run_import(vix, write_list(tmp_path / "l.csv", rows)))
    quiet = onderhoud(vix, region, "2026-12-31T02:15:00")
    assert quiet.stdout == ""  # nobody is 23 yet: silent, as cron wants
    ran = onderhoud(vix, region, "2027-01-01T02:15:00")
    assert ran.stdout.strip() == (
        "verlopen: 0 gearchiveerd, 0 gewist (23 jaar), 0 archiefregels gewist, "
        "1 schoolinschrijving gewist (23 jaar)"
    )
    assert youths(vix_env) == {BSN_BRAM}  # Anna is erased: nothing holds her any more
    assert db_rows(vix_env, "SELECT count(*) FROM youth_parents")[0][0] == 0
    assert [(r["organisatie"], r["reden"]) for r in removals(vix_env)] == [("ZON", "age_23")]
    assert removals(vix_env)[0]["subject"]
    no_number_in_the_log(vix_env, BSN_ANNA, BSN_BRAM, P_MOTHER)
    assert removed_in_inzage(vix, region, BSN_ANNA) == ["gewist: schoolinschrijving"]
    assert onderhoud(vix, region, "2027-01-01T03:15:00").stdout == ""  # nothing left to do
    assert "1 schoolinschrijving gewist" in onderhoud(vix, region, "2027-01-02T02:15:00").stdout
    assert youths(vix_env) == set()  # Bram's turn


def test_at_23_the_signal_and_every_registration_go_and_then_the_youth(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Anna is on two schools' lists and has signals (a match): at 23 the signals are
    deleted, both registrations removed, and Anna is erased; the match ends."""
    anna = pupil(BSN_ANNA, born="01-01-2004", pupil_number="1")
    ok(run_import(vix, write_list(tmp_path / "zon.csv", [anna])))
    ok(run_import(vix, write_list(tmp_path / "esd.csv", [anna]), org="ESD"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", born="01-01-2004"))
    signal(vix, region.care, *new_youth(BSN_ANNA, "Anna", born="01-01-2004"))
    assert db_rows(vix_env, "SELECT count(*) FROM matches WHERE ended_at IS NULL")[0][0] == 1
    ran = onderhoud(vix, region, "2027-01-01T02:15:00")
    assert "2 gewist (23 jaar)" in ran.stdout
    assert "2 schoolinschrijvingen gewist (23 jaar)" in ran.stdout
    assert youths(vix_env) == set()
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    assert db_rows(vix_env, "SELECT count(*) FROM matches WHERE ended_at IS NULL")[0][0] == 0
    assert sorted(r["organisatie"] for r in removals(vix_env)) == ["ESD", "ZON"]
    no_number_in_the_log(vix_env, BSN_ANNA)


def test_a_leap_day_pupil_is_removed_on_1_march(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Rule 2 still accepts someone born 29-02-2004 on 28-02-2027 (`twenty_third_birthday`)."""
    path = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, born="29-02-2004")])
    ok(run_import(vix, path))
    assert onderhoud(vix, region, "2027-02-28T02:15:00").stdout == ""
    assert youths(vix_env) == {BSN_ANNA}
    ran = onderhoud(vix, region, "2027-03-01T02:15:00")
    assert "1 schoolinschrijving gewist (23 jaar)" in ran.stdout
    assert youths(vix_env) == set()


def test_a_youth_at_23_who_linked_a_family_is_forgotten_and_the_family_match_ends(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Cas, a pupil, is the half-brother through whom Anna and Bram are one family: when
    he turns 23 and is erased, their family match ends (forget_youth_if_unused)."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", surname="Smit", parents=(P_FATHER,)))
    cas = pupil(BSN_CAS, "Cas", born="01-01-2004", parent1=P_MOTHER, parent2=P_FATHER)
    ok(run_import(vix, write_list(tmp_path / "l.csv", [cas])))
    assert [tuple(r) for r in db_rows(vix_env, "SELECT kind, ended_at FROM matches")] == [
        ("family", None)
    ]
    onderhoud(vix, region, "2027-01-01T02:15:00")
    assert youths(vix_env) == {BSN_ANNA, BSN_BRAM}
    assert db_rows(vix_env, "SELECT ended_at FROM matches")[0][0] is not None


def test_death_removes_the_registrations_and_logs_it(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    rows = [pupil(BSN_ANNA), pupil(BSN_BRAM, pupil_number="2")]
    ok(run_import(vix, write_list(tmp_path / "l.csv", rows)))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "overlijden", als=region.coordinator))
    assert youths(vix_env) == {BSN_BRAM}
    assert registrations(vix_env) == {(BSN_BRAM, "ZON")}
    assert [(r["organisatie"], r["reden"]) for r in removals(vix_env)] == [("ZON", "death")]
    no_number_in_the_log(vix_env, BSN_ANNA)
    # an objection ends the signals, not the school's registration
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram"))
    ok(vix("jeugdige", "wis", BSN_BRAM, "--reden", "bezwaar", als=region.coordinator))
    assert registrations(vix_env) == {(BSN_BRAM, "ZON")}
