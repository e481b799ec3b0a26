"""Youths: identification, validation and the data that links families.

A youth is identified by a BSN (checked with the 11-test by python-stdnum),
an onderwijsnummer for pupils without one, or a substitute number derived from
surname (with its infix), date of birth and sex [BJW 7.3.1]. Parents are stored
as keyed hashes of their BSN and the home address as a normalised key: both
only serve to find brothers and sisters for family matches (rule 7).

No function here puts a BSN in an error message: `text.mask()` shows the last three
digits where a message must point at a number. Where a view or document shows the
youth with his or her name, `shown_number` masks a BSN and an onderwijsnummer the same
way, but shows a substitute number whole.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from dateutil.relativedelta import relativedelta
from stdnum.exceptions import ValidationError
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import onderwijsnummer as stdnum_onderwijsnummer

from .db import Store
from .errors import InvalidInput, NotFound
from .people import Professional, municipality_id
from .pupilrows import SEXES
from .render import dutch_date
from .text import mask, one_line, required_name

MAX_AGE_YEARS = 23


def youth_name_sql(alias: str) -> str:
    """SQL for 'given [infix] surname' of the youths row `alias`."""
    a = alias
    return (
        f"({a}.given_name || ' ' || CASE WHEN {a}.infix = '' THEN '' "
        f"ELSE {a}.infix || ' ' END || {a}.surname)"
    )


def clean_bsn(value: str, *, what: str = "Het BSN") -> str:
    """The 9-digit BSN, or InvalidInput (never echoing the number)."""
    raw = re.sub(r"[\s.\-]", "", value)
    # the digits 0-9 only: isdigit() takes other scripts' digits, which then failed the
    # elfproef with a wrong message (review)
    if not (raw.isascii() and raw.isdigit()) or len(raw) not in (8, 9):
        raise InvalidInput(f"{what} moet uit 9 cijfers (0-9) bestaan.")
    compact = stdnum_bsn.compact(raw)
    try:
        return str(stdnum_bsn.validate(compact))
    except ValidationError as exc:
        raise InvalidInput(
            f"{what} eindigend op {compact[-3:]} klopt niet (elfproef). "
            "Controleer de negen cijfers."
        ) from exc


def clean_onderwijsnummer(value: str) -> str:
    compact = stdnum_onderwijsnummer.compact(value)
    try:
        return str(stdnum_onderwijsnummer.validate(compact))
    except ValidationError as exc:
        raise InvalidInput(
            "Het onderwijsnummer klopt niet: het moet uit 9 cijfers bestaan, met 10 "
            "beginnen en de elfproef voor onderwijsnummers halen."
        ) from exc


SUBSTITUTE_PATTERN = re.compile(r"VN[0-9A-F]{12}")


def clean_substitute_number(value: str) -> str:
    """A substitute number as `substitute_number()` makes it, or InvalidInput."""
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if not SUBSTITUTE_PATTERN.fullmatch(compact):
        raise InvalidInput(
            "Het vervangend nummer klopt niet: het bestaat uit VN en 12 cijfers of letters "
            "A tot en met F."
        )
    return compact


# a number as vix shows it (`shown_number`), copied back into a command
_MASKED_HINT = (
    " Een nummer met sterretjes is afgeschermd: geef het hele nummer. Het vervangend "
    "nummer (VN...) van een jeugdige zonder BSN toont 'vix inzage' voluit, ook op naam "
    "(--achternaam, --geboortedatum, --geslacht); een BSN of onderwijsnummer weten de "
    "ouders of de school."
)


def _masked_hint(compact: str) -> str:
    return _MASKED_HINT if "*" in compact else ""


def clean_number_without_bsn(value: str) -> tuple[str, str]:
    """(number, id_kind) of an onderwijsnummer or a substitute number, or InvalidInput.

    The three kinds cannot be confused: a substitute number starts with VN,
    and no 9 digits pass both the BSN's 11-test (sum 0 mod 11) and the
    onderwijsnummer's (sum 5 mod 11). A BSN is refused with a pointer to
    --bsn, so that each option has one kind and one precise error message.
    """
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if compact.startswith("VN"):
        return clean_substitute_number(compact), "substitute"
    if not compact.isdigit():
        raise InvalidInput(
            "Geef een onderwijsnummer (9 cijfers, begint met 10) of een vervangend nummer "
            "(VN en 12 cijfers of letters A tot en met F)." + _masked_hint(compact)
        )
    if len(compact) == 9 and stdnum_bsn.is_valid(compact):
        raise InvalidInput(
            "Dit nummer is een BSN, geen onderwijsnummer of vervangend nummer: gebruik --bsn."
        )
    return clean_onderwijsnummer(compact), "onderwijsnummer"


def clean_youth_number(value: str) -> str:
    """A BSN, onderwijsnummer or substitute number, told apart by its form; or InvalidInput.

    For a command that names a youth already registered, whichever number he or
    she was registered by. Nine digits that pass neither 11-test get the BSN's
    message (most numbers typed are BSNs), which never echoes the number.
    """
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if compact.startswith("VN") or stdnum_onderwijsnummer.is_valid(compact):
        return clean_number_without_bsn(compact)[0]
    if not compact.isdigit():
        raise InvalidInput(
            "Geef het BSN (9 cijfers), het onderwijsnummer of het vervangend nummer (VN...) "
            "van de jeugdige." + _masked_hint(compact)
        )
    return clean_bsn(compact)


NUMBER_KIND_LABELS = {
    "bsn": "BSN",
    "onderwijsnummer": "onderwijsnummer",
    "substitute": "vervangend nummer",
}


def number_kind(number: str) -> str:
    """The id_kind of a number cleaned by `clean_youth_number`."""
    if number.startswith("VN"):
        return "substitute"
    return "onderwijsnummer" if stdnum_onderwijsnummer.is_valid(number) else "bsn"


def shown_number(number: str) -> str:
    """The youth's number as a view or document shows it beside his or her name.

    A BSN and an onderwijsnummer show only their last three digits (`text.mask`). A
    substitute number is shown whole: `substitute_number` derives it without a key from
    the surname, birth date and sex, so it tells nobody who sees the youth's name and
    birth date more than the sex, and anyone who knows the three computes it. Masked,
    it was the one thing missing for a youth without a BSN: `vix jeugdige wis`,
    `corrigeer`, `verhuis`, `samenvoegen` and `apart` take the number, and the inzage
    (which finds such a youth by name) never showed it. The audit log and the outbox
    keep what they did: a pseudonym, and no number.
    """
    return number if number_kind(number) == "substitute" else mask(number)


def clean_sex(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    found = SEXES.get(value.strip().lower())
    if found is None:
        raise InvalidInput(f"Geslacht '{value}' onbekend: gebruik M, V of X.")
    return found


def check_age(birth_date: date, today: date) -> None:
    """Rule 2: a youth is born, and born after the date 23 years ago."""
    if birth_date > today:
        raise InvalidInput(
            f"De geboortedatum ({dutch_date(birth_date)}) ligt in de toekomst: een signaal kan "
            "pas na de geboorte. Geef de geboortedatum van vandaag of eerder (dd-mm-jjjj)."
        )
    if twenty_third_birthday(birth_date) <= today:
        raise InvalidInput(TOO_OLD)


# rule 2's refusal of a youth aged 23 or more (a school list's row of one is skipped:
# `importer._Run.batch`)
TOO_OLD = "De jeugdige is 23 jaar of ouder; de verwijsindex is alleen voor jeugdigen tot 23 jaar."


def anniversary(day: date, years: int) -> date:
    """The same day `years` later; from 29 February, in a year without one, 1 March."""
    later = day + relativedelta(years=years)
    return later if later.day == day.day else later + timedelta(days=1)


def twenty_third_birthday(birth_date: date) -> date:
    """The first day rule 2 refuses the youth, and the day his or her signals end.

    Someone born on 29 February turns 23 on 1 March when that year has no 29
    February: rule 2 ("born after the date 23 years ago") still accepts him or
    her on 28 February.
    """
    return anniversary(birth_date, MAX_AGE_YEARS)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(
        r"[^A-Z]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    )


def substitute_number(*, infix: str, surname: str, birth_date: date, sex: str | None) -> str:
    """A stable number for a youth without a BSN, from surname, birth date and sex.

    The surname is the whole name with its infix (tussenvoegsel), folded to its
    letters A-Z: "de Vries" typed as surname, "De Vries", "deVries" and infix
    "de" with surname "Vries" are one name and one number, so that two
    professionals who split the name differently still find one youth. Every
    argument is named: an infix left out, or swapped with the surname, would
    derive another child's number without a word.
    """
    name = _fold(infix + surname)
    if not name or sex is None:
        raise InvalidInput(
            "Voor een jeugdige zonder BSN zijn achternaam, geboortedatum en geslacht nodig."
        )
    return _number_of(name, birth_date, sex)


def _number_of(folded: str, birth_date: date, sex: str) -> str:
    digest = hashlib.sha256(f"{folded}|{birth_date.isoformat()}|{sex}".encode()).hexdigest()
    return "VN" + digest[:12].upper()


@dataclass(frozen=True)
class SubstituteData:
    """What a substitute number is derived from, as the parents give it for an inzage."""

    infix: str
    surname: str
    birth_date: date
    sex: str | None

    def number(self) -> str:
        return substitute_number(
            infix=self.infix, surname=self.surname, birth_date=self.birth_date, sex=self.sex
        )


def address_key(postcode: str | None, house_number: str | None) -> str | None:
    """Normalised '1234AB-12' or '1234AB-12-A' for family matching, or None when incomplete."""
    if not postcode or not house_number:
        return None
    return f"{clean_postcode(postcode)}-{clean_house_number(house_number)}"


def clean_postcode(postcode: str) -> str:
    """'2011 ab' -> '2011AB', or InvalidInput."""
    pc = re.sub(r"\s", "", postcode).upper()
    if not re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", pc):
        raise InvalidInput(f"Postcode '{postcode}' is ongeldig; gebruik de vorm 1234 AB.")
    return pc


# a house number, then its letter or addition ('12', '12A', '12 a', '12-2', '12 bis')
_HOUSE_PARTS = re.compile(r"0*([0-9]{1,5})(?![0-9])[\s-]*([A-Z0-9][A-Z0-9\s-]*)?")
# The BAG's limits: a house number of at most 5 digits, a house letter and an
# addition of at most 4 characters (12 A BIS -> 12-ABIS); one more for slack.
HOUSE_ADDITION_MAX = 6


def clean_house_number(house_number: str) -> str:
    """'12' -> '12'; '12 a', '12-A' and '12A' -> '12-A'; '12-2' -> '12-2'; or InvalidInput.

    The number and its addition stay apart: 12 with addition 2 is not 122. A
    longer number is refused: it is no house number (a BSN in the wrong column
    would otherwise be stored in clear as an address).
    """
    parts = _HOUSE_PARTS.fullmatch(house_number.strip().upper())
    addition = "" if parts is None else re.sub(r"[\s-]", "", parts[2] or "")
    if parts is None or len(addition) > HOUSE_ADDITION_MAX:
        raise InvalidInput(
            f"Huisnummer '{house_number}' is ongeldig; bijvoorbeeld 12, 12A of 12-2 "
            "(hooguit 5 cijfers, en een toevoeging van hooguit 6 tekens)."
        )
    return f"{parts[1]}-{addition}" if addition else parts[1]


@dataclass(frozen=True)
class Youth:
    id: int
    bsn: str
    id_kind: str
    given_name: str
    infix: str
    surname: str
    birth_date: date
    sex: str | None
    municipality_id: int | None
    municipality: str | None
    postcode: str | None
    house_number: str | None
    created_at: str
    updated_at: str

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given_name, self.infix, self.surname) if p)


@dataclass
class YouthData:
    """What is needed to register a youth (from a signal or an import)."""

    number: str
    id_kind: str
    given_name: str
    surname: str
    birth_date: date
    infix: str = ""
    sex: str | None = None
    municipality: str | None = None
    postcode: str | None = None
    house_number: str | None = None
    parents: list[str] = field(default_factory=list)


_YOUTH_SQL = (
    "SELECT y.*, m.code AS mcode FROM youths y"
    " LEFT JOIN municipalities m ON m.id = y.municipality_id"
)


def _youth(row: sqlite3.Row) -> Youth:
    return Youth(
        id=row["id"],
        bsn=row["bsn"],
        id_kind=row["id_kind"],
        given_name=row["given_name"],
        infix=row["infix"],
        surname=row["surname"],
        birth_date=date.fromisoformat(row["birth_date"]),
        sex=row["sex"],
        municipality_id=row["municipality_id"],
        municipality=row["mcode"],
        postcode=row["postcode"],
        house_number=row["house_number"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


# what to check after "niets opgeslagen over deze jeugdige" (coordinator and administrator)
CHECK_NUMBER = (
    "Controleer het nummer: het BSN, het onderwijsnummer (begint met 10) of het vervangend "
    "nummer (VN...) van de jeugdige."
)


def find_youth(store: Store, number: str) -> Youth | None:
    row = store.row(_YOUTH_SQL + " WHERE y.bsn = ?", (number,))
    return None if row is None else _youth(row)


def youth_by_id(store: Store, youth_id: int) -> Youth:
    row = store.row(_YOUTH_SQL + " WHERE y.id = ?", (youth_id,))
    assert row is not None
    return _youth(row)


def derived_number(youth: Youth) -> str | None:
    """The substitute number the data of a youth without a BSN derive now.

    None for a youth registered by BSN or onderwijsnummer, or without the data
    to derive one (no sex). A stored number that differs from it is one of the
    rule before migration 0011, kept because another registration held this one.
    """
    if youth.id_kind != "substitute":
        return None
    try:
        return substitute_number(
            infix=youth.infix, surname=youth.surname, birth_date=youth.birth_date, sex=youth.sex
        )
    except InvalidInput:
        return None


def registrations_deriving(store: Store, data: SubstituteData) -> list[Youth]:
    """Every registration the data denote: the one that holds the number they derive,
    and those without a BSN whose data derive it too but that keep an older number.

    An older number is one of the rule before migration 0011, which read the
    surname field alone: the folded name without what the infix field held,
    which is a part at the front. So each shorter end of the folded name is
    tried, by number through the unique index (no scan of the youths). One
    youth registered once gives one registration; none gives an empty list.
    More than one is the pair `vix jeugdige dubbel` lists (`corrections.
    substitute_duplicates`): most likely one child registered under two splits
    of the name, or twins of one sex.
    """
    number = data.number()
    assert data.sex is not None  # number() refuses a missing sex
    folded = _fold(data.infix + data.surname)
    earlier = [_number_of(folded[k:], data.birth_date, data.sex) for k in range(1, len(folded))]
    found = [
        _youth(row)
        for row in store.rows(
            _YOUTH_SQL + " WHERE y.bsn IN (SELECT value FROM json_each(?)) ORDER BY y.id",
            (json.dumps([number, *earlier]),),
        )
    ]
    return [y for y in found if y.bsn == number or derived_number(y) == number]


def same_youth_registrations(store: Store, youth: Youth) -> list[Youth]:
    """`youth` and every other registration its data denote (`registrations_deriving`).

    A youth that keeps an older number comes with the registration that holds
    the number his or her data derive now, and that one with every youth that
    keeps an older number. A youth with a BSN or onderwijsnummer, or without
    a second registration, is alone.
    """
    if derived_number(youth) is None:
        return [youth]
    data = SubstituteData(youth.infix, youth.surname, youth.birth_date, youth.sex)
    others = registrations_deriving(store, data)
    return sorted({y.id: y for y in [youth, *others]}.values(), key=lambda y: y.id)


def fold_given_name(name: str) -> str:
    """A given name without case, accents, spaces or hyphens: "Anne-Marie", "anne marie"
    and "Anné Marie" are one name, as `substitute_number` folds the surname."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c)).casefold()


# a typo is tolerated in a name of at least this many letters: "Bo" and "Jo" are two names
_TYPO_FROM = 3


def _one_typo_apart(a: str, b: str) -> bool:
    """Equal, or (both of at least `_TYPO_FROM` letters) one letter added, left out or
    changed, or two neighbours swapped."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) < _TYPO_FROM or len(long) > len(short) + 1:
        return False
    if len(a) != len(b):
        return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    if len(diff) != 2:
        return False
    i, j = diff  # two neighbours swapped
    return j == i + 1 and a[i] == b[j] and a[j] == b[i]


def _letters(name: str) -> str:
    """A name folded (`fold_given_name`), with the Dutch ij and y as one letter (Dijk, Dyk)."""
    return fold_given_name(name).replace("ij", "y")


def _surname_ends(infix: str, surname: str) -> list[str]:
    """The surname with its infix, folded (`_letters`), and each shorter end of it that
    starts a word: "van Dijk" -> ["vandyk", "dyk"], "Jansen-de Vries" -> [..., "vries"]."""
    words = [w for w in map(_letters, re.split(r"[\s\-'’`]+", f"{infix} {surname}")) if w]
    return ["".join(words[i:]) for i in range(len(words))]


class Named(Protocol):
    """A name as `names_fit` compares it: a `Youth`, `YouthData`, or a pupil list's row."""

    @property
    def given_name(self) -> str: ...
    @property
    def infix(self) -> str: ...
    @property
    def surname(self) -> str: ...


def names_fit(youth: Named, data: Named) -> bool:
    """Whether the name typed for a registered number may be the registered youth's.

    Rule 9: a signal on a known number answers with the stored name, so a name
    that clearly belongs to someone else is refused (`signals.place_signal`);
    a pupil list's row for a youth the school did not list before is refused
    by the same test (`importer`), so that it cannot write over another child.
    Clearly: the given name and the surname both differ, so that a call name
    for the official one, a typo, or another split of the surname passes: one
    of the two fitting is enough. Each is folded first (`_letters`: case,
    accents, spaces, hyphens and apostrophes do not count, ij is y; the surname
    with its infix, joined or not) and then still fits with one typo. A surname
    fits too when one is the other's end from a word on: an infix left out
    ("Vries" for "de Vries") or one part of a double name ("de Vries" for
    "Jansen-de Vries"). Someone who has the number and the birth date but not
    the name does not get it.
    """
    given = _one_typo_apart(_letters(youth.given_name), _letters(data.given_name))
    stored = _surname_ends(youth.infix, youth.surname)
    typed = _surname_ends(data.infix, data.surname)
    if not (stored and typed):  # no letter at all (data from before the checks)
        return given
    surname = _one_typo_apart(stored[0], typed[0]) or stored[0] in typed or typed[0] in stored
    return given or surname


def registration_by_data(store: Store, data: YouthData) -> tuple[Youth | None, list[Youth]]:
    """The registration a signal by substitute data lands on, and every registration
    those data denote (`registrations_deriving`).

    The substitute number cannot tell twins of one sex apart: a second child with the
    same surname, birth date and sex has the same number. So the given name decides:
    one registration is taken only when its given name is the one typed (folded,
    `fold_given_name`); of a group (a pair `vix jeugdige dubbel` lists, kept apart
    or not) the one registration with that given name. None with an empty list: a
    new youth. None with registrations: no telling which child is meant, and the
    caller refuses rather than put a signal on another child (need to know).
    """
    assert data.id_kind == "substitute"
    group = registrations_deriving(
        store, SubstituteData(data.infix, data.surname, data.birth_date, data.sex)
    )
    typed = fold_given_name(data.given_name)
    named = [y for y in group if fold_given_name(y.given_name) == typed]
    return (named[0] if len(named) == 1 else None), group


def pair_key(first_id: int, second_id: int) -> tuple[int, int]:
    """Two youth ids as `kept_apart` stores them: the lower first."""
    return (first_id, second_id) if first_id < second_id else (second_id, first_id)


def kept_apart_pairs(store: Store, youth_ids: list[int]) -> set[tuple[int, int]]:
    """The pairs among `youth_ids` that the coordinator judged two children
    (`vix jeugdige apart`), each as `pair_key` gives it. Looked up by key: the
    registrations of one name, birth date and sex are a handful."""
    ids = json.dumps(sorted(youth_ids))
    return {
        (r[0], r[1])
        for r in store.rows(
            "SELECT youth_id, other_youth_id FROM kept_apart"
            " WHERE youth_id IN (SELECT value FROM json_each(:ids))"
            " AND other_youth_id IN (SELECT value FROM json_each(:ids))",
            {"ids": ids},
        )
    }


@dataclass
class Registration:
    """One registration of a youth, as the coordinator needs it to judge a duplicate."""

    number: str
    name: str
    surname: str  # the surname field alone (a correction that derives the number names it)
    birth_date: str
    municipality: str | None

    @classmethod
    def of(cls, youth: Youth) -> Registration:
        return cls(
            youth.bsn, youth.name, youth.surname, youth.birth_date.isoformat(), youth.municipality
        )


def find_pupil(store: Store, organisation_id: int, pupil_number: str) -> Youth:
    row = store.row(
        _YOUTH_SQL + " JOIN pupils p ON p.youth_id = y.id"
        " WHERE p.organisation_id = ? AND p.pupil_number = ?",
        (organisation_id, pupil_number.strip()),
    )
    if row is None:
        raise NotFound(
            f"Leerlingnummer {pupil_number} is niet bekend bij uw organisatie (vix zoekt niet "
            "op naam). Gebruik het BSN, of importeer de leerlinglijst met 'vix import "
            "leerlingen'. Heeft de jeugdige geen nummer, geef dan --zonder-bsn met voornaam, "
            "achternaam, geboortedatum, geslacht en gemeente."
        )
    return _youth(row)


def clean_parents(parents: list[str], child: str | None) -> set[str]:
    """The parents' BSNs of the youth numbered `child`, checked: never his or her own."""
    numbers = {clean_bsn(p, what="Het BSN van een ouder") for p in parents}
    if child in numbers:
        # the youth as his or her own parent would replace a real parent's key, and
        # link the youth in a family with anyone who gave that number as a parent
        raise InvalidInput(
            "Het BSN van een ouder is het BSN van de jeugdige zelf. Geef het BSN van een "
            "ouder of verzorger."
        )
    return numbers


def parent_keys(store: Store, parents: list[str], child: str) -> set[int]:
    """The keys of the parents' BSNs of the youth numbered `child` (`clean_parents`)."""
    return {store.parent_key(n) for n in clean_parents(parents, child)}


def register_youth(
    store: Store, by: Professional | None, data: YouthData, existing: Youth | None = None
) -> tuple[int, bool]:
    """Insert a youth unless the number is known; returns (id, created).

    A known youth is left as stored: a signal never overwrites what the
    administration (import) registered. Family links (parent keys, address)
    of a new youth may create a family match, so the caller recomputes.
    `existing` is the registration the caller already found for these data
    (by substitute data it may keep an older number); the input is checked
    all the same.
    """
    mid = None if data.municipality is None else municipality_id(store, data.municipality)
    if data.house_number:  # stored even without a postcode: it must be a house number
        clean_house_number(data.house_number)
    # checked whether or not they are stored: a name with a control character, a number
    # or 100,000 characters is refused as typed, also for a youth the index knows
    # (README: "vix weigert dit alles bij invoer"), where it was compared and passed over
    given = required_name(data.given_name, "De voornaam") if data.given_name else ""
    infix = one_line(data.infix, "Het tussenvoegsel", name=True)
    surname = required_name(data.surname, "De achternaam") if data.surname else ""
    akey = address_key(data.postcode, data.house_number)
    keys = parent_keys(store, data.parents, data.number)
    if existing is None:
        existing = find_youth(store, data.number)
    if existing is None:
        youth_id = store.insert(
            "INSERT INTO youths (bsn, id_kind, given_name, infix, surname, birth_date, sex,"
            " municipality_id, postcode, house_number, address_key, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                data.number,
                data.id_kind,
                required_name(given, "De voornaam"),
                infix,
                required_name(surname, "De achternaam"),
                data.birth_date.isoformat(),
                data.sex,
                mid,
                data.postcode,
                data.house_number,
                akey,
                store.stamp,
                store.stamp,
            ),
        )
        set_parents(store, youth_id, keys)
        store.audit(
            None if by is None else by.id, "create", "youth", youth_id, subject_number=data.number
        )
        return youth_id, True
    return existing.id, False


@dataclass(frozen=True)
class Home:
    """Where and with whom a youth lives, as a signaller gives it for a youth the
    index may know already (`complete_youth`)."""

    municipality: str | None = None
    postcode: str | None = None
    house_number: str | None = None
    parents: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, data: YouthData) -> Home:
        return cls(data.municipality, data.postcode, data.house_number, list(data.parents))


@dataclass
class Completion:
    """What `complete_youth` did with a signaller's `Home` for a registered youth."""

    filled: list[str] = field(default_factory=list)  # empty until now: stored (Dutch labels)
    # given, but the index held a value (or emptied the field on purpose): left as it
    # was, whether or not the given value is the stored one
    not_used: list[str] = field(default_factory=list)


def complete_youth(store: Store, by: Professional, youth: Youth, home: Home) -> Completion:
    """Fill what the index does not hold yet of a registered youth's parents, address and
    municipality.

    A second signaller may know what the first did not: a parent, the home
    address, the municipality (a pupil list whose town vix did not recognise).
    Dropping it would miss a family match (rule 7), or leave the matches without
    a regievoerder and alderman (rules 12, 13), so a field that is still empty
    takes the given value; the caller reconciles the family afterwards (links
    are only added, so the youth's family now holds the one before), and that
    reconcile takes the youth's open matches to the municipality filled
    (`matching.follow_residence`). A field that holds a value is not used,
    whatever was given: another organisation (or a school's pupil list)
    registered it, and a typo here would take another child's family. Nor is a
    field that a correction or a move emptied (`emptied_on_purpose`): the
    parents asked for it, or the youth no longer lives there, and filling it
    back from an older file would undo that unseen.

    What the caller tells the signaller (`not_used`: parents, address) depends
    only on which fields were given and which of them the index held, never on
    whether a given value is the stored one (rule 16): an answer that differed
    for a right and a wrong guess would confirm where a youth lives or who the
    parent is, and withdrawing as `onterecht` in between would let anyone probe
    unseen. The municipality is not in it: every signal with the youth's data
    gives one (`vix signaleer` requires it), so "not used" would stand under
    nearly every second signal and say nothing; a stored one stays as it is,
    as the sex and the spelling of the name do. For the same reason the address
    is filled whatever municipality was given: refusing it for another
    municipality than the stored one would tell the municipality. A correction
    is for the coordinator (`vix jeugdige corrigeer`), a move for `vix jeugdige
    verhuis`.
    Parents count as one field, and so do postcode and house number: a stored
    part leaves both parts as they are.
    The input is checked as for a new youth (`register_youth`; an unknown
    municipality code is refused). A filled field is logged as an update, a
    field not used as a lookup (the answer tells that the index holds it), the
    fields named, never the values; the lookup's "afwijkend" names those whose
    given value differs from the stored one, for the auditor only.
    """
    done = Completion()
    differs: list[str] = []  # for the audit record only, never for the answer
    emptied: set[str] | None = None  # read once, and only for an empty field

    def was_emptied(label: str) -> bool:
        nonlocal emptied
        if emptied is None:
            emptied = emptied_on_purpose(store, youth.id)
        return label in emptied

    keys = parent_keys(store, home.parents, youth.bsn)
    if keys:
        stored = {
            r[0]
            for r in store.rows(
                "SELECT parent_key FROM youth_parents WHERE youth_id = ?", (youth.id,)
            )
        }
        if stored or was_emptied("ouders"):
            done.not_used.append("ouders")
            if not keys <= stored:  # given parents all among the stored ones agree
                differs.append("ouders")
        else:
            set_parents(store, youth.id, keys)
            done.filled.append("ouders")
    given_mid = None if home.municipality is None else municipality_id(store, home.municipality)
    postcode = None if not home.postcode else clean_postcode(home.postcode)
    house = None if not home.house_number else home.house_number.strip()
    if house is not None:
        clean_house_number(house)  # refuses what is not a house number
    if postcode is not None or house is not None:
        if youth.postcode or youth.house_number or was_emptied("adres"):
            done.not_used.append("adres")
            if (postcode is not None and not _same_postcode(postcode, youth.postcode)) or (
                house is not None and not _same_house_number(house, youth.house_number)
            ):
                differs.append("adres")
        else:
            set_address(store, youth.id, postcode, house)
            done.filled.append("adres")
    if given_mid is not None and youth.municipality_id is None:
        # not a move (from nowhere): no youth_moves row and no move notice, as a pupil
        # list that names the town for the first time (`importer`)
        store.execute(
            "UPDATE youths SET municipality_id = ?, updated_at = ? WHERE id = ?",
            (given_mid, store.stamp, youth.id),
        )
        done.filled.append("gemeente")
    if done.filled:
        store.audit(
            by.id,
            "update",
            "youth",
            youth.id,
            subject_number=youth.bsn,
            detail={"bron": "signaleer", "velden": done.filled},
        )
    if done.not_used:
        store.lookup(
            by.id,
            youth.id,
            youth.bsn,
            {"bron": "signaleer", "niet_overgenomen": done.not_used, "afwijkend": differs},
        )
    return done


# the audit records that empty a youth's parents or address on purpose, with the
# fields they name (`corrections.correct_youth`: "correct" with FIELD_LABELS keys;
# `signals.move_youth`: an "update" from "verhuis")
_EMPTYING_FIELDS = {
    "parents": "ouders",
    "postcode": "adres",
    "house_number": "adres",
    "huisnummer": "adres",
}


def emptied_on_purpose(store: Store, youth_id: int) -> set[str]:
    """The fields of `complete_youth` ("ouders", "adres") that a correction or a move
    changed; for a field that is empty now, that is what emptied it.

    Derived from the audit log (rule 18 keeps every change, fields named) rather
    than a column: a correction at the parents' request (rule 17) or a move that
    cleared the old address says the index knows the field is empty, which a
    field nobody knew does not. Only the coordinator's correction (or a move, or
    the school's own pupil list) sets it again.
    """
    found: set[str] = set()
    for row in store.rows(
        "SELECT detail FROM audit_log WHERE entity = 'youth' AND entity_id = ?"
        " AND (action = 'correct' OR (action = 'update'"
        "   AND json_extract(detail, '$.bron') = 'verhuis'))",
        (youth_id,),
    ):
        fields = json.loads(row[0] or "{}").get("velden", [])
        found.update(_EMPTYING_FIELDS[f] for f in fields if f in _EMPTYING_FIELDS)
    return found


def _same_postcode(given: str, stored: str | None) -> bool:
    return stored is not None and given == re.sub(r"\s", "", stored).upper()


def _same_house_number(given: str, stored: str | None) -> bool:
    if stored is None:
        return False
    try:
        return clean_house_number(given) == clean_house_number(stored)
    except InvalidInput:  # stored before vix checked house numbers
        return False


def set_address(
    store: Store, youth_id: int, postcode: str | None, house_number: str | None
) -> None:
    """Store a youth's home address (both parts checked by the caller) with its key."""
    store.execute(
        "UPDATE youths SET postcode = ?, house_number = ?, address_key = ?, updated_at = ?"
        " WHERE id = ?",
        (postcode, house_number, address_key(postcode, house_number), store.stamp, youth_id),
    )


def set_parents(store: Store, youth_id: int, keys: set[int]) -> None:
    store.db.conn.executemany(
        "INSERT OR IGNORE INTO youth_parents (youth_id, parent_key) VALUES (?, ?)",
        [(youth_id, k) for k in sorted(keys)],
    )
