"""Files vix writes with personal data in them: reports, letters, rejected rows.

Such a file is a `Draft` first: written beside its place under a temporary
name, and put in its place only once the command's transaction committed
(`cli_common.session`). The transaction is what logs the read (rule 18): a
file whose audit record was rolled back (a full disk at COMMIT, Ctrl-C) must
not be left behind with the names in it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from .errors import InvalidInput, NoFileThere, interrupt_held


def _check_replaceable(path: Path) -> None:
    """Refuse a `path` where something other than a regular file lies, or a regular
    file that this user may not replace.

    A regular file at `path` is replaced, not written into: kept, it would keep
    its mode and whoever could read it before. Anything else (a directory, a
    symbolic link, a device, a named pipe) is refused with EISDIR or EEXIST
    rather than replaced or written through. So is another user's file in a
    shared folder (`_sticky_refusal`), which `publish` could not replace.
    """
    try:
        found = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):  # nothing there: the folder may refuse
        return
    if not stat.S_ISREG(found.st_mode):
        code = errno.EISDIR if stat.S_ISDIR(found.st_mode) else errno.EEXIST
        raise OSError(code, os.strerror(code), str(path))
    refusal = _sticky_refusal(path, found)
    if refusal is not None:
        raise refusal


# CAP_FOWNER: lets a process remove or replace any file in a sticky folder (root has it)
_CAP_FOWNER = 3


def _may_override_owner() -> bool:
    """Whether this process holds CAP_FOWNER (read from /proc; without /proc: is it root)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> _CAP_FOWNER & 1)
    except (OSError, ValueError, IndexError):
        pass
    return os.geteuid() == 0


def _sticky_refusal(path: Path, found: os.stat_result) -> NoFileThere | None:
    """Why `publish` could not replace the file `found` at `path`, or None when it can.

    In a folder with the sticky bit (/tmp, a shared folder with mode 1777) the
    kernel lets only the file's owner, the folder's owner or a process with
    CAP_FOWNER remove or replace a file (rename(2), EPERM). Mkstemp beside it
    still succeeds, so without this check the refusal came at `publish`: after
    COMMIT, with the import's rejected rows lost and its summary unsaid.
    """
    me = os.geteuid()
    if found.st_uid == me:
        return None
    try:
        folder = os.stat(path.parent)
    except OSError:  # making the draft there says what is wrong with the folder
        return None
    if not folder.st_mode & stat.S_ISVTX or folder.st_uid == me or _may_override_owner():
        return None
    problem = OSError(errno.EPERM, os.strerror(errno.EPERM), str(path))
    return NoFileThere(
        problem,
        f"er staat al een bestand {path.name} van een andere gebruiker, en in de gedeelde "
        f"map {path.parent} (sticky bit) mag alleen de eigenaar van het bestand het vervangen",
    )


def _same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` name one file: the same path once resolved, or (both there)
    the same inode, as a hard link or a bind mount gives it another name."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them is not there
        return False


def refuse_own_file(path: Path, own: Mapping[Path, str]) -> None:
    """Refuse a `path` that is one of vix's own files (`own`: path -> what it is, from
    `Store.own_files`): a report, letter or list of rejected rows written there replaced
    the database or its key, and the region's data was gone with a success message. A
    folder in `own` (the templates) refuses every path in it: a letter written as
    brief/ouders.txt there became the letter of every next youth, with this one's name."""
    for mine, what in own.items():
        if mine.is_dir():
            if _inside(path, mine):
                raise InvalidInput(
                    f"{path} ligt in {what} ({mine}): daar schrijft vix niets, want een "
                    "bestand daar wordt een sjabloon, en de volgende berichten of brieven "
                    "zouden zeggen wat erin staat. Kies een ander pad, buiten die map."
                )
        elif _same_file(path, mine):
            raise InvalidInput(
                f"{path} is {what} van vix: daar schrijft vix niets overheen. Kies een "
                "ander pad (een nieuw bestand, naast de database of elders)."
            )


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path` lies in `folder` or under it: by its real path, or (a bind mount,
    the folder under another name) a folder above it that is `folder` itself."""
    real = path.resolve()
    if real.is_relative_to(folder.resolve()):
        return True
    there = os.stat(folder)
    for above in real.parents:
        try:
            found = os.stat(above)
        except OSError:  # not there (yet), or not to be looked into
            continue
        if (found.st_dev, found.st_ino) == (there.st_dev, there.st_ino):
            return True
    return False


def _folder_refused(folder: Path, problem: OSError) -> OSError:
    """Why no file can be made in `folder`, naming the folder (`NoFileThere`); `problem`
    itself when its errno says it well enough (a full disk, a read-only file system)."""
    if problem.errno == errno.ENOENT:
        if folder.is_dir():  # there, but takes no file: a pseudo file system (/proc, /sys)
            return NoFileThere(problem, f"in de map {folder} kan geen bestand worden gemaakt")
        return NoFileThere(problem, f"de map {folder} bestaat niet")
    if problem.errno == errno.ENOTDIR:
        for part in [*reversed(folder.parents), folder]:
            if part.exists() and not part.is_dir():
                return NoFileThere(problem, f"{part} is een bestand, geen map")
    if problem.errno in (errno.EACCES, errno.EPERM):
        return NoFileThere(problem, f"geen rechten om in de map {folder} een bestand te maken")
    return problem


class Draft:
    """A new file for `path` that only its owner may read (mode 0600), written to `handle`.

    It lies beside `path` as `.vix-....tmp` until `publish` renames it over
    `path`, or `discard` removes it. Write everything and `close` before the
    transaction commits, so that a full disk fails the command, not the file
    after the fact. Making the draft raises OSError when `path` cannot become
    the file (see `_check_replaceable`), `NoFileThere` when its folder takes no
    new file (`_folder_refused`).
    """

    def __init__(
        self,
        path: Path,
        owner: list[Draft],
        *,
        encoding: str = "utf-8",
        newline: str | None = None,
        own: Mapping[Path, str],
    ) -> None:
        """Make the draft and add it to `owner` (`Store.drafts`: the command's session
        removes it when the command fails), as one step: a Ctrl-C or SIGTERM that
        arrives while it is made is held until it is in `owner`, so that no stop can
        leave a file on disk that nobody knows of. `own`: vix's own files, which the
        draft may not replace (`refuse_own_file`)."""
        refuse_own_file(path, own)
        _check_replaceable(path)
        self.path = path
        with interrupt_held(keep_interrupt=True):
            try:
                fd, name = tempfile.mkstemp(prefix=".vix-", suffix=".tmp", dir=path.parent)
            except OSError as problem:
                raise _folder_refused(path.parent, problem) from None
            self.temporary = Path(name)
            try:
                self.handle: IO[str] = open(fd, "w", encoding=encoding, newline=newline)  # noqa: SIM115
            except BaseException:
                with contextlib.suppress(OSError):
                    os.close(fd)
                self.temporary.unlink(missing_ok=True)
                raise
            owner.append(self)

    def close(self) -> None:
        """Write out what is buffered: a full disk says so now, before COMMIT."""
        self.handle.close()

    def publish(self) -> None:
        """Put the file in its place (after COMMIT); a regular file there is replaced."""
        self.handle.close()
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        """Remove the draft: the command stored nothing, so it shows nothing either."""
        try:
            self.handle.close()
        except OSError:  # the buffer could not be written out: the file goes anyway
            pass
        finally:
            self.temporary.unlink(missing_ok=True)
