"""School registrations end: at 23 (`vix onderhoud`), at death, and when a pupil left
the school (`vix import leerlingen --volledig`). Through the real CLI on real files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    BSN_DAAN,
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
from import_helpers import bsn, pupil, write_list
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


def test_a_corrected_birth_date_of_23_ends_the_registrations_at_once(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    rows = [pupil(BSN_ANNA, parent1=P_MOTHER, pupil_number="1"), pupil(BSN_BRAM, "Bram")]
    ok(run_import(vix, write_list(tmp_path / "l.csv", rows)))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    done = ok(
        vix(
            "jeugdige", "corrigeer", BSN_ANNA, "--geboortedatum", "01-01-2003", "--ouder-dan-23",
            als=region.admin,
        )
    )  # fmt: skip
    assert "1 signaal beëindigd" in done.stderr
    assert "1 schoolinschrijving gewist" in done.stderr
    assert "niets meer over deze jeugdige" in done.stderr
    # not kept until the night: a youth of 23 is not in the index (rule 15)
    assert youths(vix_env) == {BSN_BRAM}
    assert registrations(vix_env) == {(BSN_BRAM, "ZON")}
    assert [(r["organisatie"], r["reden"]) for r in removals(vix_env)] == [("ZON", "age_23")]
    no_number_in_the_log(vix_env, BSN_ANNA, BSN_BRAM, P_MOTHER)
    assert removed_in_inzage(vix, region, BSN_ANNA) == ["gewist: schoolinschrijving"]


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
    died = ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "overlijden", als=region.coordinator))
    assert "Er is niets meer over deze jeugdige opgeslagen." in died.stderr
    assert youths(vix_env) == {BSN_BRAM}
    assert registrations(vix_env) == {(BSN_BRAM, "ZON")}
    assert [(r["organisatie"], r["reden"]) for r in removals(vix_env)] == [("ZON", "death")]
    no_number_in_the_log(vix_env, BSN_ANNA)
    # an objection ends the signals, not the school's registration
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram"))
    objected = ok(vix("jeugdige", "wis", BSN_BRAM, "--reden", "bezwaar", als=region.coordinator))
    assert registrations(vix_env) == {(BSN_BRAM, "ZON")}
    # the coordinator learns what is still held, and by whom, to tell the parents
    told = " ".join(objected.stderr.split())
    assert "De jeugdige blijft geregistreerd via de leerlinglijst van ZON" in told
    assert "niets meer" not in told


# -- a pupil who left the school: `vix import leerlingen --volledig` -----------------------


@pytest.fixture(params=["inline", "reader"])
def checked_where(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test of `--volledig` runs with the rows checked in the importing process and
    in the reader process a big list gets (`python -m vix.pupilrows`), as test_import."""
    monkeypatch.setattr("vix.importer.PARALLEL_MIN_ROWS", 0 if request.param == "reader" else 10**9)
    return str(request.param)


FULL = pytest.mark.usefixtures("checked_where")

ANNA = pupil(BSN_ANNA, parent1=P_MOTHER, pupil_number="1")
BRAM = pupil(BSN_BRAM, "Bram", parent1=P_MOTHER, pupil_number="2")
CAS = pupil(BSN_CAS, "Cas", surname="Smit", postcode="2012CD", house="3", pupil_number="3")
DAAN = pupil(BSN_DAAN, "Daan", surname="Bakker", postcode="2012EF", house="4", pupil_number="4")


@FULL
def test_a_full_list_removes_who_left_and_a_second_run_removes_nothing(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    ok(run_import(vix, write_list(tmp_path / "sept.csv", [ANNA, BRAM, CAS])))
    # Cas left the school; Daan came
    path = write_list(tmp_path / "jan.csv", [ANNA, BRAM, DAAN])
    result = as_json(run_import(vix, path, "--volledig", now="2027-01-10T09:00:00"))
    assert (result["new"], result["unchanged"], result["removed"]) == (1, 2, 1)
    assert result["full"] is True and "youths_forgotten" not in result
    assert registrations(vix_env) == {(b, "ZON") for b in (BSN_ANNA, BSN_BRAM, BSN_DAAN)}
    assert youths(vix_env) == {BSN_ANNA, BSN_BRAM, BSN_DAAN}  # Cas had nothing else
    assert [(r["organisatie"], r["reden"]) for r in removals(vix_env)] == [("ZON", "not_in_list")]
    run = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'import' ORDER BY id")
    assert json.loads(run[-1][0])["verwijderd"] == 1
    no_number_in_the_log(vix_env, BSN_ANNA, BSN_BRAM, BSN_CAS, BSN_DAAN, P_MOTHER)
    assert removed_in_inzage(vix, region, BSN_CAS) == ["gewist: schoolinschrijving"]

    before = len(db_rows(vix_env, "SELECT * FROM audit_log"))
    again = as_json(run_import(vix, path, "--volledig", now="2027-01-11T09:00:00"))
    assert (again["new"], again["unchanged"], again["removed"]) == (0, 3, 0)
    assert len(db_rows(vix_env, "SELECT * FROM audit_log")) == before + 1  # the run record

    text = ok(
        vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--volledig", als=ADMIN)
    )
    assert "0 niet meer op de lijst: inschrijving verwijderd" in text.stdout


@FULL
def test_without_volledig_nobody_is_removed(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    ok(run_import(vix, write_list(tmp_path / "sept.csv", [ANNA, BRAM, CAS])))
    path = write_list(tmp_path / "jan.csv", [ANNA])
    result = as_json(run_import(vix, path))
    assert (result["not_in_list"], result["removed"], result["full"]) == (2, 0, False)
    assert len(registrations(vix_env)) == 3 and removals(vix_env) == []
    text = ok(vix("import", "leerlingen", str(path), "--organisatie", "ZON", als=ADMIN))
    assert "die niet (meer) in deze lijst staan: 2 (niet verwijderd)" in text.stdout


@FULL
def test_a_dry_run_counts_the_leavers_and_keeps_them(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    ok(run_import(vix, write_list(tmp_path / "sept.csv", [ANNA, BRAM, CAS])))
    path = write_list(tmp_path / "jan.csv", [ANNA])
    args = ("import", "leerlingen", str(path), "--organisatie", "ZON", "--volledig", "--droog")
    shown = ok(vix(*args, als=ADMIN))
    assert "proefimport (--droog), er is niets opgeslagen" in shown.stdout
    assert "2 niet meer op de lijst: inschrijving zou worden verwijderd" in shown.stdout
    assert as_json(vix(*args, "--json", als=ADMIN))["removed"] == 2
    assert len(registrations(vix_env)) == 3 and youths(vix_env) == {BSN_ANNA, BSN_BRAM, BSN_CAS}
    assert removals(vix_env) == []
    [run] = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'import_dry_run' LIMIT 1")
    assert json.loads(run[0])["verwijderd"] == 2


@FULL
def test_volledig_with_skipping_errors_is_misuse(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A rejected row's pupil would look like a leaver: refused before anything is read."""
    ok(run_import(vix, write_list(tmp_path / "sept.csv", [ANNA, BRAM])))
    bad = pupil(BSN_BRAM, "Bram", born="31-02-2015", pupil_number="2")
    path = write_list(tmp_path / "jan.csv", [ANNA, bad])
    refused = run_import(vix, path, "--volledig", "--sla-fouten-over")
    assert refused.exit_code == 2
    assert "--volledig en --sla-fouten-over gaan niet samen" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "jan-fouten.csv").exists()
    assert len(registrations(vix_env)) == 2
    # all or nothing (the default) keeps Bram's registration too: nothing is written
    rejected = run_import(vix, path, "--volledig")
    assert rejected.exit_code == 1
    assert json.loads(rejected.stdout)["removed"] == 0
    assert len(registrations(vix_env)) == 2 and removals(vix_env) == []


@FULL
def test_a_list_without_pupils_never_empties_a_school(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    ok(run_import(vix, write_list(tmp_path / "sept.csv", [ANNA, BRAM])))
    for name, rows in (("kop.csv", []), ("leeg.csv", [[""] * 13, [" "] * 13])):
        refused = run_import(vix, write_list(tmp_path / name, rows), "--volledig")
        assert refused.exit_code == 1
        assert "alleen een kopregel en geen leerlingen" in refused.stderr
    assert len(registrations(vix_env)) == 2 and removals(vix_env) == []


def test_whatever_yields_no_pupil_is_refused_with_volledig(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last guard: should a list pass the file checks and still give no pupil (its
    rows all read as blank), --volledig refuses rather than remove every registration."""
    ok(run_import(vix, write_list(tmp_path / "sept.csv", [ANNA, BRAM])))
    monkeypatch.setattr("vix.importer.PARALLEL_MIN_ROWS", 10**9)
    monkeypatch.setattr("vix.csvsource.Source.rows", lambda self, handle: iter(()))
    refused = run_import(vix, write_list(tmp_path / "jan.csv", [ANNA]), "--volledig")
    assert refused.exit_code == 1
    assert "bevat geen enkele leerling" in refused.stderr
    assert "alle 2 inschrijvingen van ZON" in refused.stderr
    assert len(registrations(vix_env)) == 2


@FULL
def test_a_leaver_with_a_signal_keeps_it_and_stays(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Only the registration goes: the signals and their match stand on their own."""
    ok(run_import(vix, write_list(tmp_path / "sept.csv", [ANNA, CAS])))
    ok(run_import(vix, write_list(tmp_path / "esd.csv", [CAS]), org="ESD"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    signal(vix, region.care, *new_youth(BSN_ANNA, "Anna"))
    signals_before = [tuple(r) for r in db_rows(vix_env, "SELECT * FROM signals ORDER BY id")]
    matches_before = [tuple(r) for r in db_rows(vix_env, "SELECT * FROM matches ORDER BY id")]
    outbox_before = len(db_rows(vix_env, "SELECT * FROM outbox"))
    result = as_json(run_import(vix, write_list(tmp_path / "jan.csv", [DAAN]), "--volledig"))
    assert result["removed"] == 2
    assert registrations(vix_env) == {(BSN_CAS, "ESD"), (BSN_DAAN, "ZON")}
    assert youths(vix_env) == {BSN_ANNA, BSN_CAS, BSN_DAAN}  # Anna's signals, Cas's other school
    anna = db_rows(vix_env, "SELECT given_name, surname FROM youths WHERE bsn = ?", (BSN_ANNA,))
    assert tuple(anna[0]) == ("Anna", "Vries")
    assert [tuple(r) for r in db_rows(vix_env, "SELECT * FROM signals ORDER BY id")] == (
        signals_before
    )
    assert [tuple(r) for r in db_rows(vix_env, "SELECT * FROM matches ORDER BY id")] == (
        matches_before
    )
    assert len(db_rows(vix_env, "SELECT * FROM outbox")) == outbox_before  # nobody is told


@FULL
def test_the_school_does_not_learn_whether_a_leaver_was_known_elsewhere(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Rule 9: a leaver with a signal and one without give the same answer."""
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", town="HAARLEM"))
    answers = []
    for leaver, org in ((BSN_ANNA, "ZON"), (BSN_BRAM, "ESD")):
        (tmp_path / org).mkdir()
        first = [pupil(leaver, pupil_number="1"), pupil(BSN_CAS, "Cas", pupil_number="2")]
        ok(run_import(vix, write_list(tmp_path / org / "a.csv", first), org=org))
        path = write_list(tmp_path / org / "b.csv", [first[1]])
        for dry in (["--droog"], []):
            for fmt in ([], ["--json"]):
                args = ("import", "leerlingen", str(path), "--organisatie", org, "--volledig")
                found = ok(vix(*args, *dry, *fmt, als=ADMIN)).stdout
                answers.append(found.replace(org, "SCHOOL"))
    known, unknown = answers[:4], answers[4:]
    assert known == unknown
    assert '"removed": 1' in known[1]
    assert youths(vix_env) == {BSN_ANNA, BSN_CAS}  # Bram was erased, Anna kept


@FULL
def test_a_leaver_who_linked_a_family_is_forgotten_and_the_family_match_ends(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Cas is the half-brother through whom Anna and Bram are one family. When he leaves
    the school and is erased, their family match ends, as when a list drops a parent."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", surname="Smit", parents=(P_FATHER,)))
    cas = pupil(BSN_CAS, "Cas", parent1=P_MOTHER, parent2=P_FATHER, pupil_number="3")
    ok(run_import(vix, write_list(tmp_path / "sept.csv", [cas, DAAN])))
    assert [tuple(r) for r in db_rows(vix_env, "SELECT kind, ended_at FROM matches")] == [
        ("family", None)
    ]
    ok(run_import(vix, write_list(tmp_path / "jan.csv", [DAAN]), "--volledig"))
    assert youths(vix_env) == {BSN_ANNA, BSN_BRAM, BSN_DAAN}
    assert db_rows(vix_env, "SELECT ended_at FROM matches")[0][0] is not None
    told = db_rows(vix_env, "SELECT kind FROM outbox WHERE kind = 'match_beeindigd'")
    assert len(told) == 2  # both signallers hear that the family match ended


@FULL
def test_a_list_that_would_remove_more_than_it_keeps_needs_veel_vertrokken(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Most likely another school's list, or a part of one: refused, nothing imported,
    unless --veel-vertrokken confirms it. From ten removals on; fewer never ask."""
    school = [pupil(bsn(10_000_000 + 100 * i), f"Kind{i}", pupil_number=str(i)) for i in range(14)]
    ok(run_import(vix, write_list(tmp_path / "sept.csv", school)))
    part = write_list(tmp_path / "groep8.csv", school[:4])  # 10 would go, 4 stay
    refused = run_import(vix, part, "--volledig")
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    said = " ".join(refused.stderr.split())
    assert "zou vix 10 van de 14 inschrijvingen van ZON verwijderen, meer dan er blijven" in said
    assert "--veel-vertrokken" in said
    assert len(registrations(vix_env)) == 14
    assert db_rows(vix_env, "SELECT count(*) FROM audit_log WHERE action = 'delete'")[0][0] == 0
    # confirmed, it goes; and the option alone is misuse
    assert as_json(run_import(vix, part, "--volledig", "--veel-vertrokken"))["removed"] == 10
    assert len(registrations(vix_env)) == 4
    alone = run_import(vix, part, "--veel-vertrokken")
    assert alone.exit_code == 2 and "--veel-vertrokken hoort bij --volledig" in alone.stderr


@FULL
def test_fewer_than_ten_leavers_never_ask(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    school = [pupil(bsn(20_000_000 + 100 * i), f"Kind{i}", pupil_number=str(i)) for i in range(9)]
    ok(run_import(vix, write_list(tmp_path / "sept.csv", school)))
    done = as_json(run_import(vix, write_list(tmp_path / "jan.csv", school[:1]), "--volledig"))
    assert done["removed"] == 8 and len(registrations(vix_env)) == 1


def test_a_pupil_whose_signals_left_the_archive_keeps_no_notice_of_them(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    ok(run_import(vix, write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, pupil_number="1")])))
    first = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    second = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))  # a match: notices
    for who, answer in ((region.school, first), (region.jgz, second)):
        ok(vix("intrekken", str(answer["signal_id"]), "--reden", "weggenomen", als=who))
    with sqlite3.connect(vix_env) as conn:
        conn.execute("UPDATE outbox SET status = 'sent', sent_at = created_at")
    names = "SELECT count(*) FROM outbox WHERE body LIKE '%Anna Vries%'"
    assert db_rows(vix_env, names)[0][0] >= 2  # archived: what they told stays true
    inzage = "inzage", "--bsn", BSN_ANNA, "--json"
    assert as_json(vix(*inzage, als=region.coordinator))["notices"]
    # five years on the archive entries go; the school's list still holds Anna, but
    # not who signalled her and how to reach them
    ok(vix("onderhoud", als=region.coordinator, now="2031-11-24T02:15:00"))
    assert youths(vix_env) == {BSN_ANNA}
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == 0
    assert db_rows(vix_env, names)[0][0] == 0
    later = as_json(vix(*inzage, als=region.coordinator, now="2031-11-24T09:00:00"))
    assert later["notices"] == [] and later["signals"] == []
    # each notice that went is logged on Anna, without her number (rule 18)
    gone = db_rows(
        vix_env,
        "SELECT subject, detail FROM audit_log WHERE action = 'delete' AND entity = 'notice'",
    )
    assert len(gone) >= 2 and all(r["subject"] for r in gone)
    # those of the match go with it (`detach_emptied_matches`), the rest with her signals
    assert {json.loads(r["detail"])["reden"] for r in gone} <= {
        "geen signaal meer",
        "geen signaal meer in de match",
    }
    no_number_in_the_log(vix_env, BSN_ANNA)
    shown = [e["action"] for e in later["log"] if "bericht" in e["action"]]
    assert "gewist: bericht" in shown, shown


def test_an_mbo_list_with_students_of_23_and_older_imports_in_full(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """An MBO school lists students of 23 and over: outside the index (rule 2) but no
    error of the list. Each such row was rejected, so the full list (`--volledig`, which
    takes no rejected row) could never be imported. Now they are skipped, counted and
    named by line; nobody of 23 or over is registered."""
    rows = [
        pupil(BSN_ANNA, born="03-04-2008", pupil_number="1"),
        pupil(BSN_BRAM, "Bram", born="01-01-2002", pupil_number="2"),  # 24
        pupil(BSN_CAS, "Cas", born="23-11-2003", pupil_number="3"),  # 23 today
        pupil(BSN_DAAN, "Daan", born="24-11-2003", pupil_number="4"),  # 23 tomorrow
    ]
    path = write_list(tmp_path / "mbo.csv", rows)
    found = as_json(ok(run_import(vix, path, "--volledig")))
    assert (found["new"], found["rejected"], found["too_old"]) == (2, 0, 2)
    assert found["too_old_lines"] == [3, 4]
    registered = "SELECT y.bsn FROM pupils p JOIN youths y ON y.id = p.youth_id ORDER BY y.bsn"
    assert [r[0] for r in db_rows(vix_env, registered)] == sorted([BSN_ANNA, BSN_DAAN])
    assert db_rows(vix_env, "SELECT COUNT(*) FROM youths")[0][0] == 2
    text = vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--droog", als=ADMIN)
    assert ok(text).stdout.count("overgeslagen: 2 regels met een leerling van 23 jaar of ouder")
    assert "regel 3, 4" in text.stdout
    [run] = db_rows(vix_env, "SELECT detail FROM audit_log WHERE action = 'import'")
    assert json.loads(run[0])["ouder_dan_23"] == 2
    # Daan turns 23 the next day: his row is skipped, and the full list takes his
    # registration as a leaver's (`vix onderhoud` would end it that night anyway)
    later = as_json(ok(run_import(vix, path, "--volledig", now="2026-11-24T09:00:00")))
    assert (later["unchanged"], later["too_old"], later["removed"]) == (1, 3, 1)
    assert [r[0] for r in db_rows(vix_env, registered)] == [BSN_ANNA]


def test_a_row_that_makes_a_registered_pupil_23_is_rejected_not_skipped(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A typo (2001 for 2011) would make a young pupil 23: skipped, a full list would
    take his registration unseen. The school registered him younger, so the row is
    rejected, and nothing is imported."""
    ok(run_import(vix, write_list(tmp_path / "a.csv", [pupil(BSN_ANNA, born="03-04-2011")])))
    typo = write_list(tmp_path / "b.csv", [pupil(BSN_ANNA, born="03-04-2001")])
    refused = run_import(vix, typo, "--volledig")
    assert refused.exit_code == 1
    found = json.loads(refused.stdout)
    assert (found["rejected"], found["too_old"], found["written"]) == (1, 0, False)
    assert "ingeschreven met een latere geboortedatum" in found["errors"][0]["reason"]
    assert db_rows(vix_env, "SELECT birth_date FROM youths")[0][0] == "2011-04-03"
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 1


def test_a_full_list_of_only_students_of_23_and_older_is_refused(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    ok(run_import(vix, write_list(tmp_path / "a.csv", [pupil(BSN_ANNA)])))
    old = write_list(tmp_path / "b.csv", [pupil(BSN_BRAM, "Bram", born="01-01-2002")])
    refused = run_import(vix, old, "--volledig")
    assert refused.exit_code == 1
    assert "alleen leerlingen van 23 jaar of ouder" in refused.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 1


@pytest.mark.parametrize("order", ["young_first", "old_first"])
@pytest.mark.parametrize("batch", [500, 1])
def test_a_pupil_of_23_listed_twice_is_a_repeated_row_whichever_comes_first(
    vix: Runner,
    region: Region,
    vix_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    order: str,
    batch: int,
) -> None:
    """The same number with two birth dates, one of 23 or over: the young row was
    imported and the other skipped (exit 0), or, in another batch, refused as "registered
    with a later birth date" on a first import (review). Each pupil once, as for two
    young rows."""
    monkeypatch.setattr("vix.importer.BATCH", batch)
    young, old = pupil(BSN_ANNA, born="03-04-2014"), pupil(BSN_ANNA, born="03-04-2000")
    rows = [young, old] if order == "young_first" else [old, young]
    result = run_import(vix, write_list(tmp_path / "l.csv", rows), "--volledig")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert (found["rejected"], found["too_old"], found["written"]) == (1, 0, False)
    [error] = found["errors"]
    other = 2 if order == "young_first" else 3  # the young row's line (the header is 1)
    assert (error["line"], error["reason"]) == (
        5 - other,
        f"nummer ******{BSN_ANNA[-3:]} staat ook op regel {other}; elke leerling één keer.",
    )
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 0


def test_a_list_without_addresses_remembers_that_it_gave_no_municipality(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """A registration from a list without address columns kept NULL (as an upgrade
    leaves it), so every later list counted "verhuisd" by what others stored: dry runs
    with two towns told the school where the index had its pupil (review)."""
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"))
    header = ["BSN", "Roepnaam", "Achternaam", "Geboortedatum", "Leerlingnummer"]
    bare = write_list(tmp_path / "a.csv", [[BSN_ANNA, "Anna", "Vries", "03-04-2014", "1"]],
                      header=header)  # fmt: skip
    ok(run_import(vix, bare))
    assert db_rows(vix_env, "SELECT listed_municipality FROM pupils")[0][0] == 0
    answers = []
    for town in ("Zandvoort", "Haarlem"):
        (tmp_path / town).mkdir()
        path = write_list(tmp_path / town / "l.csv", [pupil(BSN_ANNA, town=town)])
        answers.append(as_json(run_import(vix, path, "--droog"))["moved"])
    assert answers == [0, 0]
