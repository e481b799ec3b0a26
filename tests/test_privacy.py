"""No BSN in clear where it does not belong: audit log, notices, parents, errors."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    INFORMED,
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


def file_bytes(db: Path) -> bytes:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    return db.read_bytes()


def test_parents_bsn_never_stored_in_clear(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER, P_FATHER)))
    signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=(P_MOTHER,)))
    raw = file_bytes(vix_env)
    assert BSN_ANNA.encode() in raw, "the youth's own BSN is the identification (rule 3)"
    for parent in (P_MOTHER, P_FATHER):
        assert parent.encode() not in raw


def test_audit_log_and_outbox_hold_no_bsn(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=(P_MOTHER,)))
    placed = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("matches", als=region.school))
    ok(vix("signalen", als=region.jgz))
    ok(vix("intrekken", str(placed["signal_id"]), "--reden", "weggenomen", als=region.jgz))
    for table in ("audit_log", "outbox"):
        text = "\n".join(str(tuple(r)) for r in db_rows(vix_env, f"SELECT * FROM {table}"))
        assert text, table
        for number in (BSN_ANNA, P_MOTHER):
            assert number not in text, table


def test_every_read_of_personal_data_is_logged(vix: Runner, region: Region, vix_env: Path) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    before = db_rows(vix_env, "SELECT count(*) FROM audit_log WHERE action = 'read'")[0][0]
    ok(vix("signalen", als=region.school))
    after = db_rows(vix_env, "SELECT count(*) FROM audit_log WHERE action = 'read'")[0][0]
    assert after == before + 1
    [row] = db_rows(
        vix_env,
        "SELECT a.entity, p.email FROM audit_log a JOIN professionals p"
        " ON p.id = a.actor_id WHERE a.action = 'read'"
        " ORDER BY a.id DESC LIMIT 1",
    )
    assert tuple(row) == ("signal", region.school)


@pytest.mark.parametrize("bad", ["111222334", "000000000", "11122233"])
def test_invalid_bsn_never_echoed(vix: Runner, region: Region, bad: str) -> None:
    result = vix("signaleer", bad, "--ouders-geinformeerd", als=region.school)
    assert result.exit_code == 1
    assert bad not in result.output


def test_unexpected_errors_show_no_traceback(
    vix: Runner, region: Region, vix_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a programming error ends in a Dutch line, exit 1, nothing written, no data."""
    from vix import signals

    place = signals.place_signal

    def broken(*args: object, **kwargs: object) -> None:
        place(*args, **kwargs)  # type: ignore[arg-type]  # the youth, signal and audit written
        raise RuntimeError(f"kapot bij {BSN_ANNA}")

    audited = db_rows(vix_env, "SELECT COUNT(*) FROM audit_log")[0][0]
    monkeypatch.setattr(signals, "place_signal", broken)
    result = vix(
        "signaleer", *new_youth(BSN_ANNA, "Anna"), "--ouders-geinformeerd", als=region.school
    )
    assert result.exit_code == 1
    assert "Onverwachte fout (RuntimeError)" in result.stderr
    assert "Traceback" not in result.output and BSN_ANNA not in result.output
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 0
    assert db_rows(vix_env, "SELECT COUNT(*) FROM youths")[0][0] == 0
    assert db_rows(vix_env, "SELECT COUNT(*) FROM audit_log")[0][0] == audited


NEW_YOUTH = ("--voornaam", "A", "--achternaam", "B", "--geboortedatum", "01-01-2015")


@pytest.mark.parametrize(
    "args",
    [
        ("signaleer", "--leerling", "111-222-333", "--ouders-geinformeerd"),
        ("intrekken", "111222333", "--reden", "weggenomen"),
        ("contact", "111222333"),
        ("signalen", "111222333"),
        ("signaleer", "123456782", *NEW_YOUTH, "--gemeente", "111222333", "--ouders-geinformeerd"),
        ("signaleer", "123456782", *NEW_YOUTH, "--gemeente", "HAARLEM", "--geslacht", "111222333"),
        ("111.222.333",),
    ],
    ids=["leerling", "signaal", "match", "extra", "gemeente", "geslacht", "opdracht"],
)
def test_a_bsn_in_the_wrong_place_is_not_echoed(
    vix: Runner, region: Region, args: tuple[str, ...]
) -> None:
    """A BSN typed where a pupil, signal or match number or another value belongs."""
    result = vix(*args, als=region.school)
    assert result.exit_code in (1, 2)
    assert "Fout" in result.stderr and "******333" in result.stderr
    for form in ("111222333", "111-222-333", "111.222.333"):
        assert form not in result.output


def test_a_list_without_header_row_does_not_echo_its_first_pupil(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    from import_helpers import pupil, write_list

    first = pupil(BSN_ANNA, "Anna", parent1=P_MOTHER)
    path = write_list(tmp_path / "l.csv", [pupil(BSN_BRAM, "Bram")], header=first)
    result = vix("import", "leerlingen", str(path), "--organisatie", "ZON", als=region.admin)
    assert result.exit_code == 1 and "geen kopregel" in result.stderr
    for value in (BSN_ANNA, P_MOTHER, "Anna"):
        assert value not in result.output


def test_a_number_alone_is_no_search(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Rule 9: a number alone names only the signaller's own youths; for any other number,
    known to the index (a pupil of another school) or not, one answer and nothing stored."""
    from import_helpers import pupil, write_list

    pupils = write_list(tmp_path / "lijst.csv", [pupil(BSN_ANNA, "Lotte", "Pieters")])
    ok(vix("import", "leerlingen", str(pupils), "--organisatie", "ZON", als=ADMIN))
    before = db_rows(vix_env, "SELECT count(*) FROM signals")[0][0]
    known = vix("signaleer", BSN_ANNA, *INFORMED, "--json", als=region.jgz)
    unknown = vix("signaleer", BSN_BRAM, *INFORMED, "--json", als=region.jgz)
    assert known.exit_code == unknown.exit_code == 1
    assert known.stdout == unknown.stdout == ""
    assert known.stderr == unknown.stderr and "Met alleen het nummer" in known.stderr
    assert "Lotte" not in known.stderr + known.stdout
    assert db_rows(vix_env, "SELECT count(*) FROM signals")[0][0] == before
    # with her data the youth health care signals her; the school by the number alone
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Lotte", surname="Pieters"))
    own = as_json(vix("signaleer", BSN_ANNA, *INFORMED, "--json", als=region.school))
    assert own["youth_name"] == "Lotte Pieters"
    assert [m["kind"] for m in own["matches"]] == ["youth"]


def test_an_erased_youth_leaves_nothing_in_the_file(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """Rule 15, also on an SQLite built without SECURE_DELETE (python.org, Homebrew): a
    stand-in `sitecustomize` turns it off on every connection, as such a build would."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import sqlite3\n"
        "_connect = sqlite3.connect\n"
        "def connect(*args, **kwargs):\n"
        "    conn = _connect(*args, **kwargs)\n"
        "    conn.execute('PRAGMA secure_delete = OFF')\n"
        "    return conn\n"
        "sqlite3.connect = connect\n"
    )
    signal(vix, region.school, *new_youth(BSN_ANNA, "Xandriella", surname="Quorvanté"))
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Xandriella", surname="Quorvanté"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-m", "vix", "jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar"],
        env={**env, "VIX_GEBRUIKER": region.coordinator},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # read as it lies on disk (no VACUUM, which would rewrite every page)
    conn = sqlite3.connect(vix_env)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = vix_env.read_bytes()
    for trace in ("Xandriella", "Quorvanté", BSN_ANNA):
        assert trace.encode() not in data, trace


def test_an_erased_youth_leaves_nothing_in_the_wal_another_program_keeps(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """A back-up program or a reader that keeps the database open keeps its -wal file too:
    SQLite removes it only when the last connection closes, and until then it held the
    page images of the erased youth's rows (rule 15)."""
    keeper = sqlite3.connect(vix_env)  # idle, as a back-up agent between its runs
    try:
        keeper.execute("SELECT count(*) FROM signals").fetchone()
        signal(vix, region.school, *new_youth(BSN_ANNA, "Xandriella", surname="Quorvanté"))
        signal(vix, region.jgz, *new_youth(BSN_ANNA, "Xandriella", surname="Quorvanté"))
        ok(vix("jeugdige", "wis", BSN_ANNA, "--reden", "bezwaar", als=region.coordinator))
        wal = Path(f"{vix_env}-wal")
        held = wal.read_bytes() if wal.exists() else b""
        for trace in ("Xandriella", "Quorvanté", BSN_ANNA):
            assert trace.encode() not in held, trace
        assert keeper.execute("SELECT count(*) FROM youths").fetchone() == (0,)
    finally:
        keeper.close()
