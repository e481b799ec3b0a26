"""Free text that users give (names, codes, phone numbers): one line, nothing invisible.

Contract: `one_line(value, what)` returns the value stripped, or raises
`InvalidInput` naming `what` when it holds a control character (a line break,
a tab, an escape) or a bidirectional override. Such a character is never part
of a name, and stored it would do harm later: a line break splits the
one-line-per-problem output of `vix stagnatie` and an e-mail header, an escape
sequence reaches a coordinator's terminal, and a right-to-left override makes a
name read differently from what is stored. `UNSAFE` is the same test as a
pattern, for checking many values at once (the pupil import).
"""

from __future__ import annotations

import re

from .errors import InvalidInput

# C0 and C1 control characters (Unicode category Cc), and the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069)
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

UNSAFE_REASON = "bevat een regeleinde, tab of ander onzichtbaar stuurteken"


def one_line(value: str, what: str) -> str:
    """`value` stripped; refused when it holds a character that `UNSAFE` matches."""
    text = value.strip()
    if UNSAFE.search(text):
        raise InvalidInput(f"{what} {UNSAFE_REASON}; typ de waarde opnieuw op één regel.")
    return text


def optional_line(value: str | None, what: str) -> str | None:
    """`one_line` for an optional value (None stays None)."""
    return None if value is None else one_line(value, what)
