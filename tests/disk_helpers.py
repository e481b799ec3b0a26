"""A real vix process on a disk that cannot take what it writes.

`run_limited` caps the size of any file the process writes (RLIMIT_FSIZE):
SQLite then fails to append to its write-ahead log, at COMMIT when
`log_kept_open` holds the log and its index open meanwhile; it reports an
I/O error (EFBIG), not a full disk. `run_on_full_disk` puts the database on
a small tmpfs of its own, in a user and mount namespace (`unshare`), filled
up to `room` bytes: SQLite's own "database or disk is full"; the database as
the run left it is copied back over the original, to be looked at or opened
again. It returns None where the machine does not allow such a namespace.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# a page of the database: the first frame that COMMIT appends to the empty log crosses it
LIMIT = 4096


def run_limited(args: list[str], als: str, limit: int = LIMIT) -> subprocess.CompletedProcess[str]:
    """A real vix process that cannot write a file past `limit` bytes (RLIMIT_FSIZE)."""

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails (EFBIG), no kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "vix", *args],
        env={**os.environ, "VIX_GEBRUIKER": als},
        preexec_fn=limited,
        capture_output=True,
        text=True,
        timeout=60,
    )


@contextmanager
def log_kept_open(db: Path) -> Iterator[None]:
    """A reader holding the database's -wal and -shm files, so that opening them writes
    nothing and the limited process fails at COMMIT, not before."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()
        yield
    finally:
        conn.close()


# runs as root of its own user and mount namespace: mounts a tmpfs, copies the
# database onto it, fills it and runs vix there; prints what happened as JSON
_ON_FULL_DISK = """
import json, os, sqlite3, subprocess, sys
folder, db, room, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
size = os.path.getsize(db) + (1 << 20)
subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "vix", folder], check=True)
there = os.path.join(folder, os.path.basename(db))
with open(db, "rb") as source, open(there, "wb") as copy:
    copy.write(source.read())
free = os.statvfs(folder)
with open(os.path.join(folder, "vulling"), "wb") as filler:
    filler.write(bytes(max(0, free.f_bavail * free.f_frsize - room)))
done = subprocess.run(
    [sys.executable, "-m", "vix", "--db", there, *args], capture_output=True, text=True
)
os.remove(os.path.join(folder, "vulling"))  # room to read the database back
conn = sqlite3.connect(there)
audit = conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
conn.close()  # the last connection: the log goes into the file, which is copied back
with open(there, "rb") as result, open(db, "wb") as original:
    original.write(result.read())
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr,
                  "audit": audit}))
"""


def run_on_full_disk(
    db: Path, folder: Path, room: int, args: list[str], als: str
) -> dict[str, Any] | None:
    """vix ARGS on a copy of `db` on a tmpfs at `folder` with `room` bytes left free."""
    namespace = ["unshare", "--user", "--map-root-user", "--mount"]
    if shutil.which("unshare") is None or subprocess.run([*namespace, "true"]).returncode:
        return None  # no user and mount namespaces for this user here
    folder.mkdir()
    done = subprocess.run(
        [*namespace, sys.executable, "-c", _ON_FULL_DISK, str(folder), str(db), str(room), *args],
        env={**os.environ, "VIX_GEBRUIKER": als},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found
