"""files.Draft: a draft that could not be opened leaves nothing behind and keeps the cause;
a file the draft could not replace is refused before the command stores anything."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import ADMIN, BSN_ANNA, Region, db_rows
from import_helpers import pupil, write_list

import vix
from vix import files


def test_a_stop_inside_open_stays_a_stop_and_leaves_no_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM during `vix import ... --foutenbestand` could land inside open(), which closes
    the descriptor before the error leaves it; closing it again raised EBADF, and the user
    read "Kan het foutenbestand niet schrijven (Bad file descriptor)" instead of the stop."""

    def stopped_open(fd: int, *args: Any, **kwargs: Any) -> Any:
        os.close(fd)  # what open() does with a descriptor it took when it then fails
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "open", stopped_open, raising=False)
    with pytest.raises(KeyboardInterrupt):
        files.Draft(tmp_path / "fouten.csv", [], own={})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_while_a_draft_is_made_waits_until_its_owner_knows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int
) -> None:
    """A stop that landed right after the draft's file was made, before the command had
    it in its drafts, left a file with names and BSNs that nobody would remove (seen
    under load in test_stop_signals.py): now the stop waits until the draft is owned."""
    made = tempfile.mkstemp

    def stopped_right_after(*args: Any, **kwargs: Any) -> Any:
        found = made(*args, **kwargs)
        signal.raise_signal(signum)
        return found

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.tempfile, "mkstemp", stopped_right_after)
    previous = signal.signal(signal.SIGTERM, stop)
    owner: list[files.Draft] = []
    try:
        with pytest.raises(KeyboardInterrupt):
            files.Draft(tmp_path / "fouten.csv", owner, own={})
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert len(owner) == 1 and owner[0].temporary.exists()
    owner[0].discard()
    assert list(tmp_path.iterdir()) == []


# -- another user's file in a shared folder ------------------------------------------------
#
# In a folder with the sticky bit (/tmp, mode 1777) only a file's owner (or the folder's,
# or root) may replace it. Root may replace anything, so these run vix as a plain user:
# as root, with setpriv, on a copy of the database that user owns.

ME, OTHER = 2001, 2002  # the user who runs vix, the user whose file lies in the way


@dataclass
class PlainUser:
    """vix as uid ME on a copy of the region's database, with a folder to write in."""

    home: Path  # the user's own folder: the database, its key, the pupil list
    shared: Path  # mode 1777, owned by root, as /tmp
    db: Path
    python: str
    env: dict[str, str]

    def vix(self, *args: str, als: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["setpriv", f"--reuid={ME}", f"--regid={ME}", "--clear-groups",
             self.python, "-m", "vix", *args],
            env={**self.env, "VIX_GEBRUIKER": als},
            cwd=self.home,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip

    def file_of(self, uid: int, name: str, folder: Path | None = None) -> Path:
        path = (folder or self.shared) / name
        path.write_text("van een ander\n")
        path.chmod(0o666)
        os.chown(path, uid, uid)
        return path


def _python_for(uid: int, env: dict[str, str], root: Path) -> str | None:
    """An interpreter that uid can run and that imports this vix (the venv's may lie
    under /root), or None."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, f"/usr/bin/python{version}"):
        probe = subprocess.run(
            ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", python, "-c",
             "import typer, vix; print(vix.__file__)"],
            env=env, cwd="/", capture_output=True, text=True, check=False,
        )  # fmt: skip
        if probe.returncode == 0 and probe.stdout.strip().startswith(str(root)):
            return python
    return None


@pytest.fixture
def plain_user(region: Region, vix_env: Path) -> Iterator[PlainUser]:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run vix as another user")
    root = Path(vix.__file__).parent.parent
    site = Path(typer.__file__).parent.parent
    home = Path(tempfile.mkdtemp(prefix="vix-plain-"))
    try:
        home.chmod(0o755)
        env = {
            **os.environ,
            "PYTHONPATH": f"{root}{os.pathsep}{site}",
            "HOME": str(home),
            "TMPDIR": str(home),
            "VIX_DB": str(home / "vix.db"),
            "VIX_SLEUTEL": str(home / "vix.sleutel"),
        }
        python = _python_for(ME, env, root)
        if python is None:
            pytest.skip("no Python that a plain user can run imports this vix")
        source = sqlite3.connect(vix_env)
        copy = sqlite3.connect(home / "vix.db")
        with source, copy:
            source.backup(copy)
        source.close()
        copy.close()
        shutil.copyfile(os.environ["VIX_SLEUTEL"], home / "vix.sleutel")
        for path in home.iterdir():
            os.chown(path, ME, ME)
        os.chown(home, ME, ME)
        shared = home / "gedeeld"
        shared.mkdir()
        shared.chmod(0o1777)
        yield PlainUser(home, shared, home / "vix.db", python, env)
    finally:
        shutil.rmtree(home)


def _pupil_list(user: PlainUser, folder: Path) -> Path:
    path = write_list(folder / "lijst.csv", [pupil(BSN_ANNA), pupil("123", pupil_number="9")])
    os.chown(path, ME, ME)
    return path


def test_another_users_error_file_in_a_shared_folder_is_refused_before_the_import(
    plain_user: PlainUser,
) -> None:
    """The trial draft of the error file succeeded beside another user's file in a sticky
    folder, whose replace after COMMIT did not: the good rows were stored, the rejected
    ones lost, and the summary of the import was never said."""
    listed = _pupil_list(plain_user, plain_user.shared)
    theirs = plain_user.file_of(OTHER, "lijst-fouten.csv")
    args = ["import", "leerlingen", str(listed), "--organisatie", "ZON", "--sla-fouten-over"]
    refused = plain_user.vix(*args, als=ADMIN)
    assert refused.returncode == 1, refused.stderr
    said = " ".join(refused.stderr.split())
    assert f"Kan het foutenbestand {theirs} niet schrijven" in said
    assert "van een andere gebruiker" in said and "sticky bit" in said
    assert "er is niets geïmporteerd. Kies een ander pad bij --foutenbestand." in said
    assert "Traceback" not in refused.stderr
    assert db_rows(plain_user.db, "SELECT COUNT(*) FROM pupils")[0][0] == 0
    assert theirs.read_text() == "van een ander\n"
    assert sorted(p.name for p in plain_user.shared.iterdir()) == ["lijst-fouten.csv", "lijst.csv"]
    # an error file of the user's own in the same folder is replaced as ever
    mine = plain_user.file_of(ME, "mijn-fouten.csv")
    done = plain_user.vix(*args, "--foutenbestand", str(mine), als=ADMIN)
    assert done.returncode == 0, done.stderr
    assert mine.read_bytes().startswith(b"\xef\xbb\xbffout_regel")
    assert db_rows(plain_user.db, "SELECT COUNT(*) FROM pupils")[0][0] == 1


def test_another_users_file_in_a_folder_without_the_sticky_bit_is_replaced(
    plain_user: PlainUser,
) -> None:
    """Without the sticky bit, whoever may write in the folder may replace any file in it:
    nothing to refuse."""
    open_folder = plain_user.home / "open"
    open_folder.mkdir(mode=0o777)
    open_folder.chmod(0o777)
    listed = _pupil_list(plain_user, plain_user.home)
    theirs = plain_user.file_of(OTHER, "fouten.csv", open_folder)
    args = ["import", "leerlingen", str(listed), "--organisatie", "ZON"]
    done = plain_user.vix(*args, "--sla-fouten-over", "--foutenbestand", str(theirs), als=ADMIN)
    assert done.returncode == 0, done.stderr
    assert theirs.stat().st_uid == ME and theirs.stat().st_mode & 0o777 == 0o600


def test_another_users_document_in_a_shared_folder_is_refused_before_commit(
    plain_user: PlainUser,
) -> None:
    """--uitvoer writes through the same draft: refused with the reason, and the read is
    not logged, since the document was not made."""
    theirs = plain_user.file_of(OTHER, "jaarverslag.html")
    audit = "SELECT COUNT(*) FROM audit_log"
    before = db_rows(plain_user.db, audit)[0][0]
    args = ["rapport", "jaarverslag", "--regio", "--van", "01-01-2026", "--tot", "31-12-2026"]
    refused = plain_user.vix(*args, "--uitvoer", str(theirs), als=Region().coordinator)
    assert refused.returncode == 1, refused.stderr
    said = " ".join(refused.stderr.split())
    assert f"Kan {theirs} niet schrijven" in said and "van een andere gebruiker" in said
    assert "er is niets vastgelegd. Kies een ander pad bij --uitvoer." in said
    assert "wel opgeslagen" not in said
    assert db_rows(plain_user.db, audit)[0][0] == before
    assert theirs.read_text() == "van een ander\n"
    assert [p.name for p in plain_user.shared.iterdir()] == ["jaarverslag.html"]
