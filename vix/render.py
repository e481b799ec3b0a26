"""The Jinja2 environments of vix (notices, reports, letters).

Templates ship inside the package under `vix/templates/`. A region or an
organisation can override any of them by putting a file with the same name in
the folder named by the setting `sjablonen_map` (or `VIX_SJABLONEN`). HTML
templates are autoescaped; every environment uses StrictUndefined so that a
missing value is an error, not an empty string in a letter to parents.

The environments are sandboxed (`ImmutableSandboxedEnvironment`): a template
sees the values it is given and nothing else. A region's or organisation's own
file could otherwise reach Python itself through any value's attributes (a
function's `__globals__`) and print the key or the whole index (rule 16).

A value that is known to be absent (None: who took a step that may not be
named, a phone number nobody recorded) is printed as nothing. vix's own
templates say what to write instead (`{{ door or "Een betrokkene" }}`), but a
region's older copy may print the value straight, and the word "None" must
never reach a professional or a parent. `finalize` applies only to what
`{{ }}` prints, so `or`, `if` and `is none` still see None; the empty string
is then escaped as usual in HTML.

An error in a template (in practice: a region's own file) is a `VixError`
that names the file and the line, raised by `told`, so that a coordinator's
cron run says which file to fix instead of "Onverwachte fout". An error that
arises while a template is filled in carries the values it was filled in with
(Jinja's "'dict object' has no attribute 'Sara van Dijk'", the name of a
template to include taken from a value): `told` then says only which file, which
line and what kind of error, never the value (a sibling's name to another
signaller, rule 7).
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplatesNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import InvalidInput, VixError


@cache
def environment(override_dir: str | None = None) -> Environment:
    loaders: list[FileSystemLoader | PackageLoader] = []
    if override_dir:
        loaders.append(FileSystemLoader(override_dir))
    loaders.append(PackageLoader("vix", "templates"))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=lambda name: name is not None and name.endswith((".html", ".htm")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_absent_as_nothing,
    )
    env.filters["datum"] = dutch_date
    return env


def _absent_as_nothing(value: object) -> object:
    """What `{{ }}` prints: None as nothing (see the module docstring), the rest as is."""
    return "" if value is None else value


def dutch_date(value: object) -> str:
    """ISO date or timestamp -> dd-mm-jjjj; None (no date) -> nothing, not "None"."""
    if value is None:
        return ""
    text = str(value)[:10]
    if len(text) == 10 and text[4] == "-":
        return f"{text[8:10]}-{text[5:7]}-{text[0:4]}"
    return text


def render(template: str, override_dir: str | None = None, **context: object) -> str:
    return render_cached(None, template, override_dir, **context)


def templates_folder(setting: str | None) -> str | None:
    """The folder of the region's own templates: the setting `sjablonen_map`, else
    `VIX_SJABLONEN`. The setting is checked when it is set (`settings._optional_path`);
    the variable here, for the same reason: a typo went unnoticed, and every letter
    and notice went out with the default text."""
    if setting:
        return setting
    folder = os.environ.get("VIX_SJABLONEN") or None
    if folder is not None and not Path(folder).is_dir():
        from .text import visible

        raise InvalidInput(
            f"VIX_SJABLONEN='{visible(folder)}' bestaat niet of is geen map; maak de map "
            "aan, verbeter het pad, of laat VIX_SJABLONEN leeg voor de standaardteksten."
        )
    return folder


def render_cached(
    memo: dict[Any, Any] | None, template: str, override_dir: str | None, **context: object
) -> str:
    """`render`, keeping the loaded template in `memo` (a transaction's `Store.memo`).

    A run that queues 30,000 notices loaded the template (a look-up in Jinja's
    cache and a check of the file's date) and looked up whether it is a region's
    own file (resolving both paths) once per notice. Kept for one transaction, a
    region's file edited between two commands is still read again by the next."""
    override = templates_folder(override_dir)
    slot = ("template", template, override)
    found = None if memo is None else memo.get(slot)
    if found is None:
        with told(template):
            loaded = environment(override).get_template(template)
        found = (loaded, _in_folder(loaded.filename, override))
        if memo is not None:
            memo[slot] = found
    loaded, own = found
    with told(loaded.name or "?", loaded.filename if own else None, rendering=True):
        return loaded.render(**context)


def render_loaded(template: Template, override_dir: str | None, **context: object) -> str:
    """Render a loaded template. An error in a region's or organisation's own file
    names that file and, for an error in one of its expressions, the line; an
    error while vix renders its own file is a fault of vix, not of a template to
    fix, and goes on as it is ("Onverwachte fout")."""
    own = _in_folder(template.filename, override_dir)
    with told(template.name or "?", template.filename if own else None, rendering=True):
        return template.render(**context)


def _in_folder(filename: str | None, folder: str | None) -> bool:
    if not filename or not folder:
        return False
    return Path(filename).resolve().is_relative_to(Path(folder).resolve())


# what a template's own expressions can raise while it renders ({{ 1/0 }}, a helper
# given the wrong kind of value, the sandbox's refusal of a huge range), in Dutch words:
# the first of these that the error is an instance of
_RUNTIME_ERRORS: tuple[tuple[type[Exception], str], ...] = (
    (ZeroDivisionError, "deling door nul"),
    (ArithmeticError, "een rekenfout"),
    (LookupError, "een sleutel of positie die er niet is"),
    (TypeError, "een waarde van de verkeerde soort"),
    (ValueError, "een ongeldige waarde"),
)


@contextmanager
def told(name: str, own_path: str | None = None, *, rendering: bool = False) -> Iterator[None]:
    """Turn a Jinja error while loading or (`rendering`) rendering template `name` into a
    Dutch VixError that names the file; with `own_path` (a region's own file, on disk
    there) also an error of Python in one of its expressions, with its line.

    While rendering, an error carries the values the template was filled in with: the
    message then names only the file, the line and the kind of error (`_runtime_fault`).
    What the compiler finds (a syntax error, also in a file a template includes) speaks
    only of the template's own text, and keeps its detail."""
    try:
        yield
    except (TemplateNotFound, TemplatesNotFound) as error:
        if rendering:  # the name of a template to include may come from a value
            missing = "het voegt een sjabloon in dat er niet is"
            raise _runtime_fault(name, own_path, error, missing) from None
        raise VixError(
            f"Het sjabloon {error.name or name} ontbreekt; er is niets opgeslagen. Zet het "
            "terug in de sjablonenmap (instelling sjablonen_map of VIX_SJABLONEN)."
        ) from None
    except TemplateSyntaxError as error:
        where = f"{error.filename or error.name or name}, regel {error.lineno}"
        raise _template_fault(where, _dutch(error.message or "")) from None
    except TemplateError as error:
        if rendering:
            raise _runtime_fault(name, own_path, error, _runtime_kind(error, own_path)) from None
        raise _template_fault(name, _dutch(error.message or "")) from None
    except UnicodeDecodeError:
        # a region's file saved in Windows-1252 (Kladblok, Word): every notice stopped
        raise VixError(
            f"Het sjabloon {name} is geen UTF-8-tekst; er is niets opgeslagen. Sla het "
            "bestand in de sjablonenmap op als UTF-8, of haal het weg: dan gebruikt vix zijn "
            "eigen sjabloon."
        ) from None
    except RecursionError:
        # {% extends %} or {% include %} of itself, directly or round a circle
        raise _template_fault(name, "het verwijst, via extends of include, naar zichzelf") from None
    except tuple(kind for kind, _ in _RUNTIME_ERRORS) as error:
        if own_path is None:
            raise
        words = next(words for kind, words in _RUNTIME_ERRORS if isinstance(error, kind))
        raise _runtime_fault(name, own_path, error, words) from None


def _dutch(message: str) -> str:
    """Jinja speaks English; the compiler's most common complaints get Dutch words."""
    return re.sub(r"^'(.+)' is undefined$", r"onbekende naam '\1'", message)


def _runtime_kind(error: TemplateError, own_path: str | None) -> str:
    """The kind of a Jinja error while rendering, in Dutch and without the value it
    names. A name or attribute is repeated only when it stands in the template's own
    text (`{{ bestaat_niet }}`, `x.__class__`): a typo to find, not a value."""
    message = error.message or ""
    if isinstance(error, SecurityError):
        found = re.match(r"^access to attribute '(\w+)' of '\w+' object is unsafe\.$", message)
        if found and _in_text(found[1], own_path):
            return f"'{found[1]}' is in een sjabloon niet toegestaan"
        return "iets wat in een sjabloon niet is toegestaan"
    if isinstance(error, UndefinedError):
        found = re.match(r"^'(\w+)' is undefined$", message)
        if found and _in_text(found[1], own_path):
            return f"onbekende naam '{found[1]}'"
        return "een naam of onderdeel dat er niet is"
    return "een fout bij het invullen"


def _in_text(word: str, own_path: str | None) -> bool:
    if own_path is None:
        return False
    try:
        return word in Path(own_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _runtime_fault(name: str, own_path: str | None, error: BaseException, kind: str) -> VixError:
    """An error while template `name` was filled in: its file, its line (of a region's
    own file: `own_path`) and `kind`; never the message, which may hold a value."""
    line = None if own_path is None else _line_in(error, own_path)
    return _template_fault(name if line is None else f"{name}, regel {line}", kind)


def _template_fault(where: str, detail: str) -> VixError:
    return VixError(
        f"Het sjabloon {where} bevat een fout ({detail}); er is niets opgeslagen. "
        "Herstel het bestand in de sjablonenmap, of haal het weg: dan gebruikt vix zijn "
        "eigen sjabloon."
    )


def _line_in(error: BaseException, path: str) -> int | None:
    """The template's line where `error` arose: Jinja gives its frames the template's
    file name and line numbers."""
    lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == path]
    return lines[-1] if lines else None
