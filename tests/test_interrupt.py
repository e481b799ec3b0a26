"""Ctrl-C in a real vix process: status 130, a Dutch line, nothing written, no process left."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN, BSN_BRAM, Region, Runner, db_rows, start_vix
from import_helpers import bsn, pupil, write_list

from vix.db import open_store

ROWS = 60_000  # a list big enough for vix's reader process and a second of work


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    if not found.exists():
        pytest.skip("this kernel does not list child processes in /proc")
    return [int(c) for c in found.read_text().split()]


def test_ctrl_c_during_an_import_rolls_back_and_exits_130(
    region: Region, vix_env: Path, tmp_path: Path
) -> None:
    rows = [pupil(bsn(30_000_000 + 12 * i), pupil_number=str(i)) for i in range(ROWS)]
    path = write_list(tmp_path / "groot.csv", rows)
    proc = start_vix("import", "leerlingen", str(path), "--organisatie", "ZON", "--stil", als=ADMIN)
    try:
        # the reader process runs only inside the import's transaction: interrupt then
        deadline = time.monotonic() + 60
        readers: list[int] = []
        while not readers and proc.poll() is None and time.monotonic() < deadline:
            readers = children(proc.pid)
            time.sleep(0.005)
        assert readers, "the import ended before its reader process was seen"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err.strip() == "Fout: Afgebroken; er is niets opgeslagen."
    assert out == ""
    assert not Path(f"/proc/{readers[0]}").exists()  # the reader was stopped and reaped
    assert db_rows(vix_env, "SELECT COUNT(*) FROM youths")[0][0] == 0
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 0
    imports = "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'import%'"
    assert db_rows(vix_env, imports)[0][0] == 0


def test_ctrl_c_during_commit_comes_too_late_to_undo(vix_env: Path) -> None:
    """A SIGINT over COMMIT is held: the work is stored, so the command must not say otherwise."""
    from vix.db import interrupt_held

    with interrupt_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)  # the handler runs here: no KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):  # and Ctrl-C works again afterwards
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.01)


def test_ctrl_c_or_end_of_input_at_a_prompt(
    vix: Runner, region: Region, vix_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vix import cli_signal

    monkeypatch.setattr(cli_signal, "stdin_is_terminal", lambda: True)
    result = vix("signaleer", als=region.school, input=BSN_BRAM + "\nBram\n")
    assert result.exit_code == 130, result.output
    assert "Afgebroken; er is niets opgeslagen." in result.stderr
    assert "Onverwachte" not in result.output
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 0


class _StoppedRightAfterBegin:
    """A connection on which Ctrl-C arrives the moment BEGIN returns."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, *params: Any) -> sqlite3.Cursor:
        cursor = self.conn.execute(sql, *params)
        if sql.startswith("BEGIN"):
            raise KeyboardInterrupt
        return cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def test_ctrl_c_right_after_begin_leaves_no_transaction_open(region: Region, vix_env: Path) -> None:
    """Else the clean-up after it (a mail run putting its message back in the queue)
    failed with 'cannot start a transaction within a transaction'."""
    store = open_store(vix_env, datetime(2026, 11, 23, 10, 0))
    try:
        conn = store.db.conn
        store.db.conn = _StoppedRightAfterBegin(conn)  # type: ignore[assignment]
        with pytest.raises(KeyboardInterrupt), store.transaction():
            pass
        store.db.conn = conn
        assert not conn.in_transaction
        with store.transaction():  # the next one starts
            store.execute("UPDATE settings SET value = value WHERE 0")
    finally:
        store.close()


# an Abort before a command ran (Click makes one of end of input), and a SIGTERM while vix
# says so
STOPPED_WHILE_TELLING = r"""
import os, signal, sys
import vix.cli as cli
def parse_args(self, ctx, args):
    raise EOFError
cli.VixGroup.parse_args = parse_args
said = cli.tell
def tell(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    return said(*args, **kwargs)
cli.tell = tell
sys.argv = ["vix", "berichten"]
cli.main()
"""


def test_a_stop_while_an_abort_is_told_does_not_silence_it(region: Region, vix_env: Path) -> None:
    """The stop handlers are still in place while vix says it stopped: a second stop (a
    service manager that insists) is ignored, and does not end vix without a word."""
    run = subprocess.run(
        [sys.executable, "-c", STOPPED_WHILE_TELLING],
        env={**os.environ, "VIX_GEBRUIKER": region.coordinator},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 130, run.stderr
    assert "Afgebroken; er is niets opgeslagen." in run.stderr


def _stop_in_the_root(stop: KeyboardInterrupt, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stop arrives while Click parses the global options (--db, --als)."""
    from vix import cli

    def normalise(args: list[str]) -> list[str]:
        raise stop

    monkeypatch.setattr(cli, "_normalise", normalise)


def _stop_in_the_subcommand(stop: KeyboardInterrupt, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stop arrives while Click parses the subcommand's own options."""
    from typer.core import TyperCommand

    def parse_args(self: TyperCommand, ctx: Any, args: list[str]) -> list[str]:
        raise stop

    monkeypatch.setattr(TyperCommand, "parse_args", parse_args)


@pytest.mark.parametrize("where", [_stop_in_the_root, _stop_in_the_subcommand])
@pytest.mark.parametrize(
    ("signum", "words"),
    [
        pytest.param(signal.SIGINT, "Afgebroken", id="ctrl-c"),
        pytest.param(signal.SIGTERM, "Afgebroken door een stopsignaal (SIGTERM)", id="term"),
        pytest.param(
            signal.SIGHUP, "Afgebroken omdat de terminal of verbinding sloot (SIGHUP)", id="hup"
        ),
    ],
)
def test_a_stop_while_the_arguments_are_parsed_is_told(
    vix: Runner,
    region: Region,
    vix_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: Any,
    signum: int,
    words: str,
) -> None:
    """Typer made a stop during the global options' parsing a silent Exit(130), also for a
    SIGTERM; during a subcommand's it said that the command's work was stored."""
    from vix.errors import Stopped

    where(KeyboardInterrupt() if signum == signal.SIGINT else Stopped(signum), monkeypatch)
    result = vix("jeugdige", "verhuis", BSN_BRAM, "--gemeente", "ZANDVOORT", als=region.school)
    assert result.exit_code == 128 + signum
    assert result.stderr.strip() == f"Fout: {words}; er is niets opgeslagen."
    assert result.stdout == ""


LOADING = """
import sys

class StopWhileLoading:
    # Ctrl-C lands while Python loads vix's command modules (about half a second)
    def find_spec(self, name, path=None, target=None):
        if name == "vix.cli":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, StopWhileLoading())
sys.argv = ["vix", "--help"]
from vix.launch import main
main()
"""


def test_the_installed_command_and_python_m_vix_start_through_the_launcher() -> None:
    """Both ways of starting vix answer a stop while loading (`vix.launch`)."""
    import tomllib

    project = Path(__file__).parent.parent
    scripts = tomllib.loads((project / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["vix"] == "vix.launch:main"
    assert "from .launch import main" in (project / "vix" / "__main__.py").read_text()


BUILDING = """
import sys
import typer.main

def stop_while_building(*args, **kwargs):
    # Ctrl-C lands while Typer builds the commands from their signatures
    raise KeyboardInterrupt

typer.main.get_command = stop_while_building
sys.argv = ["vix", "signalen"]
from vix.launch import main
main()
"""


@pytest.mark.parametrize("script", [LOADING, BUILDING], ids=["loading", "building"])
def test_ctrl_c_before_a_command_began_is_told_without_a_traceback(script: str) -> None:
    """Before `cli.main` runs no handler answers a Ctrl-C: it ended in a traceback; while
    Typer built the commands it came out as 'onverwachte fout (KeyboardInterrupt) ... wel
    opgeslagen', though no command had begun."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 130
    assert done.stderr == "Fout: Afgebroken; er is niets opgeslagen.\n"
    assert done.stdout == ""


TERMINATED_WHILE_LOADING = """
import os, signal, sys

class StopWhileLoading:
    # a service manager's SIGTERM (or a closed terminal's SIGHUP) while Python loads vix
    def find_spec(self, name, path=None, target=None):
        if name == "vix.cli":
            os.kill(os.getpid(), signal.SIG%s)
        return None

sys.meta_path.insert(0, StopWhileLoading())
sys.argv = ["vix", "--help"]
from vix.launch import main
main()
"""


@pytest.mark.parametrize(
    ("name", "status", "told"),
    [
        ("TERM", 143, "Afgebroken door een stopsignaal (SIGTERM)"),
        ("HUP", 129, "Afgebroken omdat de terminal of verbinding sloot (SIGHUP)"),
    ],
)
def test_a_stop_signal_while_loading_is_told_in_dutch(name: str, status: int, told: str) -> None:
    """SIGTERM or SIGHUP during the second vix takes to load ended it with 143 or 129 and
    no word, as the README promises one (docs review)."""
    done = subprocess.run(
        [sys.executable, "-c", TERMINATED_WHILE_LOADING % name],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == status
    assert done.stderr == f"Fout: {told}; er is niets opgeslagen.\n"
    assert done.stdout == ""


TERMINATED_WHILE_BUILDING = """
import os, signal, sys
import typer.main

real = typer.main.get_command

def stop_while_building(*args, **kwargs):
    # SIGTERM while Typer builds the commands from their signatures
    os.kill(os.getpid(), signal.SIGTERM)
    return real(*args, **kwargs)

typer.main.get_command = stop_while_building
sys.argv = ["vix", "signalen"]
from vix.launch import main
main()
"""


def test_a_stop_signal_while_the_commands_are_built_is_told_in_dutch() -> None:
    """`cli` set its handler only once a command was parsed: before, Python's default
    ended vix with no word (docs review)."""
    done = subprocess.run(
        [sys.executable, "-c", TERMINATED_WHILE_BUILDING],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 143
    assert done.stderr == (
        "Fout: Afgebroken door een stopsignaal (SIGTERM); er is niets opgeslagen.\n"
    )
