"""Which rows of a pupil list are surely new youths: the reader process tells the importer.

A first import's rows are nearly all new youths. The importing process would
look each row's number and pupil number up before writing it, and those are
random descents of the two UNIQUE indexes it then descends again to insert:
at a million rows in the order of a real export, two of the fourteen seconds.
The reader process (`python -m vix.pupilrows`) has time to spare, so it
screens every batch and the importer looks up only the rows it names.

Contract of `NewRowScreen(job).suspects(rows)`: the positions of the checked
rows that may not be new. A row that is not named is new for certain:

- its number is not stored and its pupil number is not stored for the school,
  in the database as it was when the import began (a read-only connection,
  one snapshot: the importing process holds the write lock from its first
  statement, so no one else commits while the list is read);
- neither appeared in an earlier row of the list: earlier rows are remembered
  in a Bloom filter, which may say "seen" of a value that was not (that row is
  then looked up for nothing) but never the reverse, and whose size is bounded
  whatever the length of the list;
- it carries no second number (a BSN row with the onderwijsnummer of a stored
  youth updates that youth: only the look-up finds it).

If the importing process changed youths or pupils in its transaction before
the import, the snapshot would not show it: the importer sends the highest
youth id and the school's pupil count it sees, and a screen that sees other
values names every row (the importer then looks everything up, as without a
screen); so does a screen that cannot read the file.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from .pupilrows import ALT_NUMBER, NUMBER, PUPIL_NUMBER, Checked

# Two values per row, one bit each in a filter of 32 bits per row: about 6% of
# the rows of a big first import are looked up for nothing (a look-up costs the
# importer ~3 µs, the filter's test ~0.4 µs per value here). 8 MB is the filter
# of 2 million rows; beyond that more rows are looked up and memory stays put.
BLOOM_BITS_PER_ROW = 32
BLOOM_MAX_BYTES = 8 << 20


def screen_job(
    db: Path, organisation_id: int, *, max_youth_id: int, pupils: int, rows: int
) -> dict[str, Any]:
    """What the reader process needs to screen (it travels with the rest of its job)."""
    return {
        "db": str(db.resolve()),
        "organisation": organisation_id,
        "max_youth_id": max_youth_id,
        "pupils": pupils,
        "rows": rows,
    }


class NewRowScreen:
    def __init__(self, job: dict[str, Any]) -> None:
        self.org = int(job["organisation"])
        self.conn: sqlite3.Connection | None = None
        self.usable = False
        try:
            self.conn = sqlite3.connect(
                Path(job["db"]).as_uri() + "?mode=ro", uri=True, isolation_level=None
            )
            self.conn.execute("PRAGMA query_only = ON")
            self.conn.execute("BEGIN")  # one snapshot for the whole list
            seen = (
                self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM youths").fetchone()[0],
                self.conn.execute(
                    "SELECT COUNT(*) FROM pupils WHERE organisation_id = ?", (self.org,)
                ).fetchone()[0],
            )
            self.usable = seen == (job["max_youth_id"], job["pupils"])
        except sqlite3.Error:
            pass  # a file this process cannot read: every row is looked up
        size = 1 << 16
        while size < min(BLOOM_MAX_BYTES, job["rows"] * BLOOM_BITS_PER_ROW // 8):
            size *= 2
        self.bits = bytearray(size)
        self.mask = size * 8 - 1

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    def _stored(self, rows: list[Checked]) -> tuple[set[str], set[str]]:
        """The rows' numbers and the school's pupil numbers among them stored before the import."""
        assert self.conn is not None
        stored = {
            r[0]
            for r in self.conn.execute(
                "SELECT bsn FROM youths WHERE bsn IN (SELECT value FROM json_each(?))",
                (json.dumps([r[NUMBER] for r in rows]),),
            )
        }
        pupil_numbers = [r[PUPIL_NUMBER] for r in rows if r[PUPIL_NUMBER] is not None]
        held: set[str] = set()
        if pupil_numbers:
            held = {
                r[0]
                for r in self.conn.execute(
                    "SELECT pupil_number FROM pupils WHERE organisation_id = ?"
                    " AND pupil_number IN (SELECT value FROM json_each(?))",
                    (self.org, json.dumps(pupil_numbers)),
                )
            }
        return stored, held

    def suspects(self, rows: list[Checked]) -> list[int]:
        if self.usable:
            try:
                stored, held = self._stored(rows)
            except sqlite3.Error:
                self.usable = False
        if not self.usable:
            return list(range(len(rows)))
        # the Bloom filter, inline (this loop runs once per row of the list): one
        # bit per value, set as the value goes by; a set bit means "maybe seen"
        bits, mask = self.bits, self.mask
        named: list[int] = []
        for i, r in enumerate(rows):
            number, pupil_number = r[NUMBER], r[PUPIL_NUMBER]
            h = hash(number) & mask
            suspect = bits[h >> 3] & (1 << (h & 7))
            bits[h >> 3] |= 1 << (h & 7)
            if pupil_number is not None:
                h = hash("\0" + pupil_number) & mask
                suspect |= bits[h >> 3] & (1 << (h & 7))
                bits[h >> 3] |= 1 << (h & 7)
                suspect = suspect or pupil_number in held
            if suspect or number in stored or r[ALT_NUMBER] is not None:
                named.append(i)
        return named
