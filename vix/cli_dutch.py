"""Dutch for the messages Typer (its bundled Click) writes itself.

Usage errors, help headings and the help option are English in Typer and
have no translation hook except `typer.core._` (gettext). This module is the
one place that maps them to Dutch: `install()` patches the headings, and
`show_usage_error()` prints a usage error the vix way (exit status 2). It
relies on Typer internals, which is why pyproject pins typer below 0.30 and
tests/test_cli_errors.py checks the Dutch output.
"""

from __future__ import annotations

import re
from typing import Any

import typer.core as typer_core
from typer._click import core as click_core
from typer._click import formatting
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from .text import or_list, visible

_HEADINGS = {
    "Arguments": "Argumenten",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Missing command.": "Geef een opdracht.",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "required": "verplicht",
    "env var: {var}": "omgevingsvariabele: {var}",
    "default: {default}": "standaard: {default}",
}

# the usage line's pieces of Click's own (`Command.options_metavar`, `subcommand_metavar`)
_USAGE_PIECES = [("[OPTIONS]", "[OPTIES]"), ("COMMAND [ARGS]...", "OPDRACHT [ARGUMENTEN]...")]

# the value types Typer shows in --help (`<str>`, `<list[str]>`, `<int range>`, `<path>`),
# as the metavars vix names itself (DATUM, REDEN): `--leerling TEKST`
_TYPE_LABEL = re.compile(r"^<(?:list\[)?(\w+)(?: range)?\]?>$")
_TYPE_LABELS = {
    "str": "TEKST",
    "int": "GETAL",
    "float": "GETAL",
    "bool": "JA/NEE",
    "path": "PAD",
    "file": "BESTAND",
    "directory": "MAP",
    "datetime": "DATUM",
}


def _either(choices: str) -> str:
    """click's "'a', 'b'" as "'a' of 'b'"."""
    return or_list(choices.split(", "))


_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^No such option: (.*?)(?: \(Possible options: (.*)\))?$"), "nosuchoption"),
    (re.compile(r"^Missing option '?(.*?)'?\.(?: .*)?$"), "Optie {0} ontbreekt."),
    (re.compile(r"^Missing argument '?(.*?)'?\.(?: .*)?$"), "Argument {0} ontbreekt."),
    (re.compile(r"^Option '?(.*?)'? requires an argument\.$"), "Optie {0} heeft een waarde nodig."),
    (
        re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"),
        "extra",
    ),
    (
        re.compile(r"^Invalid value for '?(.*?)'?(?: \(env var: '?[^)]*?'?\))?: (.*)$"),
        "Ongeldige waarde voor {0}: {1}",
    ),
    (re.compile(r"^Onbekende opdracht '(.*)'\.(?: Did you mean (.*)\?)?$"), "nosuchcommand"),
    (re.compile(r"^Option '?(.*?)'? does not take a value\.$"), "Optie {0} neemt geen waarde."),
]

_VALUE_HINTS = [
    (re.compile(r"valid integer"), "geef een geheel getal."),
    (re.compile(r"is not one of (.*?)\.?$"), "kies uit {0}."),
    # Typer checks min= and max= with pydantic, whose messages are English
    (re.compile(r"greater than or equal to (-?\d+)"), "geef een getal van {0} of meer."),
    (re.compile(r"less than or equal to (-?\d+)"), "geef een getal van hoogstens {0}."),
    # click.Path, for the database and other files given as a path
    (re.compile(r"'(.*)' is not readable"), "{0} is niet leesbaar; controleer de rechten."),
    (re.compile(r"'(.*)' is not writable"), "{0} is niet schrijfbaar; controleer de rechten."),
    (re.compile(r"'(.*)' is a directory"), "{0} is een map; geef een bestand."),
    (re.compile(r"'(.*)' does not exist"), "{0} bestaat niet."),
]


def _value_hint(text: str) -> str:
    for pattern, dutch in _VALUE_HINTS:
        found = pattern.search(text)
        if found:
            return dutch.format(*found.groups())
    return text


def translate(message: str) -> str:
    for pattern, dutch in _MESSAGES:
        found = pattern.match(message)
        if not found:
            continue
        groups = [g or "" for g in found.groups()]
        if dutch == "nosuchoption":
            extra = f" Bedoelt u: {_either(groups[1])}?" if groups[1] else ""
            return f"Onbekende optie: {groups[0]}.{extra}"
        if dutch == "nosuchcommand":
            extra = f" Bedoelt u {_either(groups[1])}?" if groups[1] else ""
            return f"Onbekende opdracht '{groups[0]}'.{extra}"
        if dutch == "extra":
            if len(groups[0].split()) > 1:
                return f"Onverwachte extra argumenten: {groups[0]}."
            return f"Onverwacht extra argument: {groups[0]}."
        if "{1}" in dutch:
            return dutch.format(groups[0], _value_hint(groups[1]))
        return dutch.format(*groups)
    return message


def usage_error_text(error: UsageError) -> str:
    """The Dutch text of a usage error: usage line, hint, message, on lines of their own.

    Only the message can repeat what the user typed, so only the message goes
    through `visible` (masked numbers, escaped controls): made visible as a
    whole, the line breaks between usage, hint and message were printed as a
    literal backslash-n.
    """
    if isinstance(error, NoArgsIsHelpError) and error.ctx is not None:
        return error.ctx.get_help()
    lines = []
    if error.ctx is not None:
        lines.append(error.ctx.get_usage())
        lines.append(f"Hulp: {error.ctx.command_path} --help")
    lines.append(f"Fout: {visible(translate(error.format_message()))}")
    return "\n".join(lines)


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    setattr(typer_core, "_", lambda text: _HEADINGS.get(text, text))  # noqa: B010

    original_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, dutch in _USAGE_PIECES:
            args = args.replace(english, dutch)
        original_usage(self, prog, args, "Gebruik: " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]

    original_help_option = click_core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original_help_option(self, ctx)
        if option is not None:
            option.help = "Toon deze hulp en stop."
        return option

    click_core.Command.get_help_option = get_help_option  # type: ignore[method-assign]

    original_type = typer_core._TyperParameter.display_type

    def display_type(self: Any, ctx: Any) -> str:
        shown: str = original_type(self, ctx)
        if self.type_descriptor.is_choice:  # the values themselves, as Click shows them
            return f"[{shown.strip('<>')}]"
        return _TYPE_LABEL.sub(lambda m: _TYPE_LABELS.get(m[1], m[1]), shown)

    typer_core._TyperParameter.display_type = display_type  # type: ignore[method-assign]

    def number_range(self: Any) -> str | None:  # [1<=x<=365]
        low, high = self.min, self.max
        if (low is None and high is None) or (self.count and low == 0 and high is None):
            return None
        if low is None:
            return f"hoogstens {high}"
        return f"{low} of meer" if high is None else f"{low} t/m {high}"

    typer_core.TyperOption._get_number_range_help_str = number_range  # type: ignore[method-assign]
