"""Waiting for another process's write lock, in real processes: up to VIX_WACHTTIJD.

Before, a command gave up after SQLite's busy timeout of 10 seconds, which some
runs hold the lock longer than (a big import, `vix stagnatie --escaleer` at
national size, the first `vix onderhoud` after a backlog), and in that wait inside
SQLite Ctrl-C did nothing until the 10 seconds were over.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from conftest import (
    ADMIN,
    Region,
    Runner,
    Terminal,
    configure,
    db_rows,
    ok,
    stderr_on_a_terminal,
    stopped_while_the_server_hangs,
)
from smtp_server import Server, free_port
from test_db import MIGRATION_NAMES, database_before

from vix.db import LOCK_WAIT_MAX_S, MIGRATIONS, DatabaseBusy, LockWait, open_store

# holds the write lock as another vix command would, then lets go (COMMIT)
HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""

# holds the write lock until told to let go (a line on stdin)
HOLD_UNTIL_TOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""

NEW_TOWN = ("gemeente", "toevoegen", "BLOEMENDAAL", "Bloemendaal")
TOWNS = "SELECT code FROM municipalities WHERE code = 'BLOEMENDAAL'"

BUSY_AFTER_1_S = (
    "Fout: De database is bezet door een ander proces (bijvoorbeeld een andere vix-opdracht "
    "of een back-up); vix heeft er 1 seconde op gewacht. Probeer het later opnieuw, of laat "
    "vix langer wachten met de omgevingsvariabele VIX_WACHTTIJD in seconden (bijvoorbeeld "
    "VIX_WACHTTIJD=60)."
)


@contextmanager
def _another_process(script: str, db: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Run `script` on `db` in another process; yields once it says it holds the database."""
    other = subprocess.Popen(
        [sys.executable, "-c", script, str(db), str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline() == "held\n"
        yield other
    finally:
        other.kill()
        other.wait()


def lock_held(db: Path, seconds: float) -> AbstractContextManager[subprocess.Popen[str]]:
    """Another process holds the write lock for `seconds` from the moment this yields."""
    return _another_process(HOLD, db, seconds)


def vix_process(wait: str, stderr: int = subprocess.PIPE) -> subprocess.Popen[str]:
    """`python -m vix gemeente toevoegen ...` as the administrator, with VIX_WACHTTIJD."""
    return subprocess.Popen(
        [sys.executable, "-m", "vix", *NEW_TOWN],
        env={**os.environ, "VIX_GEBRUIKER": ADMIN, "VIX_WACHTTIJD": wait},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def test_a_command_waits_for_the_lock_silently_off_a_terminal(
    region: Region, vix_env: Path
) -> None:
    """Cron: the wait ends well, so nothing is said of it (no mail from cron). The
    holder keeps the lock past the 10 seconds after which vix gave up before."""
    with lock_held(vix_env, 11) as holder:
        began = time.monotonic()
        proc = vix_process("40")
        out, err = proc.communicate(timeout=60)
        waited = time.monotonic() - began
        assert holder.wait(timeout=60) == 0  # it let go: vix did not take the lock first
    assert (proc.returncode, out, err) == (0, "", "Gemeente BLOEMENDAAL toegevoegd.\n")
    assert waited >= 10  # it did wait for the holder
    assert db_rows(vix_env, TOWNS) != []


def test_a_command_gives_up_after_vix_wachttijd_with_nothing_written(
    region: Region, vix_env: Path
) -> None:
    with lock_held(vix_env, 30):
        began = time.monotonic()
        proc = vix_process("1")
        out, err = proc.communicate(timeout=60)
        waited = time.monotonic() - began
    assert proc.returncode == 1
    assert " ".join(err.split()) == BUSY_AFTER_1_S
    assert out == ""
    assert waited < 20  # after its own second, long before the holder let go
    assert db_rows(vix_env, TOWNS) == []


def on_a_terminal(wait: str) -> AbstractContextManager[Terminal]:
    """`vix_process` with stderr on a pseudo-terminal."""
    env = {**os.environ, "VIX_GEBRUIKER": ADMIN, "VIX_WACHTTIJD": wait}
    return stderr_on_a_terminal(NEW_TOWN, env)


def until(seen: bytes, terminal: Terminal) -> None:
    deadline = time.monotonic() + 30
    while (
        seen not in terminal.screen and terminal.proc.poll() is None and time.monotonic() < deadline
    ):
        time.sleep(0.02)
    assert seen in terminal.screen, bytes(terminal.screen)


WAITING = b"vix wacht er hooguit 15 seconden op (Ctrl-C stopt)"


def test_on_a_terminal_vix_says_that_it_waits_and_then_goes_on(
    region: Region, vix_env: Path
) -> None:
    """The holder lets go only once vix said that it waits: however slowly vix starts
    on a busy machine, it finds the lock held."""
    with (
        _another_process(HOLD_UNTIL_TOLD, vix_env, 0) as holder,
        on_a_terminal("15") as terminal,
    ):
        until(WAITING, terminal)
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.close()
        assert holder.wait(timeout=60) == 0
    assert terminal.proc.returncode == 0, bytes(terminal.screen)
    shown = terminal.shown()
    assert shown.count("De database is bezet door een ander proces") == 1  # said once
    assert "Fout" not in shown
    assert db_rows(vix_env, TOWNS) != []


@pytest.mark.parametrize(
    ("signum", "status", "told"),
    [
        (signal.SIGINT, 130, "Afgebroken; er is niets opgeslagen."),
        (
            signal.SIGTERM,
            143,
            "Afgebroken door een stopsignaal (SIGTERM); er is niets opgeslagen.",
        ),
    ],
)
def test_a_stop_during_the_wait_ends_it_at_once(
    region: Region, vix_env: Path, signum: int, status: int, told: str
) -> None:
    """SQLite's own busy timeout waits in C, where Python runs no signal handler: one
    long timeout would keep Ctrl-C from stopping vix until it ran out."""
    with lock_held(vix_env, 60), on_a_terminal("15") as terminal:
        until(WAITING, terminal)
        stopped = time.monotonic()
        terminal.proc.send_signal(signum)
        terminal.proc.wait(timeout=60)
        took = time.monotonic() - stopped
    assert terminal.proc.returncode == status
    assert told in terminal.shown()
    assert took < 5  # well before the 15 seconds it would wait
    assert db_rows(vix_env, TOWNS) == []


@pytest.mark.parametrize("given", ["abc", "-1", "1.5", "86401", "1 0"])
def test_a_wait_that_is_no_whole_number_of_seconds_is_misuse(
    vix: Runner, region: Region, vix_env: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    monkeypatch.setenv("VIX_WACHTTIJD", given)
    result = vix(*NEW_TOWN, als=ADMIN)
    assert result.exit_code == 2
    assert " ".join(result.stderr.split()) == (
        f"Fout: VIX_WACHTTIJD='{given}' is geen geldige wachttijd; geef een geheel aantal "
        "seconden van 0 tot en met 86400 (een dag), bijvoorbeeld VIX_WACHTTIJD=300 voor "
        "vijf minuten."
    )
    assert db_rows(vix_env, TOWNS) == []


def test_vix_wachttijd_0_does_not_wait(
    vix: Runner, region: Region, vix_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIX_WACHTTIJD", "0")
    with lock_held(vix_env, 30):
        began = time.monotonic()
        result = vix(*NEW_TOWN, als=ADMIN)
        waited = time.monotonic() - began
    assert result.exit_code == 1
    assert "vix wachtte niet" in " ".join(result.stderr.split())
    assert "VIX_WACHTTIJD=60" in result.stderr
    assert waited < 10
    assert db_rows(vix_env, TOWNS) == []


def old_database(path: Path) -> None:
    """A vix database one migration behind, in WAL mode as any vix left it."""
    database_before(path, MIGRATION_NAMES[-1])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


def test_an_upgrade_waits_for_the_lock_as_any_command(vix_env: Path) -> None:
    """Two commands that open an old database at once (cron): the second waits for the
    first one's migrations as for any write lock, and says once that it waits."""
    old_database(vix_env)
    said: list[int] = []
    with lock_held(vix_env, 2):
        store = open_store(vix_env, datetime(2026, 11, 23, 10), lock_wait=LockWait(15, said.append))
    try:
        assert MIGRATIONS.pending(store.db) == []
    finally:
        store.close()
    assert said == [15]


def test_an_upgrade_that_cannot_get_the_lock_changes_nothing(vix_env: Path) -> None:
    old_database(vix_env)
    with lock_held(vix_env, 30), pytest.raises(DatabaseBusy):
        open_store(vix_env, datetime(2026, 11, 23, 10), lock_wait=LockWait(1))
    applied = db_rows(vix_env, "SELECT name FROM _sqlite_migrations")
    assert [r[0] for r in applied] == MIGRATION_NAMES[:-1]


def test_a_stopped_mail_run_does_not_wait_for_the_lock_to_put_its_message_back(
    vix: Runner, region: Region, vix_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while the server hangs on the second notice and another process holds the
    database. Putting the notice back waited the run's whole VIX_WACHTTIJD (900 s in the
    README's crontab) with further stops ignored, and then said "bezet" with status 1
    instead of the stop. Now one short try: the notice stays 'sending', and a run after
    its claim's deadline (10:30: ten exchanges of the 120 s time-out, then ten minutes
    to record) takes it up again."""
    monkeypatch.setenv("VIX_WACHTTIJD", "30")
    took: list[float] = []

    @contextmanager
    def held_meanwhile() -> Iterator[None]:
        with lock_held(vix_env, 60):
            began = time.monotonic()
            yield
            took.append(time.monotonic() - began)

    returncode, out, err = stopped_while_the_server_hangs(
        vix, region, vix_env, signal.SIGTERM, held_meanwhile
    )
    assert (returncode, out) == (143, ""), err
    assert " ".join(err.split()) == (
        "Fout: Afgebroken; 1 bericht verstuurd, de andere staan nog in de wachtrij. Bericht 2 "
        "kon vix niet terug in de wachtrij zetten (de database was bezet); een verzendronde "
        "na 10:30 neemt het weer op. Een bericht dat de mailserver al had, kan die "
        "verzendronde nog eens sturen (met dezelfde Message-ID)."
    )
    assert took[0] < 10  # not the 30 seconds of VIX_WACHTTIJD
    rows = db_rows(vix_env, "SELECT id, status FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [(1, "sent"), (2, "sending")]

    # before the claim's deadline (10:30) it is left alone; after it a run sends it
    server = Server(vix_env, free_port()).start()
    try:
        configure(vix, region, server.port)
        ok(vix("berichten", "verstuur", als=region.coordinator, now="2026-11-23T10:29:00"))
        assert server.mailbox.messages == []
        ok(vix("berichten", "verstuur", als=region.coordinator, now="2026-11-23T10:31:00"))
    finally:
        server.stop()
    assert len(server.mailbox.messages) == 1
    rows = db_rows(vix_env, "SELECT id, status FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [(1, "sent"), (2, "sent")]


# reads the file as a back-up tool or `sqlite3` would: a shared lock until COMMIT, which
# in rollback mode keeps any other process from switching the file to WAL
READ = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN")
conn.execute("SELECT COUNT(*) FROM settings").fetchone()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def read_held(db: Path, seconds: float) -> AbstractContextManager[subprocess.Popen[str]]:
    """Another process reads the database for `seconds` from the moment this yields."""
    return _another_process(READ, db, seconds)


def in_rollback_mode(db: Path) -> None:
    """The database as a restore through a tool may leave it: out of WAL mode."""
    conn = sqlite3.connect(db, isolation_level=None)
    assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    conn.close()


def journal_mode(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def test_switching_a_database_to_wal_waits_for_a_reader_up_to_vix_wachttijd(
    region: Region, vix_env: Path
) -> None:
    """Switching to WAL needs the file to itself. That step waited SQLite's fixed 10
    seconds, whatever VIX_WACHTTIJD said, and then gave the old "bezet" message."""
    in_rollback_mode(vix_env)
    with read_held(vix_env, 30):
        began = time.monotonic()
        proc = vix_process("2")
        out, err = proc.communicate(timeout=60)
        waited = time.monotonic() - began
    assert proc.returncode == 1
    assert " ".join(err.split()).startswith(
        "Fout: De database is bezet door een ander proces (bijvoorbeeld een andere "
        "vix-opdracht of een back-up); vix heeft er 2 seconden op gewacht."
    )
    assert out == ""
    assert waited < 8  # its own 2 seconds, not SQLite's 10
    assert db_rows(vix_env, TOWNS) == []
    assert journal_mode(vix_env) == "delete"


def test_switching_a_database_to_wal_goes_on_when_the_reader_ends(
    region: Region, vix_env: Path
) -> None:
    """The reader keeps the file past the 10 seconds after which vix gave up before."""
    in_rollback_mode(vix_env)
    with read_held(vix_env, 11) as reader:
        proc = vix_process("40")
        out, err = proc.communicate(timeout=60)
        assert reader.wait(timeout=60) == 0
    assert (proc.returncode, out, err) == (0, "", "Gemeente BLOEMENDAAL toegevoegd.\n")
    assert db_rows(vix_env, TOWNS) != []
    assert journal_mode(vix_env) == "wal"


def test_forced_colours_off_a_terminal_keep_a_wait_that_ends_well_silent(
    region: Region, vix_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rich takes FORCE_COLOR (or TTY_COMPATIBLE=1) for a terminal; a cron job with
    colours on got the wait line, and so a mail, although the wait ended well."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    log = tmp_path / "stderr.txt"
    with lock_held(vix_env, 2), log.open("w") as file:
        proc = vix_process("20", stderr=file.fileno())
        out, _ = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (0, "")
    assert "bezet" not in log.read_text()
    assert "Gemeente BLOEMENDAAL toegevoegd." in log.read_text()


def test_at_the_longest_wait_vix_does_not_advise_waiting_longer() -> None:
    """VIX_WACHTTIJD=86400 ran out: advising VIX_WACHTTIJD=86400 again (the value in use,
    and the most allowed) helps nobody; the process that holds the database must go."""
    said = " ".join(DatabaseBusy(LOCK_WAIT_MAX_S).message.split())
    assert said == (
        "De database is bezet door een ander proces (bijvoorbeeld een andere vix-opdracht of "
        "een back-up); vix heeft er 86400 seconden op gewacht. Langer wachten kan niet en "
        "helpt niet: zoek het proces dat de database vasthoudt (bijvoorbeeld met 'fuser' of "
        "'lsof' op het databasebestand) en stop het, of wacht tot het klaar is, en probeer "
        "het dan opnieuw."
    )
    assert "VIX_WACHTTIJD=" not in said
    # just below the most, the advice to wait longer still names a longer wait
    assert "VIX_WACHTTIJD=86400" in " ".join(DatabaseBusy(LOCK_WAIT_MAX_S - 1).message.split())
