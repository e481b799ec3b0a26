"""The README's command reference is generated from --help and must be current."""

from __future__ import annotations

from pathlib import Path

import typer.main

from vix.cli import app
from vix.docs import BEGIN, END, _commands, reference

README = Path(__file__).parent.parent / "README.md"


def test_readme_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    current = text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip()
    assert current == reference().strip(), "run `make docs` to update README.md"


def test_every_command_has_dutch_help_with_an_example() -> None:
    root = typer.main.get_command(app)
    for path in _commands(root, []):
        command = root
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        help_text = command.help or ""
        assert help_text.strip(), path
        if not hasattr(command, "commands"):
            assert "Voorbeeld: " in help_text and " vix " in help_text, path
