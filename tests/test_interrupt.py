"""Ctrl-C in a real vix process: status 130, a Dutch line, nothing written, no process left."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from conftest import ADMIN, BSN_BRAM, Region, Runner, db_rows, start_vix
from import_helpers import bsn, pupil, write_list

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
