"""The Jinja2 environments of vix (notices, reports, letters).

Templates ship inside the package under `vix/templates/`. A region or an
organisation can override any of them by putting a file with the same name in
the folder named by the setting `sjablonen_map` (or `VIX_SJABLONEN`). HTML
templates are autoescaped; every environment uses StrictUndefined so that a
missing value is an error, not an empty string in a letter to parents.
"""

from __future__ import annotations

import os
from functools import cache

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined


@cache
def environment(override_dir: str | None = None) -> Environment:
    loaders: list[FileSystemLoader | PackageLoader] = []
    if override_dir:
        loaders.append(FileSystemLoader(override_dir))
    loaders.append(PackageLoader("vix", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=lambda name: name is not None and name.endswith((".html", ".htm")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["datum"] = _dutch_date
    return env


def _dutch_date(value: object) -> str:
    """ISO date or timestamp -> dd-mm-jjjj."""
    text = str(value)[:10]
    if len(text) == 10 and text[4] == "-":
        return f"{text[8:10]}-{text[5:7]}-{text[0:4]}"
    return text


def render(template: str, override_dir: str | None = None, **context: object) -> str:
    override = override_dir or os.environ.get("VIX_SJABLONEN") or None
    return environment(override).get_template(template).render(**context)
