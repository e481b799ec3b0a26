"""The console entry point: a stop while vix is still loading is answered too.

Loading the command modules (Typer, Rich, Jinja2, SQLite) and building the commands
from their signatures take a good part of a second; `cli` answers Ctrl-C, SIGTERM
and SIGHUP only once a command is parsed. A Ctrl-C before that would end in a
Python traceback, and a SIGTERM or SIGHUP without a word. So this module first
loads only `errors` (the standard library) and sets its handler for SIGTERM and
SIGHUP (`errors.raise_stopped`, which `cli` keeps), and the hook that answers a stop
Python could not pass on (`errors.catch_lost_stops`), then loads the rest. A signal
ignored when vix started (`nohup`) stays ignored. Nothing is opened or written
while loading; a stop while `cli` builds the commands is answered in `cli.main`.
"""

import signal
import sys
from typing import NoReturn


def _stopped(words: str, signum: int) -> NoReturn:
    try:
        if sys.stderr is not None:
            if sys.stderr.isatty() and signum == signal.SIGINT:
                sys.stderr.write("\n")  # the "^C" the terminal echoed ends no line
            sys.stderr.write(f"Fout: {words}; er is niets opgeslagen.\n")
    except OSError:  # after SIGHUP the terminal may be gone
        pass
    raise SystemExit(128 + signum) from None


def main() -> None:
    try:
        from .errors import (
            STOP_SIGNALS,
            catch_lost_stops,
            raise_stopped,
            stop_words,
            stopped_by,
        )
    except KeyboardInterrupt:
        _stopped("Afgebroken", signal.SIGINT)
    try:
        catch_lost_stops()
        for stop_signal in STOP_SIGNALS:
            if signal.getsignal(stop_signal) is signal.SIG_DFL:
                signal.signal(stop_signal, raise_stopped)
        from .cli import main as run
    except KeyboardInterrupt as stop:
        signum = getattr(stopped_by(stop), "signum", signal.SIGINT)
        _stopped(stop_words(signum), signum)
    run()
