"""Free text that users give (names, codes, phone numbers): one line, nothing invisible.

Contract: `one_line(value, what)` returns the value stripped, or raises
`InvalidInput` naming `what` when it holds a control character (a line break,
a tab, an escape) or a bidirectional override. Such a character is never part
of a name, and stored it would do harm later: a line break splits the
one-line-per-problem output of `vix stagnatie` and an e-mail header, an escape
sequence reaches a coordinator's terminal, and a right-to-left override makes a
name read differently from what is stored. `UNSAFE` is the same test as a
pattern, for checking many values at once (the pupil import).

`hide_numbers(message)` is the last net for what vix prints about an error:
any run of 8 or 9 digits (also written 111 222 333, 111.222.333 or
111-222-333) may be a BSN typed in the wrong place (a pupil, signal or match
number, a name, a date), so it is shown as ******333 by `mask`, the one form
in which vix shows a number that may be a BSN.
"""

from __future__ import annotations

import re

from .errors import InvalidInput

# C0 and C1 control characters (Unicode category Cc), and the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069)
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

UNSAFE_REASON = "bevat een regeleinde, tab of ander onzichtbaar stuurteken"


# 8 or 9 digits, plain or in groups of three; not part of a longer number
_NUMBER = re.compile(r"(?<!\d)(?<!\d[.-])\d{3}[ .-]?\d{3}[ .-]?\d{2,3}(?!\d|[.-]\d)")


def mask(number: str) -> str:
    """A number as it may appear in messages: only the last three digits."""
    return "******" + number[-3:] if len(number) > 3 else "***"


def hide_numbers(message: str) -> str:
    """`message` with every possible BSN shown as its last three digits."""
    return _NUMBER.sub(lambda m: mask(m.group()), message)


def one_line(value: str, what: str) -> str:
    """`value` stripped; refused when it holds a character that `UNSAFE` matches."""
    text = value.strip()
    if UNSAFE.search(text):
        raise InvalidInput(f"{what} {UNSAFE_REASON}; typ de waarde opnieuw op één regel.")
    return text


def optional_line(value: str | None, what: str) -> str | None:
    """`one_line` for an optional value (None stays None)."""
    return None if value is None else one_line(value, what)
