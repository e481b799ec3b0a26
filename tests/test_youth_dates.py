"""Dates a user gives about a youth fit the youth's birth date (signals.py, corrections.py).

Parents informed 25 years before the birth, a move before the birth, a corrected birth
date after the child's own signals: each was stored, and the inzage then told parents
what cannot have happened. Each is refused in Dutch with exit 1, and nothing is written.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import BSN_ANNA, BSN_BRAM, Region, Runner, db_rows, new_youth, ok, signal

LATER = "2026-12-07T09:00:00"  # two weeks after the signals of these tests


def whole_db(db: Path) -> list[tuple[Any, ...]]:
    """Everything a command could write, but the lookups a refusal logs (rule 18)."""
    tables = ("youths", "youth_moves", "signals", "matches", "outbox", "audit_log")
    return [
        tuple(r)
        for t in tables
        for r in db_rows(db, f"SELECT * FROM {t}")
        if t != "audit_log" or r["action"] != "lookup"
    ]


def lookup_actors(db: Path) -> list[str]:
    """Who each logged lookup names as the reader, in order."""
    return [
        r[0]
        for r in db_rows(
            db,
            "SELECT p.email FROM audit_log a JOIN professionals p ON p.id = a.actor_id"
            " WHERE a.action = 'lookup' ORDER BY a.id",
        )
    ]


def refused(result: Any, message: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_parents_informed_before_the_birth_is_refused(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    bo = new_youth(BSN_BRAM, "Bo", "Bakker", born="01-06-2015")
    refused(
        vix("signaleer", *bo, "--ouders-geinformeerd", "01-01-1990", als=region.school),
        "De datum waarop de ouders zijn geïnformeerd (01-01-1990) ligt vóór de geboortedatum "
        "van de jeugdige (01-06-2015). Controleer de datum (dd-mm-jjjj); er is niets opgeslagen.",
    )
    assert db_rows(vix_env, "SELECT COUNT(*) FROM youths")[0][0] == 0
    # a youth the signaller knows, named by number alone: held to the stored birth date
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", "1", "--reden", "weggenomen", als=region.school))
    before = whole_db(vix_env)
    again = vix("signaleer", BSN_ANNA, "--ouders-geinformeerd", "02-04-2014", als=region.school)
    refused(again, "ligt vóór de geboortedatum van de jeugdige (03-04-2014)")
    assert whole_db(vix_env) == before
    # on the day of the birth it can be
    ok(vix("signaleer", BSN_ANNA, "--ouders-geinformeerd", "03-04-2014", als=region.school))
    informed = "SELECT parents_informed_on FROM signals WHERE status = 'active'"
    assert db_rows(vix_env, informed)[0][0] == "2014-04-03"


def test_a_move_before_the_birth_is_refused(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    before = whole_db(vix_env)
    for who in (region.school, region.coordinator):
        move = ("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", "--datum")
        refused(
            vix(*move, "01-01-1990", als=who),
            "De verhuisdatum (01-01-1990) ligt vóór de geboortedatum van Anna Vries "
            "(03-04-2014). Controleer de datum (dd-mm-jjjj); er is niets opgeslagen.",
        )
        refused(vix(*move, "02-04-2014", als=who), "ligt vóór de geboortedatum")
    assert whole_db(vix_env) == before
    # each refusal named Anna and her birth date: a read, logged although it failed
    assert lookup_actors(vix_env) == [region.school] * 2 + [region.coordinator] * 2
    ok(vix(*move, "03-04-2014", als=region.coordinator))
    assert db_rows(vix_env, "SELECT moved_on FROM youth_moves")[0][0] == "2014-04-03"


def test_a_move_before_the_last_recorded_move_is_refused(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    to_zandvoort = ("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", "--datum")
    ok(vix(*to_zandvoort, "01-11-2026", als=region.coordinator))
    before = whole_db(vix_env)
    back = ("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "HAARLEM", "--datum")
    # Anna lives in Zandvoort since 01-11: a move back on 15-10 cannot follow it
    refused(
        vix(*back, "15-10-2026", als=region.school),
        "De verhuisdatum (15-10-2026) ligt vóór de vorige vastgelegde verhuizing van Anna Vries "
        "(01-11-2026; een leerlinglijst legt een verhuizing vast op de dag van de import). Geef "
        "een datum vanaf die dag (dd-mm-jjjj); er is niets opgeslagen.",
    )
    assert whole_db(vix_env) == before
    ok(vix(*back, "01-11-2026", als=region.school))  # the same day can be
    moves = "SELECT moved_on FROM youth_moves ORDER BY id"
    assert [r[0] for r in db_rows(vix_env, moves)] == ["2026-11-01", "2026-11-01"]


@pytest.mark.parametrize(
    ("record", "born", "described"),
    [
        ("informed", "21-11-2026", "de dag waarop de ouders over een signaal zijn geïnformeerd"
         " (20-11-2026)"),
        ("signal", "01-12-2026", "het eerste signaal op deze jeugdige (23-11-2026)"),
        ("move", "01-01-2021", "een vastgelegde verhuizing (01-06-2020)"),
    ],
)  # fmt: skip
def test_a_corrected_birth_date_after_what_was_recorded_is_refused(
    vix: Runner, region: Region, vix_env: Path, record: str, born: str, described: str
) -> None:
    why = ["--ouders-niet-geinformeerd", "Informeren brengt de jeugdige in gevaar"]
    informed = ["--ouders-geinformeerd", "20-11-2026"] if record == "informed" else why
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *informed, als=region.school))
    if record == "move":
        move = ("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT")
        ok(vix(*move, "--datum", "01-06-2020", als=region.coordinator))
    before = whole_db(vix_env)
    correct = ("jeugdige", "corrigeer", BSN_ANNA, "--geboortedatum")
    refused(
        vix(*correct, born, als=region.coordinator, now=LATER),
        f"De gecorrigeerde geboortedatum ({born}) ligt na {described}: de jeugdige was toen "
        "al geboren. Controleer de geboortedatum (dd-mm-jjjj); er is niets gewijzigd.",
    )
    assert whole_db(vix_env) == before
    # a later birth date that still comes before all of it, and an earlier one, are fine
    ok(vix(*correct, "01-01-2015", als=region.coordinator, now=LATER))
    ok(vix(*correct, "01-01-2013", als=region.coordinator, now=LATER))
    assert db_rows(vix_env, "SELECT birth_date FROM youths")[0][0] == "2013-01-01"


def test_an_archived_signal_bounds_the_birth_date_too(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("intrekken", "1", "--reden", "weggenomen", als=region.school))
    ok(vix("intrekken", "2", "--reden", "weggenomen", als=region.jgz))
    correct = ("jeugdige", "corrigeer", BSN_ANNA, "--geboortedatum", "21-11-2026")
    refused(vix(*correct, als=region.coordinator, now=LATER), "(20-11-2026)")


def test_a_record_that_contradicted_the_stored_birth_date_already_does_not_block(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    # stored before these checks: parents informed in 1990 of a child born in 2014. The
    # coordinator can still correct the birth date, held to what fitted it
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    conn = sqlite3.connect(vix_env)
    with conn:
        conn.execute("UPDATE signals SET parents_informed_on = '1990-01-01'")
    conn.close()
    correct = ("jeugdige", "corrigeer", BSN_ANNA, "--geboortedatum")
    ok(vix(*correct, "05-04-2014", als=region.coordinator))
    refused(vix(*correct, "01-12-2026", als=region.coordinator, now=LATER), "(23-11-2026)")


def test_a_date_in_the_future_is_refused_with_what_to_give(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Each "ligt in de toekomst" says what to give instead: today or earlier."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))  # match 1
    before = whole_db(vix_env)
    cases = [
        (
            region.care,
            ("signaleer", *new_youth(BSN_ANNA, "Anna"), "--ouders-geinformeerd", "24-11-2026"),
            "De datum waarop de ouders zijn geïnformeerd (24-11-2026) ligt in de toekomst. Geef "
            "de datum van vandaag of eerder (dd-mm-jjjj); er is niets opgeslagen.",
        ),
        (
            region.school,
            ("jeugdige", "verhuis", BSN_ANNA, "--gemeente", "ZANDVOORT", "--datum", "24-11-2026"),
            "De verhuisdatum (24-11-2026) ligt in de toekomst; leg een verhuizing vast als die "
            "gebeurd is. Geef de datum van vandaag of eerder (dd-mm-jjjj); er is niets "
            "opgeslagen.",
        ),
        (
            region.jgz,
            ("contact", "1", "--datum", "24-11-2026"),
            "De datum van het contact (24-11-2026) ligt in de toekomst. Geef de datum van "
            "vandaag of eerder (dd-mm-jjjj).",
        ),
        (
            region.coordinator,
            ("jeugdige", "corrigeer", BSN_ANNA, "--geboortedatum", "24-11-2026"),
            "De geboortedatum 24-11-2026 ligt in de toekomst; controleer de datum: vandaag of "
            "eerder (dd-mm-jjjj). Er is niets gewijzigd.",
        ),
        (
            region.care,
            (
                "signaleer",
                *new_youth(BSN_BRAM, "Bo", born="24-11-2026"),
                "--ouders-geinformeerd",
                "20-11-2026",
            ),
            "De geboortedatum (24-11-2026) ligt in de toekomst: een signaal kan pas na de "
            "geboorte. Geef de geboortedatum van vandaag of eerder (dd-mm-jjjj).",
        ),
    ]
    for als, args, message in cases:
        result = vix(*args, als=als, now="2026-11-23T10:00:00")
        refused(result, "ligt in de toekomst")
        assert message in " ".join(result.stderr.split()), result.stderr
    assert whole_db(vix_env) == before
