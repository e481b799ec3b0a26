"""The console entry point: a stop while vix is still loading is answered too.

Loading the command modules (Typer, Rich, Jinja2, SQLite) takes a good part of a
second; `cli.main` answers Ctrl-C only once it runs. A Ctrl-C before that would
end in a Python traceback, so this module imports nothing of vix's own before it
is ready to answer. Nothing is opened or written while loading.
"""

import sys


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        if sys.stderr is not None:
            if sys.stderr.isatty():
                sys.stderr.write("\n")  # the "^C" the terminal echoed ends no line
            sys.stderr.write("Fout: Afgebroken; er is niets opgeslagen.\n")
        raise SystemExit(130) from None
    run()
