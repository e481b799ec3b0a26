"""The one exception family of vix.

Domain code raises a subclass of `VixError` with a Dutch message that says
what is wrong and how to fix it. The CLI catches it at the edge, prints the
message on stderr and exits with `exit_code`. Messages never contain a BSN.
"""

import errno
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# why a file could not be opened or written, in Dutch (the OS says it in English)
_FILE_REASONS = {
    errno.ENOENT: "het pad bestaat niet",
    errno.EISDIR: "dat is een map; geef een bestandsnaam",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.EACCES: "geen rechten om het te lezen of te schrijven",
    errno.EPERM: "geen rechten om het te lezen of te schrijven",
    errno.EROFS: "het bestandssysteem is alleen-lezen",
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "het schijfquotum is op",
    errno.ENAMETOOLONG: "de naam is te lang",
    errno.EEXIST: "daar staat geen gewoon bestand maar een koppeling, apparaat of pijp",
}


def file_reason(problem: OSError) -> str:
    """Dutch for why a file could not be opened or written."""
    if isinstance(problem, NoFileThere):
        return problem.reason
    return _FILE_REASONS.get(problem.errno or 0, problem.strerror or "onbekende fout")


class NoFileThere(OSError):
    """No new file can be made in the folder of a path the user gave; `reason` says why.

    Raised by `files.Draft`, which knows more than the errno alone: it names the
    folder, and a pseudo file system (/proc, /sys) answers "no such file" for a
    folder that is there, which `_FILE_REASONS` would call a path that does not exist.
    """

    def __init__(self, problem: OSError, reason: str) -> None:
        super().__init__(problem.errno, problem.strerror, problem.filename)
        self.reason = reason


DISK_FULL = _FILE_REASONS[errno.ENOSPC]

# a folder with less free space than this takes no WAL index (32 KiB) and few pages
_ROOM = 1 << 20


def disk_reason(problem: sqlite3.Error, folder: Path | None) -> str | None:
    """Dutch for why SQLite could not use the database in `folder` when the disk is the
    cause; None when it is not (the caller speaks of the path and the rights).

    SQLite says SQLITE_FULL for a full disk while it writes, but a WAL index it
    could not make on a full disk comes back as an I/O error (SQLITE_IOERR, the
    errno gone): then the free space in the folder decides.
    """
    code = getattr(problem, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL or (code == sqlite3.SQLITE_IOERR and _no_room(folder)):
        return DISK_FULL
    if code == sqlite3.SQLITE_IOERR:
        return "het systeem meldt een lees- of schrijffout"
    return None


def _no_room(folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        found = os.statvfs(folder)
    except OSError:
        return False
    if found.f_flag & os.ST_RDONLY:  # read-only, not full: the caller says so
        return False
    return found.f_bavail * found.f_frsize < _ROOM


@dataclass(frozen=True)
class Lookup:
    """A youth whose registration a refusal revealed, to be logged as a lookup (rule 18)."""

    actor_id: int
    youth_id: int
    number: str  # stored as its pseudonym, never in clear
    detail: dict[str, Any] = field(default_factory=dict)


class VixError(Exception):
    """A problem the user can fix; the message is Dutch and shown as is.

    `lookups` are the youths whose registration the refusal told the user of (it
    names the youth, or it could only come once the number was found): the
    command stores nothing, but that is a read of personal data (rule 18), and
    `Store.transaction` logs each after the rollback, in a short transaction of
    its own (`revealing`, `RevealingConflict`).
    """

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.lookups: list[Lookup] = []


class InvalidInput(VixError):
    """Input that does not pass validation (BSN, dates, age, choices)."""


class NotFound(VixError):
    """Something does not exist, or the actor may not know that it exists."""


class Forbidden(VixError):
    """The acting professional's role does not allow this."""


class Conflict(VixError):
    """The change conflicts with what is stored (duplicate, wrong state)."""


class RevealingConflict(Conflict):
    """A refusal that itself tells the user that a youth is registered.

    The command stores nothing, but what the refusal revealed is a read of personal
    data: `Store.transaction` logs each of `lookups` after the rollback, as the
    import logs the known youths a refused row told the school about (`importer`).
    """

    def __init__(self, message: str, lookups: Sequence[Lookup]) -> None:
        super().__init__(message)
        self.lookups = list(lookups)


@contextmanager
def revealing(lookups: Sequence[Lookup]) -> Iterator[None]:
    """Any refusal raised inside tells the user that these youths are registered.

    For a command that names a youth by number: once the number is found, a
    refusal (a date before the birth, nothing to change, a second number not
    found) answers differently than for an unknown number, and often names the
    youth. Each such refusal carries `lookups`, which the transaction logs after
    the rollback (rule 18). A Ctrl-C is no refusal: it tells nothing.
    """
    try:
        yield
    except Interrupted:
        raise
    except VixError as error:
        error.lookups.extend(lookups)
        raise


class DatabaseProblem(VixError):
    """The file is not a vix database, or the key file does not fit it."""


class UsageError(VixError):
    """Misuse of the command line that Typer cannot see (exit status 2)."""

    exit_code = 2


class UpgradeUnfinished(Exception):
    """The live rules after the migrations failed (`upgrade.finish_upgrade`, its cause)
    while the migrations themselves were committed by the same opening: the command
    did not run, but the file is at the new version, so "er is niets opgeslagen" is
    not true. The marks stay and the next opening finishes it (`db.open_store`).
    Not a `VixError`: the CLI tells its cause (`cli_common._problem`)."""


class PartlyStored(Exception):
    """A fault after part of the command's work was committed (a mail run commits each
    message as it goes): its cause is told as any other, with `stored`, what was stored,
    instead of "er is niets opgeslagen" (`cli_common._problem`). Not a `VixError`, as
    `UpgradeUnfinished`."""

    def __init__(self, stored: str) -> None:
        super().__init__(stored)
        self.stored = stored


class Stopped(KeyboardInterrupt):
    """SIGTERM (a service manager, `kill`) or SIGHUP (the terminal or connection closed).

    Raised by the handler `cli` installs, and a KeyboardInterrupt so that every
    place that handles Ctrl-C handles it too: the transaction is rolled back, the
    drafts are removed, the import's reader process ends, the progress bar gives
    the cursor back and a message-queue claim is released.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def stopped_by(error: BaseException | None) -> Stopped | None:
    """The `Stopped` that `error` is or came from (a prompt turns it into Abort, a mail
    run into `Interrupted`, a terminal that hung up into an OSError on the way out)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, Stopped):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


# what stopped the command, said before "; er is niets opgeslagen" (`cli_common.interrupted`)
_STOP_WORDS = {
    signal.SIGTERM: "Afgebroken door een stopsignaal (SIGTERM)",
    signal.SIGHUP: "Afgebroken omdat de terminal of verbinding sloot (SIGHUP)",
}


def stop_words(signum: int) -> str:
    """'Afgebroken' for Ctrl-C; for SIGTERM or SIGHUP, also what stopped the command."""
    return _STOP_WORDS.get(signal.Signals(signum), "Afgebroken")


class Interrupted(VixError):
    """Ctrl-C (SIGINT), SIGTERM or SIGHUP: the transaction is rolled back; exit status
    128 + the signal's number, as shells report a command the signal ended (130, 143,
    129), so that a script or service manager sees what it would without vix's handler."""

    def __init__(self, message: str, signum: int = signal.SIGINT) -> None:
        super().__init__(message)
        self.exit_code = 128 + signum


# asked to stop by someone else than the user at the keyboard: handled as Ctrl-C (`cli`)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def raise_stopped(signum: int, frame: object) -> None:
    """The handler of SIGTERM and SIGHUP while vix loads (`launch`) and runs (`cli`):
    `Stopped`, so that they are answered as Ctrl-C. One stop is enough: a second one
    (a service manager that insists) is ignored so that it cannot cut the clean-up
    short; SIGKILL still ends vix."""
    for other in STOP_SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    raise Stopped(signum)


# A stop can land while Python runs code that cannot pass an exception on: a weakref
# callback (importlib's module locks, during a lazy import inside a command), a garbage
# collector callback, a `__del__`. Python then prints "Exception ignored in ..." with a
# traceback and goes on as if no stop came; with `raise_stopped` having set both stops
# to ignored, the command even finished and exited 0. `catch_lost_stops` hands such a
# stop to this hook, which sends the signal again a millisecond later (SIGALRM): by then
# the callback has returned and the stop surfaces where the command can answer it.
_LOST_STOP_DELAY = 0.001
_lost: list[int] = []  # the signal of the stop waiting to be sent again
_earlier_hook = sys.unraisablehook


_console: list[bool] = []  # set once the process is vix's own (`launch`)


def catch_lost_stops() -> None:
    """Set `_lost_stop` as `sys.unraisablehook` (`launch`, for the process's life), and
    mark the process as vix's own: the command's end is the process's (`is_console`)."""
    global _earlier_hook
    _console[:] = [True]
    if sys.unraisablehook is not _lost_stop:
        _earlier_hook = sys.unraisablehook
        sys.unraisablehook = _lost_stop


def is_console() -> bool:
    """Whether vix was started as a command (`launch`), not called in another program's
    process (the tests), whose signal handlers it must leave as it found them."""
    return bool(_console)


def _lost_stop(unraisable: Any) -> None:
    stop = unraisable.exc_value
    if not isinstance(stop, KeyboardInterrupt) or (
        threading.current_thread() is not threading.main_thread()
    ):
        _earlier_hook(unraisable)
        return
    signum = stop.signum if isinstance(stop, Stopped) else signal.SIGINT
    if signum in STOP_SIGNALS and signal.getsignal(signum) is signal.SIG_IGN:
        signal.signal(signum, raise_stopped)  # ignored by `raise_stopped`: the stop was lost
    if signum not in _lost:
        _lost.append(signum)
    signal.signal(signal.SIGALRM, _send_lost_stop)
    signal.setitimer(signal.ITIMER_REAL, _LOST_STOP_DELAY)


def _send_lost_stop(signum: int, frame: Any) -> None:
    if frame is not None and frame.f_code in (_lost_stop.__code__, _send_lost_stop.__code__):
        signal.setitimer(signal.ITIMER_REAL, _LOST_STOP_DELAY)  # still in the hook
        return
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    while _lost:
        # to the handler in place now: `raise_stopped`, Ctrl-C's, or the hold over a COMMIT
        signal.raise_signal(_lost.pop(0))


def too_late_to_stop() -> None:
    """The command is over and the process ends with it (`cli`, started by `launch`):
    Ctrl-C, SIGTERM, SIGHUP and a lost stop still to be sent again are ignored from now
    on. (At exit Python puts the default handlers back: a stop there ended vix by the
    signal, without a word, after it had done its work.)"""
    signal.setitimer(signal.ITIMER_REAL, 0)
    _lost.clear()
    for signum in (*STOP_SIGNALS, signal.SIGINT, signal.SIGALRM):
        if signal.getsignal(signum) not in (signal.SIG_DFL, None):  # None: not set from Python
            signal.signal(signum, signal.SIG_IGN)


@contextmanager
def interrupt_held(*, keep_interrupt: bool = False) -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP over a COMMIT: once it ran, the command has stored
    its work.

    Python raises KeyboardInterrupt after the call that was running returns, so
    a Ctrl-C during COMMIT surfaced after the data was written, and the command
    said that nothing was stored. A Ctrl-C that arrives now is too late to undo
    anything; the command finishes and reports what it did. SIGTERM or SIGHUP
    is not the user who can press Ctrl-C again but a service manager or a closed
    terminal: it is kept and delivered when the hold ends (a mail run then stops
    after the message it recorded instead of going on until SIGKILL).

    `keep_interrupt`: a Ctrl-C is kept and delivered too, for a step that must
    not be cut in two but comes before anything is stored (a draft file made and
    handed to the command that removes it if it fails, `files.Draft`).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        if signum not in held:
            held.append(signum)

    previous = {
        signal.SIGINT: signal.signal(
            signal.SIGINT, hold if keep_interrupt else lambda signum, frame: None
        )
    }
    for stop in STOP_SIGNALS:
        # nohup: a hang-up stays ignored (None: a handler not set from Python, left alone)
        if signal.getsignal(stop) not in (signal.SIG_IGN, None):
            previous[stop] = signal.signal(stop, hold)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for kept in held:  # now its handler stops the command (`errors.Stopped`)
            signal.raise_signal(kept)
