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

The region's folder is trusted as much as the key: a template can include any
file it can name, and its text goes out to every professional. So the folder,
every folder and file under it that a template is read from, and the folders
above it must not be open to other accounts (`check_folder`, `_OwnFolderLoader`):
- nothing in or under the folder is writable by others (o+w; also not with the
  sticky bit, which /tmp has: anyone could add berichten/match.txt there);
- everything in or under it is owned by the user running vix or by root;
- a folder above it that others can write to has the sticky bit (as /tmp), so
  that nobody else can rename the folder away and put another in its place;
- a template's real path (symbolic links followed) lies inside the folder's real
  path: a link to the key file or smtp.env is no template.
Writable by the group is allowed: a team of administrators may share the folder
through a group of their own (its members are trusted with the text of every
notice, as the owner is). Refused at `vix instelling zet sjablonen_map`, when a
command finds `VIX_SJABLONEN` and whenever a file is read from the folder; the
command then stops as for a broken template, and `vix instelling zet`/`wis`,
which render nothing, stay usable to switch the folder off.
"""

from __future__ import annotations

import os
import pwd
import re
import stat
import traceback
from collections.abc import Callable, Iterator
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
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import InvalidInput, VixError


@cache
def environment(override_dir: str | None = None) -> Environment:
    loaders: list[FileSystemLoader | PackageLoader] = []
    if override_dir:
        loaders.append(_OwnFolderLoader(override_dir))
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
    and notice went out with the default text. Either is refused when other accounts
    can change it (`check_folder`)."""
    if setting:
        check_folder(setting, SETTING)
        return setting
    folder = os.environ.get("VIX_SJABLONEN") or None
    if folder is not None and not Path(folder).is_dir():
        from .text import visible

        raise InvalidInput(
            f"VIX_SJABLONEN='{visible(folder)}' bestaat niet of is geen map; maak de map "
            "aan, verbeter het pad, of laat VIX_SJABLONEN leeg voor de standaardteksten."
        )
    if folder is not None:
        check_folder(folder, VARIABLE)
    return folder


def template_folders(setting: str | None) -> dict[Path, str]:
    """The folders templates are read from, which no report, letter or list of rejected
    rows may be written into (`Store.own_files`): a typo in `--uitvoer` replaced a region's
    letter, and the next letters carried this youth's name for another. Not checked here:
    a command that writes no template must not fail on the folder."""
    folders = {Path(__file__).parent / "templates": "de map met de sjablonen van vix"}
    own = setting or os.environ.get("VIX_SJABLONEN")
    if own and Path(own).is_dir():
        folders[Path(own)] = "de sjablonenmap"
    return folders


# where a templates folder came from, for the advice to switch it off (`check_folder`)
SETTING = "instelling"
VARIABLE = "VIX_SJABLONEN"
BEING_SET = "zet"
_SWITCH_OFF = {
    SETTING: " Of zet de eigen sjablonen uit met 'vix instelling wis sjablonen_map'.",
    VARIABLE: " Of laat VIX_SJABLONEN leeg voor de standaardteksten.",
    BEING_SET: "",
}
# `vix instelling zet` looks at this many entries under the folder at most (a folder such
# as / or /home would take minutes); a file beyond them is still checked when it is read
_WALK_LIMIT = 5000


def check_folder(folder: str, source: str, *, everything: bool = False) -> None:
    """Refuse a templates `folder` that other accounts can change (see the module
    docstring): the folder itself and the folders above it; with `everything` (when the
    setting is set) also every folder and file under it, as far as `_WALK_LIMIT`.
    `source`: SETTING, VARIABLE or BEING_SET, for the advice in the refusal."""
    real = os.path.realpath(folder)
    for above in [*{os.path.dirname(os.path.abspath(folder)), os.path.dirname(real)}]:
        _check_above(folder, above, source)
    _check_entry(folder, real, source)
    if not everything:
        return
    seen = 0
    for top, folders, files in os.walk(real):
        for entry in [*folders, *files]:
            seen += 1
            if seen > _WALK_LIMIT:
                return
            path = os.path.join(top, entry)
            target = os.path.realpath(path)
            if not _inside(target, real):
                raise _link_out(folder, os.path.relpath(path, real), source)
            if os.path.exists(target):
                _check_entry(folder, target, source)


def _check_above(folder: str, path: str, source: str) -> None:
    """The folders above the templates folder: whoever can write to one of them (without
    the sticky bit of /tmp) can rename the templates folder and put another in its place."""
    while True:
        found = os.stat(path)
        if found.st_mode & stat.S_IWOTH and not found.st_mode & stat.S_ISVTX:
            raise _unsafe(
                folder,
                f"iedereen kan de map {path} erboven wijzigen, en daarmee de sjablonenmap "
                "vervangen",
                f"chmod o-w {path}",
                source,
            )
        parent = os.path.dirname(path)
        if parent == path:
            return
        path = parent


def _check_entry(folder: str, path: str, source: str) -> None:
    """A folder or file in or under the templates folder (`path` without symbolic links):
    not writable by others, owned by the user running vix or by root."""
    found = os.stat(path)
    if found.st_mode & stat.S_IWOTH:
        # a folder everyone shares (the sticky bit: /tmp) is to be left as it is
        fix = None if found.st_mode & stat.S_ISVTX else f"chmod o-w {path}"
        raise _unsafe(folder, f"iedereen kan {path} wijzigen", fix, source)
    me = os.geteuid()
    if found.st_uid not in (0, me):
        runner = "root" if me == 0 else f"{_user(me)} (die vix draait) of root"
        raise _unsafe(
            folder,
            f"{path} is van {_user(found.st_uid)}, niet van {runner}",
            f"chown {_user(me)} {path}, of laat vix draaien als {_user(found.st_uid)}",
            source,
        )


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid without a name (a file from a container or a backup)
        return f"gebruiker {uid}"


def _unsafe(folder: str, problem: str, fix: str | None, source: str) -> InvalidInput:
    """The refusal of a templates folder others can change; `fix`: the command that
    repairs it, None for a folder everyone shares (/tmp), which only moving mends."""
    from .text import visible

    mend = "Zet" if fix is None else f"Herstel dat ({fix}), of zet"
    return InvalidInput(
        visible(
            f"De sjablonenmap {folder} is niet veilig: {problem}. Wie dat kan, bepaalt de tekst "
            "van berichten en brieven en kan er met een sjabloon de sleutel in zetten. vix "
            f"gebruikt de map niet; er is niets opgeslagen. {mend} de sjablonen in een eigen "
            "map, niet in een map die iedereen deelt zoals /tmp." + _SWITCH_OFF[source]
        )
    )


def _link_out(folder: str, name: str, source: str) -> InvalidInput:
    from .text import visible

    return InvalidInput(
        visible(
            f"{name} in de sjablonenmap {folder} verwijst (een symbolische koppeling) naar een "
            "bestand buiten die map: zo kan een sjabloon de sleutel of het wachtwoord van de "
            "mailserver in een bericht zetten. vix leest het niet; er is niets opgeslagen. "
            "Zet het bestand zelf in de map, of haal de koppeling weg." + _SWITCH_OFF[source]
        )
    )


def _inside(path: str, folder: str) -> bool:
    """Whether the real path `path` is the real path `folder` or lies under it."""
    return Path(path).is_relative_to(folder)


class _OwnFolderLoader(FileSystemLoader):
    """The region's folder, read only where nobody else can change it (module docstring).

    Every file is checked before Jinja reads it: the files vix loads itself and every
    file a template includes, imports or extends."""

    def __init__(self, folder: str) -> None:
        super().__init__(folder)
        self.folder = folder

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = os.path.join(self.folder, *split_template_path(template))
        if not os.path.lexists(path):
            return super().get_source(environment, template)  # not there: TemplateNotFound
        self._check(template, path)
        text, filename, uptodate = super().get_source(environment, template)

        def still_good() -> bool:
            """Jinja keeps a loaded template while this says so: not after the file, or
            the folder, was opened to others (it is then read again, and refused)."""
            try:
                self._check(template, path)
            except InvalidInput:
                return False
            return uptodate()

        return text, filename, still_good

    def _check(self, template: str, path: str) -> None:
        real_folder = os.path.realpath(self.folder)
        real = os.path.realpath(path)
        source = _source_of(self.folder)
        if not _inside(real, real_folder):
            raise _link_out(self.folder, template, source)
        check_folder(self.folder, source)
        part = real
        while part != real_folder and _inside(part, real_folder):
            if os.path.exists(part):
                _check_entry(self.folder, part, source)
            part = os.path.dirname(part)


def _source_of(folder: str) -> str:
    """Whether `folder` came from VIX_SJABLONEN or from the setting (for the advice)."""
    return VARIABLE if os.environ.get("VIX_SJABLONEN") == folder else SETTING


def render_cached(
    memo: dict[Any, Any] | None, template: str, override_dir: str | None, **context: object
) -> str:
    """`render`, keeping the loaded template in `memo` (a transaction's `Store.memo`).

    A run that queues 30,000 notices loaded the template (a look-up in Jinja's
    cache and a check of the file's date) and looked up whether it is a region's
    own file (resolving both paths) once per notice. Kept for one transaction, a
    region's file edited between two commands is still read again by the next."""
    folder_slot = ("templates folder", override_dir)
    if memo is not None and folder_slot in memo:
        override = memo[folder_slot]
    else:
        override = templates_folder(override_dir)  # checks the folder: once, not per notice
        if memo is not None:
            memo[folder_slot] = override
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
    # a filter given a value of a kind it cannot take (`|xmlattr`, `|dictsort` on text)
    (AttributeError, "een waarde van de verkeerde soort"),
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
