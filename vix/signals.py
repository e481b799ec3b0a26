"""Placing, ending and listing signals (DOMAIN.md rules 2-5, 10, 15).

`place_signal()` is the whole of `vix signaleer` after the prompts: it checks
the signaller, the youth and the choice about informing parents, stores the
signal, reconciles matches, queues notices, and answers with what the
signaller now may know: the matches the new signal is in and, once, who
signalled this youth before (history match). A youth given by substitute data
(no BSN or onderwijsnummer) is found by the given name too: the number cannot
tell twins of one sex apart, so a signal that might land on another child is
refused without naming it, and the refusal is logged as a lookup
(`_registration_by_data`). `check_youth` gives the refusals that the youth's
data alone decide before the prompts ask the rest, the same ones, no others.

Ending a signal follows rule 15: a signal whose worry is gone, or that
reached its two-year limit, stays in the history archive for `archief_jaren`
years (five by default, never past the youth's 23rd birthday), and so does one
that a transfer ended because the colleague already signals the youth
('transferred', `vix.transfer`); an unjustified
signal, or one that ends at age 23, is deleted at once. The archive term of an
expired signal counts from its planned removal, not from the night
`vix onderhoud` came round to it, so that the last day `retention()` tells
parents (inzage, letter) holds. Deleted signals leave only a count per
organisation and month for the reports (`signal_deletions`), and so does an
archive entry when it goes (`archive_deletions`: the months it was placed and
ended, and why it ended), so that the signal counts of a report over a past
period do not change (the matches an organisation was in go with its signals:
nothing else tells that it was in them, docs/README-reports.md);
the notices they caused that had not gone out yet are withdrawn, and a match
that only an unlawful one made goes (notices.withdraw_unsent,
notices.restart_without, notices.forget_matches). Signals that end in one command end together
(`end_signals`): the matches are reconciled once, an unlawful signal's match
starts where the rest made one and loses the milestones its professional recorded
before any notice is written, and a match that
never arose goes only after a youth left with nothing is erased.

A school registration (a pupil list's `pupils` row) ends at 23 as well
(`end_registrations_at_23`, nightly after `expire_signals`) and at death; each
removal is logged on the youth. A youth left with no signal and no
registration is erased (`forget_youth_if_unused`, `erase_youths`).

A date a user gives about a youth lies between the birth and today: the day the
parents were informed (`check_informed_on`) and a move (`move_youth`). The other
way round, a birth date that another source changes (a correction, a pupil list)
may not come after what the index recorded (`earliest_record`).
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

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
    count_matches,
    family_of,
    follow_residence,
    member_signals,
    open_family_matches,
    open_youth_matches,
    reconcile,
)
from .notices import (
    REQUESTED_ERASURES,
    deleted_signal,
    forget_matches,
    forget_notices,
    notify_move,
    queue,
    queue_erasure_notice,
    queue_for_changes,
    renew_move_notices,
    restart_without,
    withdraw_unsent,
)
from .people import Professional
from .text import CLASS_NUMBER_REASON, bsn_in_text, class_refusal, mask_bsns, one_line
from .views import MatchView, show_match
from .youths import (
    CHECK_NUMBER,
    MAX_AGE_YEARS,
    NUMBER_KIND_LABELS,
    Completion,
    Home,
    Youth,
    YouthData,
    address_key,
    check_age,
    clean_house_number,
    clean_postcode,
    complete_youth,
    find_youth,
    names_fit,
    number_kind,
    register_youth,
    registration_by_data,
    set_address,
    shown_number,
    twenty_third_birthday,
    youth_by_id,
    youth_name_sql,
)

if TYPE_CHECKING:  # followup reads settings, which reads this module's defaults
    from .followup import Handover, Moved, Redirect

SIGNAL_YEARS_DEFAULT = 2
MAX_SIGNAL_YEARS = 2  # rule 15 (Jeugdwet 7.1.4.5): a signal ends two years after it was placed
ARCHIVE_YEARS_DEFAULT = 5
MIN_REASON_LENGTH = 10
# a reason, argued in a sentence or two: not a place for a case file (rule 3)
MAX_REASON_LENGTH = 500
WITHDRAW_REASONS = {"weggenomen": "resolved", "onterecht": "unjustified"}
# the ends that keep a signal in the history archive (rule 15): the worry is gone, the
# term ran out, or a transfer met the colleague's own signal on the youth (rule 5:
# `vix.transfer`); the involvement was real. Every other end deletes the signal.
ARCHIVED_REASONS = ("resolved", "expired", "transferred")
AGE_23 = "age_23"  # the signal ends on the youth's 23rd birthday and is deleted at once


@dataclass(frozen=True)
class SignalRequest:
    """A signal as the signaller asks for it; either youth_number or new_youth."""

    youth_number: str | None
    new_youth: YouthData | None
    parents_informed_on: date | None
    parents_not_informed_reason: str | None
    # with youth_number only: what the signaller gave of the youth's home (`complete_youth`)
    home: Home | None = None


@dataclass(frozen=True)
class EarlierSignal:
    professional: str
    organisation: str
    phone: str | None
    email: str
    placed: str
    ended: str


@dataclass
class SignalResult:
    signal_id: int
    youth_name: str
    # masked, but a substitute number whole: the signaller of a youth without a BSN
    # learns the number the index knows him or her by (`youths.shown_number`)
    youth_number: str
    youth_number_kind: str  # BSN | onderwijsnummer | vervangend nummer
    placed_at: str
    planned_removal: str
    # then in the history archive until this day at the latest; None: deleted at once (23)
    then_archive_until: str | None
    matches: list[MatchView]
    earlier: list[EarlierSignal]
    # of a youth registered before: what the signaller gave for a field the index held
    # already, and was not used, equal or not (Dutch labels, never the values:
    # `complete_youth`)
    not_used: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SignalView:
    id: int
    youth_name: str
    youth_birth_date: str
    placed_at: str
    planned_removal: str
    parents_informed_on: str | None
    parents_not_informed_reason: str | None
    status: str
    in_match: bool
    signaller: str
    organisation: str


def _day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def check_informed_on(informed: date, today: date, born: date | None = None) -> None:
    """The day the parents were informed: not in the future, not before the birth."""
    if informed > today:
        raise InvalidInput(
            f"De datum waarop de ouders zijn geïnformeerd ({_day(informed)}) ligt in de "
            "toekomst. Geef de datum van vandaag of eerder (dd-mm-jjjj); er is niets opgeslagen."
        )
    if born is not None and informed < born:
        raise InvalidInput(
            f"De datum waarop de ouders zijn geïnformeerd ({_day(informed)}) ligt vóór de "
            f"geboortedatum van de jeugdige ({_day(born)}). Controleer de datum (dd-mm-jjjj); "
            "er is niets opgeslagen."
        )


# what a day `earliest_record` finds is, in a message to whoever corrects the birth date
_RECORDED = {
    "signal": "het eerste signaal op deze jeugdige",
    "informed": "de dag waarop de ouders over een signaal zijn geïnformeerd",
    "move": "een vastgelegde verhuizing",
}


@dataclass(frozen=True)
class Recorded:
    """The earliest day the index records something that happened to a youth."""

    day: date
    kind: str  # signal | informed | move

    @property
    def described(self) -> str:
        return f"{_RECORDED[self.kind]} ({_day(self.day)})"


def earliest_record(store: Store, youth_id: int, since: date | None = None) -> Recorded | None:
    """The earliest of: a signal placed on the youth (active or archived), the parents
    informed of one, a recorded move; on or after `since` when given.

    A birth date after it contradicts the index: nothing happened to the youth before
    he or she was born. `since` is the birth date stored so far: a record before it
    contradicted the stored data already (from before these checks), and a correction
    of the birth date is not held to it.
    """
    row = store.row(
        "SELECT day, kind FROM ("
        " SELECT substr(placed_at, 1, 10) AS day, 'signal' AS kind FROM signals"
        " WHERE youth_id = :youth"
        " UNION ALL SELECT parents_informed_on, 'informed' FROM signals"
        " WHERE youth_id = :youth AND parents_informed_on IS NOT NULL"
        " UNION ALL SELECT moved_on, 'move' FROM youth_moves WHERE youth_id = :youth"
        ") WHERE day >= :since ORDER BY day LIMIT 1",
        {"youth": youth_id, "since": "" if since is None else since.isoformat()},
    )
    return None if row is None else Recorded(date.fromisoformat(row["day"]), row["kind"])


def check_not_informed_reason(reason: str) -> None:
    """The reason is the one free text of a signal (rule 4): on one line, not too long,
    long enough to be a reason, and without a BSN (of a parent, say): it is shown in
    clear in the evaluation list and the inzage, where a BSN never is. A date, a school
    year or a phone number may stand in it."""
    one_line(reason, "De reden", limit=MAX_REASON_LENGTH)
    if bsn_in_text(reason):
        raise InvalidInput(
            f"De reden {CLASS_NUMBER_REASON}: noem geen BSN in de reden, alleen waarom de "
            "ouders/jeugdige niet zijn geïnformeerd."
        )
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise InvalidInput(
            "Beargumenteer waarom de ouders/jeugdige niet zijn geïnformeerd "
            f"(minstens {MIN_REASON_LENGTH} tekens); dit wordt vastgelegd."
        )


def shown_reason(reason: str | None) -> str | None:
    """The reason why the parents were not informed as every list shows it: one stored
    before vix refused a BSN in it (`check_not_informed_reason`) with the BSN masked."""
    return None if reason is None else mask_bsns(reason)


def _check_parents_choice(request: SignalRequest, today: date) -> None:
    informed, reason = request.parents_informed_on, request.parents_not_informed_reason
    if (informed is None) == (reason is None):
        raise InvalidInput(
            "Geef aan of de ouders/jeugdige zijn geïnformeerd: --ouders-geinformeerd [DATUM] "
            'of --ouders-niet-geinformeerd "REDEN" (precies één van beide).'
        )
    if informed is not None:
        check_informed_on(informed, today)
    if reason is not None:
        check_not_informed_reason(reason)


def planned_removal(store: Store, born: date, placed: date) -> date:
    """Rule 15: a signal placed on `placed` ends after its term, two years at the most,
    at 23 at the latest. A term of more than two years stored before vix refused one
    (`vix instelling zet signaal_jaren` took up to 5) counts as two."""
    years = min(store.setting("signaal_jaren", SIGNAL_YEARS_DEFAULT), MAX_SIGNAL_YEARS)
    return min(placed + relativedelta(years=years), twenty_third_birthday(born))


def archive_end(store: Store, born: date, ended: date) -> date:
    """Rule 15: an archive entry made on `ended` goes after `archief_jaren` years (5 by
    default), at 23 at the latest."""
    years = store.setting("archief_jaren", ARCHIVE_YEARS_DEFAULT)
    return min(ended + relativedelta(years=years), twenty_third_birthday(born))


def archive_start(ended_at: str, end_reason: str | None, planned: str) -> date:
    """The day an archived signal's term counts from: the day it ended, and for a signal
    that expired its planned removal (the night run may have come later)."""
    ended = date.fromisoformat(ended_at[:10])
    if end_reason == "expired":
        return min(ended, date.fromisoformat(planned[:10]))
    return ended


@dataclass(frozen=True)
class Retention:
    """What rule 15 does with an active signal after its planned removal, if nobody ends
    it sooner.

    A withdrawal ('weggenomen') only brings these days forward, and an
    unjustified signal or an erasure goes at once: `removed_on` is the last
    day anything of the signal is in the index. Computed with today's
    `archief_jaren`; an archive entry keeps the end it got when it was made.
    """

    archive_until: date | None  # then in the history archive; None: deleted at once (23)
    removed_on: date  # nothing of it left: the end of the archive, or of the signal at 23


def retention(store: Store, born: date, planned: date) -> Retention:
    """Rule 15 for an active signal planned to end on `planned` (see `Retention`)."""
    if planned >= twenty_third_birthday(born):  # ends at 23: deleted, not archived
        return Retention(None, planned)
    until = archive_end(store, born, planned)
    return Retention(until, until)


def on_own_record(store: Store, me: Professional, youth_id: int) -> bool:
    """A pupil of `me`'s organisation, or a youth `me` signalled (rule 16: own data).

    A signal counts while rule 15 keeps it, whether or not tonight's `vix onderhoud`
    ran: an archive entry until its `archive_until`, an active signal past its
    planned removal as long as the archive entry it becomes would last
    (`retention`, the dates `expire_signals` gives it). An entry that is due to go
    shows no name: `place_signal` purges it before it asks this, and the prompts
    ask it before anything ended.
    """
    if store.scalar(
        "SELECT 1 FROM pupils WHERE youth_id = ? AND organisation_id = ?",
        (youth_id, me.organisation_id),
    ):
        return True
    today = store.today
    for r in store.rows(
        "SELECT s.status, s.planned_removal, s.archive_until, y.birth_date FROM signals s"
        " JOIN youths y ON y.id = s.youth_id WHERE s.youth_id = ? AND s.professional_id = ?",
        (youth_id, me.id),
    ):
        if r["status"] == "ended":
            kept = r["archive_until"] is not None and r["archive_until"] > today.isoformat()
        else:
            born, planned = (
                date.fromisoformat(r["birth_date"]),
                date.fromisoformat(r["planned_removal"][:10]),
            )
            kept = retention(store, born, planned).removed_on > today
        if kept:
            return True
    return False


def place_signal(store: Store, signaller: Professional, request: SignalRequest) -> SignalResult:
    signaller.require("signaller")
    assert signaller.organisation_id is not None
    _check_parents_choice(request, store.today)
    new = request.new_youth
    by_data = new is not None and new.id_kind == "substitute"
    if by_data:
        assert new is not None
        known = _registration_by_data(store, signaller, new)
    else:
        number = new.number if new is not None else request.youth_number
        known = None if number is None else find_youth(store, number)
    if known is not None:
        # rule 15 holds whether or not tonight's `vix onderhoud` ran: a signal past its
        # planned removal in this family ends before it can make a match, all of them
        # together, as the night run would end them (`end_signals`)
        expire_signals(store, None, family_of(store, known.id))
    if new is not None:
        check_age(new.birth_date, store.today)
        # by substitute data: the registration the given name picked (it may keep an
        # older number), its input checked as for any other
        youth_id, created = register_youth(
            store, signaller, new, existing=known if by_data else None
        )
        youth = youth_by_id(store, youth_id)
        if not created:
            _check_same_youth(signaller, youth, new)
    else:
        assert request.youth_number is not None
        found = find_youth(store, request.youth_number)
        if found is None or not on_own_record(store, signaller, found.id):
            # rule 9, no search: a number alone would show the stored name of any
            # youth the index knows, so it names only the signaller's own youths,
            # and any other number, known or not, gets this one answer
            raise InvalidInput(
                "Met alleen het nummer signaleert u een jeugdige die u al kent: een leerling "
                "van uw organisatie of een jeugdige die u eerder signaleerde. Geef anders ook "
                "--voornaam, --achternaam, --geboortedatum en --gemeente (kent de verwijsindex "
                "de jeugdige al, dan moeten naam en geboortedatum kloppen). Er is niets "
                "opgeslagen."
            )
        youth = found
        created = False
    check_age(youth.birth_date, store.today)
    if request.parents_informed_on is not None:
        check_informed_on(request.parents_informed_on, store.today, youth.birth_date)
    check_no_active_signal(store, signaller, youth)
    home = Home.of(new) if new is not None else request.home
    # a registered youth takes the parents and address the index held not yet (rule 7):
    # before the signal, so that the reconcile below sees the family they link
    completed = (
        Completion() if created or home is None else complete_youth(store, signaller, youth, home)
    )
    # rule 15 again, over the family as the parents and address just stored (of a new
    # youth, or filled in) link it: a relative's signal past its planned removal ends
    # before the reconcile below can put it in a family match
    expire_signals(store, None, family_of(store, youth.id))
    removal = planned_removal(store, youth.birth_date, store.today)
    signal_id = store.insert(
        "INSERT INTO signals (youth_id, professional_id, organisation_id, placed_at,"
        " planned_removal, parents_informed_on, parents_not_informed_reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            youth.id,
            signaller.id,
            signaller.organisation_id,
            store.stamp,
            removal.isoformat(),
            None
            if request.parents_informed_on is None
            else request.parents_informed_on.isoformat(),
            None
            if request.parents_not_informed_reason is None
            else request.parents_not_informed_reason.strip(),
        ),
    )
    store.audit(signaller.id, "create", "signal", signal_id, subject_number=youth.bsn)
    changes = reconcile(store, [youth.id])
    queue_for_changes(store, changes, signaller)
    earlier = _history_match(store, signaller, youth)
    mine = [
        r[0]
        for r in store.rows(
            "SELECT mm.match_id FROM match_members mm JOIN matches m ON m.id = mm.match_id"
            " WHERE mm.signal_id = ? AND mm.left_at IS NULL AND m.ended_at IS NULL"
            " ORDER BY m.kind DESC, m.id",
            (signal_id,),
        )
    ]
    kept = retention(store, youth.birth_date, removal)
    return SignalResult(
        signal_id=signal_id,
        youth_name=youth.name,
        youth_number=shown_number(youth.bsn),
        youth_number_kind=NUMBER_KIND_LABELS[number_kind(youth.bsn)],
        placed_at=store.stamp,
        planned_removal=removal.isoformat(),
        then_archive_until=None if kept.archive_until is None else kept.archive_until.isoformat(),
        matches=[show_match(store, signaller, m) for m in mine],
        earlier=earlier,
        not_used=completed.not_used,
    )


def check_youth(store: Store, signaller: Professional, data: YouthData) -> None:
    """The refusals of `place_signal` that the youth's identifying data alone decide.

    For the prompts, which ask them before the municipality, the parents, the
    address and the parents' choice: a refusal must not cost the answers after
    it. The same refusals as `place_signal` gives them, with what they tell and
    their logged lookups (`RevealingConflict`), only earlier; a youth the index
    does not know, or one these data fit, passes without a word, so that the
    questions go on the same for both. Reads only; `place_signal` checks all
    again when it stores.
    """
    signaller.require("signaller")
    if data.id_kind == "substitute":
        youth = _registration_by_data(store, signaller, data)
    else:
        youth = find_youth(store, data.number)
    if youth is not None:
        _check_same_youth(signaller, youth, data)
        check_no_active_signal(store, signaller, youth)


NOT_THE_SAME_YOUTH = (
    "Het nummer, de naam en de geboortedatum horen niet bij dezelfde jeugdige. Controleer ze "
    "(een andere schrijfwijze van de voornaam of van de achternaam is geen bezwaar); er is "
    "niets opgeslagen."
)


def _check_same_youth(signaller: Professional, youth: Youth, data: YouthData) -> None:
    """A registered youth that a signal's data name by number is the one they describe:
    the same birth date, and a name that fits (`names_fit`).

    A mistyped BSN that passes the elfproef must not put a signal on another
    child, and the answer to a signal names the youth: a number and a birth
    date without the name must not tell it (rule 9, no search). One message
    for both, which names nobody: one for each would tell a guessed birth date
    right. The refusal tells that the number is registered: it is logged as a
    lookup (what differed in its detail), as the import logs the same refusal.
    """
    detail = {"bron": "signaleer"}
    if youth.birth_date != data.birth_date:
        detail["geboortedatum"] = "anders"
    if not names_fit(youth, data):
        detail["naam"] = "anders"
    if len(detail) > 1:
        raise RevealingConflict(
            NOT_THE_SAME_YOUTH, [Lookup(signaller.id, youth.id, youth.bsn, detail)]
        )


def check_no_active_signal(store: Store, signaller: Professional, youth: Youth) -> None:
    """Rule 5: one active signal per professional and youth.

    A signal past its planned removal does not count: `place_signal` ends it
    (rule 15) before it checks this, whether or not tonight's `vix onderhoud`
    ran, and so does this check when the prompts ask it before anything ended.
    """
    if store.scalar(
        "SELECT 1 FROM signals WHERE youth_id = ? AND professional_id = ?"
        " AND status = 'active' AND planned_removal > ?",
        (youth.id, signaller.id, store.today.isoformat()),
    ):
        raise Conflict(
            f"U heeft al een actief signaal op {youth.name}; één signaal per jeugdige is genoeg."
        )


TWIN_REFUSAL = (
    "Met deze achternaam, geboortedatum en dit geslacht is mogelijk een ander kind "
    "geregistreerd (bijvoorbeeld een tweeling): zonder BSN is niet te zeggen of het deze "
    "jeugdige is. Geef het BSN of onderwijsnummer van de jeugdige (of bij een leerling van uw "
    "organisatie --leerling LEERLINGNUMMER); er is niets opgeslagen."
)


def _registration_by_data(store: Store, signaller: Professional, data: YouthData) -> Youth | None:
    """The registration a signal without BSN or onderwijsnummer lands on (None: a new youth),
    or RevealingConflict when another child may hold these data (`registration_by_data`).

    The refusal names nobody (rule 16): not the other child's name, number or
    professionals. It does tell the signaller that a child with these data is
    registered, so each registration it stands on is logged as a lookup.
    """
    youth, group = registration_by_data(store, data)
    if youth is None and group:
        detail = {"bron": "signaleer", "geweigerd": "mogelijk een ander kind (tweeling)"}
        raise RevealingConflict(
            TWIN_REFUSAL, [Lookup(signaller.id, y.id, y.bsn, detail) for y in group]
        )
    return youth


def _history_match(store: Store, signaller: Professional, youth: Youth) -> list[EarlierSignal]:
    """Rule 10: archived signals by others on this youth, told once per professional."""
    rows = store.rows(
        "SELECT s.id, s.placed_at, s.ended_at, p.name, p.phone, p.email, o.name AS org"
        " FROM signals s JOIN professionals p ON p.id = s.professional_id"
        " JOIN organisations o ON o.id = s.organisation_id"
        " WHERE s.youth_id = ? AND s.status = 'ended' AND s.archive_until > ?"
        " AND s.professional_id <> ?"
        " AND NOT EXISTS (SELECT 1 FROM history_notices h"
        "                 WHERE h.archived_signal_id = s.id AND h.professional_id = ?)"
        " ORDER BY s.placed_at",
        (youth.id, store.today.isoformat(), signaller.id, signaller.id),
    )
    store.db.conn.executemany(
        "INSERT INTO history_notices (archived_signal_id, professional_id, told_at)"
        " VALUES (?, ?, ?)",
        [(r["id"], signaller.id, store.stamp) for r in rows],
    )
    earlier = [
        EarlierSignal(r["name"], r["org"], r["phone"], r["email"], r["placed_at"], r["ended_at"])
        for r in rows
    ]
    if earlier:
        store.audit(signaller.id, "history_match", "youth", youth.id, subject_number=youth.bsn)
        queue(
            store,
            recipient_id=signaller.id,
            kind="history_match",
            match_id=None,
            template="berichten/historie.txt",
            subject="Verwijsindex: eerder signaal op uw jeugdige",
            context={
                "jeugdige": {"naam": youth.name, "geboortedatum": youth.birth_date.isoformat()},
                "eerder": [e.__dict__ for e in earlier],
            },
            youths=[youth.id],
        )
    return earlier


def require_own_signal(store: Store, by: Professional, signal_id: int) -> int:
    """An active signal of `by` (or, for an organisation manager, of the organisation);
    returns its professional.

    Need to know: the same answer for a signal that does not exist, has ended
    or belongs to someone else.
    """
    row = store.row(
        "SELECT professional_id, organisation_id FROM signals WHERE id = ? AND status = 'active'",
        (signal_id,),
    )
    if row is None or not (
        row["professional_id"] == by.id
        or (by.role == "org_manager" and row["organisation_id"] == by.organisation_id)
    ):
        raise NotFound(
            f"Signaal {signal_id} bestaat niet, is al beëindigd of is niet van u of uw "
            "organisatie. Bekijk uw signalen met 'vix signalen'."
        )
    return int(row["professional_id"])


def end_signal(store: Store, by: Professional | None, signal_id: int, reason: str) -> None:
    """End one signal. reason: one of ARCHIVED_REASONS (archived), or a deletion reason."""
    end_signals(store, by, [(signal_id, reason)])


def end_signals(
    store: Store,
    by: Professional | None,
    endings: Sequence[tuple[int, str]],
    archived: Sequence[tuple[int, str]] = (),
) -> None:
    """End these signals together: (signal id, reason) with reason one of
    ARCHIVED_REASONS (archived) or a deletion reason. `archived` are signals in
    the archive to delete in the same command, (signal id, deletion reason):
    `erase_signals` deletes all signals on the youth.

    Signals that end in one command (all signals on a youth at the 23rd birthday or on
    an upheld objection, the night's expiries) end at once: the matches are reconciled
    after every one of them has ended, so a member hears that a match ended or changed
    only if his or her own signal is still active then (`notices.queue_for_changes`).
    One by one, whoever's signal happened to end last would hear that the match ended
    from the one before, naming a youth who may be erased the same moment; the others
    not. Then each is archived or deleted (with its unsent notices, rule 15), a
    youth left with nothing is erased (with the notices that name him or her,
    `notices.forget_notices`), and last a match that without the deleted signals
    never arose goes (`notices.forget_matches`): an end notice it still owes a
    member who knew of it is then one that no longer names an erased youth. Which
    matches those are, and where the others start, is decided once, with all of
    the command's deleted signals left out together (`notices.restart_without`).
    """
    if not endings and not archived:
        return
    rows = {
        int(row["id"]): row
        for row in store.rows(
            "SELECT s.id, s.youth_id, s.organisation_id, s.professional_id, s.placed_at,"
            " s.planned_removal, y.bsn, y.birth_date FROM signals s"
            " JOIN youths y ON y.id = s.youth_id"
            " WHERE s.id IN (SELECT value FROM json_each(?))",
            (json.dumps([signal_id for signal_id, _ in [*endings, *archived]]),),
        )
    }
    assert len(rows) == len({signal_id for signal_id, _ in [*endings, *archived]})
    for signal_id, reason in endings:
        store.execute(
            "UPDATE signals SET status = 'ended', ended_at = ?, end_reason = ? WHERE id = ?",
            (store.stamp, reason if reason in ARCHIVED_REASONS else None, signal_id),
        )
    youths = sorted({row["youth_id"] for row in rows.values()})
    # an archived signal is in no open match: only the ending ones change matches
    changes = reconcile(store, sorted({rows[i]["youth_id"] for i, _ in endings}))
    actor_id = None if by is None else by.id
    # read before the rows go; a match that arose from one that should never have been
    # placed (`notices.UNLAWFUL`) starts later, what its professional recorded in a match
    # goes, and the notices tell the milestones of the match that is left
    # (`restart_without`); one that without them never arose goes last (`void`)
    deleting = [(i, r) for i, r in endings if r not in ARCHIVED_REASONS] + list(archived)
    gone = {signal_id: deleted_signal(store, rows[signal_id]) for signal_id, _ in deleting}
    void = restart_without(store, [(gone[i], r) for i, r in deleting], actor_id)
    # an archived signal's professional no longer hears of the youth's move, and a move
    # notice that lists him or her is renewed (a signal in no match too; one deleted at
    # once: `withdraw_unsent`); `queue_for_changes` finds these renewed already
    ending: dict[int, dict[str, Any]] = {}
    for signal_id, reason in endings:
        if reason in ARCHIVED_REASONS:
            ending.setdefault(rows[signal_id]["youth_id"], {"reden": reason, "signaal": signal_id})
    for youth_id, detail in sorted(ending.items()):
        renew_move_notices(store, [youth_id], actor_id, detail)
    queue_for_changes(store, changes, by, dict(deleting))
    for signal_id, reason in endings:
        row = rows[signal_id]
        if reason in ARCHIVED_REASONS:
            # the involvement was real: what the notices about it say stays true, so the
            # queued ones go out as they are (not so for a deletion, below)
            start = archive_start(store.stamp, reason, row["planned_removal"])
            until = archive_end(store, date.fromisoformat(row["birth_date"]), start)
            store.execute(
                "UPDATE signals SET archive_until = ? WHERE id = ?",
                (until.isoformat(), signal_id),
            )
            store.audit(
                actor_id,
                "end",
                "signal",
                signal_id,
                subject_number=row["bsn"],
                detail={
                    "reden": reason,
                    "archief_tot": until.isoformat(),
                    # one who ends another's signal (the organisation manager, rule 14), as
                    # he or she was then: the inzage says so, whatever the role is later
                    **(
                        {"rol": by.role}
                        if by is not None and by.id != row["professional_id"]
                        else {}
                    ),
                },
            )
        else:
            store.audit(
                actor_id,
                "delete",
                "signal",
                signal_id,
                subject_number=row["bsn"],
                detail={"reden": reason},
            )
            _delete_signal(store, signal_id, row["organisation_id"], row["placed_at"], reason)
            # as if it never existed, also in the mail that has not gone out (rule 15)
            withdraw_unsent(store, gone[signal_id], actor_id, reason)
    for signal_id, reason in archived:
        row = rows[signal_id]
        forget_history_notices(store, [signal_id], by)
        _delete_archived(store, signal_id)
        store.audit(
            actor_id,
            "delete",
            "signal",
            signal_id,
            subject_number=row["bsn"],
            detail={"reden": reason, "archief": True},
        )
        # archived with its notices as they were; an objection or erasure stops
        # what of them has not gone out yet
        withdraw_unsent(store, gone[signal_id], actor_id, reason)
    for youth_id in youths:
        forget_youth_if_unused(store, by, youth_id)
    forget_matches(store, void, actor_id)


def _delete_signal(
    store: Store, signal_id: int, organisation_id: int, placed_at: str, reason: str
) -> None:
    # a new way to delete is added to DELETION_REASONS, so that the reports can label it
    assert reason in DELETION_REASONS, reason
    store.execute(
        "INSERT INTO signal_deletions (organisation_id, month, reason, placed_month, count)"
        " VALUES (?, ?, ?, ?, 1) ON CONFLICT DO UPDATE SET count = count + 1",
        (organisation_id, store.stamp[:7], reason, placed_at[:7]),
    )
    store.execute("DELETE FROM signals WHERE id = ?", (signal_id,))


def _delete_archived(store: Store, signal_id: int) -> None:
    """Delete an archived signal, leaving only its count for the reports.

    The reports counted it as placed in its month and as ended, per end
    reason, in the month it ended: `archive_deletions` keeps those numbers
    per organisation, so that those counts of a report over a past period stay
    the same after the archive entry is gone (rules 15, 16). Its match
    memberships go with the row: the organisation's matches no longer count it.
    """
    store.execute(
        "INSERT INTO archive_deletions (organisation_id, placed_month, ended_month,"
        " end_reason, count) SELECT organisation_id, substr(placed_at, 1, 7),"
        " substr(ended_at, 1, 7), COALESCE(end_reason, ''), 1 FROM signals"
        " WHERE id = ? AND status = 'ended'"
        " ON CONFLICT DO UPDATE SET count = count + 1",
        (signal_id,),
    )
    store.execute("DELETE FROM signals WHERE id = ?", (signal_id,))


def forget_youth_if_unused(store: Store, by: Professional | None, youth_id: int) -> bool:
    """A youth with no signal (active or archived) and no school registration is erased;
    returns whether he or she was.

    One whom a school's pupil list still holds stays, but once no signal is left the
    notices that told of his or her signals go, sent or not, as the signals did (rule
    15, `notices.forget_notices`): the outbox would otherwise keep, for as long as the
    pupil is on the list, who signalled him or her and how to reach them.

    The erased youth may have been the link between two others (half-siblings
    through this child), so their family matches are reconciled afterwards. A
    family that splits may leave its match to youths of another municipality,
    whose regievoerder then gets its request: `by` is the one whose command
    erased the youth, for that hand-over's audit record (rule 18; None: the
    night run).
    """
    detach_emptied_matches(store, [youth_id], by)
    if store.scalar("SELECT 1 FROM signals WHERE youth_id = ? LIMIT 1", (youth_id,)):
        return False
    if store.scalar("SELECT 1 FROM pupils WHERE youth_id = ? LIMIT 1", (youth_id,)):
        # the youth stays, so each notice that goes is logged on him or her (rule 18)
        number = store.scalar("SELECT bsn FROM youths WHERE id = ?", (youth_id,))
        for notice_id in forget_notices(store, [youth_id]):
            store.audit(
                None if by is None else by.id,
                "delete",
                "notice",
                notice_id,
                subject_number=str(number),
                detail={"reden": "geen signaal meer"},
            )
        return False
    relatives = family_of(store, youth_id) - {youth_id}
    erase_youths(store, [youth_id])
    if relatives:
        queue_for_changes(store, reconcile(store, relatives), by)
    return True


def detach_emptied_matches(
    store: Store, youth_ids: Sequence[int], by: Professional | None = None
) -> None:
    """Rule 15: a youth's match whose every signal is gone (deleted at once, or its
    archive entry purged) no longer belongs to him or her, as when the youth is erased
    (`matches.youth_id` ON DELETE SET NULL), and its notices go, sent or not, as the
    signals did. A youth whom a school's list or a later signal keeps in the index
    would otherwise still show in the inzage that match, who led it, its milestones
    and its notices (with the signallers' names and numbers) for as long as he or she
    stays, years after parents were told the signals were gone. The match row stays,
    without the youth, for the reports. Each notice that goes is logged on its youth."""
    emptied = store.rows(
        "SELECT m.id, y.bsn FROM matches m JOIN youths y ON y.id = m.youth_id"
        " WHERE m.youth_id IN (SELECT value FROM json_each(?))"
        " AND NOT EXISTS (SELECT 1 FROM match_members mm WHERE mm.match_id = m.id)",
        (json.dumps(list(youth_ids)),),
    )
    for match in emptied:
        notices = store.rows("SELECT id FROM outbox WHERE match_id = ?", (match["id"],))
        told = [(int(n["id"]), str(match["bsn"])) for n in notices]
        _delete_notices(store, told, by, "geen signaal meer in de match")
        store.execute("UPDATE matches SET youth_id = NULL WHERE id = ?", (match["id"],))


def _delete_notices(
    store: Store, notices: Sequence[tuple[int, str]], by: Professional | None, reason: str
) -> None:
    """Delete these notices (id, the number of the youth it is about), sent or not, each
    logged on its youth (rule 18) with `reason`."""
    for outbox_id, number in notices:
        store.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))
        store.audit(
            None if by is None else by.id,
            "delete",
            "notice",
            outbox_id,
            subject_number=number,
            detail={"reden": reason},
        )


def forget_history_notices(
    store: Store, signal_ids: Sequence[int], by: Professional | None = None
) -> None:
    """Rule 15: the notices that told a professional of these archive entries (rule 10,
    `_history_match`) go with them, sent or not, before the entries do. The notice
    belongs to its recipient's own signal, which may stay for years, and its body named
    the earlier signallers and how to reach them: it showed in the recipient's outbox
    and in the youth's inzage long after the parents were told the entries were gone.
    A notice that named other entries as well goes whole (its body cannot be taken
    apart); whom it told stays recorded (`history_notices`), so nobody is told twice.
    Each is logged on its youth (rule 18)."""
    told = store.rows(
        "SELECT DISTINCT o.id, y.bsn FROM history_notices h"
        " JOIN signals s ON s.id = h.archived_signal_id JOIN youths y ON y.id = s.youth_id"
        " JOIN outbox o ON o.recipient_id = h.professional_id AND o.created_at = h.told_at"
        " JOIN outbox_youths oy ON oy.outbox_id = o.id AND oy.youth_id = s.youth_id"
        " WHERE h.archived_signal_id IN (SELECT value FROM json_each(?))"
        " AND o.kind = 'history_match' ORDER BY o.id",
        (json.dumps(list(signal_ids)),),
    )
    notices = [(int(r["id"]), str(r["bsn"])) for r in told]
    _delete_notices(store, notices, by, "eerder signaal uit het archief gewist")


def erase_youths(store: Store, youth_ids: Sequence[int]) -> None:
    """Delete these youths, with their parents' keys, registrations and moves (cascade).

    The caller has checked that nothing holds them (no signal, no school
    registration) and reconciles the family matches they linked. The notices
    that name them go too, sent or not (rule 15: `notices.forget_notices`).
    """
    forget_notices(store, youth_ids)
    store.execute(
        "DELETE FROM youths WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(youth_ids)),),
    )


def school_codes(store: Store, youth_id: int) -> list[str]:
    """The codes of the schools whose pupil list registers the youth."""
    return [
        r[0]
        for r in store.rows(
            "SELECT o.code FROM pupils p JOIN organisations o ON o.id = p.organisation_id"
            " WHERE p.youth_id = ? ORDER BY o.code",
            (youth_id,),
        )
    ]


def end_registrations(
    store: Store, by: Professional | None, youth_id: int, number: str, reason: str
) -> int:
    """Remove the youth's school registrations (`pupils`); returns how many.

    Each is logged on the youth (rule 18: action 'delete', entity 'pupil', the
    pseudonym of `number` as subject, the school's code and `reason` in the
    detail), so that the inzage shows when and why. Signals and matches stay:
    a signal stands on its own. The caller forgets the youth if nothing is left.
    """
    schools = school_codes(store, youth_id)
    for school in schools:
        store.audit(
            None if by is None else by.id,
            "delete",
            "pupil",
            youth_id,
            subject_number=number,
            detail={"organisatie": school, "reden": reason},
        )
    store.execute("DELETE FROM pupils WHERE youth_id = ?", (youth_id,))
    return len(schools)


@dataclass(frozen=True)
class Withdrawal:
    """What `withdraw` did: archived or deleted, and, for the signaller who withdrew his
    or her own signal, what became of each match it was in."""

    outcome: str  # gearchiveerd | verwijderd
    # (match id, what became of it): 'beëindigd', 'vervallen' (deleted: without this
    # signal it never arose), 'loopt door' (without him or her), or 'loopt door met u'
    # (he or she is still in it through another signal: a family match)
    matches: list[tuple[int, str]]


def withdraw(store: Store, by: Professional, signal_id: int, reason: str) -> Withdrawal:
    """`vix intrekken`: the signaller (or the organisation manager) ends a signal.

    The signaller hears what became of his or her matches: he or she knew the
    members. The organisation manager, who withdraws for an absent colleague and
    was not in them (rule 14), does not."""
    reason = reason.strip().lower()  # 'Weggenomen' as typed is the reason 'weggenomen'
    if reason not in WITHDRAW_REASONS:
        raise InvalidInput("Kies als reden 'weggenomen' (zorg is weg) of 'onterecht'.")
    own = require_own_signal(store, by, signal_id) == by.id
    were_in = (
        [
            int(r[0])
            for r in store.rows(
                "SELECT DISTINCT mm.match_id FROM match_members mm JOIN matches m"
                " ON m.id = mm.match_id WHERE mm.signal_id = ? AND mm.left_at IS NULL"
                " AND m.ended_at IS NULL ORDER BY 1",
                (signal_id,),
            )
        ]
        if own
        else []
    )
    end_signal(store, by, signal_id, WITHDRAW_REASONS[reason])
    became = []
    for match_id in were_in:
        ended = store.row("SELECT ended_at FROM matches WHERE id = ?", (match_id,))
        if ended is None:
            became.append((match_id, "vervallen"))
        elif ended[0] is not None:
            became.append((match_id, "beëindigd"))
        elif member_signals(store, match_id, by.id):
            became.append((match_id, "loopt door met u"))  # through another signal of his
        else:
            became.append((match_id, "loopt door"))
    return Withdrawal("gearchiveerd" if reason == "weggenomen" else "verwijderd", became)


ERASURE_REASONS = {
    "bezwaar": "objection",
    "verwijderverzoek": "erasure_request",
    "overlijden": "death",
}
# every reason a signal is deleted for at once (rule 15), as `signal_deletions` keeps it:
# withdrawn as unjustified, ended at 23 (`expire_signals`), and `vix jeugdige wis`; the
# reports give each a Dutch label (a row of its own, `reports.OWN_ROW_DELETIONS`, or
# `reports.DELETION_LABELS`; checked by the tests)
DELETION_REASONS = (
    *(r for r in WITHDRAW_REASONS.values() if r not in ARCHIVED_REASONS),
    AGE_23,
    *ERASURE_REASONS.values(),
)


@dataclass(frozen=True)
class Erasure:
    """What `erase_signals` did, for the coordinator to tell whoever asked."""

    signals: int  # deleted, active and archived
    forgotten: bool  # nothing left: the youth's registration is gone too
    schools: list[str]  # organisations whose pupil list still registers the youth
    active: int  # of `signals`, the active ones
    told: int  # signallers told that their active signal went (objection, erasure request)
    # the open matches the active signals were in, by what became of them: still open
    # without them, ended, or gone (on an objection: without them it never arose)
    changed: int
    ended: int
    voided: int


def erase_signals(store: Store, by: Professional, number: str, reason: str) -> Erasure:
    """Rules 15 and 17: an upheld objection, an erasure request or death deletes at once.

    Every signal on the youth goes, active and archived, without archive. The
    active ones end together (`end_signals`): their matches are reconciled once,
    and only a member whose own signal is still active (on a brother or sister in
    a family match) is told that one ended or changed. Only a regional
    coordinator or an administrator (who handle such requests) may do this.
    A school registration stays, except at death: it is the school's own pupil
    list, which the next import would bring back. The result names those
    schools, so that the coordinator can tell the parents what is still held
    and by whom; that answer is a read, logged as a lookup (rule 18).

    On an objection or an erasure request, the signaller of each active signal
    is told that it went and why, in a notice that names no youth
    (`notices.queue_erasure_notice`): he or she would otherwise still count on a
    signal that is gone. An archived signal had ended already; its signaller
    relies on nothing. At death nobody is told by vix.
    """
    by.require("coordinator", "admin")
    reason = reason.strip().lower()
    if reason not in ERASURE_REASONS:
        raise InvalidInput(f"Kies als reden: {', '.join(ERASURE_REASONS)}.")
    youth = find_youth(store, number)
    if youth is None:
        raise NotFound(
            "Over deze jeugdige is niets opgeslagen in de verwijsindex; er is niets gewist. "
            + CHECK_NUMBER
        )
    rows = store.rows(
        "SELECT id, status, professional_id, placed_at FROM signals WHERE youth_id = ? ORDER BY id",
        (youth.id,),
    )
    active = [r for r in rows if r["status"] == "active"]
    code = ERASURE_REASONS[reason]
    in_matches = [
        int(r["match_id"])
        for r in store.rows(
            "SELECT DISTINCT match_id FROM match_members WHERE left_at IS NULL"
            " AND signal_id IN (SELECT value FROM json_each(?))",
            (json.dumps([r["id"] for r in active]),),
        )
    ]
    end_signals(
        store,
        by,
        [(r["id"], code) for r in active],
        archived=[(r["id"], code) for r in rows if r["status"] != "active"],
    )
    if reason == "overlijden":
        end_registrations(store, by, youth.id, youth.bsn, "death")
    forgotten = forget_youth_if_unused(store, by, youth.id)
    # after the youth and the notices naming him or her went: this one names nobody
    told = 0
    if code in REQUESTED_ERASURES:
        for r in active:
            queued = queue_erasure_notice(
                store,
                by,
                recipient_id=r["professional_id"],
                signal_id=r["id"],
                placed_at=r["placed_at"],
                reason=code,
                number=youth.bsn,
            )
            told += queued is not None
    after = [
        r["ended_at"]
        for r in store.rows(
            "SELECT ended_at FROM matches WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(in_matches),),
        )
    ]
    schools: list[str] = []
    if not forgotten:
        # the answer names the schools that still register the youth: a read (rule 18)
        store.lookup(by.id, youth.id, youth.bsn, {"bron": "wis"})
        schools = school_codes(store, youth.id)
    return Erasure(
        signals=len(rows),
        forgotten=forgotten,
        schools=schools,
        active=len(active),
        told=told,
        changed=sum(ended is None for ended in after),
        ended=sum(ended is not None for ended in after),
        voided=len(in_matches) - len(after),
    )


def end_overdue_signals(
    store: Store,
    by: Professional | None,
    youth_ids: Collection[int] | None = None,
    *,
    announce: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Rule 15 by time for active signals: end each one past its planned removal (two
    years, or the 23rd birthday); returns (archived, deleted at 23). `announce` hears
    how many are due before they end (the time goes into ending them).

    With `youth_ids` only those youths' signals. They end together, in one
    `end_signals`: a match whose signals all end now tells nobody it ended.

    Every command runs this first with `by` None (vix itself, as the night run's
    audit records show it: `cli_common.acting`), so that no command shows, counts,
    escalates or notifies a signal past its term, a match it alone kept open, or a
    youth of 23, whether or not tonight's `vix onderhoud` ran. After a night that
    ran it reads no row: the due signals are found through `signals_removal`.
    """
    only = "" if youth_ids is None else " AND s.youth_id IN (SELECT value FROM json_each(:youths))"
    params = {
        "today": store.today.isoformat(),
        "youths": None if youth_ids is None else json.dumps(sorted(youth_ids)),
    }
    # sorted here: an ORDER BY s.id makes SQLite read every signal in id order
    # instead of the few due ones through signals_removal
    due = sorted(
        store.rows(
            "SELECT s.id, y.birth_date FROM signals s JOIN youths y ON y.id = s.youth_id"
            f" WHERE s.status = 'active' AND s.planned_removal <= :today{only}",
            params,
        ),
        key=lambda r: int(r["id"]),
    )
    endings = [
        (
            int(r["id"]),
            AGE_23
            if twenty_third_birthday(date.fromisoformat(r["birth_date"])) <= store.today
            else "expired",
        )
        for r in due
    ]
    if announce is not None and endings:
        announce(len(endings))
    # together: a match of signals that all end tonight tells nobody it ended (`end_signals`)
    end_signals(store, by, endings)
    deleted = sum(reason == AGE_23 for _, reason in endings)
    return len(endings) - deleted, deleted


def expire_signals(
    store: Store, by: Professional | None, youth_ids: Collection[int] | None = None
) -> tuple[int, int, int]:
    """Rule 15 by time: returns (archived, deleted at 23, archive entries purged).

    The active signals past their planned removal end (`end_overdue_signals`), then
    the archive entries whose term ran out go. With `youth_ids` only those youths'
    (a corrected birth date, the family of a youth being signalled).
    """
    archived, deleted = end_overdue_signals(store, by, youth_ids)
    today = store.today.isoformat()
    only = "" if youth_ids is None else " AND s.youth_id IN (SELECT value FROM json_each(:youths))"
    params = {
        "today": today,
        "youths": None if youth_ids is None else json.dumps(sorted(youth_ids)),
    }
    # as plain numbers: after a backlog these are hundreds of thousands
    old, of_youth = array("q"), array("q")
    for signal_id, youth_id in store.execute(
        "SELECT s.id, s.youth_id FROM signals s"
        f" WHERE s.status = 'ended' AND s.archive_until <= :today{only}",
        params,
    ):
        old.append(signal_id)
        of_youth.append(youth_id)
    _purge_archived(store, by, old, of_youth)
    return archived, deleted, len(old)


# rows per statement of the purge: one DELETE keeps a copy of every page it changes until
# it ends (the statement journal, in memory: db.open_store); the 400,000 entries of a
# national backlog in one statement took 600 MB, by 5,000 370 MB, by 1,000 the 160 MB that
# row by row took
PURGE_SET = 1000


def _purge_archived(
    store: Store, by: Professional | None, old: Sequence[int], of_youth: Sequence[int]
) -> None:
    """Delete these archive entries whose term ran out (`old`, of the youths `of_youth`),
    in this order, each with its 'purge' audit record, and erase a youth left with
    nothing (rule 15).

    The same as `_delete_archived`, the audit record and `forget_youth_if_unused` per
    entry, one after the other, but in sets: after a backlog (cron down for a while,
    the first night after an upgrade) a national index purges hundreds of thousands,
    and row by row that held the write lock for minutes. Most youths who go have
    nothing else: no school registration, no notice naming them, no brother, sister
    or housemate (`family_of`); their erasure touches nothing else, so they go
    together with the entries. Any other youth left without a signal goes through
    `forget_youth_if_unused` at the same point as before: right after his or her last
    entry, once the entries and the youths before it have gone.
    """
    if not old:
        return
    # left without a signal once these go (all their signals are among them), but not
    # alone: what `forget_youth_if_unused` does more than erase (the notices that name
    # the youth, a registration that keeps him or her, the family matches he or she
    # linked) is done for each of them in turn
    linked = {
        int(r[0])
        for r in store.rows(
            "SELECT y.id FROM youths y WHERE y.id IN (SELECT youth_id FROM signals"
            "  WHERE youth_id IN (SELECT value FROM json_each(:youths)) GROUP BY youth_id"
            "  HAVING COUNT(*) = SUM(status = 'ended' AND archive_until <= :today)) AND ("
            " EXISTS (SELECT 1 FROM pupils p WHERE p.youth_id = y.id)"
            " OR EXISTS (SELECT 1 FROM outbox_youths o WHERE o.youth_id = y.id)"
            " OR EXISTS (SELECT 1 FROM youth_parents p1 JOIN youth_parents p2"
            "  ON p2.parent_key = p1.parent_key AND p2.youth_id <> p1.youth_id"
            "  WHERE p1.youth_id = y.id)"
            " OR (y.address_key IS NOT NULL"
            "  AND y.address_key NOT IN (SELECT address_key FROM institution_addresses)"
            "  AND EXISTS (SELECT 1 FROM youths y2"
            "   WHERE y2.address_key = y.address_key AND y2.id <> y.id)))",
            {"youths": json.dumps(sorted(set(of_youth))), "today": store.today.isoformat()},
        )
    }
    last = {youth_id: i for i, youth_id in enumerate(of_youth) if youth_id in linked}
    actor_id = None if by is None else by.id
    start = 0

    def up_to(end: int) -> None:
        """What one by one did with the entries from `start` to `end`: delete them, and
        erase each youth left alone with nothing."""
        for at in range(start, end, PURGE_SET):
            stop = min(at + PURGE_SET, end)
            chunk = old[at:stop]
            ids = json.dumps(list(chunk))
            # the youth of each entry, for its audit record (rule 18: the inzage shows
            # "uit het archief gewist" under the youth's key, as for a single deletion)
            numbers = {
                int(r[0]): str(r[1])
                for r in store.rows(
                    "SELECT s.id, y.bsn FROM signals s JOIN youths y ON y.id = s.youth_id"
                    " WHERE s.id IN (SELECT value FROM json_each(?))",
                    (ids,),
                )
            }
            store.execute(
                "INSERT INTO archive_deletions (organisation_id, placed_month, ended_month,"
                " end_reason, count) SELECT organisation_id, substr(placed_at, 1, 7),"
                " substr(ended_at, 1, 7), COALESCE(end_reason, ''), COUNT(*) FROM signals"
                " WHERE id IN (SELECT value FROM json_each(?)) AND status = 'ended'"
                " GROUP BY 1, 2, 3, 4 ON CONFLICT DO UPDATE SET count = count + excluded.count",
                (ids,),
            )
            forget_history_notices(store, chunk, by)
            store.execute(
                "DELETE FROM signals WHERE id IN (SELECT value FROM json_each(?))", (ids,)
            )
            # a youth with a later signal stays: the matches of these entries leave him
            detach_emptied_matches(store, sorted(set(of_youth[at:stop])), by)
            subjects = [store.pseudonym(numbers[i]) for i in chunk]
            store.audit_each(actor_id, "purge", "signal", chunk, subjects)
        youths = sorted(set(of_youth[start:end]) - linked)
        for at in range(0, len(youths), PURGE_SET):
            alone = [
                int(r[0])
                for r in store.rows(
                    "SELECT value FROM json_each(?) WHERE NOT EXISTS"
                    " (SELECT 1 FROM signals WHERE youth_id = value)",
                    (json.dumps(youths[at : at + PURGE_SET]),),
                )
            ]
            if alone:
                erase_youths(store, alone)

    for i, youth_id in enumerate(of_youth):
        if last.get(youth_id) == i:
            up_to(i + 1)
            start = i + 1
            forget_youth_if_unused(store, by, youth_id)
    up_to(len(old))


def end_registrations_at_23(
    store: Store, by: Professional | None, youth_ids: Collection[int] | None = None
) -> int:
    """Rule 15 for school registrations: they end on the youth's 23rd birthday.

    A pupil list registers a youth so that a school can signal him or her and
    family matches can be found; both end at 23 (rule 2). Without this a youth
    who was once on a list would stay in the index for life, with name, birth
    date, address and parents' keys. Each registration is removed and logged
    (`end_registrations`), then a youth left with nothing is erased
    (`forget_youth_if_unused`, which also reconciles the families he or she
    linked). Runs after `expire_signals`, which ends the signals at 23 and
    purges the archive entries (they end at 23 too), so nothing is left.

    The youths are found through the index on birth dates: nobody of 23 or
    over stays after a run, so the range holds only those who turned 23 since
    the last one. With `youth_ids` only those youths'. Returns how many registrations
    were removed.
    """
    today = store.today
    # the plain date 23 years ago, plus one day: someone born on 29 February is
    # a day younger in a common year (`twenty_third_birthday` decides below)
    latest = today - relativedelta(years=MAX_AGE_YEARS) + timedelta(days=1)
    only = "" if youth_ids is None else " AND y.id IN (SELECT value FROM json_each(?))"
    due = [
        r
        for r in store.rows(
            "SELECT y.id, y.bsn, y.birth_date FROM youths y"
            " WHERE y.birth_date <= ? AND EXISTS (SELECT 1 FROM pupils p WHERE p.youth_id = y.id)"
            + only,
            (latest.isoformat(),) + (() if youth_ids is None else (json.dumps(sorted(youth_ids)),)),
        )
        if twenty_third_birthday(date.fromisoformat(r["birth_date"])) <= today
    ]
    removed = 0
    for r in sorted(due, key=lambda r: int(r["id"])):
        removed += end_registrations(store, by, r["id"], r["bsn"], "age_23")
        forget_youth_if_unused(store, by, r["id"])
    return removed


def end_due_of(store: Store, youth_ids: Collection[int]) -> None:
    """Rule 15 for these youths as tonight's `vix onderhoud` would apply it, by vix
    itself: their signals past their planned removal end, their archive entries whose
    term ran out go, and so does a school registration of one who turned 23 (a youth
    left with nothing is erased).

    For the inzage (`reports.inzage`), the one read that shows archive entries and
    registrations: it tells the parents what the index holds, not what it held
    before midnight. Every command ends the active signals past their planned
    removal first (`cli_common.acting`); the archive entries and registrations of
    everyone wait for the night run, which after a backlog takes minutes on them.
    """
    expire_signals(store, None, youth_ids)
    end_registrations_at_23(store, None, youth_ids)


def clear_unfit_classes(store: Store, by: Professional | None) -> int:
    """Rule 3 for what an older vix stored: clear each school registration's group or
    class that is no class code (`text.class_refusal`); returns how many.

    Until the pupil import checked the shape, the column took any text, so a list
    whose care levels or notes were read as the group ("niveau 4: vader in
    detentie") left them in the index, shown at every inzage. Such a value has no
    use in vix, and the school's next list writes its real class again (the import
    holds a class to this same rule: it stores every class kept here and leaves out,
    with a warning, a value cleared here), so it is cleared rather than kept. Each is
    logged on the youth (action `class_dropped`, entity 'pupil', the school's code in
    the detail; never the value), so the inzage shows that and when it went. Only
    distinct values are tested: a region has a few thousand classes, however many pupils.
    """
    unfit = [
        r[0]
        for r in store.rows("SELECT DISTINCT class_name FROM pupils WHERE class_name IS NOT NULL")
        if class_refusal(r[0]) is not None
    ]
    if not unfit:
        return 0
    found = store.rows(
        "SELECT p.youth_id, p.organisation_id, y.bsn, o.code FROM pupils p"
        " JOIN youths y ON y.id = p.youth_id JOIN organisations o ON o.id = p.organisation_id"
        " WHERE p.class_name IN (SELECT value FROM json_each(?)) ORDER BY p.youth_id, o.code",
        (json.dumps(unfit),),
    )
    for r in found:
        store.audit(
            None if by is None else by.id,
            "class_dropped",
            "pupil",
            r["youth_id"],
            subject_number=r["bsn"],
            detail={"organisatie": r["code"]},
        )
        store.execute(
            "UPDATE pupils SET class_name = NULL WHERE youth_id = ? AND organisation_id = ?",
            (r["youth_id"], r["organisation_id"]),
        )
    return len(found)


_SIGNAL_VIEW_SQL = f"""
SELECT s.id, {youth_name_sql("y")} AS youth_name, y.birth_date, y.bsn, s.placed_at,
       s.planned_removal, s.parents_informed_on, s.parents_not_informed_reason, s.status,
       EXISTS (SELECT 1 FROM match_members mm JOIN matches m ON m.id = mm.match_id
               WHERE mm.signal_id = s.id AND mm.left_at IS NULL AND m.ended_at IS NULL)
           AS in_match,
       p.name AS signaller, o.name AS organisation
FROM signals s JOIN youths y ON y.id = s.youth_id
JOIN professionals p ON p.id = s.professional_id
JOIN organisations o ON o.id = s.organisation_id
"""


def list_signals(store: Store, by: Professional, *, organisation: bool = False) -> list[SignalView]:
    """The actor's own active signals; with `organisation`, the organisation's (managers)."""
    if organisation:
        by.require("org_manager")
        where, params = "s.organisation_id = ?", by.organisation_id
    else:
        where, params = "s.professional_id = ?", by.id
    rows = store.rows(
        _SIGNAL_VIEW_SQL + f" WHERE {where} AND s.status = 'active' ORDER BY s.placed_at, s.id",
        (params,),
    )
    for r in rows:
        store.audit(by.id, "read", "signal", r["id"], subject_number=r["bsn"])
    return [
        SignalView(
            id=r["id"],
            youth_name=r["youth_name"],
            youth_birth_date=r["birth_date"],
            placed_at=r["placed_at"],
            planned_removal=r["planned_removal"],
            parents_informed_on=r["parents_informed_on"],
            parents_not_informed_reason=shown_reason(r["parents_not_informed_reason"]),
            status="actief" if r["status"] == "active" else "beëindigd",
            in_match=bool(r["in_match"]),
            signaller=r["signaller"],
            organisation=r["organisation"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class MoveResult:
    youth_name: str
    handovers: list[Handover]  # requests for regie now at the new municipality
    redirects: list[Redirect]  # notices to the alderman, now (also) to the new one
    address: str | None  # "new": the new home address given; "cleared": the old one went
    # family matches the new (or no) address made, changed or ended (`count_matches`)
    matches_new: int
    matches_changed: int
    matches_ended: int
    notices: int  # notices queued for those changes
    moved: bool = True  # to another municipality; else a new address in the same one
    # the municipality as stored, not as typed ('zandvoort', 'GM 0473')
    municipality: str = ""  # its name
    municipality_code: str = ""


def move_youth(
    store: Store,
    by: Professional,
    number: str,
    municipality: str,
    moved_on: date,
    *,
    postcode: str | None = None,
    house_number: str | None = None,
) -> MoveResult:
    """Rule 11: record a move; the signallers and the new regievoerder are told.

    The youth no longer lives at the old home address: he or she takes the new
    one given, or none. A family match that only the old address made would
    otherwise go on, and an unrelated child signalled later at that address
    would get one (rule 7). So the family as it was and as it is now is
    reconciled, and the move notices wait until then, as for a pupil list that
    gives a new town and address (`importer`: `record_move` with `tell=False`).

    A "move" to the municipality the youth lives in gives the new address a move
    without one left out, or records a move within the municipality: the family is
    reconciled as above, but there is no `youth_moves` row and no move notice (the
    municipality, and so who holds regie, stays); without an address nothing would
    change and it is refused (`_check_move`). With the address stored, nothing
    changes either: the coordinator and the administrator, who see the stored
    address (`vix inzage`), are refused as before; a signaller is answered as for
    a new address in that municipality, with nothing changed and a lookup logged.
    Refusing a signaller would confirm a guessed address that he or she may not
    see (rule 16: another organisation or a school registered it), and each
    guess would be silent, while a wrong one moves the youth.

    Every check that does not depend on the youth comes first: a refusal after
    the youth was found tells that the number is registered, and is logged as a
    lookup (rule 18, `errors.revealing`).
    """
    from .people import municipality_id

    if (postcode is None) != (house_number is None):
        raise UsageError(
            "Geef bij een verhuizing het nieuwe adres met --postcode én --huisnummer, of geen "
            "van beide: dan wist vix het oude adres."
        )
    new_id = municipality_id(store, municipality)
    town = store.row("SELECT code, name FROM municipalities WHERE id = ?", (new_id,))
    assert town is not None
    if moved_on > store.today:
        raise InvalidInput(
            f"De verhuisdatum ({_day(moved_on)}) ligt in de toekomst; leg een verhuizing vast "
            "als die gebeurd is. Geef de datum van vandaag of eerder (dd-mm-jjjj); er is niets "
            "opgeslagen."
        )
    if postcode is not None and house_number is not None:
        postcode = clean_postcode(postcode)
        clean_house_number(house_number)  # refuses what is not a house number
        house_number = house_number.strip()
    youth = find_youth(store, number)
    if youth is not None:
        # rule 15 holds whether or not tonight's `vix onderhoud` ran, as in `place_signal`:
        # a signal past its planned removal in the family as it was ends before the
        # reconcile below (a refusal rolls this back with the rest)
        expire_signals(store, None, family_of(store, youth.id))
        youth = find_youth(store, number)
    active_ids = (
        []
        if youth is None
        else [
            r[0]
            for r in store.rows(
                "SELECT professional_id FROM signals WHERE youth_id = ? AND status = 'active'",
                (youth.id,),
            )
        ]
    )
    sees_all = by.role in ("admin", "coordinator")
    if youth is None and sees_all:
        raise NotFound(
            "De verwijsindex kent deze jeugdige niet; er is niets opgeslagen. " + CHECK_NUMBER
        )
    if youth is None or not (sees_all or by.id in active_ids):
        # one answer for both: a signaller may not learn whether the index knows a youth
        # he or she has no signal on (rule 9, no search)
        raise NotFound(
            "Deze jeugdige is niet bekend, of u heeft geen actief signaal op hem of haar; er is "
            "niets opgeslagen. Controleer het nummer (BSN, onderwijsnummer of vervangend nummer "
            "VN...); uw eigen signalen ziet u met 'vix signalen'. Een verhuizing legt vast wie "
            "een actief signaal op de jeugdige heeft, de regionaal coördinator of de functioneel "
            "beheerder."
        )
    within = youth.municipality_id == new_id
    # the same home however it is written ('12a', '12A', '12 a'): one address key
    stored = within and address_key(postcode, house_number) == address_key(
        youth.postcode, youth.house_number
    )
    with revealing([Lookup(by.id, youth.id, youth.bsn, {"bron": "verhuis"})]):
        _check_move(store, youth, new_id, town["name"], moved_on, postcode, stored and sees_all)
    if stored:
        # a signaller gave the address stored (`_check_move` refused the others): the
        # answer of a new address in the same municipality, true here too, and nothing
        # changed; the log keeps what happened
        store.lookup(by.id, youth.id, youth.bsn, {"bron": "verhuis", "adres": "al vastgelegd"})
        return MoveResult(
            youth.name,
            handovers=[],
            redirects=[],
            address=None,
            matches_new=0,
            matches_changed=0,
            matches_ended=0,
            notices=0,
            moved=False,
            municipality=town["name"],
            municipality_code=town["code"],
        )
    family_before = family_of(store, youth.id)
    key_before = store.scalar("SELECT address_key FROM youths WHERE id = ?", (youth.id,))
    key_after = address_key(postcode, house_number)
    set_address(store, youth.id, postcode, house_number)
    address = None
    if (postcode, house_number) != (youth.postcode, youth.house_number):
        address = "cleared" if postcode is None else "new"
        # the fields, never their values (as `corrections.correct_youth` logs them)
        store.audit(
            by.id,
            "update",
            "youth",
            youth.id,
            subject_number=youth.bsn,
            detail={"bron": "verhuis", "velden": ["postcode", "huisnummer"]},
        )
        # and in the family the new address links
        expire_signals(store, None, family_of(store, youth.id))
    # a new address in the same municipality (the one a move without it left out, or a
    # move within it): the family follows as on a move, but nobody is told of a move
    if within:
        from .followup import Moved

        moved = Moved()
    else:
        moved = record_move(store, by, youth, new_id, municipality, moved_on, tell=False)
    changes = [] if key_after == key_before else reconcile(store, family_before | {youth.id})
    notices = queue_for_changes(store, changes, by)
    counts = count_matches(changes)
    if not within:
        # after the reconcile: the notice says whether the youth is in a family match now
        notify_move(store, youth.id)
    return MoveResult(
        youth.name,
        moved.handovers,
        moved.redirects,
        address=address,
        matches_new=counts.new,
        matches_changed=counts.changed,
        matches_ended=counts.ended,
        notices=notices,
        moved=not within,
        municipality=town["name"],
        municipality_code=town["code"],
    )


def _check_move(
    store: Store,
    youth: Youth,
    new_id: int,
    municipality: str,
    moved_on: date,
    postcode: str | None,
    stored_address: bool,
) -> None:
    """The refusals of `move_youth` that the youth's own data decide.

    A move to the municipality the youth lives in is a new address there (given after
    a move without one, or a move within the municipality); refused when it gives no
    address, or when it gives the one stored and the one who asks may see it
    (`stored_address`), since nothing would change."""
    if youth.municipality_id == new_id and postcode is None:
        raise Conflict(
            f"{youth.name} woont al in gemeente {municipality}. Is hij of zij binnen de "
            "gemeente verhuisd, of ontbrak het nieuwe adres bij de verhuizing, geef dan het "
            "nieuwe adres met --postcode en --huisnummer; er is niets opgeslagen."
        )
    if stored_address:
        raise Conflict(
            f"{youth.name} woont al op dit adres in gemeente {municipality}; er is niets gewijzigd."
        )
    if moved_on < youth.birth_date:
        raise InvalidInput(
            f"De verhuisdatum ({_day(moved_on)}) ligt vóór de geboortedatum van "
            f"{youth.name} ({_day(youth.birth_date)}). Controleer de datum (dd-mm-jjjj); er is "
            "niets opgeslagen."
        )
    last = store.scalar("SELECT max(moved_on) FROM youth_moves WHERE youth_id = ?", (youth.id,))
    if last is not None and moved_on < date.fromisoformat(last):
        # the youth's municipality is that of the latest move: an earlier date would
        # make the history say he or she lives where the last move left
        raise InvalidInput(
            f"De verhuisdatum ({_day(moved_on)}) ligt vóór de vorige vastgelegde verhuizing "
            f"van {youth.name} ({_day(date.fromisoformat(last))}; een leerlinglijst legt een "
            "verhuizing vast op de dag van de import). Geef een datum vanaf die dag "
            "(dd-mm-jjjj); er is niets opgeslagen."
        )


def record_move(
    store: Store,
    by: Professional | None,
    youth: Youth,
    new_id: int,
    municipality: str,
    moved_on: date,
    *,
    tell: bool = True,
) -> Moved:
    """Store a move of `youth` (as it was before) and tell those involved (rule 11).

    The youth's open match now belongs to the new municipality, and so does a
    family match none of whose youths lives in its municipality any more (the
    family moved; while one youth stays, that municipality keeps it:
    `matching.follow_residence`). A request for regie of such a match goes to
    the new municipality's regievoerder (rule 12, `followup.follow_move`), and
    the notice to the alderman to the new municipality's alderman (rule 13: an
    unsent one goes there instead, a sent one goes there too while the match
    still stagnates); returns those hand-overs and redirects. A caller that
    changes the family in the same command (the pupil import: a new address)
    reconciles afterwards, which
    decides again with the members as they are then; it passes `tell=False` and
    queues the move notices after that (`notices.notify_move`), so that they say
    whether the youth is in a family match as the command leaves it.

    No permission check: `move_youth` checks the signaller, the pupil import
    checks the importing organisation before calling this.
    """
    store.insert(
        "INSERT INTO youth_moves (youth_id, from_municipality_id, to_municipality_id, moved_on,"
        " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            youth.id,
            youth.municipality_id,
            new_id,
            moved_on.isoformat(),
            None if by is None else by.id,
            store.stamp,
        ),
    )
    store.execute(
        "UPDATE youths SET municipality_id = ?, updated_at = ? WHERE id = ?",
        (new_id, store.stamp, youth.id),
    )
    followed = follow_residence(
        store,
        [*open_youth_matches(store, [youth.id]), *open_family_matches(store, [youth.id])],
        prefer=new_id,
    )
    store.audit(
        None if by is None else by.id,
        "move",
        "youth",
        youth.id,
        subject_number=youth.bsn,
        detail={"gemeente": municipality},
    )
    if tell:
        notify_move(store, youth.id)
    from .followup import follow_move

    return follow_move(store, by, followed)
