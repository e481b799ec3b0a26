"""Checking the rows of a pupil list, with no database: text in, a checked row or its errors out.

Contract:

- `RowChecker(config).check(items)` turns `(line, values)` records into checked
  rows (plain tuples, fields in `CHECKED`), rejected rows `(line, values,
  errors)` and warnings; an error or warning is `(line, column as written in the
  file, reason)` and never holds a BSN in full. Every row is checked: BSN or
  onderwijsnummer check digit, date, age under 23, required fields, postcode,
  parents' BSNs, and a group or class that has the shape of a class code
  (`text.class_refusal`: no note about the youth in that column, rule 3). A class
  has no use in vix but the inzage, so a row whose only problem is its class is
  kept without it (class None) and the class is named in a warning, not refused.
- `check_file(source, config, size)` streams a `Source` as `Batch`es of that
  many records.
- `python -m vix.pupilrows` is the reader process of a big import: it reads a
  `CheckConfig` and a `Source` description from stdin (marshal; it needs no
  HMAC key: parents' numbers are hashed by the importer; it gets only the key of
  the list digests, `ListDigests`, derived from it) and writes one frame per
  batch to stdout, so that checking runs on one core while the importing
  process writes on the other (`vix.importer`). Checked rows are plain tuples,
  lists, strings, ints and None for that reason: `marshal` moves them at a
  fraction of a microsecond per row.

Nothing here imports the database layer: a reader process starts in tens of
milliseconds. A reader that is sent a screen job also names, per batch, the rows
that may not be new youths (`vix.screening`, which reads the database file
itself, read-only); the importer looks up only those. The Dutch explanations of
a bad number come from `vix.youths` (python-stdnum), imported only when a row is
bad.

Speed: a list holds a few thousand distinct birth dates, and brothers and sisters
follow each other with the same parents and address, so those checks are
remembered in bounded dictionaries (flat memory for any list size). The 11-test
sums three table look-ups of three digits each; a property test holds it equal
to python-stdnum's checksum for every 9-digit number it draws.
"""

from __future__ import annotations

import csv
import hashlib
import marshal
import re
import sys
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice, product, repeat
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, BinaryIO, NamedTuple, cast

from .csvsource import Column, Layout, Source, UnclosedQuote, normalise
from .errors import InvalidInput
from .text import (
    CLASS_LONG_REASON,
    CLASS_NUMBER_REASON,
    CLASS_SHAPE_REASON,
    MAX_TEXT,
    MISREAD_HINT,
    NUMBER_IN_NAME_REASON,
    UNSAFE_REASON,
    class_refusal,
    misread_utf8,
    refusal,
)

# The fields of a checked row, in tuple order. number..address_key are the
# youths columns of that name in their INSERT order, so a writer takes them as a
# slice (YOUTH); the other fields a writer reads have an index below.
CHECKED = (
    "line",
    "alt_number",  # an onderwijsnummer next to a BSN: upgrades a youth known by it
    "number",
    "id_kind",
    "given_name",
    "infix",  # '' also when the file has no such column
    "surname",
    "birth_date",  # ISO
    "sex",
    "postcode",
    "house_number",
    "address_key",
    "town",
    "class_name",
    "pupil_number",
    "parents",  # the parents' BSNs, distinct and sorted (None without parent columns);
    # the importer stores their keys (`parent_key`), never the numbers
    "values",  # the row as read, for the file of rejected rows (None without one)
    # keyed digests of what the row says per group (None until `ListDigests.fill`, and for
    # a group the file has no column of): the importer remembers them per pupil row
    "person_digest",  # name, birth date, sex
    "address_digest",  # postcode, house number, the municipality of the woonplaats
    "parents_digest",  # the parents
)
LINE, ALT_NUMBER, NUMBER = 0, 1, 2
GIVEN_NAME, INFIX, SURNAME = 4, 5, 6
SEX, POSTCODE, HOUSE_NUMBER = 8, 9, 10
_RAW_VALUES = itemgetter(1)  # of a (line, values) record, as read (VALUES is a field index)
YOUTH = slice(2, 12)
ADDRESS_KEY, TOWN, CLASS_NAME, PUPIL_NUMBER, PARENTS, VALUES = range(11, 17)
PERSON_DIGEST, ADDRESS_DIGEST, PARENTS_DIGEST = range(17, 20)
_NAMES = itemgetter(GIVEN_NAME, INFIX, SURNAME)
_CLASS_NAME = itemgetter(CLASS_NAME)
_TEXTS = itemgetter(GIVEN_NAME, INFIX, SURNAME, TOWN, CLASS_NAME, PUPIL_NUMBER)
_DIGIT = re.compile(r"\d")
Checked = tuple[Any, ...]
RowProblem = tuple[int, str, str]  # line, column, reason
Rejected = tuple[int, list[str], list[RowProblem]]
# `ListDigests.packed`: per group (person, address, parents) the 8-byte digests of a
# batch's rows, joined (None: the file has no column of the group)
Digests = tuple[bytes, bytes | None, bytes | None]
DigestColumns = tuple[list[int], list[int] | None, list[int] | None]
_BYTE = [bytes((i,)) for i in range(256)]


def digest_ints(packed: bytes) -> list[int]:
    """Packed 8-byte big-endian digests as signed 64-bit integers (SQLite's INTEGER),
    converted in C rather than by an `int.from_bytes` call per digest."""
    found = array("q", packed)
    if sys.byteorder == "little":
        found.byteswap()
    return found.tolist()


DATES_REMEMBERED = 20_000  # valid birth-date texts with their ISO form
PARENTS_REMEMBERED = 4096  # parent numbers as checked (siblings share them)
ADDRESSES_REMEMBERED = 4096  # postcode and house number with the address key
CLASSES_REMEMBERED = 4096  # class names that have the shape of one
TOWNS_REMEMBERED = 10_000  # woonplaats texts as the address digest holds them
# the lowest bit of an address digest: the woonplaats named no municipality vix knew
UNKNOWN_TOWN = 1

# sex as typed at a prompt or exported by a school system (vix.youths uses the first six)
SEXES = {"m": "M", "man": "M", "v": "V", "vrouw": "V", "x": "X", "onbekend": "X"}
_SEXES = {**SEXES, "jongen": "M", "meisje": "V", "o": "X"}
_DMY = re.compile(r"(\d{1,2})([-/])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_AT_MIDNIGHT = re.compile(r"(\S{8,10})[ T]0?0:00(?::00(?:\.0+)?)?")
_WITH_TIME = re.compile(r"\S{8,10}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
# the common forms of `youths.clean_house_number` with an addition: 12A, 12a3, 12-2, 12 b
# (an addition of digits only needs its separator: 122 is a number of its own)
_HOUSE_WITH_ADDITION = re.compile(
    r"([1-9][0-9]{0,4})(?:[ -]([A-Za-z0-9]{1,6})|([A-Za-z][A-Za-z0-9]{0,5}))"
)
_POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")


# -- numbers ------------------------------------------------------------------------


def _weights(first: int) -> dict[str, int]:
    """Three digits -> their part of the 11-test sum (weights 9..2 and -1 for the last)."""
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1][first : first + 3]
    return {
        "".join(map(str, digits)): sum(w * d for w, d in zip(weights, digits, strict=True))
        for digits in product(range(10), repeat=3)
    }


_PART = (_weights(0), _weights(3), _weights(6))


def checksum(number: str) -> int:
    """python-stdnum's `bsn.checksum` of 9 ASCII digits; -1 for anything else."""
    if len(number) != 9:
        return -1
    a, b, c = _PART
    try:
        return (a[number[:3]] + b[number[3:6]] + c[number[6:]]) % 11
    except KeyError:
        return -1


def compact(value: str) -> str:
    """As stdnum compacts a BSN: no spaces, dashes or dots; a lost leading zero restored."""
    return value.replace(" ", "").replace("-", "").replace(".", "").zfill(9)


def is_bsn(number: str) -> bool:
    """The BSN 11-test (stdnum's rule: remainder 0, and not nine zeros)."""
    return checksum(number) == 0 and number != "000000000"


def is_onderwijsnummer(number: str) -> bool:
    """stdnum's onderwijsnummer rule: the 11-test remainder 5 and the prefix 10."""
    return number.startswith("10") and checksum(number) == 5


def parent_key(inner: Any, outer: Any, number: str) -> int:
    """`Store.parent_key` from the key's precomputed HMAC pad states: half the cost.

    Used by the importing process (`vix.importer`) on the numbers a checked row carries.
    """
    h = inner.copy()
    h.update(number.encode())
    o = outer.copy()
    o.update(h.digest())
    return int.from_bytes(o.digest()[:8], "big", signed=True)


def hmac_pads(key: bytes) -> tuple[Any, Any]:
    """The inner and outer SHA-256 states of HMAC (RFC 2104) for `key`."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return (
        hashlib.sha256(bytes(b ^ 0x36 for b in key)),
        hashlib.sha256(bytes(b ^ 0x5C for b in key)),
    )


class ListDigests:
    """Keyed 64-bit digests (BLAKE2b, as signed INTEGER) of what a row of a school's list
    says about a youth, per group: what a pupil row remembers (`importer`), never the values.

    One key (`Store.list_digest_key`, derived from the key file) with a personalisation
    per group, so that equal text in two groups gives unrelated digests. The text of a
    group is its checked values (as they would be stored) separated by U+001F (no checked
    value holds a control character), after a U+0000 and a letter for each column of the
    group the file does not have, so a list that gains or loses a column of a group says
    something new about that group. The address holds the woonplaats as written
    (normalised), not the municipality vix finds for it: adding a municipality to the
    region does not make every unchanged list say a new address (which would undo the
    moves recorded since). Its lowest bit is `UNKNOWN_TOWN` instead: set when the
    woonplaats named no municipality vix knew, so that the importer can give the youth
    that municipality once it is known (`importer._Run._write`). A changed group that
    keeps its digest (and so is not applied) has a chance of one in 2**63.
    """

    def __init__(self, key: bytes, layout: Layout, towns: dict[str, int] | None) -> None:
        self.person = hashlib.blake2b(key=key, digest_size=8, person=b"vix-person")
        self.address = hashlib.blake2b(key=key, digest_size=8, person=b"vix-address")
        self.parents = hashlib.blake2b(key=key, digest_size=8, person=b"vix-parents")
        f = layout.fields
        # what a group's text begins with: a U+0000 and a letter for each column it lacks
        self.person_absent = "".join(
            f"\0{mark}" for name, mark in (("infix", "i"), ("sex", "s")) if name not in f
        )
        self.address_absent = "".join(
            f"\0{mark}"
            for name, mark in (("postcode", "p"), ("house_number", "h"), ("town", "t"))
            if name not in f
        )
        # the address group: any of its columns, the woonplaats too (unlike the
        # checker's and the importer's `has_address`, postcode or house number)
        self.says_address = any(name in f for name in ("postcode", "house_number", "town"))
        self.says_parents = bool(layout.parents)
        # the municipality a woonplaats names (`importer._Towns`: by normalised name or code)
        self.towns = towns or {}
        self.town_texts: dict[str | None, tuple[str, int]] = {}
        # brothers and sisters share an address and parents: each digested once (bounded)
        self.addresses: dict[tuple[str | None, ...], bytes] = {}
        self.parent_sets: dict[tuple[str, ...], bytes] = {}

    @classmethod
    def of_config(cls, config: CheckConfig) -> ListDigests | None:
        if config.digest_key is None:
            return None
        return cls(config.digest_key, config.layout, config.towns)

    def packed(self, rows: Sequence[Checked]) -> Digests:
        """The digests of `rows` per group, each 8 bytes big-endian, packed in one bytes
        object per group (None: the file has no column of the group): what the reader
        process sends (`Batch.digests`), and `columns` turns into integers.

        A keyed BLAKE2b costs about half a microsecond, its text and the rest of the
        loop as much again: one to three a row (an address or parents seen shortly
        before, a brother's or sister's, none). The raw digests stay bytes, joined in C:
        an integer per digest and each row rebuilt with three more fields cost a fifth
        more here, and marshal then wrote and read three 64-bit integers a row."""
        person, address, parents = self.person.copy, self.address.copy, self.parents.copy
        person_absent, address_absent = self.person_absent, self.address_absent
        person_fields = slice(GIVEN_NAME, SEX)  # given name, infix, surname, birth date
        join = "\x1f".join
        says_address, addresses, parent_sets = self.says_address, self.addresses, self.parent_sets
        says_parents, town_texts = self.says_parents, self.town_texts
        persons: list[bytes] = []
        at_addresses: list[bytes] = []
        of_parents: list[bytes] = []
        for r in rows:
            h = person()
            h.update(f"{person_absent}{join(r[person_fields])}\x1f{r[SEX] or ''}".encode())
            persons.append(h.digest())
            if says_address:
                at = (r[POSTCODE], r[HOUSE_NUMBER], r[TOWN])
                address_d = addresses.get(at)
                if address_d is None:
                    town = town_texts.get(at[2])
                    if town is None:
                        town = self._town(at[2])
                    text, unknown = town
                    h = address()
                    h.update(f"{address_absent}{at[0] or ''}\x1f{at[1] or ''}\x1f{text}".encode())
                    address_d = h.digest()
                    # the lowest bit: the woonplaats named no municipality vix knew
                    address_d = address_d[:7] + _BYTE[address_d[7] & ~UNKNOWN_TOWN | unknown]
                    if len(addresses) >= ADDRESSES_REMEMBERED:
                        addresses.clear()
                    addresses[at] = address_d
                at_addresses.append(address_d)
            if says_parents:
                numbers = r[PARENTS]
                parents_d = parent_sets.get(numbers)
                if parents_d is None:
                    h = parents()
                    h.update(join(numbers).encode())
                    parents_d = h.digest()
                    if len(parent_sets) >= PARENTS_REMEMBERED:
                        parent_sets.clear()
                    parent_sets[numbers] = parents_d
                of_parents.append(parents_d)
        return (
            b"".join(persons),
            b"".join(at_addresses) if says_address else None,
            b"".join(of_parents) if says_parents else None,
        )

    def columns(self, rows: Sequence[Checked], packed: Digests | None = None) -> DigestColumns:
        """The digests of `rows` as signed integers, one list per group (None: the file has
        no column of the group); from `packed` (`Batch.digests`) when the reader process
        computed them."""
        person, address, parents = self.packed(rows) if packed is None else packed
        return (
            digest_ints(person),
            None if address is None else digest_ints(address),
            None if parents is None else digest_ints(parents),
        )

    def fill(self, rows: list[Checked]) -> list[Checked]:
        """`rows` with their digests (the rows the importer looks up: `vix.importer`)."""
        person, address, parents = self.columns(rows)
        return [
            (*r[:PERSON_DIGEST], p, a, q)
            for r, p, a, q in zip(
                rows, person, address or repeat(None), parents or repeat(None), strict=False
            )
        ]

    def _town(self, town: str | None) -> tuple[str, int]:
        """The woonplaats as the address digest holds it (normalised, as
        `importer._Towns.lookup` compares it) and 1 when it names no municipality vix
        knows (`UNKNOWN_TOWN`), else 0; remembered."""
        text = normalise(town or "")
        found = (text, int(bool(text) and text not in self.towns))
        if len(self.town_texts) >= TOWNS_REMEMBERED:
            self.town_texts.clear()
        self.town_texts[town] = found
        return found


def parse_birth_date(text: str) -> str:
    """dd-mm-jjjj, dd/mm/jjjj (day and month may have one digit) or jjjj-mm-dd -> ISO."""
    try:
        if len(text) == 10 and text[2] == text[5] and text[2] in "-/":
            iso = f"{text[6:]}-{text[3:5]}-{text[:2]}"
            if iso[:4].isdigit() and iso[5:7].isdigit() and iso[8:].isdigit():
                return date.fromisoformat(iso).isoformat()
        elif (m := _YMD.fullmatch(text)) is not None:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if (m := _DMY.fullmatch(text)) is not None:
            return date(int(m[4]), int(m[3]), int(m[1])).isoformat()
    except ValueError:
        pass
    if (m := _AT_MIDNIGHT.fullmatch(text)) is not None:
        return parse_birth_date(m[1])  # a spreadsheet's date cell with its time
    if _WITH_TIME.fullmatch(text):
        raise InvalidInput(
            f"'{text}' heeft een tijd die niet 00:00 is; dan kan de datum een dag verschoven "
            "zijn (een omrekening naar een andere tijdzone). Geef alleen de datum: dd-mm-jjjj."
        )
    raise InvalidInput(
        f"'{text}' is geen geldige datum; gebruik dd-mm-jjjj, dd/mm/jjjj of jjjj-mm-dd."
    )


_EXCEL_TEXT = re.compile(r'="(.*)"')


def _plain_cell(value: str) -> str:
    """A cell as meant: Excel's `="0042"` (a number kept as text) is 0042, and a
    non-breaking space (from a web page or a word processor) is a space."""
    if (m := _EXCEL_TEXT.fullmatch(value.strip())) is not None:
        value = m[1]
    return value.replace("\xa0", " ")


# -- the Dutch reasons (only for bad rows) ---------------------------------------------


def as_reason(message: str) -> str:
    """A refusal's message as the reason of a row problem (it follows the column)."""
    return message[:1].lower() + message[1:]


def _explain(check: Any, *args: Any, **kwargs: Any) -> str | None:
    """The message of the `vix.youths` check that refuses this value (None: it does not)."""
    try:
        check(*args, **kwargs)
    except InvalidInput as problem:
        return as_reason(problem.message)
    return None


def _number_problem(raw: str) -> str:
    from .youths import clean_bsn, clean_onderwijsnummer

    number = compact(raw)
    problem = None
    if number.startswith("10") and number.isdigit() and len(number) == 9:
        problem = _explain(clean_onderwijsnummer, number)
    return problem or _explain(clean_bsn, raw) or "geen geldig BSN of onderwijsnummer."


def _onr_problem(raw: str) -> str:
    from .youths import clean_onderwijsnummer

    return _explain(clean_onderwijsnummer, raw) or "geen geldig onderwijsnummer."


def _parent_problem(raw: str) -> str:
    from .youths import clean_bsn

    return _explain(clean_bsn, raw, what="Het BSN van de ouder") or "geen geldig BSN."


# -- one row ---------------------------------------------------------------------------


_NAME_FIELDS = frozenset((GIVEN_NAME, INFIX, SURNAME))


# a name in the list that is UTF-8 once read as Windows-1252 and stored so in the school's
# administration ('ZoÃ«'): kept, it would show so at every signal and inzage, and a
# pupil signalled without a BSN would get another substitute number than the name typed
# well, so that two signals on the child never match (`text.misread_utf8`)
LIST_MISREAD_REASON = (
    "is verminkt: tekst in UTF-8 die ergens als Windows-1252 of Latin-1 is gelezen en zo is "
    "opgeslagen (zoals 'ZoÃ«' voor 'Zoë')"
)
_ONLY_THE_CLASS = "zet alleen de groep of klas in deze kolom, of laat de kolom weg."
# what a school can do in its list about each refusal of vix.text
_LIST_ADVICE = {
    UNSAFE_REASON: "haal het weg in de lijst.",
    LIST_MISREAD_REASON: "herstel de naam in de leerlingadministratie en exporteer opnieuw.",
    NUMBER_IN_NAME_REASON: "staat het nummer in de verkeerde kolom?",
    CLASS_SHAPE_REASON: _ONLY_THE_CLASS,
    CLASS_LONG_REASON: _ONLY_THE_CLASS,
    CLASS_NUMBER_REASON: "staat het nummer in de verkeerde kolom?",
}
_CLASS_REASONS = frozenset((CLASS_SHAPE_REASON, CLASS_LONG_REASON, CLASS_NUMBER_REASON))


def _class_warning(reason: str, header: str) -> str:
    """What a warning about a class says: the pupil came in without it, and how to stop
    the warning (the class column ignored with `--kolom 'KOLOM=negeer'`)."""
    fix = (
        "staat het nummer in de verkeerde kolom? "
        if reason == CLASS_NUMBER_REASON
        else "zet alleen de groep of klas in deze kolom, "
    )
    return (
        f"{reason}; de leerling komt zonder groep/klas in de lijst. Herstel: {fix}of laat de "
        f"kolom weg met --kolom '{header}=negeer' (de groep heeft in vix alleen een functie "
        "in de inzage)."
    )


def _text_refusal(value: str, field: int) -> str | None:
    """The rule of vix.text a stored text breaks (`text.refusal`'s words), or None."""
    if field == CLASS_NAME:
        return class_refusal(value)
    if field in _NAME_FIELDS and misread_utf8(value):
        return LIST_MISREAD_REASON
    return refusal(value, name=field in _NAME_FIELDS)


def _with_advice(reason: str) -> str:
    """A refusal of vix.text as the reason a row of the list is rejected."""
    return f"{reason}; {_LIST_ADVICE.get(reason, 'kort de waarde in de lijst in.')}"


@dataclass(frozen=True)
class CheckConfig:
    """What checking needs besides the row: the layout, the dates and the key of the
    list digests (not the key file's: the importing process hashes the parents' numbers)."""

    layout: Layout
    width: int  # columns in the header
    today: str  # ISO
    oldest: str  # ISO: born on or before this day is 23 or older
    keep_values: bool = True  # checked rows carry the raw values (for a file of rejected rows)
    # the key of `ListDigests` (never the key file's key): None, and the rows carry no digests
    digest_key: bytes | None = field(default=None, repr=False)
    # normalised name or code of each municipality -> its id (`importer._Towns.by_key`), for
    # the address digest
    towns: dict[str, int] | None = None

    def to_wire(self) -> dict[str, Any]:
        lay = self.layout
        return {
            "fields": {name: (c.index, c.header) for name, c in lay.fields.items()},
            "parents": [(c.index, c.header) for c in lay.parents],
            "dropped": lay.dropped,
            "width": self.width,
            "today": self.today,
            "oldest": self.oldest,
            "keep_values": self.keep_values,
            "digest_key": self.digest_key,
            "towns": self.towns,
        }

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> CheckConfig:
        layout = Layout(
            fields={name: Column(i, h) for name, (i, h) in wire["fields"].items()},
            parents=[Column(i, h) for i, h in wire["parents"]],
            dropped=wire["dropped"],
        )
        return cls(
            layout,
            wire["width"],
            wire["today"],
            wire["oldest"],
            wire["keep_values"],
            wire.get("digest_key"),
            wire.get("towns"),
        )


class RowChecker:
    """Turns raw values into checked rows or row problems, fast on valid rows."""

    def __init__(self, config: CheckConfig) -> None:
        self.today = config.today
        self.today_date = date.fromisoformat(config.today)
        self.oldest = config.oldest
        self.width = config.width
        self.keep_values = config.keep_values
        f = config.layout.fields
        self.c_number = f.get("number")
        self.c_onr = f.get("onderwijsnummer")
        self.c_given = f["given_name"]
        self.c_given_names = f.get("given_names")
        self.c_surname = f["surname"]
        self.c_birth = f["birth_date"]
        self.c_infix = f.get("infix")
        self.c_sex = f.get("sex")
        self.c_postcode = f.get("postcode")
        self.c_house = f.get("house_number")
        self.c_suffix = f.get("house_suffix")
        self.c_town = f.get("town")
        self.c_class = f.get("class_name")
        self.c_pupil = f.get("pupil_number")
        self.c_parents = config.layout.parents
        self.has_address = self.c_postcode is not None or self.c_house is not None
        self.parents_seen: dict[str, str] = {}
        self.addresses: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}
        self.dates: dict[str, str] = {}
        self.classes_fit: set[str] = set()

    def check(
        self, items: list[tuple[int, list[str]]]
    ) -> tuple[list[Checked], list[Rejected], list[RowProblem]]:
        """(checked rows, rejected rows, warnings) of `items`."""
        good: list[Checked] = []
        bad: list[Rejected] = []
        warnings: list[RowProblem] = []
        row = self.row
        raw = "".join(chain.from_iterable(map(_RAW_VALUES, items)))
        if "\xa0" in raw or '="' in raw:  # rare: cleaned row by row only then
            items = [(line, list(map(_plain_cell, values))) for line, values in items]
            raw = "".join(chain.from_iterable(map(_RAW_VALUES, items)))
        for line, values in items:
            checked = row(line, values)
            if isinstance(checked, list):
                bad.append((line, values, checked))
            else:
                good.append(checked)
        # the rules of vix.text, first for the whole batch at once in C: isprintable is
        # False for every character UNSAFE matches (and a few harmless ones), the longest
        # stored text, any digit in a name, a name that may be misread UTF-8, each distinct
        # class once (a school has a few dozen); row by row only when one of them says so
        if good and (
            not raw.isprintable()
            or max(map(len, filter(None, chain.from_iterable(map(_TEXTS, good)))), default=0)
            > MAX_TEXT
            or _DIGIT.search(names := "".join(chain.from_iterable(map(_NAMES, good))))
            or (not names.isascii() and MISREAD_HINT.search(names))
            or (self.c_class is not None and not self._classes_fit(good))
        ):
            good = self._refuse_bad_text(items, good, bad, warnings)
        return good, bad, warnings

    def _classes_fit(self, good: list[Checked]) -> bool:
        """Whether every class in `good` has the shape of one (`text.class_refusal`)."""
        fitting = self.classes_fit
        for name in set(map(_CLASS_NAME, good)):
            if name is not None and name not in fitting:
                if class_refusal(name) is not None:
                    return False
                if len(fitting) >= CLASSES_REMEMBERED:
                    fitting.clear()
                fitting.add(name)
        return True

    def _refuse_bad_text(
        self,
        items: list[tuple[int, list[str]]],
        good: list[Checked],
        bad: list[Rejected],
        warnings: list[RowProblem],
    ) -> list[Checked]:
        """Move the rows whose stored text breaks a rule of vix.text to `bad`: a line break
        or control character (it would split a line of output or reach a terminal), more
        than MAX_TEXT characters, a number in a name (a BSN shown as a name), or a class
        that is no class code (a note about the youth shown at every inzage).

        A row whose only problem is a class that is no class code is kept without its
        class, with a warning: the class only shows at inzage, and refusing the pupil
        for it would keep him or her from being signalled at all."""
        fields = [
            (i, column.header)
            for i, column in (
                (GIVEN_NAME, self.c_given),
                (INFIX, self.c_infix),
                (SURNAME, self.c_surname),
                (TOWN, self.c_town),
                (CLASS_NAME, self.c_class),
                (PUPIL_NUMBER, self.c_pupil),
            )
            if column is not None
        ]
        raw = dict(items)
        kept: list[Checked] = []
        for checked in good:
            found = [
                (i, header, reason)
                for i, header in fields
                if checked[i] and (reason := _text_refusal(checked[i], i))
            ]
            if not found:
                kept.append(checked)
            elif all(i == CLASS_NAME and r in _CLASS_REASONS for i, _, r in found):
                [(_, header, reason)] = found
                warnings.append((checked[LINE], header, _class_warning(reason, header)))
                kept.append((*checked[:CLASS_NAME], None, *checked[CLASS_NAME + 1 :]))
            else:
                problems = [(checked[LINE], h, _with_advice(r)) for _, h, r in found]
                bad.append((checked[LINE], raw[checked[LINE]], problems))
        bad.sort(key=lambda rejected: rejected[0])
        return kept

    def _number(self, line: int, values: list[str], errors: list[RowProblem]) -> tuple[str, ...]:
        """(number, id_kind, alt_number or '') of the row; problems go to `errors`."""
        number, id_kind, alt = "", "", ""
        raw = values[self.c_number.index].strip() if self.c_number else ""
        onr = values[self.c_onr.index].strip() if self.c_onr else ""
        if raw:
            number = raw if len(raw) == 9 and raw.isdigit() else compact(raw)
            if is_bsn(number):
                id_kind = "bsn"
            elif is_onderwijsnummer(number):
                id_kind = "onderwijsnummer"  # a PGN column holds either
            else:
                assert self.c_number is not None
                errors.append((line, self.c_number.header, _number_problem(raw)))
        if onr:
            assert self.c_onr is not None
            onr_number = compact(onr)
            if not is_onderwijsnummer(onr_number):
                errors.append((line, self.c_onr.header, _onr_problem(onr)))
            elif raw:
                alt = onr_number
            else:
                number, id_kind = onr_number, "onderwijsnummer"
        if not raw and not onr:
            column = self.c_number or self.c_onr
            assert column is not None
            errors.append(
                (
                    line,
                    column.header,
                    "geen BSN en geen onderwijsnummer; een leerling zonder een van beide kan "
                    "niet worden geïmporteerd.",
                )
            )
        return number, id_kind, alt

    def _birth(self, line: int, text: str, errors: list[RowProblem]) -> str:
        column = self.c_birth.header
        if not text:
            errors.append((line, column, "de geboortedatum ontbreekt."))
            return ""
        birth = self.dates.get(text)
        if birth is None:
            try:
                birth = parse_birth_date(text)
            except InvalidInput as refused:
                errors.append((line, column, as_reason(refused.message)))
                return ""
            if len(self.dates) >= DATES_REMEMBERED:
                self.dates.clear()
            self.dates[text] = birth
        if not self.oldest < birth <= self.today:
            from .youths import check_age

            problem = _explain(check_age, date.fromisoformat(birth), self.today_date)
            if problem is not None:
                errors.append((line, column, problem))
        return birth

    def _address(
        self, line: int, values: list[str], errors: list[RowProblem]
    ) -> tuple[str | None, str | None, str | None]:
        """(postcode, house number, address key) of the row, remembered per family."""
        pc = values[self.c_postcode.index].strip() if self.c_postcode else ""
        house = values[self.c_house.index].strip() if self.c_house else ""
        if self.c_suffix is not None and house:
            suffix = values[self.c_suffix.index].strip()
            if suffix:
                house = f"{house} {suffix}"
        found = self.addresses.get((pc, house))
        if found is not None:
            return found
        postcode = akey = None
        if pc:
            postcode = pc.replace(" ", "").upper()
            if not _POSTCODE.fullmatch(postcode):
                assert self.c_postcode is not None
                errors.append(
                    (
                        line,
                        self.c_postcode.header,
                        f"postcode '{pc}' is ongeldig; gebruik de vorm 1234 AB.",
                    )
                )
                return None, house or None, None
        if house and postcode:
            if house.isdigit() and house.isascii() and house[0] != "0" and len(house) <= 5:
                akey = f"{postcode}-{house}"
            elif (parts := _HOUSE_WITH_ADDITION.fullmatch(house)) is not None:
                akey = f"{postcode}-{parts[1]}-{(parts[2] or parts[3]).upper()}"
            else:  # other spacing, a leading zero or no number at all: the full rule decides
                from .youths import address_key

                try:
                    akey = address_key(postcode, house)
                except InvalidInput as problem:
                    assert self.c_house is not None
                    errors.append((line, self.c_house.header, as_reason(problem.message)))
                    return postcode, house, None
        elif house:  # no postcode: no key, but what is stored must be a house number
            from .youths import clean_house_number

            try:
                clean_house_number(house)
            except InvalidInput as problem:
                assert self.c_house is not None
                errors.append((line, self.c_house.header, as_reason(problem.message)))
                return postcode, house, None
        found = (postcode, house or None, akey)
        if len(self.addresses) >= ADDRESSES_REMEMBERED:
            self.addresses.clear()
        self.addresses[(pc, house)] = found
        return found

    def _parents(
        self, line: int, values: list[str], number: str, errors: list[RowProblem]
    ) -> tuple[str, ...]:
        """The parents' BSNs, distinct and sorted; the importing process hashes them
        (`vix.importer`: it has time to spare while this process checks the next rows)."""
        parents: list[str] = []
        known = self.parents_seen
        for column in self.c_parents:
            text = values[column.index].strip()
            if not text:
                continue
            # brothers and sisters follow each other in a list: a parent's number
            # checked for the previous row is reused
            parent = known.get(text)
            if parent is None:
                parent = text if len(text) == 9 and text.isdigit() else compact(text)
                if not is_bsn(parent):
                    errors.append((line, column.header, _parent_problem(text)))
                    continue
                if len(known) >= PARENTS_REMEMBERED:
                    known.clear()  # a bounded memory: flat for any list size
                known[text] = parent
            if parent == number:
                errors.append((line, column.header, "het BSN van de ouder is dat van de leerling."))
            else:
                parents.append(parent)
        return tuple(sorted(set(parents)))

    def _width_problem(self, width: int) -> str:
        """Why a row with `width` cells is refused: its values would land in other columns."""
        if width > self.width:
            return (
                f"{width} kolommen in plaats van {self.width}: staat er een "
                "scheidingsteken in een waarde zonder aanhalingstekens?"
            )
        return (
            f"{width} kolommen in plaats van {self.width}: ontbreekt er een waarde of een "
            "scheidingsteken? Dan staan de waarden erna in de verkeerde kolom; vul de regel "
            "aan tot alle kolommen er zijn (ook lege)."
        )

    def row(self, line: int, values: list[str]) -> Checked | list[RowProblem]:
        width = len(values)
        if width != self.width:
            return [(line, "-", self._width_problem(width))]
        errors: list[RowProblem] = []
        number, id_kind, alt = self._number(line, values, errors)
        given = values[self.c_given.index].strip()
        if not given and self.c_given_names is not None:
            # no call name: the first given name stands in for it
            given = next(iter(values[self.c_given_names.index].split()), "")
        if not given:
            errors.append((line, self.c_given.header, "de roepnaam ontbreekt."))
        surname = values[self.c_surname.index].strip()
        if not surname:
            errors.append((line, self.c_surname.header, "de achternaam ontbreekt."))
        birth = self._birth(line, values[self.c_birth.index].strip(), errors)
        sex = None
        if self.c_sex is not None and (text := values[self.c_sex.index].strip()):
            sex = _SEXES.get(text.lower())
            if sex is None:
                errors.append(
                    (line, self.c_sex.header, f"geslacht '{text}' onbekend: gebruik M, V of X.")
                )
        postcode = house = akey = None
        if self.has_address:
            postcode, house, akey = self._address(line, values, errors)
        parents = self._parents(line, values, number, errors) if self.c_parents else None
        if errors:
            return errors
        c = self.c_town, self.c_class, self.c_pupil, self.c_infix
        return (
            line,
            alt or None,
            number,
            id_kind,
            given,
            "" if c[3] is None else values[c[3].index].strip(),
            surname,
            birth,
            sex,
            postcode,
            house,
            akey,
            None if c[0] is None else values[c[0].index].strip() or None,
            None if c[1] is None else values[c[1].index].strip() or None,
            None if c[2] is None else values[c[2].index].strip() or None,
            parents,
            values if self.keep_values else None,
            None,  # the digests: `ListDigests.fill`, where the row is stored or compared
            None,
            None,
        )


# -- a whole file ---------------------------------------------------------------------------


class Batch(NamedTuple):
    """Checked and rejected rows of `records` consecutive records, read up to byte `offset`.

    `suspects`: the positions in `good` of the rows that may not be new youths
    (`vix.screening`); None when the rows were not screened.
    """

    offset: int
    records: int
    good: list[Checked]
    bad: list[Rejected]
    warnings: list[RowProblem]  # rows kept without their class (`RowChecker._refuse_bad_text`)
    suspects: list[int] | None = None
    # `ListDigests.packed` of the rows of `good` not in `suspects`, in order; None: not
    # digested here (the importer digests them)
    digests: Digests | None = None


class Unreadable(Exception):
    """The CSV reader gave up after `done` records (binary data, an endless field), or
    a quote opened on line `quote[0]` ran on to line `quote[1]`."""

    def __init__(self, done: int, quote: tuple[int, int] | None = None) -> None:
        super().__init__(done, quote)
        self.done, self.quote = done, quote


def check_file(source: Source, config: CheckConfig, size: int) -> Iterator[Batch]:
    """The file's records checked, `size` at a time."""
    checker = RowChecker(config)
    done = 0
    with source.open() as handle:
        records = source.rows(handle)
        while True:
            try:
                items = list(islice(records, size))
            except csv.Error as exc:
                raise Unreadable(done) from exc
            except UnclosedQuote as open_quote:
                raise Unreadable(done, (open_quote.start, open_quote.end)) from None
            if not items:
                return
            done += len(items)
            good, bad, warnings = checker.check(items)
            yield Batch(cast(BinaryIO, handle.buffer).tell(), len(items), good, bad, warnings)


# -- the reader process ----------------------------------------------------------------------
# Frames on stdout: 4 bytes little-endian length, then a marshal payload:
# ("batch", offset, records, good, bad, warnings, suspects, digests), then ("end",) or
# ("unreadable", done, quote).

FRAME_HEADER = 4


def source_to_wire(source: Source) -> dict[str, Any]:
    return {
        "path": str(source.path),
        "encoding": source.encoding,
        "delimiter": source.delimiter,
        "header": source.header,
        "size": source.size,
        "sep_line": source.sep_line,
    }


def _source_from_wire(wire: dict[str, Any], layout: Layout) -> Source:
    return Source(
        Path(wire["path"]),
        wire["encoding"],
        wire["delimiter"],
        wire["header"],
        layout,
        wire["size"],
        wire["sep_line"],
    )


def write_frame(out: BinaryIO, payload: Any) -> None:
    data = marshal.dumps(payload)
    out.write(len(data).to_bytes(FRAME_HEADER, "little") + data)


def read_frame(stream: IO[bytes]) -> Any:
    """The next payload, or None when the stream ended early (the reader died)."""
    head = stream.read(FRAME_HEADER)
    if len(head) < FRAME_HEADER:
        return None
    size = int.from_bytes(head, "little")
    data = stream.read(size)
    if len(data) < size:
        return None
    return marshal.loads(data)


def reader_main(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Check the file described on stdin and stream its batches to stdout."""
    job = marshal.loads(stdin.read())
    config = CheckConfig.from_wire(job["config"])
    source = _source_from_wire(job["source"], config.layout)
    screen = None
    if job.get("screen") is not None:
        from .screening import NewRowScreen

        screen = NewRowScreen(job["screen"])
    try:
        digests = ListDigests.of_config(config)
        for number, batch in enumerate(check_file(source, config, job["batch"])):
            if screen is not None:
                batch = batch._replace(suspects=screen.suspects(batch.good))
            if digests is not None and (screen is not None or number % 2 == 0):
                # the importer digests the rows it looks up itself: in a re-import (every
                # row looked up) this process screens every row and is the slower one;
                # in a first import (no screen) it checks while the importer writes
                # without indexes, and each digests every other batch
                rows = batch.good
                if batch.suspects:
                    named = set(batch.suspects)
                    rows = [r for i, r in enumerate(rows) if i not in named]
                batch = batch._replace(digests=digests.packed(rows))
            write_frame(stdout, ("batch", *batch))
            stdout.flush()
    except Unreadable as gave_up:
        write_frame(stdout, ("unreadable", gave_up.done, gave_up.quote))
    else:
        write_frame(stdout, ("end",))
    finally:
        if screen is not None:
            screen.close()
    stdout.flush()


if __name__ == "__main__":
    reader_main(sys.stdin.buffer, sys.stdout.buffer)
