"""Reading pupil lists as school administration systems export them.

Contract: `open_source(path, mapping)` inspects a file without loading it,
decides its encoding (UTF-8 with or without BOM, else Windows-1252), its
delimiter (`;`, `,` or TAB, from the header line) and which column holds which
field, and returns a `Source` whose `rows()` streams `(line_number, values)`
one record at a time. Every value stays text: leading zeros survive.

Header names are recognised without configuration (ParnasSys, ESIS, Magister,
Somtoday and hand-made Excel lists use different words for one field); a
mapping `{"kolomnaam": "veld"}` from `--kolom` covers anything else. Files that
are not a usable list (binary, spreadsheet, empty, only a header, no columns
for the required fields) raise `InvalidInput` with a Dutch message.

Encoding detection reads the file once in chunks through an incremental UTF-8
decoder: a list whose first megabyte is plain ASCII and whose last line holds
"Çelik" in Windows-1252 is still read right, and memory stays flat. A list that
is UTF-8 with some lines in another encoding is refused with those lines: no
single encoding reads all of its names right.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO

from .errors import InvalidInput, UsageError

CHUNK = 1 << 20
# How every file is decoded: strictly, except that the five bytes Windows-1252
# leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are read as Windows itself and
# every browser read them, as the C1 control of the same value. A stray one in a
# column vix ignores (a remark pasted from elsewhere) then no longer refuses the
# whole list; in a column vix stores, the row is refused as holding a control
# character, with its line.
DECODE_ERRORS = "vix-cp1252"


def _undefined_cp1252_byte(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError) or error.encoding not in ("cp1252", "charmap"):
        raise error
    return chr(error.object[error.start]), error.start + 1


codecs.register_error(DECODE_ERRORS, _undefined_cp1252_byte)
# rows looked at to decide that every row ends with a delimiter the header lacks
TRAILING_SAMPLE = 50
DELIMITERS = {";": "puntkomma", ",": "komma", "\t": "tab"}

# Internal field -> Dutch name used in messages, --kolom and the JSON summary.
FIELD_LABELS: dict[str, str] = {
    "number": "bsn",
    "onderwijsnummer": "onderwijsnummer",
    "given_name": "roepnaam",
    "given_names": "voornamen",
    "infix": "tussenvoegsel",
    "surname": "achternaam",
    "birth_date": "geboortedatum",
    "sex": "geslacht",
    "postcode": "postcode",
    "house_number": "huisnummer",
    "house_suffix": "toevoeging",
    "town": "woonplaats",
    "class_name": "groep",
    "pupil_number": "leerlingnummer",
    "parent": "ouder",
}
FIELDS_BY_LABEL = {label: name for name, label in FIELD_LABELS.items()}
IGNORE = "negeer"

# Normalised header name -> field, in order of preference: where a list has
# both "roepnaam" and "voornamen", the call name wins and the other is ignored.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": (
        "bsn",
        "burgerservicenummer",
        "bsnleerling",
        "leerlingbsn",
        "pgn",
        "persoonsgebondennummer",
        "bsnpgn",
        "sofinummer",
    ),
    "onderwijsnummer": ("onderwijsnummer", "onr"),
    "given_name": ("roepnaam", "voornaam", "roepn"),
    # all given names: the call name when a list has no call name column, else
    # the first of them stands in for a call name left empty
    "given_names": ("voornamen",),
    "infix": (
        "tussenvoegsel",
        "tussenvoegsels",
        "voorvoegsel",
        "voorvoegsels",
        "tussenv",
        "voorv",
    ),
    "surname": ("achternaam", "geslachtsnaam", "familienaam", "achtern"),
    "birth_date": ("geboortedatum", "gebdatum", "geboren", "gebdat", "geboortedat"),
    "sex": ("geslacht",),
    "postcode": ("postcode",),
    "house_number": ("huisnummer", "huisnr"),
    "house_suffix": (
        "huisnummertoevoeging",
        "toevoeging",
        "huisnrtoevoeging",
        "toev",
        "huisnrtoev",
    ),
    "town": ("woonplaats", "gemeente", "plaats", "woonpl"),
    "class_name": ("groep", "klas", "jaargroep", "stamgroep", "basisgroep", "klasgroep"),
    "pupil_number": ("leerlingnummer", "stamnummer", "leerlingnr", "llnr", "stamnr"),
}
_PARENT = re.compile(
    r"(bsn|burgerservicenummer|pgn).*(ouder|verzorger|voogd|moeder|vader)|"
    r"(ouder|verzorger|voogd|moeder|vader).*(bsn|burgerservicenummer|pgn)"
)
REQUIRED = ("given_name", "surname", "birth_date")
# Columns vix itself adds to a file of rejected rows; dropped when it is read back.
ERROR_COLUMNS = ("fout_regel", "fout_reden")
# A cell that starts like this is a formula to a spreadsheet (CSV injection): in a
# file of rejected rows, which users open in Excel, vix writes it after a "'", and
# takes that "'" off again when the file is read back.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: str) -> str:
    """`value` as a spreadsheet shows it as text, never runs it.

    A value that already starts with "'" before a formula character gets one
    more, so that `unguard_cell` gives back exactly what the list held.
    """
    return "'" + value if value.lstrip("'").startswith(FORMULA_START) else value


def unguard_cell(value: str) -> str:
    """The value `guard_cell` was given."""
    guarded = value.startswith("'") and value.lstrip("'").startswith(FORMULA_START)
    return value[1:] if guarded else value


def normalise(header: str) -> str:
    """'Geb. datum' -> 'gebdatum', 'BSN ouder/verzorger 1' -> 'bsnouderverzorger1'."""
    decomposed = unicodedata.normalize("NFKD", header.strip().lstrip("\ufeff"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]", "", plain)


class UnclosedQuote(Exception):
    """A value opened with a quote that no quote closes before the line ends: the
    reader took lines `start` to `end` as one record."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__(start, end)
        self.start, self.end = start, end


@dataclass(frozen=True)
class Column:
    index: int
    header: str  # as written in the file, for messages


@dataclass
class Layout:
    """Which column holds which field; parents may have several columns."""

    fields: dict[str, Column] = field(default_factory=dict)
    parents: list[Column] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)  # vix's own error columns

    def describe(self) -> dict[str, str]:
        found = {FIELD_LABELS[f]: c.header for f, c in self.fields.items()}
        for i, c in enumerate(self.parents, start=1):
            found[f"ouder{i}"] = c.header
        return found


@dataclass
class Source:
    path: Path
    encoding: str  # python codec name
    delimiter: str
    header: list[str]
    layout: Layout
    size: int
    sep_line: bool = False  # the file starts with Excel's "sep=;" line

    @property
    def encoding_label(self) -> str:
        return {
            "utf-8-sig": "UTF-8 met BOM",
            "utf-8": "UTF-8",
            "cp1252": "Windows-1252",
            "utf-16": "UTF-16",
        }[self.encoding]

    @property
    def delimiter_label(self) -> str:
        return DELIMITERS[self.delimiter]

    def open(self) -> io.TextIOWrapper:
        return self.path.open(encoding=self.encoding, errors=DECODE_ERRORS, newline="")

    def _swallowed(self, values: list[str]) -> bool:
        """Whether a record read over several lines holds whole rows of the list in one
        value: a quote opened that nothing closed until later lines. A note spread over
        lines in a column vix ignores has no line with a full row's delimiters."""
        delimiters = max(len(self.header), 2) - 1
        return any(
            part.count(self.delimiter) >= delimiters for v in values for part in v.splitlines()[1:]
        )

    def rows(self, handle: IO[str]) -> Iterator[tuple[int, list[str]]]:
        """(line number where the record starts, values) after the header; blank lines skipped."""
        reader = csv.reader(handle, delimiter=self.delimiter)
        preamble = self.sep_line  # Excel's "sep=;" line, before the header
        for values in reader:  # the header, already inspected (blank lines before it skipped)
            if any(v.strip() for v in values):
                if not preamble:
                    break
                preamble = False
        line = reader.line_num
        from_error_file = bool(self.layout.dropped)  # vix wrote it: cells may be guarded
        for values in reader:
            start, line = line + 1, reader.line_num
            if line > start and self._swallowed(values):
                raise UnclosedQuote(start, line)
            if not any(values) or not "".join(values).strip():
                continue  # blank, or only whitespace
            yield start, list(map(unguard_cell, values)) if from_error_file else values


def _sniff_bytes(path: Path, head: bytes) -> None:
    """Refuse what is clearly no text list, with a message that says what it is."""
    if not head.strip().lstrip(codecs.BOM_UTF8).strip():
        raise InvalidInput(f"{path.name} is leeg: er staat geen kopregel en geen leerling in.")
    kinds = {
        b"PK\x03\x04": "een Excel-bestand (.xlsx) of ander zip-bestand",
        b"\xd0\xcf\x11\xe0": "een oud Excel-bestand (.xls)",
        b"%PDF": "een PDF-bestand",
    }
    for magic, what in kinds.items():
        if head.startswith(magic):
            raise InvalidInput(
                f"{path.name} is {what}, geen CSV. Sla de lijst op als CSV "
                "(in Excel: 'CSV (gescheiden door lijstscheidingsteken)') en importeer die."
            )
    if b"\x00" in head:
        raise InvalidInput(
            f"{path.name} is geen tekstbestand (CSV); het bevat binaire gegevens. "
            "Exporteer de leerlinglijst als CSV."
        )


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or cp1252, after decoding the whole file in chunks.

    A file that is not UTF-8 throughout is Windows-1252, unless it is mostly
    UTF-8 with some lines in another encoding (lists pasted together from two
    exports): read as Windows-1252, every "Zoë" of the UTF-8 part would be stored
    as "ZoÃ«". Such a file is refused with the lines that are not UTF-8.
    """
    with path.open("rb") as handle:
        head = handle.read(CHUNK)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _check_utf16(path, handle, head)
        _sniff_bytes(path, head)
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            pass
        else:
            return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        handle.seek(0)
        fallback = codecs.getincrementaldecoder("cp1252")(DECODE_ERRORS)
        in_utf8 = other = 0
        try:
            while chunk := handle.read(CHUNK):
                if b"\x00" in chunk:
                    raise UnicodeDecodeError("cp1252", chunk, 0, 1, "nul byte")
                fallback.decode(chunk)
                found = _UTF8_SEQUENCE.findall(chunk)
                stray = len(chunk.translate(None, _ASCII)) - sum(map(len, found))
                in_utf8, other = in_utf8 + len(found), other + stray
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{path.name} is geen tekstbestand in UTF-8 of Windows-1252. "
                "Exporteer de leerlinglijst opnieuw als CSV."
            ) from exc
        if head.startswith(codecs.BOM_UTF8) or in_utf8 >= other:
            _refuse_mixed(path, handle)
    return "cp1252"


# Well-formed UTF-8 sequences of two to four bytes: one character each in UTF-8.
# Windows-1252 text forms one only by chance (an accented capital before a
# quote or a currency sign); in a real Windows-1252 list most high bytes stand
# alone. So a list with as many such characters as stray high bytes or more, or a
# UTF-8 byte order mark, is UTF-8 with some lines that are not.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_ASCII = bytes(range(128))
MIXED_LINES_SHOWN = 10


def _refuse_mixed(path: Path, handle: IO[bytes]) -> None:
    """The list is UTF-8 (a BOM, or mostly UTF-8 sequences) with lines that are not."""
    handle.seek(0)
    lines: list[int] = []
    count = 0
    for number, line in enumerate(handle, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            count += 1
            if len(lines) < MIXED_LINES_SHOWN:
                lines.append(number)
    shown = ", ".join(map(str, lines[:-1]))
    if count > len(lines):
        shown = f"{shown}, {lines[-1]} en nog {count - len(lines)} andere"
    elif shown:
        shown = f"{shown} en {lines[-1]}"
    else:
        shown = str(lines[0])
    raise InvalidInput(
        f"{path.name} is (grotendeels) in UTF-8 opgeslagen, maar {_lines(count)} {shown} "
        f"{'staat' if count == 1 else 'staan'} in een andere tekenset (meestal Windows-1252, "
        "bijvoorbeeld uit een tweede export erbij geplakt). vix raadt de tekenset niet per "
        "regel: namen als 'Zoë' zouden verminkt worden opgeslagen. Sla de hele lijst op als "
        "'CSV UTF-8' (of exporteer hem in één keer opnieuw) en importeer opnieuw."
    )


def _lines(count: int) -> str:
    return "regel" if count == 1 else "de regels"


def _check_utf16(path: Path, handle: IO[bytes], head: bytes) -> str:
    """'utf-16' for a file with a UTF-16 byte order mark (Excel's "Unicode-tekst"),
    after decoding all of it in chunks."""
    decoder = codecs.getincrementaldecoder("utf-16")()
    start: str | None = None
    try:
        chunk = head
        while chunk:
            text = decoder.decode(chunk)
            if "\x00" in text:
                raise InvalidInput(
                    f"{path.name} is geen tekstbestand (CSV); het bevat binaire gegevens. "
                    "Exporteer de leerlinglijst als CSV."
                )
            start = text if start is None else start
            chunk = handle.read(CHUNK)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path.name} begint als UTF-16-tekst maar is dat niet. "
            "Exporteer de leerlinglijst opnieuw als CSV."
        ) from exc
    if not (start or "").strip():
        raise InvalidInput(f"{path.name} is leeg: er staat geen kopregel en geen leerling in.")
    return "utf-16"


def detect_delimiter(header_line: str, path: Path) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise InvalidInput(
            f"{path.name} lijkt geen CSV-leerlinglijst: de eerste regel heeft geen kolommen "
            "gescheiden door puntkomma, komma of tab. Exporteer de lijst als CSV met een kopregel."
        )
    return best


# Excel writes "sep=;" on the first line of a CSV to name its delimiter
_SEP_LINE = re.compile(r"(?i)sep=.")


def _first_line(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, errors=DECODE_ERRORS, newline="") as handle:
        for line in handle:
            if line.strip():
                return line
    return ""


# a header cell with a long number or a date is a pupil's value, not a column name
# five digits, also split by separators (1268.55.092), or a date: a value, not a column name
_LOOKS_LIKE_DATA = re.compile(r"(?:\d[ ./-]?){4}\d|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def resolve_layout(header: list[str], mapping: dict[str, str], path: Path) -> Layout:
    layout = Layout()
    by_norm: dict[str, int] = {}
    for i, h in enumerate(header):
        by_norm.setdefault(normalise(h), i)
    assigned: dict[int, str] = {}
    for column, label in mapping.items():
        key = normalise(column)
        if key not in by_norm:
            raise InvalidInput(
                f"--kolom {column}={label}: {path.name} heeft geen kolom '{column}'. "
                f"Kolommen in het bestand: {', '.join(header)}."
            )
        assigned[by_norm[key]] = label
    for i, h in enumerate(header):
        norm = normalise(h)
        if i in assigned:
            label = assigned[i]
            if label == IGNORE:
                layout.ignored.append(h)
            elif FIELDS_BY_LABEL[label] == "parent":
                layout.parents.append(Column(i, h))
            elif FIELDS_BY_LABEL[label] in layout.fields:
                raise InvalidInput(f"Twee kolommen zijn toegewezen aan veld '{label}'.")
            else:
                layout.fields[FIELDS_BY_LABEL[label]] = Column(i, h)
        elif norm in {normalise(c) for c in ERROR_COLUMNS}:
            layout.dropped.append(i)
    # recognised names, best synonym first; an explicit mapping always wins
    for name, synonyms in SYNONYMS.items():
        if name in layout.fields:
            continue
        for synonym in synonyms:
            i = by_norm.get(synonym, -1)
            if i >= 0 and i not in assigned:
                layout.fields[name] = Column(i, header[i])
                assigned[i] = FIELD_LABELS[name]
                break
    if "given_name" not in layout.fields and "given_names" in layout.fields:
        layout.fields["given_name"] = layout.fields.pop("given_names")
    _refuse_twice_named(header, layout, path)
    for i, h in enumerate(header):
        if i in assigned or i in layout.dropped:
            continue
        if _PARENT.search(normalise(h)):
            layout.parents.append(Column(i, h))
        elif h.strip():  # a column without a name (a delimiter at the end) says nothing
            layout.ignored.append(h)
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in layout.fields]
    if "number" not in layout.fields and "onderwijsnummer" not in layout.fields:
        missing.insert(0, "bsn (of onderwijsnummer)")
    if missing and any(_LOOKS_LIKE_DATA.search(h) for h in header):
        # a list without a header row: its first pupil must not be echoed
        raise InvalidInput(
            f"{path.name} heeft geen kopregel: op de eerste regel staan gegevens (getallen of "
            "datums) in plaats van kolomnamen. Zet de kolomnamen (zoals BSN, roepnaam, "
            "achternaam, geboortedatum) op de eerste regel en importeer opnieuw."
        )
    if missing:
        raise InvalidInput(
            f"{path.name} lijkt geen leerlinglijst: geen kolom voor {', '.join(missing)}. "
            f"Kolommen in het bestand: {', '.join(h.strip() for h in header)}. "
            "Wijs een kolom aan met --kolom 'KOLOMNAAM=veld' (velden: "
            f"{', '.join(FIELDS_BY_LABEL)})."
        )
    return layout


def _refuse_twice_named(header: list[str], layout: Layout, path: Path) -> None:
    """A column name vix reads that the header holds twice: which one is meant?"""
    used = {normalise(c.header) for c in layout.fields.values()}
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        norm = normalise(h)
        if norm in seen and (norm in used or _PARENT.search(norm)):
            raise InvalidInput(
                f"{path.name} heeft twee kolommen '{h.strip()}' (kolom {seen[norm] + 1} en "
                f"kolom {i + 1}); vix weet niet welke bedoeld is. Verwijder of hernoem er een "
                "en importeer opnieuw."
            )
        seen.setdefault(norm, i)


def parse_mapping(items: list[str]) -> dict[str, str]:
    """`--kolom 'Naam leerling=achternaam'` values to {column: field label}."""
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for item in items:
        column, sep, label = item.partition("=")
        label = label.strip().lower()
        if not sep or not column.strip() or label not in (*FIELDS_BY_LABEL, IGNORE):
            raise UsageError(
                f"vix begrijpt --kolom '{item}' niet; schrijf KOLOMNAAM=VELD met als veld een van: "
                f"{', '.join((*FIELDS_BY_LABEL, IGNORE))}."
            )
        # a column is found by its normalised name ('Groep' is 'groep'), so that is
        # what may not be given two fields
        key = normalise(column)
        if seen.setdefault(key, label) != label:
            raise UsageError(
                f"--kolom noemt kolom '{column.strip()}' twee keer, als {seen[key]} en als "
                f"{label}; geef per kolom één --kolom."
            )
        mapping[column.strip()] = label
    single = [label for label in seen.values() if label not in (IGNORE, FIELD_LABELS["parent"])]
    twice = sorted({label for label in single if single.count(label) > 1})
    if twice:
        raise UsageError(
            f"--kolom wijst twee kolommen toe aan veld '{twice[0]}'; dat veld staat in één kolom."
        )
    return mapping


def open_source(path: Path, mapping: dict[str, str] | None = None) -> Source:
    """Inspect `path` (encoding, delimiter, header) without loading it."""
    if path.is_dir():
        raise InvalidInput(
            f"{path} is een map, geen bestand; er is niets geïmporteerd. Geef het pad van de "
            "leerlinglijst (het CSV-bestand) zelf, met de bestandsnaam."
        )
    if path.exists() and not path.is_file():
        raise InvalidInput(
            f"{path} is geen gewoon bestand (maar bijvoorbeeld een pijp of apparaat); er is "
            "niets geïmporteerd. Sla de leerlinglijst op als CSV-bestand en geef het pad daarvan."
        )
    if not path.is_file():
        where = "" if path.is_absolute() else f" (vix zocht het in {Path.cwd()})"
        raise InvalidInput(
            f"Het bestand {path} bestaat niet{where}; er is niets geïmporteerd. Controleer de "
            "naam en de map, of geef het volledige pad, bijvoorbeeld "
            "'vix import leerlingen /pad/naar/leerlingen.csv --organisatie CODE'."
        )
    encoding = detect_encoding(path)
    first = _first_line(path, encoding)
    sep_line = _SEP_LINE.fullmatch(first.strip().lstrip("\ufeff")) is not None
    delimiter = first.strip()[-1] if sep_line else detect_delimiter(first, path)
    if delimiter not in DELIMITERS:
        raise InvalidInput(
            f"{path.name} noemt op de eerste regel ('{first.strip()}') een scheidingsteken dat "
            "vix niet kent. Gebruik puntkomma, komma of tab."
        )
    try:
        with path.open(encoding=encoding, errors=DECODE_ERRORS, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            lines = (r for r in reader if any(v.strip() for v in r))
            if sep_line:
                next(lines)
            header = next(lines, [])
            sample: list[list[str]] = []
            try:
                sample.extend(islice(lines, TRAILING_SAMPLE))
            except csv.Error:  # a bad row: the import names it with its line
                sample.append([])
    except csv.Error as exc:
        raise InvalidInput(
            f"{path.name} is geen leesbare CSV (bijvoorbeeld een binair teken of een heel lang "
            "veld). Exporteer de leerlinglijst opnieuw als CSV."
        ) from exc
    has_rows = bool(sample)
    if len(sample) >= 2 and all(len(r) == len(header) + 1 and not r[-1].strip() for r in sample):
        # every row ends with a delimiter the header does not have: an empty last column
        header = [*header, ""]
    layout = resolve_layout(header, mapping or {}, path)
    if not has_rows:
        raise InvalidInput(
            f"{path.name} bevat alleen een kopregel en geen leerlingen; er is niets geïmporteerd."
        )
    return Source(path, encoding, delimiter, header, layout, path.stat().st_size, sep_line)
