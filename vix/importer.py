"""Importing a school's pupil list: validate every row, then upsert youths and pupils.

Contract of `import_pupils(store, by, path, organisation, ...)`:

- Who: an administrator for any school, or the school's own org_manager /
  org_coordinator for their own organisation. Only education organisations
  keep pupil lists. Importing registers youths; it never places a signal.
- Every row is checked (BSN or onderwijsnummer check digit, date, age under
  23, required fields, postcode, parents' BSNs: `vix.pupilrows`; duplicates in
  the file: here). A `RowError` names the line, the column as written in the
  file and the reason; a BSN is never shown in full. A row that gives a known
  youth who is not yet the school's pupil another birth date, or a name that
  `youths.names_fit` (the test of `vix signaleer`) takes for another child's,
  is refused with one reason for both; a row of the school's own pupil only
  when it moves the birth date past what the index recorded about him or her
  (`signals.earliest_record`). Each such refusal is logged as a lookup.
- All or nothing by default: the work runs inside a savepoint that is rolled
  back when any row was rejected, or for a dry run. With `skip_errors` the good
  rows stay. Rejected rows go, with their reasons, to `error_file` (UTF-8 with
  BOM, the input's delimiter: Excel opens it, vix reads it back), a draft that the
  session puts in place when the transaction commits (`store.drafts`).
- Idempotent: a row equal to what is stored changes nothing and writes no
  audit record. Columns the file does not have leave stored values alone; a
  column the file has is the truth, an empty cell clears the value (except
  woonplaats: see `_Towns`).
- What the list says again is not applied: each pupil row remembers keyed
  digests of what this school's list last said per group (person, address,
  parents: `pupilrows.ListDigests`, migration 0026). A row of the school's own
  pupil applies a group only when its digest differs from the remembered one
  (or none is remembered); otherwise the stored values stand, whatever a move
  (`vix jeugdige verhuis`), a correction or another school's list made of them.
  Pupil number and class are compared with what is stored, as ever. A first
  row of a youth applies every group (after the name check) and remembers them.
- Streaming: the file is read record by record and handled in batches of
  `BATCH` rows, checked in this process or, for a list of `PARALLEL_MIN_ROWS`
  or more, in a reader process on the other core (`_reader_batches`), which
  also names the rows that may not be new youths (`vix.screening`): the other
  rows are stored as new without a look-up. Per batch one query looks up the
  known youths with their pupil rows, one their parents (only of rows whose
  parents the list may change); writes go through `executemany`. The list
  digests (`pupilrows.ListDigests`) of the rows stored without a look-up are
  computed in the reader process (in a first import: every other batch, the
  rest here), of the rows looked up here. New youth
  ids are assigned up front (the transaction holds the write lock), so no
  per-row SELECT is needed. Which youths the run has seen lives in a TEMP
  table, not in a Python set, so memory stays flat for a million rows. A list
  at least twice the size of what is stored builds the indexes on random
  values after its rows (`_defer_indexes`). A big list into a database with no
  youths yet (`_first_import`) stores every row without a look-up or screen
  and builds the UNIQUE indexes after the rows too; if the list repeats a
  number or pupil number, that build fails, the pass is rolled back and the
  import runs again the ordinary way, which names the lines.
- With `full` (`--volledig`, "this is the school's whole list") the school's
  registrations of youths not on the list are removed after the last row, in
  the same savepoint (so `--droog` and a refused list keep them), each logged
  on the youth; a youth left with no signal and no registration is erased. A
  signal is left alone: its youth stays. Refused with `skip_errors` (a
  rejected row would look like a leaver) and for a list without a pupil.
- Afterwards the family matches follow: youths whose parents or address
  changed, and the youths that still hold a link they dropped, are
  reconciled when their family holds an active signal (`_link_targets`).
  A youth whose municipality changed gets a move recorded as
  `vix jeugdige verhuis` does (`signals.record_move`: youth_moves row and the
  move notice). Which municipality a family match belongs to is settled by
  that reconcile, with the families as the list leaves them
  (`matching.follow_residence`): a row's move sees the members before the
  rows after it changed the family.
- Audit (rule 18): one record per run (who, when, which school, the counts),
  and one record per youth whose stored data the run changed (a youth known
  before that joins the school's list included), with the pseudonymised BSN
  as subject. A youth the run creates is recorded by its own rows
  (youths.created_at, the pupils row with imported_at) and the run's record;
  `vix inzage` shows who imported the list.
"""

from __future__ import annotations

import csv
import json
import marshal
import os
import sqlite3
import subprocess
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import closing, suppress
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import chain, repeat
from pathlib import Path
from typing import Any, NamedTuple

from dateutil.relativedelta import relativedelta

from .corrections import move_end_dates
from .csvsource import ERROR_COLUMNS, Layout, Source, guard_cell, normalise, open_source
from .db import Store
from .errors import Forbidden, InvalidInput, NotFound, UsageError, VixError, file_reason
from .files import Draft
from .matching import family_of, reconcile
from .notices import notify_move, queue_for_changes
from .people import Professional, board_with
from .pupilrows import (
    ADDRESS_DIGEST,
    ADDRESS_KEY,
    ALT_NUMBER,
    CLASS_NAME,
    LINE,
    NUMBER,
    PARENTS,
    PARENTS_DIGEST,
    PERSON_DIGEST,
    PUPIL_NUMBER,
    TOWN,
    UNKNOWN_TOWN,
    YOUTH,
    Batch,
    CheckConfig,
    Checked,
    DigestColumns,
    Digests,
    ListDigests,
    Rejected,
    RowProblem,
    Unreadable,
    as_reason,
    check_file,
    compact,
    hmac_pads,
    parent_key,
    read_frame,
    source_to_wire,
)
from .screening import screen_job
from .signals import earliest_record, erase_youths, record_move
from .text import hide_numbers, mask
from .youths import MAX_AGE_YEARS, TOO_OLD, names_fit, youth_by_id

BATCH = 500  # rows per batch; at a million rows 2000 was 0.5 s slower, 250 no faster
MAX_LISTED = 1000  # row errors kept in memory for the report; the error file has all
MAX_TOWNS = 20
IMPORT_ROLES = ("admin", "org_manager", "org_coordinator")
# a youth the school did not list before, whose birth date or name (`youths.names_fit`,
# the test `vix signaleer` applies) is not this row's: one reason for both, as `vix
# signaleer` gives, so that the refusal never confirms a guessed birth date or name
OTHER_CHILD = (
    "dit nummer hoort in de verwijsindex bij een jeugdige met een andere geboortedatum of een "
    "andere naam; controleer nummer, naam en geboortedatum (een andere schrijfwijze van de "
    "roepnaam of van de achternaam is geen bezwaar)"
)
# a pupil's birth date moved past what the index recorded about him or her (a signal, the
# parents informed, a move): not which, the school need not know of others' signals
AFTER_RECORDS = "na wat is vastgelegd"  # in the lookup's detail
# the reader's refusal of a row whose pupil is 23 or older (`pupilrows._birth`): such a row
# is skipped, not rejected (`_Run.batch`), unless the school registered the pupil younger
_TOO_OLD = as_reason(TOO_OLD)
OLDER_THAN_REGISTERED = (
    "met deze geboortedatum is de leerling 23 jaar of ouder, maar de school heeft hem of haar "
    "ingeschreven met een latere geboortedatum; controleer de geboortedatum (een leerling "
    "van 23 of ouder laat u weg of staat er met zijn echte geboortedatum in)."
)
BORN_AFTER_RECORDS = (
    "deze geboortedatum is later dan de opgeslagen, en de verwijsindex heeft sinds de "
    "opgeslagen geboortedatum al iets over deze jeugdige vastgelegd; controleer de "
    "geboortedatum, en is die juist, laat de regionaal coördinator haar dan corrigeren met "
    "'vix jeugdige corrigeer'"
)

_YOUTH_COLUMNS = (
    "y.id, y.bsn, y.id_kind, y.given_name, y.infix, y.surname, y.birth_date, y.sex,"
    " y.municipality_id, y.postcode, y.house_number, y.address_key"
)
# after the youth's columns, its registration at the school (NULLs: none)
_PUPIL_COLUMNS = (
    "p.organisation_id, p.pupil_number, p.class_name, p.person_digest, p.address_digest,"
    " p.parents_digest, p.listed_municipality"
)
_STORED = slice(1, 12)  # of such a row: the youth's columns a row compares (`_write`)
_PUPIL = 12  # the school's registration: (organisation, pupil number, class, digests...)
_REMEMBERED = slice(2, 5)  # of a registration as `_write` gets it: the three digests
_LISTED = 5  # of it: the municipality the list last gave (0: none known; None: not remembered)


def _oldest(today: date) -> str:
    """ISO: who was born on or before this day is 23 or older (rule 2)."""
    return (today - relativedelta(years=MAX_AGE_YEARS)).isoformat()


def _said_again(digest: int | None, remembered: int | None) -> bool:
    """Whether a row says about a group what the school's list said last time (its digest
    is the one the registration remembers): the group is then not applied. None: the file
    has no column of the group, or the registration remembers nothing."""
    return digest is not None and digest == remembered


def _says_new(digests: tuple[int | None, ...], remembered: tuple[int | None, ...]) -> bool:
    """Whether a row says about some group what the school's list did not say last time
    (both digests known: a registration from before migration 0026 remembers none). A
    woonplaats that vix came to know since is the same address said again."""
    return any(
        d is not None and r is not None and (d ^ r) & ~(UNKNOWN_TOWN if i == 1 else 0)
        for i, (d, r) in enumerate(zip(digests, remembered, strict=True))
    )


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __post_init__(self) -> None:
        # a BSN in a column where it does not belong would be quoted as a value
        object.__setattr__(self, "reason", hide_numbers(self.reason))


@dataclass
class ImportResult:
    PRIVATE = ("youths_created", "notices", "youths_forgotten")

    organisation: str
    file: str
    encoding: str
    delimiter: str
    columns: dict[str, str]
    ignored_columns: list[str]
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # rows of pupils aged 23 or more (an MBO list): outside the index (rule 2), not
    # registered and not an error; the first MAX_LISTED lines named
    too_old: int = 0
    too_old_lines: list[int] = field(default_factory=list)
    # youths_created and notices stay inside vix (tests, the audit): they would tell
    # the school whether a youth it lists was known to the index already (rule 9)
    youths_created: int = 0
    moved: int = 0  # moves of the school's own pupils; others are recorded, not counted
    notices: int = 0
    unknown_town_rows: int = 0
    unknown_towns: list[str] = field(default_factory=list)
    not_in_list: int = 0
    # --volledig: the list is all of the school's pupils; registrations of the others
    # were removed (`removed`), and youths left with nothing erased (private: whether
    # a youth had a signal or another school is not for the school to know, rule 9)
    full: bool = False
    removed: int = 0
    youths_forgotten: int = 0
    errors: list[RowError] = field(default_factory=list)
    # rows imported without their group/class, which was no class code (`vix.pupilrows`):
    # counted, the first MAX_LISTED named (line, column, reason; never the value)
    warned: int = 0
    warnings: list[RowError] = field(default_factory=list)
    error_file: str | None = None
    dry_run: bool = False
    skip_errors: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        """What the exit status says: no rejected rows, or some imported while skipping them."""
        if self.rejected == 0:
            return True
        return self.skip_errors and self.rows > self.rejected


# -- who may import --------------------------------------------------------------


def _organisation_for(store: Store, by: Professional, code: str) -> tuple[int, str]:
    """The school's id and code, if `by` may import its pupils."""
    by.require(*IMPORT_ROLES)
    row = store.row(
        "SELECT id, code, domain, active FROM organisations WHERE code = ?", (code.strip(),)
    )
    if row is None:
        raise NotFound(
            f"Organisatie '{code}' bestaat niet. Bekijk de codes met 'vix organisatie lijst'."
        )
    own = by.organisation_id == row["id"]
    board = by.role == "org_coordinator" and board_with(store, by, [row["code"]]) is not None
    if by.role != "admin" and not own and not board:
        raise Forbidden(
            f"U mag alleen de leerlinglijst van uw eigen organisatie ({by.organisation_code}) "
            "of, als instellingscoördinator, van de scholen van uw bestuur importeren; de "
            "functioneel beheerder kan dat voor elke school."
        )
    if row["domain"] != "education":
        raise InvalidInput(
            f"Organisatie {row['code']} is geen onderwijsinstelling; alleen scholen importeren "
            "een leerlinglijst."
        )
    if not row["active"]:
        raise Forbidden(f"Organisatie {row['code']} is niet actief.")
    return int(row["id"]), str(row["code"])


# -- municipality from woonplaats ---------------------------------------------------


class _Towns:
    """woonplaats -> municipality by name or code, ignoring case, accents and spaces.

    A woonplaats is not always a municipality (Overveen lies in Bloemendaal), and
    a school near a border lists towns the region does not know. Rejecting such
    rows would block whole lists for a field that only serves the regievoerder
    and move notices, so an unknown (or empty) woonplaats leaves the municipality
    as stored: unknown for a new youth, unchanged for a known one. The summary
    counts these rows and names the towns so the administrator can add them.
    """

    def __init__(self, store: Store) -> None:
        self.by_key: dict[str, int] = {}
        self.code: dict[int, str] = {}
        rows = store.rows("SELECT id, code, name FROM municipalities ORDER BY id")
        for r in rows:
            self.by_key.setdefault(normalise(r["name"]), r["id"])
            self.code[r["id"]] = r["code"]
        for r in rows:
            self.by_key.setdefault(normalise(r["code"]), r["id"])
        self.cache: dict[str, int | None] = {}
        self.unknown_rows = 0
        self.unknown: list[str] = []

    def lookup(self, town: str | None, rows: int = 1) -> int | None:
        """The municipality of `town`; `rows` rows name it (counted when unknown)."""
        if town is None:
            return None
        try:
            found = self.cache[town]
        except KeyError:
            found = self.by_key.get(normalise(town))
            if len(self.cache) < 10_000:
                self.cache[town] = found
        if found is None:
            self.unknown_rows += rows
            if len(self.unknown) < MAX_TOWNS and town not in self.unknown:
                self.unknown.append(town)
        return found

    def column(self, towns: Sequence[str | None]) -> list[int | None]:
        """`lookup` of a whole column: once per distinct town, not once per row."""
        found = {town: self.lookup(town, rows) for town, rows in Counter(towns).items()}
        return list(map(found.__getitem__, towns))


# -- the file of rejected rows --------------------------------------------------------


class _ErrorFile:
    """Rejected rows with their reasons, drafted on the first one (mode 0600: personal data).

    The draft joins `store.drafts`, which the session puts in place only if the
    transaction commits: a reason can tell that a youth is known to the index, and
    the lookup that logs it (rule 18) is in the transaction. A pass that fails
    (`_Repeated`, an error) discards its draft.
    """

    def __init__(self, path: Path | None, source: Source, store: Store) -> None:
        self.path = path
        self.source = source
        self.store = store
        self.keep = [i for i in range(len(source.header)) if i not in source.layout.dropped]
        self.draft: Draft | None = None
        self.writer: Any = None

    def write(self, line: int, values: list[str] | None, errors: list[RowError]) -> None:
        if self.path is None:
            return
        assert values is not None  # kept by the checks whenever there is an error file
        if self.writer is None:
            try:
                self.draft = Draft(
                    self.path,
                    self.store.drafts,
                    encoding="utf-8-sig",
                    newline="",
                    own=self.store.own_files(),
                )
            except OSError as problem:
                raise _unwritable(self.path, problem) from None
            self.writer = csv.writer(self.draft.handle, delimiter=self.source.delimiter)
            header = [self.source.header[i] for i in self.keep]
            self.writer.writerow([*ERROR_COLUMNS, *map(guard_cell, header)])
        reasons = "; ".join(f"{e.column}: {e.reason}" for e in errors)
        kept = [values[i] for i in self.keep if i < len(values)]
        extra = values[len(self.source.header) :]
        self.writer.writerow([line, *map(guard_cell, [reasons, *kept, *extra])])

    def close(self) -> None:
        if self.draft is not None:
            try:
                self.draft.close()
            except OSError as problem:
                assert self.path is not None
                raise _unwritable(self.path, problem) from None

    def discard(self) -> None:
        if self.draft is not None:
            self.draft.discard()
            self.store.drafts.remove(self.draft)
            self.draft = None
            self.writer = None


def _unwritable(error_file: Path, problem: OSError) -> InvalidInput:
    return InvalidInput(
        f"Kan het foutenbestand {error_file} niet schrijven ({file_reason(problem)}); "
        "er is niets geïmporteerd. Kies een ander pad bij --foutenbestand."
    )


def _check_error_file(error_file: Path, path: Path, own: Mapping[Path, str]) -> None:
    """Refuse an error file that cannot be written before a row is read.

    A draft made and discarded at once meets what writing the file would: a
    folder that is missing, is a file, is read-only or takes no file (/proc), a
    link, device or pipe at the path, and another user's file in a sticky folder,
    which the draft could not replace after COMMIT (`files.Draft`).
    """
    try:
        if error_file.resolve() == path.resolve():
            raise InvalidInput("Het foutenbestand mag niet de leerlinglijst zelf zijn.")
        if error_file.is_dir():
            raise InvalidInput(
                f"{error_file} is een map; geef bij --foutenbestand een bestandsnaam, "
                f"bijvoorbeeld {error_file / (path.stem + '-fouten.csv')}."
            )
        probe: list[Draft] = []
        try:
            Draft(error_file, probe, own=own)
        finally:
            for draft in probe:
                draft.discard()
    except OSError as problem:
        raise _unwritable(error_file, problem) from None


# -- one run ------------------------------------------------------------------------------


_TEMP_TABLES = ("import_seen", "import_links", "import_old_keys")


class _Name(NamedTuple):
    """A row's name as `youths.names_fit` reads it."""

    given_name: str
    infix: str
    surname: str


class _Run:
    """State of one import: the batch engine (look-ups and writes; rows come checked)."""

    def __init__(
        self,
        store: Store,
        by: Professional,
        organisation: tuple[int, str],
        layout: Layout,
        result: ImportResult,
        error_file: _ErrorFile,
        track_links: bool,
        all_new: bool = False,
    ) -> None:
        self.store = store
        self.conn = store.db.conn
        self.by = by
        self.org_id, self.org_code = organisation
        f = layout.fields
        self.column_number = f.get("number") or f["onderwijsnummer"]
        self.number_columns = [c.index for c in (f.get("number"), f.get("onderwijsnummer")) if c]
        self.column_pupil = f.get("pupil_number")
        self.column_birth = f["birth_date"]
        self.oldest = _oldest(store.today)  # as the reader's `CheckConfig.oldest`
        self.has_sex = "sex" in f
        self.has_infix = "infix" in f
        self.has_address = "postcode" in f or "house_number" in f
        self.has_class = "class_name" in f
        self.has_parents = bool(layout.parents)
        # the rows carry the parents' BSNs; stored is the keyed hash of each
        self.parent_key = partial(parent_key, *hmac_pads(store.key))
        self.towns = _Towns(store)
        # what the list says per group, as a pupil row remembers it (the reader process
        # digests the rows stored without a look-up; this one the rest)
        self.digests = ListDigests(store.list_digest_key(), layout, self.towns.by_key)
        self.result = result
        self.warned_lines: set[int] = set()  # rows kept without their class, so far
        self.error_file = error_file
        self.track_links = track_links
        self.moved: list[int] = []  # youths who moved municipality, told in `finish`
        # a first import into an empty table (`_first_import`): every row is stored
        # as a new youth without a look-up; a row that repeats a number or pupil
        # number shows when the UNIQUE indexes are built after the rows
        self.all_new = all_new
        self.stamp = store.stamp
        self.next_id = int(store.scalar("SELECT COALESCE(MAX(id), 0) FROM youths")) + 1
        # youths from this id on were created by this run: a second row for one of
        # them is a duplicate without a lookup in temp.import_seen (which holds
        # only the known youths this run saw, to keep a first import lean)
        self.first_new = self.next_id
        # the line of each youth this run created, by id - first_new (4 bytes a row):
        # a later row with its number or pupil number names the line, however far back
        self.new_lines = array("I")
        self.detail = json.dumps({"bron": "import", "organisatie": self.org_code})
        # known youths (from a signal, another school) whose birth date a row of this
        # list contradicted: refused rows, but the refusal told the list's author that
        # the number is known, so each is logged as a lookup on that youth (rule 18),
        # also when the import is then not kept; with what did not fit (`_other_child`)
        self.compared: list[tuple[int, str, dict[str, str]]] = []
        # rows skipped for a pupil of 23 or older (`_too_old`): number -> line, and
        # line -> (number, values) for the check after the last row
        self.too_old_rows: dict[str, int] = {}
        self.too_old_values: dict[int, tuple[str, list[str]]] = {}

    def reject(self, line: int, values: list[str] | None, errors: list[RowError]) -> None:
        if line in self.warned_lines:
            # found wrong after its class was set aside: rejected, so not imported without it
            self.warned_lines.discard(line)
            self.result.warned -= 1
            self.result.warnings = [w for w in self.result.warnings if w.line != line]
        self.result.rejected += 1
        room = MAX_LISTED - len(self.result.errors)
        if room > 0:
            self.result.errors.extend(errors[:room])
        self.error_file.write(line, values, errors)

    def batch(
        self,
        good: list[Checked],
        bad: list[Rejected],
        suspects: list[int] | None = None,
        warnings: Sequence[RowProblem] = (),
        digests: Digests | None = None,
    ) -> None:
        """Store a batch's checked rows; `suspects` (see `Batch`): only those are looked up;
        `warnings`: rows in `good` that lost their class; `digests`: those of the rows not
        in `suspects`, from the reader process (`Batch.digests`)."""
        for line, values, problems in bad:
            if all(p[2] == _TOO_OLD for p in problems):
                self._too_old(line, values)
            else:
                self.reject(line, values, [RowError(*p) for p in problems])
        self.result.warned += len(warnings)
        self.warned_lines.update(w[0] for w in warnings)
        room = MAX_LISTED - len(self.result.warnings)
        self.result.warnings.extend(RowError(*w) for w in warnings[: max(room, 0)])
        if self.all_new:
            self._insert_new(good, self.digests.columns(good, digests if not suspects else None))
            return
        new: list[Checked] = []
        if suspects is not None and len(suspects) < len(good):
            named = set(suspects)
            new = [r for i, r in enumerate(good) if i not in named]
            self._insert_new(new, self.digests.columns(new, digests))
            good = [good[i] for i in suspects]
        if not good:
            return
        good = self.digests.fill(good)
        conn = self.conn
        numbers = [r[NUMBER] for r in good]
        numbers += [r[ALT_NUMBER] for r in good if r[ALT_NUMBER] is not None]
        # the school's registration comes along (one look-up by its key per youth)
        known = {
            r[1]: r
            for r in conn.execute(
                f"SELECT {_YOUTH_COLUMNS}, {_PUPIL_COLUMNS} FROM youths y LEFT JOIN pupils p"
                " ON p.youth_id = y.id AND p.organisation_id = ?"
                " WHERE y.bsn IN (SELECT value FROM json_each(?))",
                (self.org_id, json.dumps(numbers)),
            )
        }
        resolved: list[tuple[Checked, Any]] = []
        for r in good:
            old = known.get(r[NUMBER])
            if old is None and r[ALT_NUMBER] is not None:
                candidate = known.get(r[ALT_NUMBER])
                if candidate is not None and candidate["id_kind"] == "onderwijsnummer":
                    old = candidate
            resolved.append((r, old))
        ids = [old["id"] for _, old in resolved if old is not None]
        ids_json = json.dumps(ids)
        seen_before: dict[int, int] = {}
        pupils: dict[int, tuple[Any, ...]] = {}
        parents_old: dict[int, set[int]] = {}
        if ids:
            seen_before = dict(
                conn.execute(
                    "SELECT youth_id, line FROM temp.import_seen"
                    " WHERE youth_id IN (SELECT value FROM json_each(?))",
                    (ids_json,),
                ).fetchall()
            )
            pupils = {
                old[0]: tuple(old)[_PUPIL + 1 :]
                for _, old in resolved
                if old is not None and old[_PUPIL] is not None
            }
            # the stored parents only of the rows whose parents the run may apply
            # (`_write`): not of a pupil whose list says the same parents again
            changing = [
                old["id"]
                for r, old in resolved
                if old is not None
                and r[PARENTS] is not None
                and not _said_again(
                    r[PARENTS_DIGEST],
                    None if (pupil := pupils.get(old["id"])) is None else pupil[_REMEMBERED][2],
                )
            ]
            if self.has_parents and changing:
                for youth_id, key in conn.execute(
                    "SELECT youth_id, parent_key FROM youth_parents"
                    " WHERE youth_id IN (SELECT value FROM json_each(?))",
                    (json.dumps(changing),),
                ):
                    parents_old.setdefault(youth_id, set()).add(key)
        pupil_numbers = [r[PUPIL_NUMBER] for r in good if r[PUPIL_NUMBER] is not None]
        holders: dict[str, int] = {}
        if pupil_numbers:
            holders = dict(
                conn.execute(
                    "SELECT pupil_number, youth_id FROM pupils WHERE organisation_id = ?"
                    " AND pupil_number IN (SELECT value FROM json_each(?))",
                    (self.org_id, json.dumps(pupil_numbers)),
                ).fetchall()
            )
        if not ids and not holders and self._distinct(good):
            # every row is a youth this run creates, as in most batches of a first
            # import: no per-row decisions, the rows go to the tables column by column
            self._insert_new(good)
            return
        self._write(resolved, seen_before, pupils, parents_old, holders, new)

    @staticmethod
    def _distinct(good: list[Checked]) -> bool:
        """No two rows of the batch share a number or a pupil number."""
        if len({r[NUMBER] for r in good}) != len(good):
            return False
        pupil_numbers = [r[PUPIL_NUMBER] for r in good if r[PUPIL_NUMBER] is not None]
        return len(set(pupil_numbers)) == len(pupil_numbers)

    def _insert_new(self, rows: Sequence[Checked], digests: DigestColumns | None = None) -> None:
        """Create a youth and its pupil row (and parents) for each of `rows`, whose list
        digests are `digests` (`ListDigests.columns`), or the rows carry them (`fill`).

        The rows are known to be new (looked up, or not named by the reader's
        screen) and to share no number or pupil number; their ids follow the
        highest stored one. The parameters are
        built column-wise (zip, map, chain run in C): at a million rows the
        per-row Python of building tuples cost more than a tenth of the import.
        """
        count = len(rows)
        if not count:
            return  # a batch whose every row was refused (--sla-fouten-over)
        first = self.next_id
        self.next_id += count
        ids = range(first, self.next_id)
        columns = list(zip(*rows, strict=True))
        person, address, parents_d = (
            (columns[PERSON_DIGEST], columns[ADDRESS_DIGEST], columns[PARENTS_DIGEST])
            if digests is None
            else digests
        )
        self.new_lines.extend(columns[LINE])
        stamp = self.stamp
        conn = self.conn
        municipalities = self.towns.column(columns[TOWN])
        conn.executemany(
            "INSERT INTO youths (id, bsn, id_kind, given_name, infix, surname, birth_date,"
            " sex, postcode, house_number, address_key, municipality_id, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            zip(  # the stamps repeat without end: `ids` sets the length
                ids,
                *columns[YOUTH],
                municipalities,
                repeat(stamp),
                repeat(stamp),
                strict=False,
            ),
        )
        if self.has_parents:
            parents = columns[PARENTS]
            conn.executemany(
                "INSERT OR IGNORE INTO youth_parents (youth_id, parent_key) VALUES (?, ?)",
                zip(
                    chain.from_iterable(map(repeat, ids, map(len, parents))),
                    map(self.parent_key, chain.from_iterable(parents)),
                    strict=True,
                ),
            )
        conn.executemany(
            "INSERT INTO pupils (organisation_id, youth_id, pupil_number, class_name,"
            " imported_at, person_digest, address_digest, parents_digest, listed_municipality)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            zip(
                repeat(self.org_id, count),
                ids,
                columns[PUPIL_NUMBER],
                columns[CLASS_NAME],
                repeat(stamp, count),
                person,
                repeat(None, count) if address is None else address,
                repeat(None, count) if parents_d is None else parents_d,
                [m or 0 for m in municipalities],  # 0 also without a woonplaats column
                strict=True,
            ),
        )
        if self.track_links:
            conn.executemany(
                "INSERT OR IGNORE INTO temp.import_links VALUES (?)",
                (
                    (i,)
                    for i, p, a in zip(ids, columns[PARENTS], columns[ADDRESS_KEY], strict=True)
                    if p or a
                ),
            )
        self.result.new += len(rows)
        self.result.youths_created += len(rows)

    def _duplicate(
        self,
        line: int,
        number: str,
        youth_id: int | None,
        batch_seen: dict[object, int],
        seen: dict[int, int],
    ) -> RowError | None:
        # a row is the same pupil as an earlier one by number, or by youth (an
        # onderwijsnummer row and the BSN row that upgrades that youth)
        if youth_id is None and number not in batch_seen:
            batch_seen[number] = line  # the common case of a first import
            return None
        keys: list[object] = [number] if youth_id is None else [number, youth_id]
        first = next((batch_seen[k] for k in keys if k in batch_seen), None)
        if first is None and youth_id is not None:
            first = seen.get(youth_id, self._created_on(youth_id))
        if first is not None or (youth_id is not None and youth_id >= self.first_new):
            return self._again(line, number, first)
        for k in keys:
            batch_seen[k] = line
        return None

    def _created_on(self, youth_id: int) -> int | None:
        """The line of the row that created this youth in this run, or None."""
        index = youth_id - self.first_new
        return self.new_lines[index] if 0 <= index < len(self.new_lines) else None

    def _pupil_conflict(
        self,
        line: int,
        nr: str | None,
        youth_id: int | None,
        holders: dict[str, int],
        batch_numbers: dict[str, tuple[int, object]],
        me: object,
    ) -> RowError | None:
        if nr is None:
            return None
        column = self.column_pupil
        assert column is not None
        earlier = batch_numbers.get(nr)
        if earlier is not None and earlier[1] != me:
            return RowError(
                line, column.header, f"leerlingnummer {nr} staat ook op regel {earlier[0]}."
            )
        holder = holders.get(nr)
        if holder is not None and holder != youth_id:
            seen_on = self.store.scalar(
                "SELECT line FROM temp.import_seen WHERE youth_id = ?", (holder,)
            )
            if seen_on is None:
                seen_on = self._created_on(holder)
            if seen_on is not None:
                where = f"staat ook op regel {seen_on}"
            elif holder >= self.first_new:
                where = "staat ook eerder in de lijst"
            else:
                where = "hoort al bij een andere leerling van deze school"
            return RowError(line, column.header, f"leerlingnummer {nr} {where}.")
        batch_numbers[nr] = (line, me)
        return None

    def _write(
        self,
        resolved: list[tuple[Checked, Any]],
        seen: dict[int, int],
        pupils: dict[int, tuple[Any, ...]],
        parents_old: dict[int, set[int]],
        holders: dict[str, int],
        earlier: list[Checked],
    ) -> None:
        """The rows of a batch that were looked up; `earlier`: its rows already stored as new.

        A row of the school's own pupil applies a group (person, address, parents) only
        when the list says something new about it: when the row's digest of that group
        differs from the one the pupil row remembers (`pupilrows.ListDigests`), or none
        is remembered (a registration from before migration 0026, a file that lacked the
        group's columns). A group the list says again as before is left as stored, so
        that an unchanged list does not undo a move, a correction or what another
        school's list said. The first row of a youth (not yet the school's pupil)
        applies every group, as ever. Pupil number and class are compared as stored."""
        res = self.result
        stamp, actor, detail, org = self.stamp, self.by.id, self.detail, self.org_id
        pseudonym = self.store.pseudonym
        upd_youths: list[tuple[Any, ...]] = []
        reborn: list[tuple[int, str]] = []  # (youth id, ISO birth date) that the row changed
        del_parents: list[tuple[int]] = []
        ins_parents: list[tuple[int, int]] = []
        ins_pupils: list[tuple[Any, ...]] = []
        upd_pupils: list[tuple[Any, ...]] = []
        new_digests: list[tuple[Any, ...]] = []  # the list's digests, nothing else changed
        seen_rows: list[tuple[int, int]] = []
        audit: list[tuple[Any, ...]] = []
        links: list[tuple[int]] = []
        old_keys: list[tuple[str | int, str]] = []
        moves: list[tuple[Any, int, bool]] = []
        # which row of the batch gave a number or pupil number first: a later one is
        # refused naming that row
        batch_seen: dict[object, int] = {r[NUMBER]: r[LINE] for r in earlier}
        batch_numbers: dict[str, tuple[int, object]] = {
            r[PUPIL_NUMBER]: (r[LINE], r[NUMBER]) for r in earlier if r[PUPIL_NUMBER] is not None
        }
        fresh: list[Checked] = []  # youths this run creates
        lookup = self.towns.lookup
        for r, old in resolved:
            number, pupil_nr = r[NUMBER], r[PUPIL_NUMBER]
            if (
                old is None
                and number not in batch_seen
                and (
                    pupil_nr is None or (pupil_nr not in batch_numbers and pupil_nr not in holders)
                )
            ):
                # a youth this run creates, as most rows of a first import: no
                # earlier row has its number or pupil number, so it is written in
                # bulk below (the checks below would find nothing)
                batch_seen[number] = r[LINE]
                if pupil_nr is not None:
                    batch_numbers[pupil_nr] = (r[LINE], number)
                fresh.append(r)
                continue
            (line, _alt, number, id_kind, given, infix, surname, birth, sex, postcode, house,
             akey, town, class_name, pupil_nr, parents, values, person_d, address_d,
             parents_d) = r  # fmt: skip
            youth_id = None if old is None else int(old["id"])
            problem = self._duplicate(line, number, youth_id, batch_seen, seen)
            if problem is None:
                me: object = number if youth_id is None else youth_id
                problem = self._pupil_conflict(line, pupil_nr, youth_id, holders, batch_numbers, me)
            if problem is not None:
                self.reject(line, values, [problem])
                continue
            mid = found = lookup(town)
            assert youth_id is not None  # a new youth that is not fresh was a duplicate
            stored = tuple(old)[_STORED]
            pupil = pupils.get(youth_id)
            remembered = (None, None, None) if pupil is None else pupil[_REMEMBERED]
            listed = None if pupil is None else pupil[_LISTED]
            # what the list gives now (0: no municipality vix knows, also a list without
            # address columns, which keeps what an earlier list gave). None stays only
            # on a registration an upgrade kept until its next list: a list without
            # addresses that left it None had every later list count by what is stored
            listing = (found or 0) if address_d is not None else (listed or 0)
            # the school's own pupil whom its list puts in another municipality than it
            # did last time; before it remembered one, whom the import moves (below)
            relisted = (
                listed is not None
                and listed != 0
                and found is not None
                and found != listed
                and _says_new((None, address_d, None), remembered)
            )
            # what the list says again as it did last time is not applied: the stored
            # values stand (a move, a correction, another school's list may have set them)
            if _said_again(person_d, remembered[0]):
                given, infix, surname, birth, sex = stored[2:7]
            if address_d is not None and remembered[1] is not None:
                said = address_d ^ remembered[1]
                if not said & ~UNKNOWN_TOWN:
                    # the same address again; only what vix knows of its woonplaats may
                    # differ: a municipality added since gives the youth the municipality
                    # the list named then, if he or she still lives at the list's address
                    # (a move since stands), or has neither a municipality nor an address
                    # (nothing the list's town could contradict; another school's list may
                    # have given another address). A row without an address proves no
                    # address (a move without one leaves none either)
                    known_now = remembered[1] & UNKNOWN_TOWN and not address_d & UNKNOWN_TOWN
                    still_there = akey is not None and akey == stored[10]
                    unplaced = stored[7] is None and stored[10] is None
                    if not (known_now and mid is not None and (still_there or unplaced)):
                        mid = None
                    postcode, house, akey = stored[8], stored[9], stored[10]
            if _said_again(parents_d, remembered[2]):
                parents = None
            digests = (
                remembered[0] if person_d is None else person_d,
                remembered[1] if address_d is None else address_d,
                remembered[2] if parents_d is None else parents_d,
            )
            if pupil is None:
                # known from elsewhere (a signal, another school): most likely a mistyped
                # number that passes the check if birth date or name is another child's;
                # taking the row would write this list's data over that child's, as
                # `vix signaleer` refuses to
                differs = self._other_child(stored, given, infix, surname, birth)
                if differs:
                    problem = RowError(line, self.column_number.header, OTHER_CHILD)
                    self.reject(line, values, [problem])
                    self.compared.append((youth_id, stored[0], differs))
                    continue
            if birth > stored[5] and self._born_after_records(youth_id, stored[5]):
                # the school's own pupil, born later than the list said before: not when
                # the index recorded something since (the coordinator corrects that)
                self.reject(
                    line, values, [RowError(line, self.column_birth.header, BORN_AFTER_RECORDS)]
                )
                self.compared.append((youth_id, stored[0], {"geboortedatum": AFTER_RECORDS}))
                continue
            if not self.has_address:
                postcode, house, akey = stored[8], stored[9], stored[10]
            wanted = (
                number,
                id_kind,
                given,
                infix if self.has_infix else stored[3],
                surname,
                birth,
                sex if self.has_sex else stored[6],
                stored[7] if mid is None else mid,
                postcode,
                house,
                akey,
            )
            youth_changed = wanted != stored
            if youth_changed:
                upd_youths.append((*wanted, stamp, youth_id))
                if birth != stored[5]:
                    reborn.append((youth_id, birth))
                if number != stored[0]:
                    # an onderwijsnummer gives way to the BSN: link the two pseudonyms,
                    # so the inzage by BSN still finds what was logged under the old one
                    link = json.dumps({"vorige_sleutel": pseudonym(stored[0])})
                    audit.append(
                        (stamp, actor, "renumber", "youth", youth_id, pseudonym(number), link)
                    )
                if stored[7] is not None and mid is not None and mid != stored[7]:
                    # counted as before for a registration that remembers no municipality
                    counted = pupil is not None and listed is None
                    moves.append((youth_by_id(self.store, youth_id), mid, counted))
            parents_changed = False
            if parents is not None:
                parents = tuple(map(self.parent_key, parents))
                before = parents_old.get(youth_id, set())
                if before != set(parents):
                    parents_changed = True
                    del_parents.append((youth_id,))
                    ins_parents.extend((youth_id, k) for k in parents)
                    if self.track_links:
                        old_keys.extend((k, "parent") for k in before.difference(parents))
            if self.track_links and (parents_changed or akey != stored[10]):
                links.append((youth_id,))
                if stored[10] is not None and akey != stored[10]:
                    old_keys.append((stored[10], "address"))
            pupil_changed = False
            if pupil is None:
                ins_pupils.append((org, youth_id, pupil_nr, class_name, stamp, *digests, listing))
                res.new += 1
            else:
                wanted_pupil = (
                    pupil_nr if self.column_pupil is not None else pupil[0],
                    class_name if self.has_class else pupil[1],
                )
                pupil_changed = wanted_pupil != pupil[:2]
                if pupil_changed or youth_changed or parents_changed:
                    # the registration was last recorded by this list: the inzage names it
                    upd_pupils.append((*wanted_pupil, *digests, listing, stamp, youth_id, org))
                    res.updated += 1
                elif _says_new(digests, remembered):
                    # what the list says new was stored already (a move, a correction,
                    # another school's or signaller's data): counted as the change it is
                    # for the school, or the count would confirm what others stored
                    res.updated += 1
                    new_digests.append((*digests, listing, youth_id, org))
                else:
                    res.unchanged += 1
                    if digests != remembered or listing != listed:
                        # the list said something new that was stored already (or the
                        # registration remembered nothing yet): remembered, nothing changed
                        new_digests.append((*digests, listing, youth_id, org))
                res.moved += relisted
            seen_rows.append((youth_id, line))
            if pupil is None or youth_changed or parents_changed or pupil_changed:
                audit.append((stamp, actor, "update", "youth", youth_id, pseudonym(number), detail))
        if fresh:
            self._insert_new(fresh)
        conn = self.conn
        if upd_youths:
            conn.executemany(
                "UPDATE youths SET bsn = ?, id_kind = ?, given_name = ?, infix = ?, surname = ?,"
                " birth_date = ?, sex = ?, municipality_id = ?, postcode = ?, house_number = ?,"
                " address_key = ?, updated_at = ? WHERE id = ?",
                upd_youths,
            )
        for youth_id, birth in reborn:
            # rule 15: a signal ends at the 23rd birthday at the latest, so its planned
            # removal (and an archive entry's end) follows the birth date; the row's age
            # check refuses a youth of 23, so none falls due by this
            move_end_dates(self.store, youth_id, date.fromisoformat(birth))
        if del_parents:
            conn.executemany("DELETE FROM youth_parents WHERE youth_id = ?", del_parents)
        if ins_parents:
            conn.executemany(
                "INSERT OR IGNORE INTO youth_parents (youth_id, parent_key) VALUES (?, ?)",
                ins_parents,
            )
        if upd_pupils:
            conn.executemany(
                "UPDATE pupils SET pupil_number = ?, class_name = ?, person_digest = ?,"
                " address_digest = ?, parents_digest = ?, listed_municipality = ?,"
                " imported_at = ? WHERE youth_id = ? AND organisation_id = ?",
                upd_pupils,
            )
        if new_digests:
            conn.executemany(
                "UPDATE pupils SET person_digest = ?, address_digest = ?, parents_digest = ?,"
                " listed_municipality = ? WHERE youth_id = ? AND organisation_id = ?",
                new_digests,
            )
        if ins_pupils:
            conn.executemany(
                "INSERT INTO pupils (organisation_id, youth_id, pupil_number, class_name,"
                " imported_at, person_digest, address_digest, parents_digest,"
                " listed_municipality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ins_pupils,
            )
        if seen_rows:
            conn.executemany(
                "INSERT INTO temp.import_seen (youth_id, line) VALUES (?, ?)", seen_rows
            )
        if audit:
            conn.executemany(
                "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, subject, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                audit,
            )
        if links:
            conn.executemany("INSERT OR IGNORE INTO temp.import_links VALUES (?)", links)
        if old_keys:
            conn.executemany("INSERT OR IGNORE INTO temp.import_old_keys VALUES (?, ?)", old_keys)
        for youth, mid, counted in moves:
            self._move(youth, mid)
            self.result.moved += counted

    def _too_old(self, line: int, values: list[str]) -> None:
        """A row whose only fault is a pupil aged 23 or more is skipped (counted in
        `too_old`), not rejected: an MBO school lists students of 23 and older, who are
        outside the index (rule 2) but no error of the list, and a full list
        (`--volledig`, which takes no rejected row) could otherwise never be imported.
        Such a row registers nobody, and with `--volledig` the school's registration of
        the pupil, if any, goes as a leaver's (at 23 `vix onderhoud` ends it anyway).

        Rejected instead: a row whose number another row of the list has (each pupil
        once, whichever row comes first: `_too_old_repeated` after the last row), and a
        row for a pupil the school registered with a later birth date, most likely a
        typo (2001 for 2011) that would otherwise take a young pupil off the school's
        full list unseen. Only the school's own registrations and this list's rows are
        looked at (rule 9)."""
        numbers = [compact(values[i].strip()) for i in self.number_columns if values[i].strip()]
        registered = self.conn.execute(
            "SELECT y.id, y.birth_date > ? FROM pupils p JOIN youths y ON y.id = p.youth_id"
            " WHERE p.organisation_id = ? AND y.bsn IN (SELECT value FROM json_each(?))"
            " ORDER BY y.birth_date DESC LIMIT 1",
            (self.oldest, self.org_id, json.dumps(numbers)),
        ).fetchone()
        first = self.too_old_rows.get(numbers[0]) if numbers else None
        if registered is not None and first is None:
            first = self._listed_on(int(registered[0]))
        if first is not None:
            self.reject(line, values, [self._again(line, numbers[0], first)])
        elif registered is not None and registered[1]:
            problem = RowError(line, self.column_birth.header, OLDER_THAN_REGISTERED)
            self.reject(line, values, [problem])
        else:
            for number in numbers:
                self.too_old_rows[number] = line
            self.too_old_values[line] = (numbers[0], values)
            res = self.result
            res.too_old += 1
            if len(res.too_old_lines) < MAX_LISTED:
                res.too_old_lines.append(line)

    def _listed_on(self, youth_id: int) -> int | None:
        """The line of this list that created or named the youth so far (None: none)."""
        created = self._created_on(youth_id)
        if created is not None:
            return created
        found = self.conn.execute(
            "SELECT line FROM temp.import_seen WHERE youth_id = ?", (youth_id,)
        ).fetchone()
        return None if found is None else int(found[0])

    def _again(self, line: int, number: str, first: int | None) -> RowError:
        """The refusal of a row whose number an earlier (`first`) or other row has."""
        where = "eerder in de lijst" if first is None else f"op regel {first}"
        return RowError(
            line,
            self.column_number.header,
            f"nummer {mask(number)} staat ook {where}; elke leerling één keer.",
        )

    def _too_old_repeated(self) -> None:
        """After the last row: a skipped row of a pupil of 23 or older whose number a later
        row of the list imported (so it is a pupil of the list twice, with two birth
        dates) is rejected as a repeated row, as it would be if it came second."""
        if not self.too_old_values:
            return
        res = self.result
        numbers = {number: line for line, (number, _) in self.too_old_values.items()}
        for youth_id, number in self.conn.execute(
            "SELECT id, bsn FROM youths WHERE bsn IN (SELECT value FROM json_each(?))"
            " AND (id >= ? OR id IN (SELECT youth_id FROM temp.import_seen))",
            (json.dumps(sorted(numbers)), self.first_new),
        ).fetchall():
            line = numbers[number]
            other = self._listed_on(int(youth_id))
            res.too_old -= 1
            if line in res.too_old_lines:
                res.too_old_lines.remove(line)
            self.reject(line, self.too_old_values[line][1], [self._again(line, number, other)])

    def _other_child(
        self, stored: tuple[Any, ...], given: str, infix: str, surname: str, birth: str
    ) -> dict[str, str]:
        """What of a row does not fit the youth the index holds by its number (empty: it
        fits), for a youth the school did not list before: another birth date, or a name
        that `youths.names_fit` (the test of `vix signaleer`) takes for another child's.
        A file without an infix column says nothing of the infix: the stored one counts."""
        differs: dict[str, str] = {}
        if birth != stored[5]:
            differs["geboortedatum"] = "wijkt af"
        row = _Name(given, infix if self.has_infix else stored[3], surname)
        if row != stored[2:5] and not names_fit(_Name(*stored[2:5]), row):
            differs["naam"] = "wijkt af"
        return differs

    def _born_after_records(self, youth_id: int, stored: str) -> bool:
        """Whether the index recorded anything about the youth since the `stored` birth
        date (`signals.earliest_record`): then a row may not move the birth date later,
        whatever the date of that record. Refusing only a birth date after the record
        let a school find, with a few dry runs, the day another organisation signalled
        its pupil; `vix jeugdige corrigeer` holds the coordinator to the record's date.
        Only for a birth date a row moves later: rare, so one look-up per such row."""
        return earliest_record(self.store, youth_id, since=date.fromisoformat(stored)) is not None

    def _move(self, youth: Any, new_id: int) -> None:
        """Rule 11 through the same code as `vix jeugdige verhuis` (without its signaller
        check); the move notices wait for `finish`, after the family matches are known."""
        record_move(
            self.store,
            self.by,
            youth,
            new_id,
            self.towns.code[new_id],
            self.store.today,
            tell=False,
        )
        self.moved.append(youth.id)

    def finish(self, full: bool, many_leavers: bool) -> None:
        """After the last row: what is not on the list (removed with `full`), the towns,
        and the family matches the run changed."""
        self._too_old_repeated()
        res = self.result
        # the school's registrations of youths this run did not see: not looked up
        # (temp.import_seen holds the known youths it saw), not created by it
        unlisted = (
            " FROM pupils p WHERE p.organisation_id = ? AND p.youth_id < ?"
            " AND p.youth_id NOT IN (SELECT youth_id FROM temp.import_seen)"
        )
        where = (self.org_id, self.first_new)
        # a run with rejected rows keeps nothing (`--volledig` refuses --sla-fouten-over):
        # its count of pupils not on the list says what it is, not what would go
        if full and res.rejected == 0:
            gone = self.conn.execute(
                "SELECT p.youth_id, (SELECT bsn FROM youths WHERE id = p.youth_id)" + unlisted,
                where,
            ).fetchall()
            res.not_in_list = len(gone)
            self._remove_unlisted(gone, many_leavers)
        else:
            res.not_in_list = int(self.store.scalar("SELECT COUNT(*)" + unlisted, where))
        res.unknown_town_rows = self.towns.unknown_rows
        res.unknown_towns = [hide_numbers(t) for t in self.towns.unknown]
        if self.track_links:
            queue_for_changes(self.store, reconcile(self.store, _link_targets(self.store)), self.by)
        for youth_id in self.moved:
            # "in a family match" as the run leaves it: a new address may have split it
            notify_move(self.store, youth_id)

    def _remove_unlisted(self, gone: list[tuple[int, str]], many_leavers: bool) -> None:
        """`--volledig`: the list is all of the school's pupils; the others' registrations go.

        One set of statements after the last row, nothing per row: `gone` (youth
        id, number) are the school's registrations of youths the run neither
        looked up (temp.import_seen) nor created (ids from `first_new` on), as
        `finish` found them. Each removal is logged on the
        youth (rule 18, as `signals.end_registrations`). Signals and matches
        stay: a youth with a signal (or another school) keeps it and stays. A
        youth left with nothing is erased (`signals.erase_youths`); the
        parents' keys and address he or she held go to temp.import_old_keys,
        so that `finish` reconciles the families he or she linked, as for a
        parent or address a row dropped.
        """
        res, conn = self.result, self.conn
        listed = res.new + res.updated + res.unchanged
        if listed == 0:
            # rows that are all empty cells (";;;;" from a spreadsheet) are skipped as
            # blank: such a file has no pupil, and would take every registration with it
            what = (
                "alleen leerlingen van 23 jaar of ouder"
                if res.too_old
                else "geen enkele leerling, alleen lege regels"
            )
            raise InvalidInput(
                f"{res.file} bevat {what}; met --volledig "
                f"zou vix alle {thousands(res.not_in_list)} inschrijvingen van {self.org_code} "
                "verwijderen. Er is niets geïmporteerd. Controleer de export en importeer "
                "opnieuw."
            )
        if not gone:
            return
        staying = int(
            conn.execute(
                "SELECT COUNT(*) FROM pupils WHERE organisation_id = ? AND youth_id < ?"
                " AND youth_id IN (SELECT youth_id FROM temp.import_seen)",
                (self.org_id, self.first_new),
            ).fetchone()[0]
        )
        if len(gone) > staying and len(gone) >= MANY_LEAVERS_MIN and not many_leavers:
            # more would go than stay: most likely another school's list, or a part of it
            raise InvalidInput(
                f"Met --volledig zou vix {thousands(len(gone))} van de "
                f"{thousands(len(gone) + staying)} inschrijvingen van {self.org_code} "
                "verwijderen, meer dan er blijven. Is dit wel de volledige leerlinglijst van "
                f"{self.org_code}? Er is niets geïmporteerd. Klopt het (een fusie, een "
                "nieuwe indeling), geef dan ook --veel-vertrokken."
            )
        ids = json.dumps([youth_id for youth_id, _ in gone])
        pseudonym, stamp, actor = self.store.pseudonym, self.stamp, self.by.id
        detail = json.dumps(
            {"bron": "import", "organisatie": self.org_code, "reden": "not_in_list"}
        )
        conn.executemany(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, subject, detail)"
            " VALUES (?, ?, 'delete', 'pupil', ?, ?, ?)",
            ((stamp, actor, youth_id, pseudonym(number), detail) for youth_id, number in gone),
        )
        conn.execute(
            "DELETE FROM pupils WHERE organisation_id = ?"
            " AND youth_id IN (SELECT value FROM json_each(?))",
            (self.org_id, ids),
        )
        res.removed = len(gone)
        unused = [
            r[0]
            for r in conn.execute(
                "SELECT value FROM json_each(?) WHERE NOT EXISTS"
                " (SELECT 1 FROM signals WHERE youth_id = value) AND NOT EXISTS"
                " (SELECT 1 FROM pupils WHERE youth_id = value)",
                (ids,),
            )
        ]
        if not unused:
            return
        if self.track_links:
            unused_json = json.dumps(unused)
            conn.execute(
                "INSERT OR IGNORE INTO temp.import_old_keys SELECT parent_key, 'parent'"
                " FROM youth_parents WHERE youth_id IN (SELECT value FROM json_each(?))",
                (unused_json,),
            )
            conn.execute(
                "INSERT OR IGNORE INTO temp.import_old_keys SELECT address_key, 'address'"
                " FROM youths WHERE id IN (SELECT value FROM json_each(?))"
                " AND address_key IS NOT NULL",
                (unused_json,),
            )
        erase_youths(self.store, unused)
        res.youths_forgotten = len(unused)


# the dropped keys drive (CROSS JOIN keeps this order): without planner statistics
# SQLite read every registered address through youths_address and looked each up in
# the keys (1.5 million at national size for a handful of moved pupils)
_LINKED_SQL = """
SELECT youth_id FROM temp.import_links
UNION SELECT yp.youth_id FROM temp.import_old_keys k
  CROSS JOIN youth_parents yp ON yp.parent_key = k.key WHERE k.kind = 'parent'
UNION SELECT y.id FROM temp.import_old_keys k
  CROSS JOIN youths y ON y.address_key = k.key WHERE k.kind = 'address'
"""


def _link_targets(store: Store) -> list[int]:
    """Youths to reconcile: family links changed here, and their family has a signal.

    The candidates are the youths whose parents or address changed plus the
    youths that still hold a parent or address one of them dropped (they may
    have lost a brother or sister, which ends a family match even when the
    changed youth itself is now linked to nobody). A candidate matters only if
    its family holds an active signal: we walk whichever side is smaller, the
    candidates or the signalled youths, so a school's yearly re-import does not
    walk a million families and a small update does not walk all signals.
    """
    candidates = int(store.scalar(f"SELECT COUNT(*) FROM ({_LINKED_SQL})"))
    if candidates == 0:
        return []
    signalled = [
        r[0] for r in store.rows("SELECT DISTINCT youth_id FROM signals WHERE status = 'active'")
    ]
    if len(signalled) <= candidates:
        reach: set[int] = set()
        for youth in signalled:
            if youth not in reach:
                reach |= family_of(store, youth)
        return [t for (t,) in store.execute(_LINKED_SQL) if t in reach]
    targets: list[int] = []
    walked: set[int] = set()
    for (t,) in store.rows(_LINKED_SQL):
        if t in walked:
            continue
        family = family_of(store, t)
        walked |= family
        if store.scalar(
            "SELECT 1 FROM signals WHERE status = 'active'"
            " AND youth_id IN (SELECT value FROM json_each(?)) LIMIT 1",
            (json.dumps(sorted(family)),),
        ):
            targets.append(t)
    return targets


# Indexes on random values (address, parent hash, audit subject) cost a B-tree
# descent and, once they outgrow the page cache, a page read per row. When a
# list is bigger than what a table holds (a first import), vix drops these
# indexes before the first row and builds them again from sorted data before
# the family matches are followed: at a million rows that saves a third of the
# time. The savepoint holds both, so a rollback (error, dry run) restores them.
# The UNIQUE indexes (youths_bsn, pupils_number) the run looks up and that
# guard its writes are deferred only by a first import into an empty youths
# table (`_first_import`), which looks nothing up. Building an index sorts all
# its keys: with the connection's in-memory temp store that sort would hold
# every key in RAM, so
# vix defers only when it can switch the temp store to files first (SQLite
# allows that inside a transaction only before the connection's first TEMP
# table; the CLI's connection qualifies). The sort then spills beyond the page
# cache and memory stays flat. The switch lasts for the connection: a CLI
# command ends with the import.
# `--volledig` refuses to remove more registrations than stay, from this many on, unless
# `--veel-vertrokken` says so: such a list is most likely another school's, or a part
MANY_LEAVERS_MIN = 10


def thousands(value: int) -> str:
    """A count as Dutch text shows it: 1.234 (also the summary's, `cli_import`)."""
    return f"{value:,}".replace(",", ".")


DEFERRABLE = {
    "youths": ("youths_address", "youths_municipality", "youths_birth"),
    "youth_parents": ("youth_parents_key",),
    "audit_log": ("audit_subject", "audit_at", "audit_entity"),
}
# the UNIQUE indexes a first import builds after its rows (first: a repeated
# number fails them before the other indexes are built for nothing)
DEFERRABLE_UNIQUE = {"youths": ("youths_bsn",), "pupils": ("pupils_number",)}
DEFER_MIN_ROWS = 20_000
SORT_CACHE_KIB = -8000  # PRAGMA cache_size while building them: 8 MB


def _estimated_rows(path: Path, size: int) -> int:
    """Records in the file, from the line length of its first 64 KB."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    lines = head.count(b"\n")
    return size if lines == 0 else int(size * lines / len(head))


def _defer_indexes(store: Store, rows: int, unique: bool = False) -> list[str]:
    """Drop the deferrable indexes a run of `rows` would fill row by row; their SQL to rebuild.

    With `unique` (a first import) the UNIQUE indexes go too, and come first in the list.
    """
    held = {
        "youths": int(store.scalar("SELECT COALESCE(MAX(id), 0) FROM youths")),
        "audit_log": int(store.scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")),
    }
    held["youth_parents"] = held["youths"]  # as many parents per youth as in the list
    tables = [t for t in DEFERRABLE if rows >= max(DEFER_MIN_ROWS, 2 * held[t])]
    if not tables:
        return []
    names = [(t, name) for t in tables for name in DEFERRABLE[t]]
    if unique:
        names = [(t, n) for t, names in DEFERRABLE_UNIQUE.items() for n in names] + names
    conn = store.db.conn
    try:
        conn.execute("PRAGMA temp_store = FILE")
    except sqlite3.OperationalError:
        return []  # a TEMP table was made before in this transaction: no flat sort
    rebuild: list[str] = []
    for table, name in names:
        sql = store.scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ? AND tbl_name = ?",
            (name, table),
        )
        if sql is not None:
            conn.execute(f"DROP INDEX {name}")
            rebuild.append(str(sql))
    return rebuild


def _first_import(store: Store, layout: Layout, rows: int) -> bool:
    """A big list into a database that holds no youth yet: every row is a new youth,
    unless it repeats an earlier row of the list.

    Such an import stores every checked row without a look-up and builds the
    UNIQUE indexes after the rows, from sorted data (at a million rows of a
    real export, random inserts into them cost two seconds). A repeated number
    or pupil number then fails that build, and the import runs again the
    ordinary way, which names the lines (`_Repeated`). A list with an
    onderwijsnummer column is never a first import: a row with a BSN and the
    onderwijsnummer of an earlier row is that earlier youth, which only a
    look-up finds.
    """
    return (
        rows >= DEFER_MIN_ROWS
        and "onderwijsnummer" not in layout.fields
        and store.scalar("SELECT 1 FROM youths LIMIT 1") is None
    )


class _Repeated(Exception):
    """A first import's list repeats a number or pupil number: a UNIQUE index would not build."""


# A list of this many records or more is checked in a reader process beside the
# importing one (`python -m vix.pupilrows`): checking a row costs about as much
# as writing it, and the two then run on two cores. Starting the reader costs
# some tens of milliseconds, about what checking a few thousand rows costs.
PARALLEL_MIN_ROWS = 5_000


def _batches(
    store: Store,
    source: Source,
    keep_values: bool,
    screen: dict[str, Any] | None,
    parallel: bool = True,
    towns: dict[str, int] | None = None,
) -> Generator[Batch, None, None]:
    """The list's records, checked, `BATCH` at a time; `towns` (`_Towns.by_key`) give the
    municipality in the rows' address digests.

    With `parallel` they are checked in a reader process, which with a `screen`
    job also names the rows that may not be new (`vix.screening`); otherwise in
    this process. Rows that come unscreened are each looked up, unless the run
    stores every row as new (a first import).
    """
    today = store.today
    config = CheckConfig(
        layout=source.layout,
        width=len(source.header),
        today=today.isoformat(),
        oldest=_oldest(today),
        keep_values=keep_values,
        digest_key=store.list_digest_key(),
        towns=towns,
    )
    try:
        if parallel and sys.executable:
            yield from _reader_batches(source, config, screen)
        else:
            yield from check_file(source, config, BATCH)
    except Unreadable as gave_up:
        if gave_up.quote is not None:
            start, end = gave_up.quote
            raise InvalidInput(
                f"{source.path.name}, regel {start}: een waarde begint met een aanhalingsteken "
                f'(") dat in die regel niet wordt gesloten, zodat regel {start} tot en met {end} '
                "als één leerling gelezen zijn. Sluit of verwijder het aanhalingsteken in regel "
                f"{start} en importeer opnieuw; er is niets geïmporteerd."
            ) from None
        raise InvalidInput(
            f"{source.path.name} is na {gave_up.done} leerlingregels geen leesbare CSV meer "
            "(bijvoorbeeld een binair teken of een heel lang veld). Exporteer de lijst opnieuw "
            "als CSV."
        ) from None


def _reader_batches(
    source: Source, config: CheckConfig, screen: dict[str, Any] | None
) -> Iterator[Batch]:
    """`check_file` in a reader process; it stops with this generator, whatever happens.

    The job goes through the reader's stdin, never its command line (it names
    the database). The reader's stderr is discarded: a traceback there could
    quote a value of the list. Its parent directory comes first on its path,
    so it runs this very vix, whatever the working directory holds.
    """
    package_root = str(Path(__file__).resolve().parent.parent)
    paths = [package_root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    reader = subprocess.Popen(
        [sys.executable, "-P", "-m", "vix.pupilrows"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
    )
    assert reader.stdin is not None and reader.stdout is not None
    try:
        job = {
            "config": config.to_wire(),
            "source": source_to_wire(source),
            "batch": BATCH,
            "screen": screen,
        }
        with suppress(BrokenPipeError):  # a reader that died at once: no frames, below
            reader.stdin.write(marshal.dumps(job))
            reader.stdin.close()
        while (frame := read_frame(reader.stdout)) is not None:
            if frame[0] == "batch":
                yield Batch(*frame[1:])
            elif frame[0] == "unreadable":
                raise Unreadable(frame[1], frame[2])
            else:
                return
        raise VixError(
            f"Het inlezen van {source.path.name} stopte onverwacht; er is niets geïmporteerd. "
            "Probeer het opnieuw; blijft dit gebeuren, meld het dan aan de functioneel beheerder."
        )
    finally:
        reader.kill()
        reader.stdout.close()
        reader.wait()


def import_pupils(
    store: Store,
    by: Professional,
    path: Path,
    organisation: str,
    *,
    mapping: dict[str, str] | None = None,
    skip_errors: bool = False,
    error_file: Path | None = None,
    dry_run: bool = False,
    full: bool = False,
    many_leavers: bool = False,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Import a pupil list for `organisation`; see the module docstring for the contract.

    `full` (`--volledig`): the list is all of the school's pupils, so the
    registrations of youths not on it are removed (`_Run._remove_unlisted`).
    `parallel` checks the rows in a reader process (True), in this one (False),
    or decides by the size of the list (None, see `PARALLEL_MIN_ROWS`).
    """
    if many_leavers and not full:
        raise UsageError(
            "--veel-vertrokken hoort bij --volledig: het bevestigt dat meer leerlingen de "
            "school verlieten dan er op de lijst blijven."
        )
    if full and skip_errors:
        # a rejected row's pupil is not on what is kept: he or she would look like a
        # leaver and lose the registration for a typing error in the list
        raise UsageError(
            "--volledig en --sla-fouten-over gaan niet samen: een afgewezen regel zou "
            "eruitzien als een leerling die de school verliet, en die inschrijving zou "
            "verdwijnen. Herstel de foute regels en importeer de hele lijst met --volledig "
            "(of importeer eerst de goede regels met --sla-fouten-over, zonder --volledig)."
        )
    target = _organisation_for(store, by, organisation)
    source = open_source(path, mapping)
    if skip_errors and error_file is None:
        error_file = path.with_name(path.stem + "-fouten.csv")
    if error_file is not None:
        _check_error_file(error_file, path, store.own_files())
    rows = _estimated_rows(path, source.size)
    if parallel is None:
        parallel = rows >= PARALLEL_MIN_ROWS
    run = _Attempt(
        store,
        by,
        target,
        source,
        rows,
        error_file,
        dry_run,
        skip_errors,
        parallel,
        full,
        many_leavers,
    )
    if _first_import(store, source.layout, rows):
        try:
            return run(progress, first=True)
        except _Repeated:
            pass  # rolled back; the ordinary way names the repeated lines
    return run(progress, first=False)


@dataclass
class _Attempt:
    """One pass over the list inside the savepoint `pupil_import`, and the run's audit record."""

    store: Store
    by: Professional
    target: tuple[int, str]
    source: Source
    rows: int
    error_file: Path | None
    dry_run: bool
    skip_errors: bool
    parallel: bool
    full: bool = False
    many_leavers: bool = False

    def __call__(self, progress: Callable[[int, int], None] | None, *, first: bool) -> ImportResult:
        store, source, error_file = self.store, self.source, self.error_file
        dry_run, skip_errors, target = self.dry_run, self.skip_errors, self.target
        result = ImportResult(
            organisation=target[1],
            file=source.path.name,
            encoding=source.encoding_label,
            delimiter=source.delimiter_label,
            # header names come from the file: a number in them masked, as on screen
            columns={f: hide_numbers(h) for f, h in source.layout.describe().items()},
            ignored_columns=[hide_numbers(h) for h in source.layout.ignored],
            dry_run=dry_run,
            skip_errors=skip_errors,
            full=self.full,
        )
        # the transaction holds the write lock: no signal can appear while we run
        track_links = bool(store.scalar("SELECT 1 FROM signals WHERE status = 'active' LIMIT 1"))
        outbox_before = int(store.scalar("SELECT COALESCE(MAX(id), 0) FROM outbox"))
        errors_out = _ErrorFile(error_file, source, store)
        conn = store.db.conn
        conn.execute("SAVEPOINT pupil_import")
        try:
            deferred = _defer_indexes(store, self.rows, unique=first)  # before any TEMP table
            # a first import that could not defer its UNIQUE indexes looks rows up
            all_new = first and any(sql.startswith("CREATE UNIQUE") for sql in deferred)
            conn.execute(
                "CREATE TEMP TABLE import_seen (youth_id INTEGER PRIMARY KEY, line INTEGER)"
            )
            conn.execute("CREATE TEMP TABLE import_links (youth_id INTEGER PRIMARY KEY)")
            conn.execute(
                "CREATE TEMP TABLE import_old_keys (key, kind TEXT, PRIMARY KEY (key, kind))"
            )
            run = _Run(
                store, self.by, target, source.layout, result, errors_out, track_links, all_new
            )
            screen = None
            if self.parallel and sys.executable and not all_new:
                screen = screen_job(
                    store.path,
                    run.org_id,
                    max_youth_id=run.next_id - 1,
                    pupils=int(
                        store.scalar(
                            "SELECT COUNT(*) FROM pupils WHERE organisation_id = ?", (run.org_id,)
                        )
                    ),
                    rows=self.rows,
                )
            # closed on the way out, whatever stops the run: the reader process is then
            # stopped and reaped before vix answers, not whenever the generator is collected
            with closing(
                _batches(
                    store,
                    source,
                    error_file is not None,
                    screen,
                    self.parallel,
                    run.towns.by_key,
                )
            ) as batches:
                for batch in batches:
                    result.rows += batch.records
                    run.batch(batch.good, batch.bad, batch.suspects, batch.warnings, batch.digests)
                    if progress is not None:
                        progress(batch.offset, source.size)
            if deferred:
                _build(store, deferred)
            run.finish(self.full, self.many_leavers)
            result.notices = int(
                store.scalar("SELECT COUNT(*) FROM outbox WHERE id > ?", (outbox_before,))
            )
        except BaseException:
            errors_out.discard()
            conn.execute("ROLLBACK TO pupil_import")
            conn.execute("RELEASE pupil_import")
            raise
        errors_out.close()
        keep = not dry_run and result.ok  # with --sla-fouten-over: at least one good row
        if not keep:
            conn.execute("ROLLBACK TO pupil_import")
        conn.execute("RELEASE pupil_import")
        for table in _TEMP_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
        result.written = keep
        for youth_id, number, differs in run.compared:
            detail = {"bron": "import", "organisatie": target[1], **differs}
            store.lookup(self.by.id, youth_id, number, detail)
        written_errors = error_file is not None and errors_out.writer is not None
        result.error_file = str(error_file) if written_errors else None
        store.audit(
            self.by.id,
            "import" if keep else ("import_dry_run" if dry_run else "import_rejected"),
            "organisation",
            target[0],
            detail={
                "regels": result.rows,
                "nieuw": result.new,
                "bijgewerkt": result.updated,
                "ongewijzigd": result.unchanged,
                "afgewezen": result.rejected,
                **({"zonder_groep": result.warned} if result.warned else {}),
                **({"ouder_dan_23": result.too_old} if result.too_old else {}),
                "verhuisd": result.moved,
                **({"volledig": True, "verwijderd": result.removed} if self.full else {}),
            },
        )
        return result


def _build(store: Store, deferred: list[str]) -> None:
    """Build the deferred indexes; `_Repeated` when a UNIQUE one finds a repeated value."""
    conn = store.db.conn
    # a smaller page cache while sorting: the sort spills beyond it to a file
    cache = int(store.scalar("PRAGMA cache_size"))
    conn.execute(f"PRAGMA cache_size = {SORT_CACHE_KIB}")
    try:
        for sql in deferred:
            try:
                conn.execute(sql)
            except sqlite3.IntegrityError:
                raise _Repeated from None
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")
