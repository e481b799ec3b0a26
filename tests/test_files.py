"""files.Draft: a draft that could not be opened leaves nothing behind and keeps the cause."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from vix import files


def test_a_stop_inside_open_stays_a_stop_and_leaves_no_draft(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM during `vix import ... --foutenbestand` could land inside open(), which closes
    the descriptor before the error leaves it; closing it again raised EBADF, and the user
    read "Kan het foutenbestand niet schrijven (Bad file descriptor)" instead of the stop."""

    def stopped_open(fd: int, *args: Any, **kwargs: Any) -> Any:
        os.close(fd)  # what open() does with a descriptor it took when it then fails
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "open", stopped_open, raising=False)
    with pytest.raises(KeyboardInterrupt):
        files.Draft(tmp_path / "fouten.csv")
    assert list(tmp_path.iterdir()) == []
