"""The README's command reference is generated from --help and must be current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from vix.cli import app
from vix.docs import BEGIN, END, _commands, main, reference

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


def test_the_generator_answers_misuse_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m vix.docs --help` once tried to read a file named '--help'."""
    assert main(["--help"]) == 2
    assert "Gebruik: python -m vix.docs [README.md]" in capsys.readouterr().err
    other = tmp_path / "ANDERS.md"
    other.write_text("geen markeringen\n", encoding="utf-8")
    assert main([str(other)]) == 1
    assert "mist de markeringen" in capsys.readouterr().err
    assert other.read_text(encoding="utf-8") == "geen markeringen\n"
    assert main([str(tmp_path / "weg.md")]) == 1
    assert "Kan " in capsys.readouterr().err
    backwards = f"{END}\nvoor\n{BEGIN}\n"
    other.write_text(backwards, encoding="utf-8")
    assert main([str(other)]) == 1
    assert "in die volgorde" in capsys.readouterr().err
    assert other.read_text(encoding="utf-8") == backwards
    other.write_bytes(f"{BEGIN}\n\xe9\n{END}\n".encode("cp1252"))
    assert main([str(other)]) == 1
    assert "geen UTF-8-tekst" in capsys.readouterr().err


@pytest.mark.parametrize(
    "english", ["[OPTIONS]", "COMMAND [ARGS]", "<str>", "<int", "<path>", "list[", "<=x", "x<="]
)
def test_the_help_names_values_in_dutch(english: str) -> None:
    """Typer's own words in --help (`[OPTIONS]`, `<str>`, `<list[str]>`, `[1<=x<=365]`) were
    English in the otherwise Dutch help of every command (docs review)."""
    assert english not in reference()
    assert "--dagen GETAL" in reference() and "[1 t/m 365]" in reference()


def test_the_help_speaks_plain_dutch_about_the_log_and_the_mail_rounds() -> None:
    """'(wordt gelogd)' did not say what is recorded or where, and the mail commands spoke
    of a 'run' (review of the Dutch)."""
    text = reference()
    assert "gelogd" not in text
    assert re.search(r"\brun\b", text) is None
    flat = " ".join(text.split())
    assert "het auditlog houdt bij wie het wiste, wanneer en welke datum er stond" in flat
    assert "dan probeert elke verzendronde het opnieuw" in flat
