"""SIGTERM and SIGHUP in a real vix process: handled as Ctrl-C, with exit status 143 and 129.

Before, either signal ended vix on the spot: the draft of the rejected rows (names
and BSNs, mode 0600) stayed beside the error file for good, the import's reader
process ran on, the progress bar left the cursor hidden, no Dutch line came, and
a mail run left its claimed message `sending` for 15 minutes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ADMIN,
    BSN_ANNA,
    INFORMED,
    Region,
    Runner,
    configure,
    db_rows,
    new_youth,
    ok,
    start_vix,
    stderr_on_a_terminal,
    stopped_while_the_server_hangs,
)
from import_helpers import bsn, pupil, write_list
from smtp_server import Server, free_port

ROWS = 60_000  # a list big enough for vix's reader process and a second of work

STOPS = [
    (
        signal.SIGTERM,
        143,
        "Fout: Afgebroken door een stopsignaal (SIGTERM); er is niets opgeslagen.",
    ),
    (
        signal.SIGHUP,
        129,
        "Fout: Afgebroken omdat de terminal of verbinding sloot (SIGHUP); er is niets opgeslagen.",
    ),
]


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    if not found.exists():
        pytest.skip("this kernel does not list child processes in /proc")
    return [int(c) for c in found.read_text().split()]


def big_list_with_a_bad_first_row(tmp_path: Path) -> Path:
    # the first row is refused: the draft of the error file is made at once
    rows = [pupil("123456789", pupil_number="fout")]
    rows += [pupil(bsn(30_000_000 + 12 * i), pupil_number=str(i)) for i in range(ROWS)]
    return write_list(tmp_path / "groot.csv", rows)


def wait_for(what: str, found: Any, proc: subprocess.Popen[Any]) -> Any:
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if seen := found():
            return seen
        time.sleep(0.005)
    raise AssertionError(f"the import ended before {what} was seen")


@pytest.mark.parametrize(("signum", "status", "told"), STOPS)
def test_a_stopped_import_rolls_back_and_leaves_no_draft(
    region: Region, vix_env: Path, tmp_path: Path, signum: int, status: int, told: str
) -> None:
    path = big_list_with_a_bad_first_row(tmp_path)
    folder = tmp_path / "uit"
    folder.mkdir()
    proc = start_vix(
        "import",
        "leerlingen",
        str(path),
        "--organisatie",
        "ZON",
        "--sla-fouten-over",
        "--foutenbestand",
        str(folder / "fouten.csv"),
        "--stil",
        als=ADMIN,
    )
    try:
        readers = wait_for("its reader process", lambda: children(proc.pid), proc)
        wait_for("the draft of the error file", lambda: list(folder.iterdir()), proc)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == status
    assert err.strip() == told
    assert out == ""
    assert list(folder.iterdir()) == []  # no draft with names and BSNs left behind
    assert not Path(f"/proc/{readers[0]}").exists()  # the reader was stopped and reaped
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == 0
    imports = "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'import%'"
    assert db_rows(vix_env, imports)[0][0] == 0


def test_a_stopped_import_gives_the_terminal_its_cursor_back(
    region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """With stderr on a terminal the progress bar hides the cursor; SIGTERM shows it again."""
    path = big_list_with_a_bad_first_row(tmp_path)
    args = ["import", "leerlingen", str(path), "--organisatie", "ZON"]
    env = {**os.environ, "VIX_GEBRUIKER": ADMIN, "TERM": "xterm", "COLUMNS": "100"}
    with stderr_on_a_terminal(args, env) as terminal:
        proc, screen = terminal.proc, terminal.screen
        wait_for("its reader process", lambda: children(proc.pid), proc)
        wait_for("the hidden cursor", lambda: b"\x1b[?25l" in screen, proc)
        proc.send_signal(signal.SIGTERM)
    assert proc.returncode == 143
    shown = bytes(screen)
    assert shown.rfind(b"\x1b[?25h") > shown.rfind(b"\x1b[?25l")
    assert b"Afgebroken door een stopsignaal (SIGTERM); er is niets opgeslagen." in shown


def test_a_stopped_mail_run_puts_the_message_in_hand_back_in_the_queue(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    returncode, out, err = stopped_while_the_server_hangs(vix, region, vix_env, signal.SIGTERM)
    assert returncode == 143
    assert out == ""
    assert err.startswith("Fout: Afgebroken; 1 bericht verstuurd, de andere staan nog in")
    statuses = db_rows(vix_env, "SELECT status FROM outbox ORDER BY id")
    assert [r["status"] for r in statuses] == ["sent", "queued"]  # not 'sending' for 15 minutes


def test_a_stop_during_commit_is_held_until_it_ran(vix_env: Path) -> None:
    """SIGTERM over COMMIT is not lost (a mail run would go on until SIGKILL): it is
    delivered when the hold ends, to the handler that stops the command."""
    from vix.db import interrupt_held
    from vix.errors import Stopped

    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        ran = False
        with pytest.raises(Stopped), interrupt_held():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)  # the handler would run here
            ran = True
        assert ran
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_hang_up_ignored_at_the_start_stays_ignored(
    region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """`nohup vix import ...`: the user asked the command to outlive the terminal."""
    path = big_list_with_a_bad_first_row(tmp_path)
    command = ["import", "leerlingen", str(path), "--organisatie", "ZON", "--sla-fouten-over"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "vix", *command, "--stil"],
        env={**os.environ, "VIX_GEBRUIKER": ADMIN},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # as nohup does
    )
    try:
        wait_for("its reader process", lambda: children(proc.pid), proc)
        proc.send_signal(signal.SIGHUP)
        proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0  # the refused first row skipped, the others imported
    assert db_rows(vix_env, "SELECT COUNT(*) FROM pupils")[0][0] == ROWS


# `vix berichten verstuur`, with a SIGTERM that arrives during the COMMIT of the claim of
# the first message (STOP_AT=claim) or of the record that the server accepted it
# (STOP_AT=record): held over the COMMIT (`db.interrupt_held`), it surfaces right after
STOP_DURING_COMMIT = r"""
import os, signal, sys, time
from contextlib import contextmanager
import vix.db as db, vix.mail as mail
held_over_commit = db.interrupt_held
armed = []
@contextmanager
def stopped_during_commit():
    with held_over_commit():
        if armed and armed.pop():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)
        yield
db.interrupt_held = stopped_during_commit
claim, record = mail._claim_next, mail._record_now
def claim_next(*args):
    armed.append(os.environ["STOP_AT"] == "claim")
    return claim(*args)
def record_now(store, outbox_id, status, error, wait):
    armed.append(os.environ["STOP_AT"] == "record" and status == "sent")
    return record(store, outbox_id, status, error, wait)
mail._claim_next, mail._record_now = claim_next, record_now
sys.argv = ["vix", "berichten", "verstuur"]
from vix.cli import main
main()
"""


@pytest.mark.parametrize(
    ("stop_at", "said", "statuses", "delivered"),
    [
        # the row is 'sent': the run counts it, and does not say it goes again
        ("record", "Afgebroken; 1 bericht verstuurd, de andere", ["sent", "queued"], 1),
        # the claimed row goes back to the queue now, not after STALE_AFTER
        ("claim", "Afgebroken; 0 berichten verstuurd, de andere", ["queued", "queued"], 0),
    ],
)
def test_a_stop_held_over_a_mail_runs_commit_is_told_and_undone_as_any_other(
    vix: Runner,
    region: Region,
    vix_env: Path,
    stop_at: str,
    said: str,
    statuses: list[str],
    delivered: int,
) -> None:
    for who in (region.school, region.jgz):  # a match: a notice to each of the two
        ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=who))
    server = Server(vix_env, free_port()).start()
    try:
        configure(vix, region, server.port)
        run = subprocess.run(
            [sys.executable, "-c", STOP_DURING_COMMIT],
            env={**os.environ, "VIX_GEBRUIKER": region.coordinator, "STOP_AT": stop_at},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.stop()
    assert run.returncode == 143, run.stderr
    assert run.stderr.startswith(f"Fout: {said}"), run.stderr
    assert "vastleggen" not in run.stderr
    assert [r["status"] for r in db_rows(vix_env, "SELECT status FROM outbox ORDER BY id")] == (
        statuses
    )
    assert len(server.mailbox.messages) == delivered


# `vix signaleer` through the console entry point (`launch`), with a stop that arrives while
# Python runs a garbage collector callback inside the command (as it can in importlib's
# module-lock callback during a lazy import): what the callback raises, Python can only
# report as "Exception ignored" with a traceback, and the command went on and exited 0
STOP_IN_A_CALLBACK = r"""
import gc, os, sys
from pathlib import Path

fired = []

def in_the_command() -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if Path(frame.f_code.co_filename).parts[-2:] == ("vix", "signals.py"):
            return True
        frame = frame.f_back
    return False

def stop_inside_the_collector(phase, info):
    if fired or phase != "start" or not in_the_command():
        return
    fired.append(phase)
    os.kill(os.getpid(), int(os.environ["STOP_WITH"]))
    sum(range(10))  # the handler runs here, inside the callback

gc.callbacks.append(stop_inside_the_collector)
from vix.launch import main
sys.argv = ["vix", *sys.argv[1:]]
main()
"""


def signal_anna_through_launch(
    script: str, region: Region, signum: int
) -> subprocess.CompletedProcess[str]:
    """The school signals Anna through `script`, which runs vix's console entry point and
    sends `signum` (STOP_WITH) at a moment of its own."""
    return subprocess.run(
        [sys.executable, "-c", script, "signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED],
        env={**os.environ, "VIX_GEBRUIKER": region.school, "STOP_WITH": str(int(signum))},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("signum", "status", "told"),
    [*STOPS, (signal.SIGINT, 130, "Fout: Afgebroken; er is niets opgeslagen.")],
)
def test_a_stop_inside_a_callback_stops_the_command_without_a_traceback(
    region: Region, vix_env: Path, signum: int, status: int, told: str
) -> None:
    done = signal_anna_through_launch(STOP_IN_A_CALLBACK, region, signum)
    assert done.stderr.strip() == told, done.stderr
    assert done.returncode == status
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 0


# a stop in the last milliseconds of the process, after the command stored its work and
# wrote its answer (here in an atexit function; at exit Python puts the default handler
# back, and a SIGTERM then ended vix with -15 and no word)
STOP_AFTER_THE_COMMAND = r"""
import atexit, os, sys, time

def stop_at_exit():
    os.kill(os.getpid(), int(os.environ["STOP_WITH"]))
    time.sleep(0.05)  # a handler would run here

atexit.register(stop_at_exit)
from vix.launch import main
sys.argv = ["vix", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_after_the_command_is_over_is_too_late_to_stop_it(
    region: Region, vix_env: Path, signum: int
) -> None:
    done = signal_anna_through_launch(STOP_AFTER_THE_COMMAND, region, signum)
    assert (done.returncode, done.stderr) == (0, "")
    assert "Signaal 1 afgegeven op Anna Vries" in done.stdout
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 1


def test_a_command_run_inside_another_program_leaves_its_handlers_as_it_found_them(
    vix: Runner, region: Region
) -> None:
    """Only vix's own process ignores stops once the command is over. Run inside another
    program whose SIGTERM handler happened to be vix's (a command in a command, in the
    tests), it ignored Ctrl-C and SIGHUP for the rest of that program's life, and every
    process it started after inherited that."""
    from vix.errors import raise_stopped

    previous = signal.signal(signal.SIGTERM, raise_stopped)
    try:
        ok(vix("matches", als=region.school))
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
        assert signal.getsignal(signal.SIGTERM) is raise_stopped
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
