"""What a command shows comes out only after its transaction committed (rule 18).

A document (report, inzage, letter) is a read of personal data, logged in the
command's transaction. When COMMIT fails (here: a file size limit, as a full
disk would, on the real vix process), the audit record is rolled back, so the
document must not be on the screen or on disk either, while vix says that
nothing was stored. The limit stops SQLite appending the transaction to the
write-ahead log at COMMIT; a reader that keeps the log and its index open lets
the command get that far.
"""

from __future__ import annotations

import fcntl
import os
import signal as signals
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from conftest import ADMIN, BSN_ANNA, Region, Runner, db_rows, new_youth, ok, signal
from disk_helpers import LIMIT, log_kept_open, run_limited
from import_helpers import pupil, write_list
from report_scenario import Y

YEAR = ["--van", "01-01-2026", "--tot", "31-12-2026"]

DOCUMENTS = [  # (who, args, a name or figure the document shows)
    ("manager", ["rapport", "evaluatielijst"], "Kind0 Test"),
    ("coordinator", ["rapport", "jaarverslag", "--regio", *YEAR], "16"),
    ("coordinator", ["inzage", "--bsn", Y[1]], "Kind1 Test"),
    ("school", ["brief", "SIGNAAL"], "Kind0 Test"),
]


def audit_count(db: Path) -> int:
    return int(db_rows(db, "SELECT COUNT(*) FROM audit_log")[0][0])


def signal_of(db: Path, email: str, bsn: str) -> str:
    return str(
        db_rows(
            db,
            "SELECT s.id FROM signals s JOIN professionals p ON p.id = s.professional_id"
            " JOIN youths y ON y.id = s.youth_id WHERE p.email = ? AND y.bsn = ?",
            (email, bsn),
        )[0][0]
    )


@pytest.mark.parametrize(("who", "args", "shown"), DOCUMENTS)
@pytest.mark.parametrize("form", [[], ["--json"]])
def test_a_failed_commit_prints_no_document(
    vix: Runner,
    scenario: Region,
    vix_env: Path,
    who: str,
    args: list[str],
    shown: str,
    form: list[str],
) -> None:
    args = [signal_of(vix_env, scenario.school, Y[0]) if a == "SIGNAAL" else a for a in args]
    als = getattr(scenario, who)
    assert shown in ok(vix(*args, *form, als=als)).stdout  # the document, when all is well
    before = audit_count(vix_env)
    with log_kept_open(vix_env):
        failed = run_limited([*args, *form], als)
    assert failed.returncode == 1, failed.stderr
    assert "er is niets opgeslagen" in failed.stderr
    assert failed.stdout == ""
    assert audit_count(vix_env) == before


@pytest.mark.parametrize(("who", "args", "shown"), DOCUMENTS)
def test_a_failed_commit_leaves_no_output_file(
    vix: Runner,
    scenario: Region,
    vix_env: Path,
    tmp_path: Path,
    who: str,
    args: list[str],
    shown: str,
) -> None:
    args = [signal_of(vix_env, scenario.school, Y[0]) if a == "SIGNAAL" else a for a in args]
    als = getattr(scenario, who)
    folder = tmp_path / "uit"
    folder.mkdir()
    target = folder / "document.txt"
    ok(vix(*args, "--uitvoer", str(target), als=als))
    written = target.read_text()
    assert shown in written
    target.write_text("vorige week")  # an older document stays as it was
    before = audit_count(vix_env)
    # room for the document, not for the log: the failure comes at COMMIT
    # (with room for the line a second inzage adds: its log shows the first inzage)
    limit = max(LIMIT, len(written.encode()) + 1024)
    with log_kept_open(vix_env):
        failed = run_limited([*args, "--uitvoer", str(target)], als, limit)
    assert failed.returncode == 1, failed.stderr
    assert "er is niets opgeslagen" in failed.stderr
    assert "geschreven naar" not in failed.stderr
    assert audit_count(vix_env) == before
    assert [p.name for p in folder.iterdir()] == ["document.txt"]  # no draft left behind
    assert target.read_text() == "vorige week"


def test_a_failed_commit_leaves_no_file_of_rejected_rows(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path
) -> None:
    """The file of rejected rows tells that the index knows a number; the lookup that logs
    it (rule 18) is in the transaction, so the file goes with it."""
    signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", born="03-04-2014"))
    rows = write_list(tmp_path / "l.csv", [pupil(BSN_ANNA, "Mila", born="04-05-2015")])
    folder = tmp_path / "uit"
    folder.mkdir()
    errors = folder / "fouten.csv"
    lookups = "SELECT COUNT(*) FROM audit_log WHERE action = 'lookup'"
    args = ["import", "leerlingen", str(rows), "--organisatie", "ZON", "--foutenbestand"]
    with log_kept_open(vix_env):
        failed = run_limited([*args, str(errors)], ADMIN)
    assert failed.returncode == 1, failed.stderr
    assert "er is niets opgeslagen" in failed.stderr
    assert "Afgewezen regels" not in failed.stderr
    assert list(folder.iterdir()) == []
    assert db_rows(vix_env, lookups)[0][0] == 0
    # the same import with room to commit: the file, and the lookup it tells of
    done = vix(*args, str(errors), als=ADMIN)
    assert done.exit_code == 1 and f"staan in {errors}" in done.stderr
    assert "andere geboortedatum" in errors.read_text(encoding="utf-8-sig")
    assert db_rows(vix_env, lookups)[0][0] == 1


def test_a_file_that_cannot_take_its_place_after_commit_says_the_work_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After COMMIT a failure is never "er is niets opgeslagen": the read is logged."""
    from vix.cli_common import _deliver, _HeldOutput
    from vix.files import Draft

    target = tmp_path / "inzage.html"
    draft = Draft(target, [], own={})
    draft.handle.write("<p>Anna</p>")
    draft.close()
    target.mkdir()  # taken by a folder in the meantime
    with pytest.raises(typer.Exit) as stop:
        _deliver([draft], _HeldOutput(sys.stdout))
    assert stop.value.exit_code == 1
    said = capsys.readouterr().err
    assert f"Kan {target} niet schrijven (dat is een map" in said
    assert "wat de opdracht vastlegde, is wel opgeslagen" in said
    assert "niets opgeslagen" not in said
    assert [p.name for p in tmp_path.iterdir()] == ["inzage.html"]  # the draft is gone


def test_ctrl_c_while_the_document_is_written_says_the_read_is_logged(
    scenario: Region, vix_env: Path
) -> None:
    """Ctrl-C after COMMIT comes too late to undo the audit record: vix says so (130)."""
    before = audit_count(vix_env)
    reader, writer = os.pipe()
    fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, 4096)  # the document fills it: vix waits there
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vix",
            "rapport",
            "jaarverslag",
            "--regio",
            *YEAR,
            "--formaat",
            "html",
        ],
        env={**os.environ, "VIX_GEBRUIKER": scenario.coordinator},
        stdin=subprocess.DEVNULL,
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(writer)
    try:
        deadline = time.monotonic() + 30
        while audit_count(vix_env) == before and time.monotonic() < deadline:
            time.sleep(0.02)
        assert audit_count(vix_env) == before + 1, "the report was not logged"
        time.sleep(0.2)  # the answer fills the pipe and vix waits to write the rest
        assert proc.poll() is None
        proc.send_signal(signals.SIGINT)
        with os.fdopen(reader) as shown:
            assert shown.read().startswith("<!DOCTYPE html>")
        err = proc.communicate(timeout=30)[1]
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err.strip() == (
        "Fout: Afgebroken terwijl vix de uitvoer schreef; wat de opdracht vastlegde, is wel "
        "opgeslagen. Vraag het zo nodig opnieuw op."
    )
