"""files.Draft: a draft that could not be opened leaves nothing behind and keeps the cause."""

from __future__ import annotations

import os
import signal
import tempfile
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
        files.Draft(tmp_path / "fouten.csv", [], own={})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_while_a_draft_is_made_waits_until_its_owner_knows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int
) -> None:
    """A stop that landed right after the draft's file was made, before the command had
    it in its drafts, left a file with names and BSNs that nobody would remove (seen
    under load in test_stop_signals.py): now the stop waits until the draft is owned."""
    made = tempfile.mkstemp

    def stopped_right_after(*args: Any, **kwargs: Any) -> Any:
        found = made(*args, **kwargs)
        signal.raise_signal(signum)
        return found

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.tempfile, "mkstemp", stopped_right_after)
    previous = signal.signal(signal.SIGTERM, stop)
    owner: list[files.Draft] = []
    try:
        with pytest.raises(KeyboardInterrupt):
            files.Draft(tmp_path / "fouten.csv", owner, own={})
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert len(owner) == 1 and owner[0].temporary.exists()
    owner[0].discard()
    assert list(tmp_path.iterdir()) == []
