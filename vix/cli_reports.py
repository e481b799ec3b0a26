"""Commands for the reports issue (registered by vix.cli)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to the vix app."""
