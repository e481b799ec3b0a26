"""The `vix` command line: parse, open the database, call one domain function, render.

Global options `--db` (VIX_DB) and `--als` (VIX_GEBRUIKER) say which database
and who is acting. All user-facing text is Dutch. Command groups for
administration, signals, youths, follow-up, import and reports live in their
own modules and register here.
"""

from __future__ import annotations

import codecs
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.core import Command
from typer._click.exceptions import BadOptionUsage, ClickException, UsageError
from typer.core import TyperGroup
from typer.exceptions import Abort

from . import cli_admin, people
from .cli_common import (
    Globals,
    JsonOption,
    clock,
    dutch,
    err,
    fail,
    globals_of,
    guarded,
    interrupted,
    lock_wait,
    out,
    print_json,
    tell,
)
from .cli_dutch import install, translate, usage_error_text
from .db import DEFAULT_DB, key_path_for, open_store, remove_new_database
from .errors import (
    STOP_SIGNALS,
    InvalidInput,
    file_reason,
    is_console,
    raise_stopped,
    stop_words,
    stopped_by,
    too_late_to_stop,
)
from .text import is_text, not_text, typed_bytes, visible

install()

# whether a command may have begun: a Ctrl-C before then (while Typer builds the
# commands) stored nothing for sure
_begun = False
# the command line `VixGroup.main` runs, for `failed_status`
_given: list[str] = []

_MAKE_CONTEXT = Command.make_context.__code__


class VixGroup(TyperGroup):
    """The root command: Dutch usage errors, and `--ouders-geinformeerd` without a date."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        _output_never_fails()
        global _given
        given = _given = sys.argv[1:] if args is None else list(args)
        for arg in given:
            if not is_text(arg):
                # bytes the locale cannot read (a terminal in Latin-1, or UTF-8 under LC_ALL=C
                # with PYTHONUTF8=0): Python keeps them as lone surrogates, which SQLite and
                # every output refuse later with an unexpected error
                read_as = sys.getfilesystemencoding()  # as Python decodes argv and environ
                said = not_text(typed_bytes(arg, read_as), read_as)
                typer.echo(f"Fout: een argument bevat {said} Er is niets opgeslagen.", err=True)
                sys.exit(failed_status(given))
        for name in ("VIX_GEBRUIKER", "VIX_DB", "VIX_NU"):
            value = os.environ.get(name, "")
            if not is_text(value):
                read_as = sys.getfilesystemencoding()
                said = not_text(typed_bytes(value, read_as), read_as, f"zet {name} opnieuw")
                typer.echo(f"Fout: {name} bevat {said} Er is niets opgeslagen.", err=True)
                sys.exit(failed_status(given))
        global _begun
        _begun = True
        try:
            with _stop_signals_as_interrupts():
                try:
                    code = super().main(
                        args=args,
                        prog_name=prog_name,
                        complete_var=complete_var,
                        standalone_mode=False,
                        **extra,
                    )
                except Abort as abort:  # Ctrl-C or a stop at a prompt (Click's own words)
                    # said while the stop handlers are in place: a second stop is ignored
                    # (`_stop_signals_as_interrupts`) instead of ending vix without a word
                    _ignore_stops()
                    stop = stopped_by(abort)
                    signum = signal.SIGINT if stop is None else stop.signum
                    tell(f"{stop_words(signum)}; er is niets opgeslagen.")
                    sys.exit(128 + signum)
        except UsageError as error:
            typer.echo(usage_error_text(error), err=True)
            sys.exit(2)
        except ClickException as error:
            typer.echo(visible(f"Fout: {translate(error.format_message())}"), err=True)
            sys.exit(failed_status(given) if error.exit_code == 1 else error.exit_code)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except KeyboardInterrupt as stop:
            # a stop while the global options are parsed, before any command ran: Typer
            # would make it Exit(130), no word, and 130 also for a SIGTERM or SIGHUP
            raise _stopped_before_the_command(stop) from None

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        result: list[str] = super().parse_args(ctx, _normalise(args))
        return result

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # the reader of our output stopped (`vix ... | head`), as in `main`; before
            # Typer, which would end with 1 also for a stagnation check (`failed_status`)
            _quiet_stdout()
            raise typer.Exit(failed_status(_given)) from None
        except KeyboardInterrupt as stop:
            if _while_parsing(stop):  # a subcommand's options: the command never ran
                raise _stopped_before_the_command(stop) from None
            # not in a command's transaction (guarded() answers there, "niets opgeslagen"):
            # after it, while the answer is printed, or a SIGTERM or SIGHUP held over COMMIT
            # (`errors.interrupt_held`). Typer would end with 130 and no word
            stored = "; wat de opdracht vastlegde, is wel opgeslagen."
            raise fail(interrupted(stop, stored)) from None


def _stopped_before_the_command(stop: KeyboardInterrupt) -> typer.Exit:
    """Ctrl-C, SIGTERM or SIGHUP before a command began: said as in a command's
    transaction, "niets opgeslagen", with 130, 143 or 129. A second stop while it is
    said is ignored, as after an Abort in `VixGroup.main`."""
    _ignore_stops()
    return fail(interrupted(stop, "; er is niets opgeslagen."))


def _while_parsing(stop: BaseException) -> bool:
    """Whether `stop` came while Click parsed a command's arguments (in its
    `make_context`, which also runs the options' conversions), not in its body."""
    frame = stop.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code is _MAKE_CONTEXT:
            return True
        frame = frame.tb_next
    return False


@contextmanager
def _stop_signals_as_interrupts() -> Iterator[None]:
    """SIGTERM and SIGHUP are handled as Ctrl-C (`errors.Stopped`) while vix runs.

    Python's default lets them end the process on the spot: no roll-back message,
    the drafts of the rejected rows (names and BSNs) left on disk, the import's
    reader process running on, the terminal's cursor hidden by the progress bar,
    a message claimed for sending stuck for 15 minutes. Now the command rolls back
    and cleans up as after Ctrl-C. One stop is enough: a second one (a service
    manager that insists) is ignored so that it cannot cut the clean-up short;
    SIGKILL still ends vix. A signal that was ignored when vix started (`nohup`)
    stays ignored.

    Once the command is over, a stop comes too late to stop anything. Started from
    the console (`launch`, `errors.is_console`), Ctrl-C, SIGTERM and SIGHUP are then
    ignored for the milliseconds left: at exit Python puts the default handlers back,
    and a SIGTERM there ended vix by the signal (status -15, no word) after it had done
    its work. Called in-process (the tests), the handlers are put back.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    for signum, handler in previous.items():
        if handler is signal.SIG_DFL:  # `launch` may have set `raise_stopped` already
            signal.signal(signum, raise_stopped)
    try:
        yield
    finally:
        if is_console():  # the process ends with the command
            too_late_to_stop()
        else:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def _ignore_stops() -> None:
    """Ignore SIGTERM and SIGHUP from here on, as after a first stop (`stop` above), where
    vix set its own handler; `_stop_signals_as_interrupts` puts the handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) not in (signal.SIG_IGN, None):
            signal.signal(signum, signal.SIG_IGN)


def _output_never_fails() -> None:
    """Printing never fails on a character the output's encoding lacks.

    Python already writes UTF-8 under the C or POSIX locale. An ASCII stream
    (PYTHONIOENCODING=ascii, an old cron environment) is taken for a misconfigured
    one and writes UTF-8, as Click does for the messages it prints: ASCII
    characters stay what they were, and a name keeps its ë. Any other encoding
    (a Latin-1 terminal) is kept, and what it cannot show becomes "?" instead
    of an error after the command stored its work. `--json` and HTML on such a
    stream escape instead, losing nothing (`cli_common.stdout_is_utf8`).
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            plain = codecs.lookup(stream.encoding).name == "ascii"
            stream.reconfigure(encoding="utf-8" if plain else None, errors="replace")


GLOBAL_OPTIONS = ("--db", "--als")


def failed_status(args: Sequence[str]) -> int:
    """The exit status of a failure that no command's own handling saw: 1, but 3 for
    `vix stagnatie --controleer` (or its old name --check).

    There 1 means "something stagnates" to cron (`cli_followup.CHECK_FAILED`); the
    command maps its own failures to 3, but stdout closed, an argument or VIX_...
    that is no UTF-8, or an answer that could not be written end vix before the
    command runs or after it returned. Read from the raw arguments, as Click has
    not parsed them then: the first word that is no global option is the command.
    """
    words: list[str] = []
    i = 0
    while i < len(args) and args[i] != "--":
        if args[i] in GLOBAL_OPTIONS:
            i += 2  # the option and its value
            continue
        if args[i].split("=", 1)[0] not in GLOBAL_OPTIONS:
            words.append(args[i])
        i += 1
    checking = words[:1] == ["stagnatie"] and bool({"--controleer", "--check"} & set(words))
    return cli_followup.CHECK_FAILED if checking else 1


def _normalise(args: list[str]) -> list[str]:
    """Global options may follow the subcommand; a bare --ouders-geinformeerd means today."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in GLOBAL_OPTIONS:
            if i + 1 == len(args):
                # last, without its value: the subcommand would call it unknown
                raise BadOptionUsage(arg, f"Option '{arg}' requires an argument.")
            front += [arg, args[i + 1]]
            i += 2
            continue
        if arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
            nxt = args[i + 1] if i + 1 < len(args) else None
            if arg == "--ouders-geinformeerd" and (nxt is None or nxt.startswith("-")):
                rest.append("vandaag")
        i += 1
    return front + rest


app = typer.Typer(
    cls=VixGroup,
    name="vix",
    help="vix: de verwijsindex risicojongeren van de regio, in één command-line tool.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


@app.callback()
def _globals(
    ctx: typer.Context,
    db: Annotated[
        Path,
        # readable=False: an unreadable file is vix's to explain (exit status 1, with
        # what to do), not misuse of the command line (Click's check said exit 2)
        typer.Option(
            "--db", envvar="VIX_DB", help="Pad naar de database.", show_default=True, readable=False
        ),
    ] = Path(DEFAULT_DB),
    als: Annotated[
        str | None,
        typer.Option(
            "--als", envvar="VIX_GEBRUIKER", help="E-mailadres van wie de opdracht geeft."
        ),
    ] = None,
) -> None:
    """vix: de verwijsindex risicojongeren van de regio, in één command-line tool.

    Voorbeeld: vix --db regio.db --als ib@school.nl signalen
    """
    ctx.obj = Globals(db=db, als=als)


# -- set-up --------------------------------------------------------------------


@app.command("init")
def init(
    ctx: typer.Context,
    naam: Annotated[str, typer.Option(help="Naam van de eerste functioneel beheerder.")],
    email: Annotated[str, typer.Option(help="E-mailadres van de eerste functioneel beheerder.")],
    regio: Annotated[str, typer.Option(help="Naam van de regio (in berichten).")] = "de regio",
) -> None:
    """Maak een nieuwe, lege database met de eerste functioneel beheerder.

    Maakt ook het sleutelbestand (DATABASE.sleutel, of VIX_SLEUTEL) met modus 0600.

    Voorbeeld: vix --db regio.db init --naam "F. Beheer" --email beheer@regio.nl
    """
    from .settings import region_name

    g = globals_of(ctx)
    key = key_path_for(g.db)  # the file written, named below: VIX_SLEUTEL when it is set
    with guarded(g.db):
        # checked as 'instelling zet regio_naam' checks it, before any file is made: the
        # name stands in every notice, inzage header and 'instelling lijst'
        regio = region_name(regio)
        store = open_store(g.db, clock(), create=True, key_path=key, lock_wait=lock_wait())
        try:
            with store.transaction():
                store.set_setting("regio_naam", regio)
                people.add_professional(
                    store,
                    None,
                    email=email,
                    name=naam,
                    phone=None,
                    organisation=None,
                    role="beheerder",
                )
        except BaseException:
            store.close()
            remove_new_database(g.db, key)
            raise
        store.close()
    err.print(
        f"Database {visible(str(g.db))} gemaakt; beheerder {visible(email)}. "
        f"Sleutel: {visible(str(key))}."
    )


# -- municipalities, organisations, professionals (vix.cli_admin) ---------------

# here, not with the other groups at the end: `vix --help` lists instellingsadres
# between init and demo, and gemeente, organisatie and professional before jeugdige
cli_admin.register(app)


@app.command("demo")
def demo(
    bewaar: Annotated[
        Path | None,
        typer.Option(help="Bewaar de demodatabase op dit pad (anders een tijdelijke map)."),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Bouw een demoregio met verzonnen gegevens en toon wat elke professional ziet.

    Voorbeeld: vix demo --bewaar demo.db
    """
    import tempfile

    from .cli_signal import print_match
    from .demo import ADMIN, build_demo

    with guarded(), tempfile.TemporaryDirectory(prefix="vix-demo-") as tmp:
        path = bewaar or Path(tmp) / "demo.db"
        for taken in (path, Path(f"{path}.sleutel")):
            if bewaar and taken.exists():
                raise InvalidInput(f"{taken} bestaat al; kies een ander pad met --bewaar.")
        seen = build_demo(path, clock())
    # the answer is written after the database was: a full disk or a reader that stops
    # early (`| head`) is told as for any command (`main`), not as "niets opgeslagen"
    if json_:
        print_json(seen)
        return
    out.print(
        "[bold]vix demo[/]: de fictieve regio Duinstreek, gemeenten Duinwijk en Zeeveld.",
        markup=True,
    )
    out.print(
        "Vijf signalen: Sara (school + JGZ: cliëntmatch), haar broer Tim (andere school: "
        "gezinsmatch), Noor (jeugdhulp + jeugdbescherming: cliëntmatch)."
    )
    for person in seen:
        out.rule(f"{person.professional}, {person.organisation} ({person.role})")
        for s in person.signals:
            out.print(f"Eigen signaal {s.id}: {s.youth_name}, sinds {dutch(s.placed_at)}")
        if not person.matches:
            out.print("Geen matches.")
        for m in person.matches:
            print_match(m)
    if bewaar:
        # the demo's key lies beside it, never at VIX_SLEUTEL (a real key may lie
        # there); with VIX_SLEUTEL set, the hint names the demo's key
        shown = visible(str(bewaar))  # as typed, but nothing that steers a terminal
        key = f"VIX_SLEUTEL={shown}.sleutel " if os.environ.get("VIX_SLEUTEL") else ""
        out.print(
            f"\nDe demodatabase staat in {shown}. Probeer: "
            f"{key}vix --db {shown} --als {ADMIN} organisatie lijst"
        )


from . import cli_followup, cli_import, cli_reports, cli_signal, cli_youth  # noqa: E402

for _group in (cli_signal, cli_youth, cli_followup, cli_import, cli_reports):
    _group.register(app)


def _quiet_stdout() -> None:
    """Stdout to /dev/null, so that the flush at exit does not complain of the pipe that
    its reader closed."""
    with suppress(OSError, ValueError):  # not a real file (the test runner's stdout)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main() -> None:
    """Console entry point: never a traceback, whatever happens."""
    # 1, or 3 for a stagnation check, where 1 says that something stagnates
    failed = failed_status(sys.argv[1:])
    if sys.stdout is None:  # started with stdout closed (`>&-`): no answer could be given
        if sys.stderr is not None:
            err.print(
                "Fout: de uitvoer (stdout) is gesloten; er is niets gedaan. Stuur de uitvoer "
                "ergens heen, bijvoorbeeld met > /dev/null."
            )
        raise SystemExit(failed)
    try:
        app()
    except SystemExit:
        raise
    except BrokenPipeError:
        # the reader of our output stopped (`vix ... | head`): quiet, like other tools
        _quiet_stdout()
        raise SystemExit(failed) from None
    except OSError as error:  # writing the answer failed (a full disk, /dev/full)
        err.print(
            f"Fout: de uitvoer kon niet worden geschreven ({file_reason(error)}); wat de "
            "opdracht vastlegde, is wel opgeslagen."
        )
        raise SystemExit(failed) from None
    except BaseException as error:  # last resort outside commands
        if isinstance(error, KeyboardInterrupt):
            # while Typer built the commands from their signatures, before any ran, or
            # the instant after a command, before the stop was ignored
            said = "; wat de opdracht vastlegde, is wel opgeslagen." if _begun else None
            stop = fail(interrupted(error, said or "; er is niets opgeslagen."))
            raise SystemExit(stop.exit_code) from None
        # outside a command's transaction: it may have committed before this (while
        # printing its answer), so this message does not say that nothing was stored
        err.print(
            f"Fout: onverwachte fout ({type(error).__name__}) bij het schrijven van het "
            "antwoord; wat de opdracht vastlegde, is wel opgeslagen. Meld dit bij de "
            "functioneel beheerder."
        )
        raise SystemExit(failed) from None
