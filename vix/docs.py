"""Generate the README's command reference from `--help`, so it cannot drift.

`python -m vix.docs README.md` rewrites the part between the markers
`<!-- opdrachten:begin -->` and `<!-- opdrachten:end -->`; `reference()`
returns that part, and tests/test_docs.py checks the README holds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer.main
from typer._click.core import Command
from typer.core import TyperGroup
from typer.testing import CliRunner

from .cli import app

BEGIN = "<!-- opdrachten:begin -->"
END = "<!-- opdrachten:end -->"


def _commands(command: Command, path: list[str]) -> list[list[str]]:
    found = [path]
    if isinstance(command, TyperGroup):
        for name in sorted(command.commands):
            found.extend(_commands(command.commands[name], [*path, name]))
    return found


def reference() -> str:
    runner = CliRunner()
    root = typer.main.get_command(app)
    parts = []
    for path in _commands(root, []):
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "90"})
        title = " ".join(["vix", *path])
        parts.append(f"### `{title}`\n\n```\n{result.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


def update(readme: Path) -> bool:
    """Rewrite the reference in `readme`; returns whether it changed."""
    text = readme.read_text(encoding="utf-8")
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(END) < text.index(BEGIN):
        raise ValueError(
            f"{readme} mist de markeringen {BEGIN} en {END} (elk één keer, in die volgorde)."
        )
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    new = text[:start] + "\n" + reference() + "\n" + text[end:]
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def main(args: list[str]) -> int:
    """`python -m vix.docs [README.md]`: a developer's tool, answered without a traceback."""
    if len(args) > 1 or (args and args[0].startswith("-")):
        print("Gebruik: python -m vix.docs [README.md]", file=sys.stderr)
        return 2
    target = Path(args[0] if args else "README.md")
    try:
        changed = update(target)
    except OSError as problem:
        print(f"Kan {target} niet lezen of schrijven: {problem.strerror}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"{target} is geen UTF-8-tekst.", file=sys.stderr)
        return 1
    except ValueError as problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"{target}: {'bijgewerkt' if changed else 'al actueel'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
