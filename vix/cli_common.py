"""What every vix command shares: options, the session, errors and output.

`session()` is the edge where domain errors become messages: it opens the
store (the one way in), resolves the acting professional, runs the body in one
transaction and turns any `VixError` into its Dutch message on stderr with its
exit status. Anything unexpected gets a short Dutch message and exit status 1,
never a traceback (a traceback could show a BSN). Data goes to stdout, messages
to stderr. What the body prints on stdout and the files it drafts come out only
after COMMIT (rule 18: the audit record of a read is in the transaction).
Before the body, every command ends the signals past their planned removal
(`acting`, rule 15), so that no command works on what the night run would
have ended.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import json
import os
import re
import signal
import sqlite3
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO, cast

import click
import typer
from rich.console import Console
from rich.markup import escape

from .db import (
    DEFAULT_DB,
    LOCAL_TIME,
    LOCK_WAIT_MAX_S,
    LOCK_WAIT_S,
    LockWait,
    Store,
    is_busy,
    open_store,
)
from .errors import (
    DISK_FULL,
    Interrupted,
    InvalidInput,
    PartlyStored,
    UpgradeUnfinished,
    UsageError,
    VixError,
    disk_reason,
    file_reason,
    interrupt_held,
    stop_words,
    stopped_by,
)
from .files import Draft
from .people import Professional, actor
from .signals import end_overdue_signals
from .text import visible, whole_number
from .views import family_hides
from .youths import Registration

if TYPE_CHECKING:
    from .followup import Handover, Redirect

# names, codes and phone numbers come from users: the consoles print text as it is (no
# markup, no ':smile:' read as an emoji code), and a line that wants rich markup asks for
# it (markup=True) and escapes what it interpolates
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Uitvoer als JSON (voor andere programma's).")
]


def record_number(value: str | int) -> int:
    """Parser of a signal or match number (`typer.Argument(parser=record_number)`): refused
    at the command line (exit 2) when it cannot be one, instead of overflowing when an
    SQLite integer is looked up, or of reading '1_0' as signal 10 (`text.whole_number`)."""
    number = value if isinstance(value, int) else whole_number(value)
    if number is None:
        raise typer.BadParameter("geef een geheel getal.")
    if not 1 <= number < 2**63:
        raise typer.BadParameter("geef het nummer zoals 'vix signalen' of 'vix matches' het toont.")
    return number


def whole_count(low: int, high: int) -> Callable[[str | int], int]:
    """Parser of a number of days and the like (`typer.Option(parser=whole_count(1, 365))`):
    ASCII digits only (`text.whole_number`: Typer's own int takes '5_0' as 50, ' 50' and
    '+50'), from `low` to `high`. The option keeps min= and max= for its help text: with a
    parser, Typer shows them but no longer checks them, so this does, in the words
    `cli_dutch` gives Typer's own range messages."""

    def parse(value: str | int) -> int:
        number = value if isinstance(value, int) else whole_number(value)
        if number is None:
            raise typer.BadParameter("geef een geheel getal.")
        if number < low:
            raise typer.BadParameter(f"geef een getal van {low} of meer.")
        if number > high:
            raise typer.BadParameter(f"geef een getal van hoogstens {high}.")
        return number

    return parse


@dataclasses.dataclass
class Globals:
    db: Path
    als: str | None


def clock() -> datetime:
    """The injected clock: VIX_NU (ISO date or timestamp) for tests and demos, else now,
    both as Dutch local time without an offset (`db.LOCAL_TIME`)."""
    fixed = os.environ.get("VIX_NU")
    if not fixed:
        return datetime.now(LOCAL_TIME).replace(tzinfo=None, microsecond=0)
    try:
        moment = datetime.fromisoformat(fixed)
    except ValueError as exc:
        raise UsageError(f"VIX_NU='{fixed}' is geen ISO-datum of -tijd.") from exc
    if moment.tzinfo is not None:  # vix stores local time without an offset
        raise UsageError(
            f"VIX_NU='{fixed}' heeft een tijdzone; geef de plaatselijke tijd zonder tijdzone, "
            "bijvoorbeeld 2026-11-24T09:00:00."
        )
    if not CLOCK_YEARS[0] <= moment.year <= CLOCK_YEARS[1]:  # year 1 or 9999: terms fall off
        raise UsageError(
            f"VIX_NU='{fixed}' ligt buiten de jaren waarmee vix rekent; geef een moment van "
            f"{CLOCK_YEARS[0]} tot en met {CLOCK_YEARS[1]}, bijvoorbeeld 2026-11-24T09:00:00."
        )
    return moment


# VIX_NU's years: the calendar's edges leave room for every term counted from the clock
# (a report's year back, retention and archive terms forward)
CLOCK_YEARS = (1900, 2999)


def lock_wait() -> LockWait:
    """How long the command waits for another process's lock: VIX_WACHTTIJD in whole
    seconds (0: not at all), else `db.LOCK_WAIT_S`. On a terminal vix says once that it
    waits and that Ctrl-C stops it; off one (cron) it waits silently, also when
    FORCE_COLOR or TTY_COMPATIBLE makes rich treat the output as a terminal
    (`stderr_is_terminal`): a cron job with colours on must not mail a wait that ended
    well."""
    given = os.environ.get("VIX_WACHTTIJD", "").strip()
    seconds = LOCK_WAIT_S
    if given:
        if re.fullmatch(r"[0-9]+", given) is None or int(given) > LOCK_WAIT_MAX_S:
            raise UsageError(
                f"VIX_WACHTTIJD='{given}' is geen geldige wachttijd; geef een geheel "
                f"aantal seconden van 0 tot en met {LOCK_WAIT_MAX_S} (een dag), bijvoorbeeld "
                "VIX_WACHTTIJD=300 voor vijf minuten."
            )
        seconds = int(given)
    return LockWait(seconds, _say_waiting if stderr_is_terminal() else None)


def _say_waiting(seconds: int) -> None:
    tell(
        "De database is bezet door een ander proces (bijvoorbeeld een andere vix-opdracht of "
        f"een back-up); vix wacht er hooguit {seconds} "
        f"{'seconde' if seconds == 1 else 'seconden'} op (Ctrl-C stopt) ..."
    )


def parse_date(text: str, what: str = "datum") -> date:
    """Dutch dd-mm-jjjj (also dd/mm/jjjj, and ISO jjjj-mm-dd) to a date; 'vandaag' (in
    any case) is today, as a prompt offers it."""
    value = text.strip()
    if value.lower() == "vandaag":
        return clock().date()
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(
        f"'{text}' is geen geldige {what}; schrijf dd-mm-jjjj, bijvoorbeeld 05-03-2026."
    )


def dutch(value: str | date | None) -> str:
    """ISO date or timestamp as dd-mm-jjjj (timestamps keep hh:mm)."""
    if value is None:
        return "-"
    text = value.isoformat() if isinstance(value, date) else str(value)
    day = f"{text[8:10]}-{text[5:7]}-{text[0:4]}"
    return day + (f" {text[11:16]}" if len(text) > 10 else "")


def described(r: Registration) -> str:
    """A registration as the coordinator judges a duplicate: name, birth date, municipality."""
    where = f", {r.municipality}" if r.municipality else ""
    return f"{r.name}, geboren {dutch(r.birth_date)}{where}"


def globals_of(ctx: typer.Context) -> Globals:
    obj = ctx.find_root().obj
    if isinstance(obj, Globals):
        return obj
    return Globals(
        db=Path(os.environ.get("VIX_DB") or DEFAULT_DB), als=os.environ.get("VIX_GEBRUIKER")
    )


def fail(error: VixError) -> typer.Exit:
    tell(f"[bold red]Fout:[/] {escape(visible(error.message))}", markup=True)
    return typer.Exit(error.exit_code)


def tell(message: str, *, markup: bool = False) -> None:
    """A line on stderr that never fails: after SIGHUP the terminal may be gone (EIO)."""
    with suppress(OSError):
        err.print(message, markup=markup)


def interrupted(error: BaseException, outcome: str) -> Interrupted:
    """Ctrl-C, SIGTERM or SIGHUP (`errors.Stopped`, also as the cause of `error`) as the
    Dutch line and exit status (130, 143, 129); `outcome` ("; er is niets opgeslagen.")
    says what became of the work."""
    stop = stopped_by(error)
    signum = signal.SIGINT if stop is None else stop.signum
    if stop is None and err.is_terminal:
        tell("")  # the "^C" the terminal echoed ends no line: the message starts its own
    return Interrupted(f"{stop_words(signum)}{outcome}", signum)


@contextmanager
def guarded(db: Path | None = None) -> Iterator[None]:
    """Turn every error into a Dutch message and an exit status; never a traceback.

    `db` is the database the body uses, if any: a full disk under it is told as such.
    """
    try:
        yield
    except (typer.Exit, SystemExit, GeneratorExit):
        raise
    except BaseException as error:
        raise fail(_problem(error, db)) from None


# what became of the work when a command fails before its COMMIT
NOTHING_STORED = "er is niets opgeslagen"
# ... when it fails right after the opening committed the migrations (`UpgradeUnfinished`)
UPGRADE_UNFINISHED = (
    "de database is wel bijgewerkt naar deze versie van vix, maar het afronden daarvan "
    "en de opdracht zelf niet; de volgende opdracht rondt het bijwerken af"
)


def _problem(error: BaseException, db: Path | None, stored: str = NOTHING_STORED) -> VixError:
    """What went wrong, as the Dutch message and exit status the user gets; `stored`
    says what became of the work."""
    if isinstance(error, UpgradeUnfinished) and error.__cause__ is not None:
        return _problem(error.__cause__, db, UPGRADE_UNFINISHED)
    if isinstance(error, PartlyStored) and error.__cause__ is not None:
        return _problem(error.__cause__, db, error.stored)
    if isinstance(error, Interrupted):  # told by the body itself (a mail run): keep its words
        if (stop := stopped_by(error)) is not None:
            error.exit_code = 128 + stop.signum
        return error
    if isinstance(error, VixError):
        if stored != NOTHING_STORED:  # a broken template while the upgrade told the members
            said = error.message
            error.message = (
                said.replace(NOTHING_STORED, stored)
                if NOTHING_STORED in said
                else f"{said} Let op: {stored}."
            )
        return error
    if isinstance(error, KeyboardInterrupt | typer.Abort | click.exceptions.Abort) or stopped_by(
        error
    ):
        # Ctrl-C, also at a prompt; SIGTERM or SIGHUP also when the clean-up on its way out
        # failed (the progress bar writing to a terminal that hung up): a stop, not that error
        return interrupted(error, f"; {stored}.")
    if isinstance(error, sqlite3.OperationalError):
        return _database_trouble(error, db, stored)
    if isinstance(error, sqlite3.DatabaseError):
        where = f" {db}" if db is not None else ""
        return VixError(
            f"Het databasebestand{where} is beschadigd of geen vix-database; {stored}. "
            "Controleer het pad bij --db of VIX_DB; is het de goede database, zet dan de "
            "laatste back-up terug (en bewaar het beschadigde bestand)."
        )
    if isinstance(error, OSError):  # a path the user gave that the system refuses
        where = f" {error.filename}" if error.filename else ""
        return VixError(
            f"Kan het bestand{where} niet gebruiken ({file_reason(error)}); {stored}. "
            "Controleer het pad."
        )
    # the last line of defence: no traceback, no data
    return VixError(
        f"Onverwachte fout ({type(error).__name__}); {stored}. "
        "Meld dit bij de functioneel beheerder."
    )


def _database_trouble(
    error: sqlite3.OperationalError, db: Path | None, stored: str = NOTHING_STORED
) -> VixError:
    if is_busy(error):
        # the holder may as well be sqlite3 or a back-up tool as another vix command
        busy = "" if stored == NOTHING_STORED else f"; {stored}"
        return VixError(
            "De database is bezet door een ander proces (bijvoorbeeld een andere vix-opdracht "
            f"of een back-up){busy}; probeer het zo opnieuw."
        )
    disk = disk_reason(error, None if db is None else db.absolute().parent)
    where = "" if db is None else f" van {db}"
    if disk == DISK_FULL:
        return VixError(
            f"De database kon niet worden geschreven ({disk}); {stored}. Maak ruimte vrij op "
            f"de schijf{where} en probeer het opnieuw."
        )
    if disk is not None:
        return VixError(
            f"De database kon niet worden gelezen of geschreven ({disk}); {stored}. "
            f"Controleer de schijf{where} (en een limiet op de bestandsgrootte, ulimit -f) en "
            "probeer het opnieuw."
        )
    if db is not None and "readonly" in str(error).lower():
        # SQLite says so only at the first write; the file may be writable while its
        # -wal or -shm (left by a run without write access) is not
        return VixError(
            f"De database {db} kan niet worden geschreven; {stored}. Controleer de rechten "
            f"van {db}, van {db}-wal en {db}-shm (als die er zijn) en van de map waarin ze "
            "staan: wie vix draait, moet ze alle kunnen schrijven."
        )
    return VixError(
        f"De database kon niet worden gelezen of geschreven; {stored}. Controleer het pad "
        "en de rechten van het bestand."
    )


@contextmanager
def _opened(ctx: typer.Context) -> Iterator[tuple[Store, str]]:
    g = globals_of(ctx)
    if not g.als:
        raise UsageError(
            "Geef aan wie u bent met --als E-MAIL of de omgevingsvariabele VIX_GEBRUIKER."
        )
    store = open_store(g.db, clock(), lock_wait=lock_wait())
    if store.upgraded:
        tell(store.upgraded)
    try:
        yield store, g.als
    finally:
        store.close()


def check_in_store(ctx: typer.Context, check: Callable[[Store], object]) -> None:
    """Run a read-only `check` on the database outside any transaction.

    For a prompt that asks again: the check's VixError reaches the caller
    instead of ending the command as in session().
    """
    with _opened(ctx) as (store, _):
        check(store)


class _HeldOutput(io.TextIOBase):
    """Stdout while a session's transaction runs: what the command prints waits for COMMIT.

    Terminal questions (colours, box characters, the table layout) are answered
    by the real stream; the text itself is kept until `release`.
    """

    def __init__(self, real: TextIO) -> None:
        super().__init__()
        self.real = real
        self.parts: list[str] = []

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.real.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.real.errors

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.real.isatty()

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass  # the real stream is flushed by `release`

    def release(self) -> None:
        if self.parts:
            self.real.write("".join(self.parts))
            self.parts.clear()
        self.real.flush()


@contextmanager
def _holding_output() -> Iterator[_HeldOutput]:
    """Hold stdout for the body; put the real stream back whatever happens."""
    real = sys.stdout
    held = _HeldOutput(real)
    sys.stdout = cast(TextIO, held)
    try:
        yield held
    finally:
        sys.stdout = real


def acting(store: Store, email: str, *, overdue_first: bool = True) -> Professional:
    """The acting professional (`people.actor`), once the signals past their planned
    removal have ended (rule 15: `signals.end_overdue_signals`, by vix itself).

    A signal ends on its planned removal (two years, the 23rd birthday), not when
    tonight's `vix onderhoud` comes round: between midnight and that run (or after a
    night it did not run) every command showed such a signal as active, a match only
    it kept open as running, and a youth of 23 by name, in every format, and counted
    them in the reports. Ending them here, in the command's own transaction, is the
    one rule for every command: a match that goes on without one organisation loses
    it as the night would have (the reconcile's rule, not one to copy into each
    query), and the members left are told. The command writes anyway (its audit
    record, rule 18), so a reader needs no more rights than before; a command that
    fails later rolls the endings back with the rest, and the next one ends them.
    After a night that ran this reads no row. `vix onderhoud` ends them itself
    (`overdue_first=False`), to count them. On a terminal a long catch-up is announced
    (`_say_ending`); cron hears nothing of it."""
    me = actor(store, email)
    if overdue_first:
        end_overdue_signals(store, None, announce=_say_ending if stderr_is_terminal() else None)
    return me


# from this many due signals the endings take seconds at national size (a week of missed
# nights: 16 s); fewer go by before anyone wonders
ENDINGS_TOLD = 100


def _say_ending(due: int) -> None:
    """On a terminal: why the first command after nights without `vix onderhoud` is slow.
    Not how many: that is the region's business, not the acting professional's."""
    if due >= ENDINGS_TOLD:
        tell(
            "Eerst worden de signalen beëindigd waarvan de termijn verstreken is (regel 15); "
            "dat doet `vix onderhoud` normaal 's nachts. Een ogenblik ..."
        )


@contextmanager
def session(
    ctx: typer.Context, *, temp_on_disk: bool = False, overdue_first: bool = True
) -> Iterator[tuple[Store, Professional]]:
    """Open the database, identify the actor and run the body in one transaction
    (`temp_on_disk`: see `Store.transaction`), what is past its planned removal
    ended first (`acting`; `overdue_first=False` only for `vix onderhoud`).

    What the body prints on stdout and the files it drafts (`store.drafts`:
    documents with --uitvoer, the import's rejected rows) come out only after
    COMMIT: the transaction holds the audit record of the read (rule 18), and a
    COMMIT that fails (a full disk) or a Ctrl-C before it must leave no names
    on the screen or on disk while the message says that nothing was stored.
    What goes wrong after COMMIT is told as such (`_deliver`), never as
    "er is niets opgeslagen".
    """
    store: Store | None = None
    try:
        with (
            ExitStack() as too_late,
            guarded(globals_of(ctx).db),
            _holding_output() as held,
            _opened(ctx) as (store, email),
            store.transaction(temp_on_disk=temp_on_disk),
        ):
            yield store, acting(store, email, overdue_first=overdue_first)
            # the body is done: Ctrl-C from here to the output would be told as "niets
            # opgeslagen" while COMMIT may have run; it is held (as over COMMIT itself)
            too_late.enter_context(interrupt_held())
    except BaseException:
        # also a SIGTERM or SIGHUP held over COMMIT, raised when the hold ends: the work is
        # stored (`cli.VixGroup.invoke` says so) but the output does not come out
        for draft in store.drafts if store is not None else ():
            draft.discard()
        raise
    assert store is not None
    _deliver(store.drafts, held)


def _deliver(drafts: list[Draft], held: _HeldOutput) -> None:
    """After COMMIT: put the drafted files in place, then print what the command printed.

    The work is stored by now: a file that cannot be put in place, or Ctrl-C,
    says so; an error writing stdout goes to `cli.main`, which says the same.
    """
    failed: list[tuple[Path, OSError]] = []
    try:
        for draft in drafts:
            try:
                draft.publish()
            except OSError as problem:
                draft.discard()
                failed.append((draft.path, problem))
        held.release()
    except KeyboardInterrupt as stop:
        for draft in drafts:
            draft.discard()  # the ones already in place are gone from their draft name
        raise fail(
            interrupted(
                stop,
                " terwijl vix de uitvoer schreef; wat de opdracht vastlegde, is wel opgeslagen. "
                "Vraag het zo nodig opnieuw op.",
            )
        ) from None
    if failed:
        path, refusal = failed[0]
        raise fail(
            VixError(
                f"Kan {path} niet schrijven ({file_reason(refusal)}); wat de opdracht "
                "vastlegde, is wel opgeslagen. Maak het bestand opnieuw, met een ander pad "
                "bij --uitvoer of --foutenbestand."
            )
        )


@contextmanager
def session_without_transaction(ctx: typer.Context) -> Iterator[tuple[Store, Professional]]:
    """Like session(), but the body runs its own short transactions.

    Only for a command that talks to a network server between database
    writes (e-mail delivery): holding the write lock meanwhile would block
    every other vix command for as long as the server takes. The actor is
    identified, and what is past its planned removal ended (`acting`), in a first
    transaction of its own: a match notice naming a youth who turned 23 after
    midnight does not go out before `vix onderhoud` came round (review).
    """
    with guarded(globals_of(ctx).db), _opened(ctx) as (store, email):
        with store.transaction():
            me = acting(store, email)
        yield store, me


# wide enough for any table vix prints: only used to measure a table's natural width
_UNBOUNDED = 100_000


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, text: Collection[str] = ()
) -> None:
    """Print a table on stdout that never cuts an identifier.

    The columns whose header is in `text` hold free text (names): on a narrow
    terminal they wrap between words, never inside one. Every other column holds
    what a user types into another command or greps for (e-mail addresses, codes,
    numbers, dates, one-word labels) and is never wrapped or truncated: rich would
    otherwise end it in "…" to fit the terminal. Not on a terminal (a file, a pipe,
    cron mail), where rich assumes 80 columns, nothing wraps at all: the table is as
    wide as its widest row, so each row is one line for grep. On a terminal too
    narrow for even that minimum, the terminal folds the lines; nothing is lost.
    """
    if not out.is_terminal and not out.options.ascii_only:
        lines = _plain_table(headers, rows)
        if lines is not None:
            _write_lines(lines)
            return
    _rich_table(headers, rows, text=text)


def _rich_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, text: Collection[str] = ()
) -> None:
    from rich.cells import cell_len
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for i, header in enumerate(headers):
        cells = [header, *(row[i] for row in rows)]
        if header in text:
            longest_word = max(cell_len(w) for c in cells for w in [*c.split(), ""])
            table.add_column(header, min_width=longest_word)
        else:
            table.add_column(header, no_wrap=True, min_width=max(map(cell_len, cells)))
    for row in rows:
        table.add_row(*map(Text, row))  # Text: a name is never read as rich markup
    fits = Measurement.get(out, out.options.update_width(_UNBOUNDED), table)
    width = max(out.width, fits.minimum) if out.is_terminal else fits.maximum
    # out.print() would squeeze the table into out.width: print it at its own width
    wide = Console(
        file=out.file,
        width=width,
        force_terminal=out.is_terminal,
        highlight=False,
        markup=False,
        emoji=False,
    )
    wide.print(table, crop=False)


def _plain_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Iterator[str] | None:
    """The lines of the table exactly as rich prints it where it is no terminal, or None
    where rich might print a cell differently than it is.

    Off a terminal no column wraps (`print_table`) and no style is written, so rich's
    table is each cell padded to its column's widest, in rich's default box
    (HEAVY_HEAD). Rich takes about a millisecond a row to get there: the 18,000 of
    `vix professional lijst` took a quarter of a minute. A cell with a character
    that rich handles on its own (a tab, a control or format character: `isprintable`
    says no) leaves the table to rich; tests/test_tables.py holds the two together.
    """
    from rich.cells import cell_len

    if not all(h.isprintable() for h in headers) or not all(
        c.isprintable() for row in rows for c in row
    ):
        return None
    widths = [cell_len(h) for h in headers]
    for row in rows:
        for i, c in enumerate(row):
            # a plain ASCII cell is as wide as it is long (cell_len is slower)
            n = len(c) if c.isascii() else cell_len(c)
            if n > widths[i]:
                widths[i] = n
    if 0 in widths:
        return None  # rich drops what a column of no width holds (a lone combining mark)

    def line(cells: Sequence[str], bar: str = "│") -> str:
        return (
            f"{bar} "
            + f" {bar} ".join(
                c + " " * (w - (len(c) if c.isascii() else cell_len(c)))
                for c, w in zip(cells, widths, strict=True)
            )
            + f" {bar}"
        )

    def rule(left: str, fill: str, cross: str, right: str) -> str:
        return left + cross.join(fill * (w + 2) for w in widths) + right

    def lines() -> Iterator[str]:
        yield rule("┏", "━", "┳", "┓")
        yield line(headers, "┃")
        yield rule("┡", "━", "╇", "┩")
        for row in rows:
            yield line(row)
        yield rule("└", "─", "┴", "┘")

    return lines()


def print_lines(lines: Iterable[str]) -> None:
    """Print each line on stdout as `out.print(line)` would, off a terminal without rich.

    Rich takes a fraction of a millisecond per line to print it as it is: the 32,000
    lines of `vix berichten` took five seconds, the 13,000 of `vix stagnatie` two to
    four. A line that rich might change (a character that `isprintable` refuses: a
    tab, a control character) and every line on a terminal still go through rich.
    """
    if out.is_terminal:
        for text in lines:
            out.print(text)
        return
    kept: list[str] = []
    for text in lines:
        if text.isprintable():
            kept.append(text)
        else:
            _write_lines(kept)
            kept = []
            out.print(text)
    _write_lines(kept)


def _write_lines(lines: Iterable[str]) -> None:
    """Write lines where `out` writes (stdout), a few thousand at a time."""
    chunk: list[str] = []
    for text in lines:
        chunk.append(text)
        if len(chunk) == 4096:
            out.file.write("\n".join(chunk) + "\n")
            chunk.clear()
    if chunk:
        out.file.write("\n".join(chunk) + "\n")
    out.file.flush()


def to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: to_plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def json_text(value: Any, *, ascii_only: bool = False) -> str:
    """The `--json` form of a command's result, as printed or written to a file.

    `ascii_only` writes every other character as an escape (\\u00eb): valid JSON
    that any other tool reads back as written, on an output that is not UTF-8.
    """
    return json.dumps(to_plain(value), ensure_ascii=ascii_only, indent=2) + "\n"


def stdout_is_utf8() -> bool:
    """Whether stdout writes UTF-8; if not, it replaces what its encoding lacks
    (`cli._output_never_fails`), and data for other tools escapes it instead."""
    return codecs.lookup(getattr(sys.stdout, "encoding", None) or "utf-8").name == "utf-8"


def print_json(value: Any) -> None:
    """Print `json_text(value)` on stdout, byte for byte, written as it is encoded.

    The whole text of a long list (`vix berichten --alles --json`, 13,000 stagnating
    matches) would take a hundred megabytes or more, and Python's indenting encoder
    keeps every piece before it joins them. A list is encoded one item at a time,
    indented one level as the list's encoder would (a JSON string holds no raw
    newline, so every newline in an item's text starts one of its lines); anything
    else is written in pieces of 64 kB.
    """
    ascii_only = not stdout_is_utf8()
    write = sys.stdout.write
    if isinstance(value, list | tuple) and value:
        for i, item in enumerate(value):
            text = json.dumps(to_plain(item), ensure_ascii=ascii_only, indent=2)
            write(("[\n  " if i == 0 else ",\n  ") + text.replace("\n", "\n  "))
        write("\n]\n")
        return
    chunk: list[str] = []
    size = 0
    for part in json.JSONEncoder(ensure_ascii=ascii_only, indent=2).iterencode(to_plain(value)):
        chunk.append(part)
        size += len(part)
        if size >= 1 << 16:
            write("".join(chunk))
            chunk.clear()
            size = 0
    chunk.append("\n")
    write("".join(chunk))


def stdin_is_terminal() -> bool:
    # sys.stdin is None when the command runs with stdin closed (`<&-`)
    return sys.stdin is not None and sys.stdin.isatty()


def stderr_is_terminal() -> bool:
    """Whether stderr is a terminal itself, not what rich takes for one (`err.is_terminal`
    is true under FORCE_COLOR or TTY_COMPATIBLE=1, set for colours in a log or CI)."""
    # sys.stderr is None when the command runs with stderr closed (`2>&-`)
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except ValueError:  # closed
        return False


def print_handovers(handovers: list[Handover], reader: Professional) -> None:
    """Where each request for regie that changed hands lies now (stderr). Of a family
    match a signaller learns neither the municipality nor whether it has a regievoerder
    (`views.family_hides`): one sentence for both."""
    for h in handovers:
        if family_hides(reader, h.kind):
            err.print(
                f"Het verzoek om regie bij match {h.match_id} gaat mee naar de gemeente van "
                "de match."
            )
        elif h.regievoerder is not None:
            err.print(
                f"Het verzoek om regie bij match {h.match_id} ligt nu bij {h.regievoerder} "
                f"(regievoerder van {h.municipality})."
            )
        else:
            err.print(
                f"Let op: de gemeente {h.municipality} heeft geen "
                f"{'actieve ' if h.inactive else ''}regievoerder; het verzoek om regie bij "
                f"match {h.match_id} wacht tot de functioneel beheerder er een vastlegt. De "
                "regionaal coördinator is ingelicht."
            )


def print_redirects(redirects: list[Redirect]) -> None:
    """What a move did to the notice to the alderman of each match at that step (stderr)."""
    for r in redirects:
        town = f"de wethouder Jeugd van {r.municipality}"
        if r.withdrawn and r.queued:
            err.print(
                f"Het nog niet verstuurde opschaalbericht (niveau 3) bij match {r.match_id} "
                f"gaat nu naar {town}."
            )
        elif r.withdrawn and r.warning is None:
            err.print(
                f"Het nog niet verstuurde opschaalbericht (niveau 3) bij match {r.match_id} "
                f"aan de wethouder Jeugd van de vorige gemeente is ingetrokken; {town} had "
                "het al."
            )
        elif r.withdrawn:
            err.print(
                f"Let op, match {r.match_id}: het nog niet verstuurde opschaalbericht "
                f"(niveau 3) aan de wethouder Jeugd van de vorige gemeente is ingetrokken; "
                f"{r.warning}."
            )
        elif r.queued:
            err.print(
                f"Match {r.match_id} is opgeschaald tot de wethouder Jeugd en stagneert nog: "
                f"{town} krijgt nu ook het opschaalbericht (niveau 3)."
            )
        else:
            err.print(
                f"Let op, match {r.match_id} is opgeschaald tot de wethouder Jeugd en "
                f"stagneert nog; {r.warning}."
            )
