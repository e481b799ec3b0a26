"""Correcting what the index holds about a youth (DOMAIN.md rule 17).

Parents or the youth may ask for a correction, as they may ask for an inzage
or an erasure; a regional coordinator or an administrator handles the request
and records it with `vix jeugdige corrigeer`. Contract:

- Any of name, birth date, sex, home address and registered parents may be
  corrected, and the number: a youth registered by onderwijsnummer or
  substitute number gets the BSN once it is known, and a mistyped BSN is put
  right. The municipality is not corrected here: that is a move (rule 11).
- A youth without a BSN keeps a substitute number derived from surname (with
  its infix), birth date and sex [BJW 7.3.1], so correcting one of those
  derives it again. Moving an infix between the infix and the surname field
  ("de" + "Vries" to "de Vries") is the same name and keeps the number.
- A number that already belongs to another youth is refused: two
  registrations are never merged by a correction, and nothing is written.
- A new number keeps the youth's history findable: a 'renumber' audit record
  links the new pseudonym to the old one, as the pupil import does, so an
  inzage by the new number lists what was logged under the old.
- A corrected birth date is not in the future, and not after what the index
  recorded about the youth: a signal placed, the parents informed of one, a
  move (`signals.earliest_record`).
- A corrected birth date moves the planned removal of the youth's signals and
  the end of their archive entries (both end at the 23rd birthday at the
  latest); what is then due ends at once, as `vix onderhoud` would end it.
- Corrected parents or address can make or end a family match: the youth's
  family as it was and as it is now is reconciled, and the members told.
- The audit record names the fields that changed, never their values.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from .db import Store
from .errors import (
    Conflict,
    InvalidInput,
    Lookup,
    NotFound,
    RevealingConflict,
    UsageError,
    revealing,
)
from .matching import (
    MatchChange,
    MatchCounts,
    count_matches,
    end_match,
    family_of,
    reconcile,
)
from .notices import queue_for_changes
from .people import Professional, add_institution_address, remove_institution_address
from .render import dutch_date
from .signals import (
    archive_end,
    archive_start,
    earliest_record,
    end_registrations,
    expire_signals,
    forget_youth_if_unused,
    planned_removal,
)
from .text import one_line, required_name
from .youths import (
    CHECK_NUMBER,
    Registration,
    Youth,
    address_key,
    clean_bsn,
    clean_house_number,
    clean_parents,
    clean_postcode,
    derived_number,
    find_youth,
    pair_key,
    parent_keys,
    same_youth_registrations,
    set_parents,
    substitute_number,
    twenty_third_birthday,
    youth_by_id,
)

# a corrected birth date before this year is a typo (01-01-0003), not a person: with
# --ouder-dan-23 it would erase every signal on the youth
OLDEST_BIRTH_YEAR = 1900

# the Dutch name of each field a correction can change, as the command reports it
FIELD_LABELS = {
    "bsn": "nummer",
    "given_name": "voornaam",
    "infix": "tussenvoegsel",
    "surname": "achternaam",
    "birth_date": "geboortedatum",
    "sex": "geslacht",
    "postcode": "postcode",
    "house_number": "huisnummer",
    "parents": "ouders",
}


@dataclass
class Correction:
    """What the request corrects; None leaves a field as it is."""

    bsn: str | None = None
    given_name: str | None = None
    infix: str | None = None
    surname: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    postcode: str | None = None
    house_number: str | None = None
    no_address: bool = False
    parents: list[str] | None = None  # replaces the registered parents
    no_parents: bool = False
    # the corrected birth date makes the youth 23 or older: yes, erase what rule 15 says
    over_23: bool = False

    def empty(self) -> bool:
        return replace(self, over_23=False) == Correction()


@dataclass
class CorrectionResult:
    name: str  # the youth's name after the correction
    corrected: list[str] = field(default_factory=list)  # FIELD_LABELS of what changed
    signals_ended: int = 0  # due after a corrected birth date
    registrations_ended: int = 0  # school registrations, when the youth is 23 or older
    # family matches the correction made, changed (members came or left) or ended
    matches_new: int = 0
    matches_changed: int = 0
    matches_ended: int = 0
    notices: int = 0
    forgotten: bool = False  # nothing left to hold: the registration is erased


def correct_youth(
    store: Store, by: Professional, number: str, correction: Correction
) -> CorrectionResult:
    """Rule 17: correct the youth registered under `number`; see the module contract."""
    by.require("coordinator", "admin")
    c = correction
    if c.over_23 and c.birth_date is None:
        raise UsageError(
            "--ouder-dan-23 hoort bij --geboortedatum: het bevestigt dat de jeugdige met de "
            "nieuwe geboortedatum 23 jaar of ouder is."
        )
    if c.empty():
        raise UsageError(
            "Geef aan wat er gecorrigeerd moet worden, bijvoorbeeld --achternaam of --bsn."
        )
    if c.no_address and (c.postcode is not None or c.house_number is not None):
        raise UsageError("Geef --geen-adres óf een postcode en huisnummer, niet allebei.")
    if c.no_parents and c.parents:
        raise UsageError("Geef --geen-ouders óf --ouder, niet allebei.")
    # what the youth's data do not decide comes first: a refusal after the youth is
    # found tells that the number is registered
    if c.birth_date is not None and c.birth_date.year < OLDEST_BIRTH_YEAR:
        typed = f"{c.birth_date.day:02d}-{c.birth_date.month:02d}-{c.birth_date.year:04d}"
        raise InvalidInput(
            f"De geboortedatum {typed} kan niet kloppen (vóór {OLDEST_BIRTH_YEAR}); "
            "controleer het jaartal (dd-mm-jjjj). Er is niets gewijzigd."
        )
    if c.birth_date is not None and c.birth_date > store.today:
        raise InvalidInput(
            f"De geboortedatum {dutch_date(c.birth_date)} ligt in de toekomst; controleer de "
            "datum: vandaag of eerder (dd-mm-jjjj). Er is niets gewijzigd."
        )
    _check_formats(c)
    youth = find_youth(store, number)
    if youth is None:
        raise NotFound(
            "Over deze jeugdige is niets opgeslagen in de verwijsindex; er is niets gewijzigd. "
            + CHECK_NUMBER
        )
    # from here every answer, a refusal too, tells that the number is registered (and
    # most name the youth): a read of personal data, logged (rule 18)
    with revealing([Lookup(by.id, youth.id, youth.bsn, {"bron": "corrigeer"})]):
        return _correct(store, by, youth, c)


def _check_formats(c: Correction) -> None:
    """What each given value must look like, whatever youth it is for: refused before
    the youth is looked up, so that the refusal is the same for a number vix knows and
    one it does not (and no lookup is logged for a typo). `_correct` cleans them again."""
    if c.given_name is not None:
        required_name(c.given_name, "De voornaam")
    if c.infix is not None:
        one_line(c.infix, "Het tussenvoegsel", name=True)
    if c.surname is not None:
        required_name(c.surname, "De achternaam")
    if c.postcode is not None:
        clean_postcode(c.postcode)
    if c.house_number is not None:
        clean_house_number(c.house_number)
    if c.bsn is not None:
        clean_bsn(c.bsn)
    if c.parents:
        clean_parents(c.parents, None)


def _correct(store: Store, by: Professional, youth: Youth, c: Correction) -> CorrectionResult:
    """`correct_youth` once the youth is found."""
    new = youth
    if c.given_name is not None:
        new = replace(new, given_name=required_name(c.given_name, "De voornaam"))
    if c.infix is not None:
        new = replace(new, infix=one_line(c.infix, "Het tussenvoegsel", name=True))
    if c.surname is not None:
        new = replace(new, surname=required_name(c.surname, "De achternaam"))
    if c.birth_date is not None:
        if c.birth_date > youth.birth_date:
            _refuse_born_after_records(store, youth, c.birth_date)
        if twenty_third_birthday(c.birth_date) <= store.today and not c.over_23:
            # irreversible: every signal ends at once, and the youth may be forgotten
            raise InvalidInput(
                f"Met geboortedatum {c.birth_date.strftime('%d-%m-%Y')} is de jeugdige 23 jaar "
                "of ouder: vix wist dan meteen alle signalen en schoolinschrijvingen (regel 15) "
                "en de jeugdige zelf als er niets anders overblijft; er is niets gewijzigd. "
                "Controleer de datum (dd-mm-jjjj); klopt die, geef dan ook --ouder-dan-23."
            )
        new = replace(new, birth_date=c.birth_date)
    if c.sex is not None:
        new = replace(new, sex=c.sex)
    if c.no_address:
        new = replace(new, postcode=None, house_number=None)
    if c.postcode is not None:
        new = replace(new, postcode=clean_postcode(c.postcode))
    if c.house_number is not None:
        clean_house_number(c.house_number)  # refuses what is not a house number
        new = replace(new, house_number=c.house_number.strip())
    if c.bsn is not None:
        new = replace(new, bsn=clean_bsn(c.bsn), id_kind="bsn")
    elif youth.id_kind == "substitute":
        new = replace(
            new,
            bsn=substitute_number(
                infix=new.infix, surname=new.surname, birth_date=new.birth_date, sex=new.sex
            ),
        )
    parents_before = {
        r[0]
        for r in store.rows("SELECT parent_key FROM youth_parents WHERE youth_id = ?", (youth.id,))
    }
    parents_after = parents_before
    if c.no_parents:
        parents_after = set()
    elif c.parents:
        parents_after = parent_keys(store, c.parents, new.bsn)
    elif new.bsn != youth.bsn and store.parent_key(new.bsn) in parents_before:
        raise InvalidInput(
            "Het nieuwe BSN is dat van een vastgelegde ouder van de jeugdige. Controleer het "
            "BSN, of corrigeer ook de ouders met --ouder of --geen-ouders; er is niets gewijzigd."
        )
    changed = [f for f in FIELD_LABELS if f != "parents" and getattr(new, f) != getattr(youth, f)]
    if parents_after != parents_before:
        changed.append("parents")
    result = CorrectionResult(name=new.name)
    if not changed:
        # nothing is written, but the answer names the youth: logged as what it is
        store.lookup(by.id, youth.id, youth.bsn, {"bron": "corrigeer"})
        return result
    if new.bsn != youth.bsn:
        _refuse_taken(store, by, new.bsn, new.id_kind)
    family_before = family_of(store, youth.id)
    key_before = store.scalar("SELECT address_key FROM youths WHERE id = ?", (youth.id,))
    key_after = address_key(new.postcode, new.house_number)
    store.execute(
        "UPDATE youths SET bsn = ?, id_kind = ?, given_name = ?, infix = ?, surname = ?,"
        " birth_date = ?, sex = ?, postcode = ?, house_number = ?, address_key = ?,"
        " updated_at = ? WHERE id = ?",
        (
            new.bsn,
            new.id_kind,
            new.given_name,
            new.infix,
            new.surname,
            new.birth_date.isoformat(),
            new.sex,
            new.postcode,
            new.house_number,
            key_after,
            store.stamp,
            youth.id,
        ),
    )
    if "parents" in changed:
        store.execute("DELETE FROM youth_parents WHERE youth_id = ?", (youth.id,))
        set_parents(store, youth.id, parents_after)
    if new.bsn != youth.bsn:
        _audit_renumber(store, by, youth.id, youth.bsn, new)
    store.audit(
        by.id, "correct", "youth", youth.id, subject_number=new.bsn, detail={"velden": changed}
    )
    result.corrected = [FIELD_LABELS[f] for f in changed]
    if "birth_date" in changed:
        move_end_dates(store, youth.id, new.birth_date)
        archived, deleted, _purged = expire_signals(store, by, [youth.id])
        result.signals_ended = archived + deleted
        if twenty_third_birthday(new.birth_date) <= store.today:
            # as the nightly `end_registrations_at_23` would, but now: until then the
            # schools' registrations would keep a youth of 23 in the index
            result.registrations_ended = end_registrations(store, by, youth.id, new.bsn, "age_23")
            forget_youth_if_unused(store, by, youth.id)
        # a signal deleted at 23 erases a youth left with nothing (`end_signal`)
        result.forgotten = store.scalar("SELECT 1 FROM youths WHERE id = ?", (youth.id,)) is None
    if not result.forgotten and ("parents" in changed or key_after != key_before):
        # the family as it was (a link may be gone) and as it is now (a link may be new)
        changes = reconcile(store, family_before | {youth.id})
        _count(result, changes)
        result.notices = queue_for_changes(store, changes, by)
    return result


def _refuse_born_after_records(store: Store, youth: Youth, born: date) -> None:
    """Refuse a later birth date that comes after what the index recorded about the youth."""
    first = earliest_record(store, youth.id, since=youth.birth_date)
    if first is not None and first.day < born:
        raise InvalidInput(
            f"De gecorrigeerde geboortedatum ({born.strftime('%d-%m-%Y')}) ligt na "
            f"{first.described}: de jeugdige was toen al geboren. Controleer de "
            "geboortedatum (dd-mm-jjjj); er is niets gewijzigd."
        )


def _refuse_taken(store: Store, by: Professional, number: str, kind: str) -> None:
    """Refuse a number another youth holds: a correction never merges two registrations.

    The refusal tells that the other registration exists: a lookup on it (rule 18).
    """
    other = find_youth(store, number)
    if other is None:
        return
    seen = [Lookup(by.id, other.id, other.bsn, {"bron": "corrigeer"})]
    if kind == "substitute":
        raise RevealingConflict(
            "Met deze achternaam, geboortedatum en dit geslacht is al een andere jeugdige zonder "
            "BSN geregistreerd (hetzelfde vervangend nummer). vix voegt twee registraties niet "
            "samen met een correctie; er is niets gewijzigd. Controleer de gegevens, of leg het "
            "BSN vast met --bsn. Gaat het om dezelfde jeugdige, voeg de twee dan samen met 'vix "
            "jeugdige samenvoegen' ('vix jeugdige dubbel' toont de nummers).",
            seen,
        )
    raise RevealingConflict(
        "Dit BSN hoort al bij een andere jeugdige in de verwijsindex. vix voegt twee "
        "registraties niet samen met een correctie; er is niets gewijzigd. Controleer het BSN. "
        "Gaat het om dezelfde jeugdige, voeg de twee dan samen met 'vix jeugdige samenvoegen'.",
        seen,
    )


def move_end_dates(store: Store, youth_id: int, born: date) -> None:
    """The planned removal of active signals and the end of archive entries, again.

    Both end at the 23rd birthday at the latest (rule 15); from the corrected
    birth date that day may come earlier or later. Also for a birth date a pupil
    list changes (`importer`).
    """
    for r in store.rows(
        "SELECT id, status, placed_at, planned_removal, ended_at, end_reason FROM signals"
        " WHERE youth_id = ?",
        (youth_id,),
    ):
        if r["status"] == "active":
            placed = date.fromisoformat(r["placed_at"][:10])
            store.execute(
                "UPDATE signals SET planned_removal = ? WHERE id = ?",
                (planned_removal(store, born, placed).isoformat(), r["id"]),
            )
        else:
            # counted from where `end_signal` counted it (an expiry: the planned removal)
            start = archive_start(r["ended_at"], r["end_reason"], r["planned_removal"])
            store.execute(
                "UPDATE signals SET archive_until = ? WHERE id = ?",
                (archive_end(store, born, start).isoformat(), r["id"]),
            )


@dataclass
class MergeResult:
    name: str  # the youth that stays
    signals_moved: int = 0
    duplicates: int = 0  # one professional's second active signal, removed
    # matches the merge made (the two signallers meet), changed or ended (one of two open
    # youth matches goes up in the other)
    matches_new: int = 0
    matches_changed: int = 0
    matches_ended: int = 0
    notices: int = 0
    # the two were kept apart as two children (`keep_apart`): merging drops that judgement
    was_kept_apart: bool = False


def merge_youths(store: Store, by: Professional, gone: str, kept: str) -> MergeResult:
    """Two registrations of one youth become one: `gone` goes up in `kept`.

    The case it exists for: a youth registered without a BSN (an onderwijsnummer
    or a substitute number) whom another organisation signalled by BSN. Until
    the merge the two signallers never match. Everything of `gone` moves to
    `kept`: signals (a professional with an active signal on both keeps the
    earlier one), archived signals, school registrations (unless the school
    has one on `kept`), parents, moves, the notices that name it, and its
    matches: an open youth match on both ends the younger one, and the match
    that stays takes in every signal, so members learn of each other (rule 8).
    Nobody is told that the younger one ended (`MatchChange.merged`): all
    its members are in the match that stays and hear of that one.
    `kept` keeps its number, name and birth date; an address or municipality
    only `gone` had is taken over. Both must have the same birth date: two
    children are never merged by mistake. Coordinator or administrator only.
    A judgement that the two were two children (`keep_apart`) was wrong, then:
    it goes with `gone`'s registration (ON DELETE CASCADE), as do those that
    kept `gone` apart from a third registration.
    """
    by.require("coordinator", "admin")
    source, target = _two(store, by, gone, kept, "samenvoegen")
    with revealing(_lookups(by, "samenvoegen", source, target)):
        if source.id == target.id:
            raise UsageError(
                "Geef twee verschillende registraties: de eerste gaat op in de tweede."
            )
        if source.birth_date != target.birth_date:
            raise Conflict(
                "De twee registraties hebben een andere geboortedatum; vix voegt ze niet samen, "
                "er is niets gewijzigd. Gaat het om dezelfde jeugdige, corrigeer dan eerst de "
                "geboortedatum met 'vix jeugdige corrigeer'."
            )
    family_before = family_of(store, source.id) | family_of(store, target.id)
    result = MergeResult(name=target.name)
    result.was_kept_apart = _is_kept_apart(store, source.id, target.id)
    _merge_signals(store, by, source, target, result)
    changes = _merge_matches(store, source.id, target.id)
    for table in ("pupils", "youth_moves", "outbox_youths"):
        store.execute(
            f"UPDATE OR IGNORE {table} SET youth_id = ? WHERE youth_id = ?", (target.id, source.id)
        )
    store.execute(
        "INSERT OR IGNORE INTO youth_parents (youth_id, parent_key)"
        " SELECT ?, parent_key FROM youth_parents WHERE youth_id = ?",
        (target.id, source.id),
    )
    store.execute(
        "UPDATE youths SET"
        " municipality_id = COALESCE(municipality_id, (SELECT municipality_id FROM youths"
        " WHERE id = :gone)),"
        " postcode = CASE WHEN address_key IS NULL THEN (SELECT postcode FROM youths"
        " WHERE id = :gone) ELSE postcode END,"
        " house_number = CASE WHEN address_key IS NULL THEN (SELECT house_number FROM youths"
        " WHERE id = :gone) ELSE house_number END,"
        " address_key = COALESCE(address_key, (SELECT address_key FROM youths WHERE id = :gone)),"
        " updated_at = :now WHERE id = :kept",
        {"gone": source.id, "kept": target.id, "now": store.stamp},
    )
    store.execute("DELETE FROM youths WHERE id = ?", (source.id,))
    # the 'merge' record right after the 'renumber' tells the inzage that `target` kept its
    # number and took in `source`'s (`reports._log_spans`): keep the two together
    _audit_renumber(store, by, target.id, source.bsn, target)
    store.audit(by.id, "merge", "youth", target.id, subject_number=target.bsn)
    changes += reconcile(store, (family_before - {source.id}) | {target.id})
    _count(result, changes)
    result.notices = queue_for_changes(store, changes, by)
    return result


def _count(result: CorrectionResult | MergeResult, changes: list[MatchChange]) -> None:
    counts = count_matches(changes)
    result.matches_new, result.matches_changed = counts.new, counts.changed
    result.matches_ended = counts.ended


def _two(
    store: Store, by: Professional, first: str, second: str, source: str
) -> tuple[Youth, Youth]:
    """The two registrations a coordinator named, or NotFound.

    When only one is found, the refusal says which one is not: so it tells that
    the other is registered, and is logged as a lookup on that one (rule 18).
    """
    one, other = find_youth(store, first), find_youth(store, second)
    if one is None or other is None:
        which = "de eerste" if one is None else "de tweede"
        refusal = NotFound(
            f"Over {which} jeugdige is niets opgeslagen in de verwijsindex; er is niets "
            "gewijzigd. Controleer het nummer; 'vix jeugdige dubbel' toont de nummers van "
            "registraties die mogelijk dubbel zijn."
        )
        refusal.lookups = _lookups(by, source, *(y for y in (one, other) if y is not None))
        raise refusal
    return one, other


def _lookups(by: Professional, source: str, *youths: Youth) -> list[Lookup]:
    """One lookup per youth (once, however often named) for `errors.revealing`."""
    unique = {y.id: y for y in youths}
    return [Lookup(by.id, y.id, y.bsn, {"bron": source}) for y in unique.values()]


def _audit_renumber(
    store: Store, by: Professional, youth_id: int, old_number: str, now: Youth
) -> None:
    """The 'renumber' record under the new number's pseudonym that names the old one's:
    an inzage by either number follows it (`reports.inzage`)."""
    store.audit(
        by.id,
        "renumber",
        "youth",
        youth_id,
        subject_number=now.bsn,
        detail={"vorige_sleutel": store.pseudonym(old_number), "nummer": now.id_kind},
    )


def _merge_signals(
    store: Store, by: Professional, source: Youth, target: Youth, result: MergeResult
) -> None:
    """Move the signals; of one professional's two active signals the earlier stays."""
    active = (
        "SELECT id, professional_id, placed_at FROM signals WHERE youth_id = ?"
        " AND status = 'active'"
    )
    on_target = {r["professional_id"]: r for r in store.rows(active, (target.id,))}
    for r in store.rows(active, (source.id,)):
        other = on_target.get(r["professional_id"])
        if other is None:
            continue
        later = max(r, other, key=lambda s: (s["placed_at"], s["id"]))
        store.execute("DELETE FROM signals WHERE id = ?", (later["id"],))
        store.audit(
            by.id,
            "delete",
            "signal",
            later["id"],
            subject_number=target.bsn,
            detail={"reden": "merged"},
        )
        result.duplicates += 1
    result.signals_moved = store.execute(
        "UPDATE signals SET youth_id = ? WHERE youth_id = ?", (target.id, source.id)
    ).rowcount


def _merge_matches(store: Store, source_id: int, target_id: int) -> list[MatchChange]:
    """The youth matches of `source_id` become `target_id`'s; of two open ones the older stays."""
    open_sql = "SELECT id FROM matches WHERE kind = 'youth' AND youth_id = ? AND ended_at IS NULL"
    both = [store.scalar(open_sql, (y,)) for y in (source_id, target_id)]
    ended = [] if None in both else [end_match(store, max(both), "youth", merged=True)]
    store.execute("UPDATE matches SET youth_id = ? WHERE youth_id = ?", (target_id, source_id))
    return ended


@dataclass
class KeptApart:
    """The coordinator's judgement that a pair are two children (`keep_apart`)."""

    judged_at: str  # ISO timestamp
    judged_by: str  # the coordinator's or administrator's name


@dataclass
class Duplicate:
    """A youth without a BSN whose substitute number is not the one his or her data give.

    Such a number was derived by the rule before migration 0011 (the surname
    without its infix) and kept because `holder` held the number the data give
    now: most likely the same child, registered by a second signaller who split
    the name the other way; or twins of one sex, whom the number cannot tell
    apart. `holder` is None when that registration has gone since (erased, or
    merged into this one): the number is free, and a correction derives it.
    With `also_old`, `holder` is instead a second registration that keeps an
    older number of the same data (three splits of one name): the pair blocks
    an inzage just the same. `kept_apart` is set when the coordinator judged the
    pair two children.
    """

    registration: Registration
    holder: Registration | None
    kept_apart: KeptApart | None = None
    also_old: bool = False


def substitute_duplicates(
    store: Store, by: Professional, *, with_kept_apart: bool = False
) -> tuple[list[Duplicate], int]:
    """Registrations that keep a substitute number of the old rule, with what holds the new
    one; and how many pairs the coordinator judged two children.

    Every pair that blocks an inzage is listed (`reports.inzage`): each two of the
    registrations one surname, birth date and sex denote that are neither merged
    nor kept apart. So besides each older number with the holder of the new one,
    two older numbers of the same data make a pair too (`also_old`).

    Coordinator or administrator only; each registration shown is a read of
    personal data and logged (rule 18). Nothing is merged or renumbered here:
    whether two registrations are one child is for the coordinator to judge
    (`merge_youths`, or `keep_apart` for two children). A pair kept apart is
    judged: it is left out, unless `with_kept_apart`, and only counted (nothing
    of it is shown, so nothing is logged). Reads every youth without a BSN (a
    scan of the youths table: a rare command, after an upgrade).
    """
    by.require("coordinator", "admin")
    judged = {
        (r["youth_id"], r["other_youth_id"]): KeptApart(r["judged_at"], r["name"])
        for r in store.rows(
            "SELECT k.youth_id, k.other_youth_id, k.judged_at, p.name FROM kept_apart k"
            " JOIN professionals p ON p.id = k.judged_by"
        )
    }
    # the registrations that keep an older number, by the number their data give now
    groups: dict[str, list[Youth]] = {}
    for (youth_id,) in store.rows("SELECT id FROM youths WHERE id_kind = 'substitute' ORDER BY id"):
        youth = youth_by_id(store, youth_id)
        derived = derived_number(youth)
        if derived is None or derived == youth.bsn:  # no number to derive, or the one held
            continue
        groups.setdefault(derived, []).append(youth)
    found, hidden = [], 0
    shown: dict[int, Registration] = {}

    def registration(youth: Youth) -> Registration:  # logged once, however many pairs
        if youth.id not in shown:
            shown[youth.id] = _registration(store, by, youth)
        return shown[youth.id]

    for derived, older in groups.items():
        holder = find_youth(store, derived)
        for i, youth in enumerate(older):
            partners = [] if holder is None else [(holder, False)]
            partners += [(other, True) for other in older[i + 1 :]]
            if holder is None:  # the number is free: said once per registration
                found.append(Duplicate(registration(youth), None))
            for other, also_old in partners:
                apart = judged.get(pair_key(youth.id, other.id))
                if apart is not None and not with_kept_apart:
                    hidden += 1
                    continue
                found.append(Duplicate(registration(youth), registration(other), apart, also_old))
    return found, hidden


@dataclass
class KeptApartResult:
    """Two registrations kept apart, or no longer (`keep_apart`, `stop_keeping_apart`)."""

    first: Registration
    second: Registration
    changed: bool = True  # False: the judgement was already recorded
    judged_at: str | None = None  # when it was recorded (ISO timestamp)


def keep_apart(store: Store, by: Professional, first: str, second: str) -> KeptApartResult:
    """Record the coordinator's judgement that two registrations are two children.

    The pair must be registrations without a BSN that one surname (with its
    infix), birth date and sex denote (`youths.same_youth_registrations`):
    the pairs `vix jeugdige dubbel` lists, and any two of the registrations
    an inzage refusal shows together. Anything else is refused, and nothing
    is written. Once recorded, `vix jeugdige dubbel` no longer lists the pair
    and an inzage by the number of one shows that registration alone (when it
    is kept apart from every other registration of its data). Recorded again,
    nothing changes. Each youth gets a 'keep_apart' audit record under its own
    pseudonym that names the other's pseudonym (rule 18; never a number).
    Coordinator or administrator only.
    """
    by.require("coordinator", "admin")
    one, other = _pair(store, by, first, second)
    if other.id not in {y.id for y in same_youth_registrations(store, one)}:
        raise RevealingConflict(
            "Deze twee registraties zijn geen paar uit 'vix jeugdige dubbel': alleen "
            "registraties zonder BSN met dezelfde achternaam (met tussenvoegsel), "
            "geboortedatum en hetzelfde geslacht kunnen als twee jeugdigen apart worden "
            "gehouden. Er is niets vastgelegd. Controleer de nummers met 'vix jeugdige dubbel'.",
            _lookups(by, "apart", one, other),
        )
    low, high = pair_key(one.id, other.id)
    result = KeptApartResult(Registration.of(one), Registration.of(other))
    already = store.scalar(
        "SELECT judged_at FROM kept_apart WHERE youth_id = ? AND other_youth_id = ?", (low, high)
    )
    if already is not None:
        # nothing is written, but the answer names both: logged as what it is (rule 18)
        for youth in (one, other):
            store.lookup(by.id, youth.id, youth.bsn, {"bron": "apart"})
        result.changed, result.judged_at = False, already
        return result
    store.execute(
        "INSERT INTO kept_apart (youth_id, other_youth_id, judged_by, judged_at)"
        " VALUES (?, ?, ?, ?)",
        (low, high, by.id, store.stamp),
    )
    result.judged_at = store.stamp
    _audit_pair(store, by, "keep_apart", one, other)
    return result


def stop_keeping_apart(store: Store, by: Professional, first: str, second: str) -> KeptApartResult:
    """Take back the judgement that two registrations are two children (`keep_apart`).

    For a judgement recorded for the wrong pair, or one the coordinator doubts
    now: `vix jeugdige dubbel` lists the pair again and an inzage of either
    waits again for a merge or `--apart`. Two registrations found to be one
    child are merged instead (`merge_youths`), which drops the judgement too.
    Logged as 'keep_apart_removed' on each youth. Coordinator or administrator
    only.
    """
    by.require("coordinator", "admin")
    one, other = _pair(store, by, first, second)
    low, high = pair_key(one.id, other.id)
    if not _is_kept_apart(store, low, high):
        raise RevealingConflict(
            "Deze twee registraties worden niet apart gehouden; er is niets gewijzigd. "
            "'vix jeugdige dubbel --alle' toont de paren die apart worden gehouden.",
            _lookups(by, "apart", one, other),
        )
    store.execute("DELETE FROM kept_apart WHERE youth_id = ? AND other_youth_id = ?", (low, high))
    _audit_pair(store, by, "keep_apart_removed", one, other)
    return KeptApartResult(Registration.of(one), Registration.of(other))


def _pair(store: Store, by: Professional, first: str, second: str) -> tuple[Youth, Youth]:
    """The two registrations a coordinator named, or NotFound / UsageError."""
    one, other = _two(store, by, first, second, "apart")
    if one.id == other.id:
        refusal = UsageError("Geef twee verschillende registraties: twee keer hetzelfde nummer.")
        refusal.lookups = _lookups(by, "apart", one)
        raise refusal
    return one, other


def _is_kept_apart(store: Store, first_id: int, second_id: int) -> bool:
    return bool(
        store.scalar(
            "SELECT 1 FROM kept_apart WHERE youth_id = ? AND other_youth_id = ?",
            pair_key(first_id, second_id),
        )
    )


def _audit_pair(store: Store, by: Professional, action: str, one: Youth, other: Youth) -> None:
    """One record per youth, under its own pseudonym, naming the other's pseudonym."""
    for youth, partner in ((one, other), (other, one)):
        store.audit(
            by.id,
            action,
            "youth",
            youth.id,
            subject_number=youth.bsn,
            detail={"andere_sleutel": store.pseudonym(partner.bsn)},
        )


def _registration(store: Store, by: Professional, youth: Youth) -> Registration:
    store.audit(by.id, "read", "youth", youth.id, subject_number=youth.bsn)
    return Registration.of(youth)


def mark_institution_address(
    store: Store, by: Professional, key: str, name: str
) -> tuple[MatchCounts, int]:
    """Record an institution's address and end the family links it made (rule 7).

    Youths who share only this address are no longer a family, so family
    matches that stood on it end or go on without them, and the members are
    told. Returns (the matches it ended or changed, notices queued).
    """
    add_institution_address(store, by, key, name)
    return _reconcile_residents(store, by, key)


def unmark_institution_address(store: Store, by: Professional, key: str) -> tuple[MatchCounts, int]:
    """Take back an institution address marked by mistake (rule 7).

    Youths who share this address are a family again, so family matches that
    stood on it begin or take them in again, as when the mark ended them, and the
    members are told. Returns (the matches it made or changed, notices queued).
    """
    remove_institution_address(store, by, key)
    return _reconcile_residents(store, by, key)


def _reconcile_residents(store: Store, by: Professional, key: str) -> tuple[MatchCounts, int]:
    """Bring the family matches of whoever lives at `key` in line with rule 7."""
    residents = [r[0] for r in store.rows("SELECT id FROM youths WHERE address_key = ?", (key,))]
    changes = reconcile(store, residents)
    return count_matches(changes), queue_for_changes(store, changes, by)
