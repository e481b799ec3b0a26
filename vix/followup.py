"""After the match: who leads, what was done, what stagnates, and escalation.

Contract (DOMAIN.md rules 12-13):

- **Match director.** `matching` proposes one when a match arises. Members of
  the match, the match's regievoerder and regional coordinators may change it
  with `set_director()`; the new director must be a member with an active
  signal who can act (`Professional.reachable`). While youth protection /
  youth probation that can act is in the match, it is always the director:
  naming anyone else is refused.
- **Who leads, in the outbox.** Every step that changes the director, the care
  coordinator or the regievoerder renews the match's unsent notices that tell who
  leads (`renew_lead_facts`); sent is sent.
- **A director who left** (deactivated, or the organisation was) stays named,
  so that the hand-over of his or her signals (`transfer`) passes the role to
  the colleague, but counts as none: nobody records the agreement until a
  member takes the lead (`set_director`), and the refusals, the match views,
  the match notices, `stagnation()` and the escalation notices say that he or
  she left.
- **Regievoerder.** When no member can lead, `hand_to_regievoerder()` places
  the regievoerder of the match's municipality in the match (so that he or
  she can see it, see `matching.can_see`), clears the director and queues a
  notice. The regievoerder stays until `name_care_coordinator()` names a
  member as care coordinator, who then also leads the match, or until youth
  protection joins and leads it: the request lapses (`request_lapsed()`).
- **The municipality holds the request.** The municipality where the youth
  lives has regie, not a person: when the match's municipality changes (a
  move, `signals.record_move`) or the municipality gets another regievoerder
  (`people.update_municipality`), the request goes to the regievoerder of
  the match's municipality now (`follow_move()`, `follow_new_regievoerder()`).
  A municipality without one leaves the request waiting without a holder
  (director and regievoerder both empty, a state only a request can have)
  until the administrator records one. A regievoerder who is no longer active
  (or whose organisation is not: `Professional.reachable`) counts as none: he
  or she gets no notice and cannot log in. A request is never handed to him
  or her; one he or she held is handed over like any other (it waits, as a
  rule) when he or she or the organisation is deactivated
  (`follow_deactivation()`); the administrator cannot record him or her.
  Activated again while still the municipality's regievoerder, he or she
  holds its requests again (`follow_activation()`).
- **Milestones** (`record_milestone()`): contact and action by any member (or
  the regievoerder in the match), the agreement only by the match director
  (or, while there is none, the regievoerder). One of each per match; dates
  not in the future, not before the match arose, contact <= agreement <=
  action, action only after an agreement. Whoever may record one may correct
  its date (`correct=True`) or take it back when it was recorded on the wrong
  match (`remove_milestone()`; an agreement only once the action is taken
  back). Both are audited with the old date; escalations already taken stay.
- **Stagnation** (`stagnation()`): an open match stagnates when its next
  milestone is overdue. Stage "afstemming": no agreement and more than
  `stagnatie_dagen` days since the day the match arose. Stage "actie" (only
  when an action limit is given): an agreement but no action and more than
  `actie_dagen` days since the agreement. A match with an action recorded
  does not stagnate. Days are working days or calendar days (`workdays`).
  Rule 15 holds whether or not tonight's `vix onderhoud` ran: the command
  first ends the signals past their planned removal, as every command does
  (`signals.end_overdue_signals` in `cli_common.acting`), and an escalation
  notice about such signals is moot (`moot_escalation`, `EXPIRED`).
- **Escalation ladder**: level 1 the organisation managers of the members'
  organisations, level 2 the regional coordinators, level 3 the alderman for
  youth of the match's municipality (by e-mail address). With `escalate`, a
  stagnating match moves at most one step per run: to level 1 at once, to the
  next level only when the previous step is at least `escalatie_dagen` days
  old and was not taken today. Each step is a row in `escalations`
  (UNIQUE match_id + level) written with the notices in the caller's
  transaction; since that transaction is BEGIN IMMEDIATE, an overlapping run
  waits for the write lock, then sees the step and does nothing. The ladder
  does not restart when a match stagnates again in a later stage. A match that
  moves takes its level-3 notice not sent yet to the new municipality's
  alderman, and tells its unsent level-1 and level-2 notices again with the
  new municipality (`follow_move()`); the new alderman is also told of a
  level-3 step the old one received while the match still stagnates at it.
  When the administrator changes or clears the alderman's address, the
  level-3 notices not sent yet to the old one go to the new one, or to
  nobody; when he or she changes or clears the name, they are queued again
  with the name now. An address the administrator records also gets the
  level-3 notice of every open match still stagnating at that step that it
  has not had: one taken while there was no address, or told to the old one
  (`follow_alderman_address()`). Without a name the notice greets the office
  (`ALDERMAN_TITLE`).
- **A signal deleted as one that should never have been placed** (rule 15,
  `follow_deletion()`): if the match arose from it, the match starts when the
  match that is left arose (`matching.restart`), and milestones from before
  that day go. The milestones its professional recorded go too, unless he or
  she is a member through another signal (`wiped_work()`): a director who
  never was made no agreement. Escalation steps that were not due counted
  from the start without that agreement are taken back. A match that never
  arose without the signal goes with all of its follow-up
  (`matching.delete_match`).
- **Need to know** (rule 16): coordinators, organisation managers and
  regievoerders see the process only (match number, kind, age,
  organisations, director, municipality, next step). Youth names appear only
  for a signaller, in matches he or she is a member of, and are audited.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from . import settings
from .db import Store
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .matching import (
    REACHABLE_SQL,
    Restart,
    can_see,
    left_sql,
    member_signals,
    named_sql,
    named_to,
)
from .notices import (
    DELIVERED,
    NAMING_KINDS,
    UNSENT,
    action_late,
    agreement_late,
    link_youths,
    match_youths,
    members_at,
    milestones_of,
    queue,
    renew_unsent,
    sql_list,
    tell_what_is_left,
    unsent_of_match,
    withdraw_notices,
)
from .people import (
    Professional,
    active_with_role,
    find_professional,
    professional_by_id,
)
from .render import dutch_date, render_cached
from .text import or_list
from .views import family_hidden, family_hides, request_asked
from .workdays import Calendar
from .youths import youth_name_sql

MILESTONE_LABELS = {"contact": "contact", "agreement": "afstemming", "action": "actie"}
_THE = {"contact": "het contact", "agreement": "de afstemming", "action": "de actie"}
LEVEL_LABELS = {1: "instantiebeheerders", 2: "regionaal coördinator", 3: "wethouder Jeugd"}
TOP_LEVEL = 3
ESCALATION_KINDS = tuple(f"escalatie_{level}" for level in LEVEL_LABELS)
KIND_LABELS = {"youth": "cliëntmatch", "family": "gezinsmatch"}
# whom the level-3 notice greets, and names as its recipient, while no name is recorded
ALDERMAN_TITLE = "Wethouder Jeugd"


# -- who leads -------------------------------------------------------------------


@dataclass(frozen=True)
class Lead:
    match_id: int
    director: str | None
    regievoerder: str | None
    care_coordinator: str | None
    # the request lies with the municipality while `regievoerder` is hidden from the one
    # who asks (`views.family_hides`): held by its regievoerder, or waiting for one
    regievoerder_asked: bool = False


def _not_found(match_id: int) -> NotFound:
    return NotFound(
        f"Match {match_id} bestaat niet of u bent er niet bij betrokken. "
        "Bekijk uw matches met 'vix matches'."
    )


def _open_match(store: Store, by: Professional, match_id: int, *, coordinator_ok: bool) -> Any:
    """The match row, if `by` may act on it; same answer for 'absent' and 'not yours'."""
    allowed = can_see(store, match_id, by.id) or (coordinator_ok and by.role == "coordinator")
    row = store.row("SELECT * FROM matches WHERE id = ?", (match_id,))
    if row is None or not allowed:
        raise _not_found(match_id)
    if row["ended_at"] is not None:
        raise Conflict(f"Match {match_id} is beëindigd; er valt niets meer vast te leggen.")
    return row


def _lead(store: Store, match_id: int) -> Lead:
    row = store.row(
        "SELECT d.name AS director, r.name AS regievoerder, c.name AS care"
        " FROM matches m LEFT JOIN professionals d ON d.id = m.director_id"
        " LEFT JOIN professionals r ON r.id = m.regievoerder_id"
        " LEFT JOIN professionals c ON c.id = m.care_coordinator_id WHERE m.id = ?",
        (match_id,),
    )
    assert row is not None
    return Lead(match_id, row["director"], row["regievoerder"], row["care"])


def _lead_for(store: Store, by: Professional, match_id: int) -> Lead:
    """Who leads the match, as `by` may be told: of a family match a signaller learns
    that the municipality's regievoerder was asked, not who (`views.family_hides`)."""
    lead = _lead(store, match_id)
    m = store.row("SELECT kind, director_id FROM matches WHERE id = ?", (match_id,))
    assert m is not None
    if not family_hides(by, m["kind"]):
        return lead
    asked = request_asked(m["director_id"])
    return Lead(match_id, lead.director, None, lead.care_coordinator, regievoerder_asked=asked)


def _member(store: Store, by: Professional, match_id: int, email: str) -> Professional:
    """A member of the match who can lead it: in it with an active signal, and able to
    act (`Professional.reachable`). Whether someone outside the match still works is
    not told to those who see the match: only a member's leaving is. Who does not see
    its members (a coordinator sees who leads, not who else is in it: rule 16) hears
    only that someone left, whatever the match, unless it is one who leads it: else the
    refusal of a member who left, and that of an outsider, told them apart."""
    found = find_professional(store, email)
    if (
        found is not None
        and not found.reachable
        and not can_see(store, match_id, by.id)
        and not _leads(store, match_id, found.id)
    ):
        gone = _cannot_act(found)
        raise InvalidInput(
            f"{gone[0].upper()}{gone[1:]} en kan geen matchregisseur zijn. Wijs een "
            "betrokkene aan die actief is."
        )
    if found is None or not member_signals(store, match_id, found.id):
        raise InvalidInput(
            f"{email} zit niet (met een actief signaal) in match {match_id}. Alleen een "
            "betrokken professional kan matchregisseur of zorgcoördinator zijn; wie er nog "
            "niet in zit, geeft eerst zelf een signaal af."
        )
    if not found.reachable:
        gone = _cannot_act(found)
        raise InvalidInput(
            f"{gone[0].upper()}{gone[1:]}: hij of zij zit nog in match {match_id}, maar krijgt "
            f"geen berichten en kan niets doen. {_after_leaving(found, match_id)}"
        )
    return found


def _leads(store: Store, match_id: int, professional_id: int) -> bool:
    """Whether the professional leads the match (director, care coordinator or
    regievoerder asked): what a coordinator sees of it."""
    return bool(
        store.scalar(
            "SELECT 1 FROM matches WHERE id = :match AND :me IN"
            " (director_id, care_coordinator_id, regievoerder_id)",
            {"match": match_id, "me": professional_id},
        )
    )


def _cannot_act(who: Professional) -> str:
    """Why a member cannot act, naming him or her by name and address."""
    return who.cannot_act(f"{who.name} ({who.email})")


def _after_leaving(who: Professional, match_id: int) -> str:
    """What to do about a member who left: another member leads, and the organisation
    hands his or her signals (and with them a role) to a colleague."""
    lead = f"Een andere betrokkene neemt de regie met 'vix regie {match_id} --regisseur E-MAIL'"
    code = who.organisation_code
    if not who.organisation_active:
        # a deactivated organisation hands nothing on (`transfer._check_target`)
        return (
            f"{lead}; de signalen van {code} kunnen pas worden overgedragen of ingetrokken "
            f"als de functioneel beheerder de organisatie terugzet met 'vix organisatie "
            f"activeer {code}'."
        )
    return (
        f"{lead}; de instantiebeheerder van {code} draagt de signalen over aan een collega "
        f"met 'vix professional overdragen {who.email} COLLEGA' (een rol in de match gaat "
        "dan mee)."
    )


def _youth_protection_rule(
    store: Store, match_id: int, chosen: Professional | None, *, regievoerder: bool = False
) -> None:
    """Rule 12: youth protection / probation in the match always leads.

    `chosen` is who would lead, if known to vix; `regievoerder` when the regievoerder
    is asked, which is only for a match where no member can lead. Checked before
    whether `chosen` is in the match (`_member`): a coordinator or regievoerder, who
    does not see the members, would otherwise learn from the two refusals whether
    a professional he or she named is in it.
    """
    if not regievoerder and chosen is not None and chosen.domain == "youth_protection":
        return
    # only youth protection that can act leads: one whose professional or organisation
    # was deactivated would leave the match without anyone to lead it
    gi = store.scalar(
        "SELECT p.name FROM match_members mm JOIN organisations o ON o.id = mm.organisation_id"
        " JOIN professionals p ON p.id = mm.professional_id"
        " WHERE mm.match_id = ? AND mm.left_at IS NULL AND o.domain = 'youth_protection'"
        f" AND {REACHABLE_SQL} ORDER BY mm.joined_at LIMIT 1",
        (match_id,),
    )
    if gi is not None:
        raise Conflict(
            f"In match {match_id} zit jeugdbescherming/jeugdreclassering ({gi}); die is "
            "altijd matchregisseur en zorgcoördinator"
            + (", dus de regievoerder wordt niet gevraagd." if regievoerder else ".")
        )


def _members_context(store: Store, match_id: int) -> list[dict[str, Any]]:
    return [
        {"naam": r["name"], "organisatie": r["org"], "telefoon": r["phone"], "email": r["email"]}
        for r in store.rows(
            "SELECT DISTINCT p.name, p.phone, p.email, o.name AS org FROM match_members mm"
            " JOIN professionals p ON p.id = mm.professional_id"
            " JOIN organisations o ON o.id = mm.organisation_id"
            " WHERE mm.match_id = ? AND mm.left_at IS NULL ORDER BY p.name",
            (match_id,),
        )
    ]


def _queue_lead_notice(
    store: Store,
    match_id: int,
    recipient_id: int,
    event: str,
    by_name: str | None,
    transferred_from: str | None = None,
    *,
    by_regievoerder: bool = False,
) -> int | None:
    """A lead notice (regisseur, regievoerder, zorgcoordinator) with the current members;
    `by_name` is who took the step, None to name nobody (see `renew_lead_notices`).
    `by_regievoerder`: the step was the regievoerder's, so an unnamed one is "De
    regievoerder" (hidden from a family match's signaller: `matching.named_sql`), not
    a member ("Een betrokkene": one who left the match is not named either).

    `transferred_from` names the colleague whose signals, and with them the role, passed
    to the recipient (`transfer.transfer_signals`); the notice then says which roles he or
    she holds in the match now."""
    return queue(
        store,
        recipient_id=recipient_id,
        kind=f"regie_{event}",
        match_id=match_id,
        template="berichten/regie.txt",
        subject={
            "regisseur": "Verwijsindex: u bent matchregisseur",
            "regievoerder": "Verwijsindex: verzoek om regie",
            "zorgcoordinator": "Verwijsindex: u bent zorgcoördinator",
        }[event],
        context={
            "gebeurtenis": event,
            "match_id": match_id,
            "door": by_name,
            "door_regievoerder": by_regievoerder,
            "van": transferred_from,
            "rollen": [] if transferred_from is None else _roles(store, match_id, recipient_id),
            "betrokkenen": _members_context(store, match_id),
            **_next_step(store, match_id),
        },
    )


def _next_step(store: Store, match_id: int) -> dict[str, Any]:
    """What a lead notice says is next, as the match notice does: an agreement recorded
    already is not asked for again (`mijlpalen`), and one overdue now gets no fresh term
    of contact days (`over_tijd`, `notices.agreement_late`: the test `vix stagnatie`
    uses), since the coordinators may escalate the match already; nor does an agreed
    action that is overdue (`actie_over_tijd`, `notices.action_late`). Read once per notice;
    the rules and the calendar come from the transaction's memo (`Store.memo`)."""
    milestones = milestones_of(store, match_id)
    return {
        "mijlpalen": milestones,
        "over_tijd": agreement_late(store, match_id, milestones),
        # after the agreement: the agreed action, when `actie_dagen` watches it
        "actie_over_tijd": action_late(store, match_id, milestones),
    }


def _roles(store: Store, match_id: int, professional_id: int) -> list[str]:
    """The lead roles the professional holds in the match, as the notice names them."""
    held = store.row(
        "SELECT director_id = :me AS director, care_coordinator_id = :me AS care"
        " FROM matches WHERE id = :match",
        {"me": professional_id, "match": match_id},
    )
    assert held is not None
    return [
        label
        for role, label in (("director", "matchregisseur"), ("care", "zorgcoördinator"))
        if held[role]
    ]


def tell_lead_passed(
    store: Store,
    match_id: int,
    recipient_id: int,
    by_name: str,
    source_name: str,
    *,
    care: bool,
) -> int | None:
    """The lead notice to a colleague who took over the signals of `source_name`, and with
    them his or her role in the match (`transfer`): of a care coordinator when that role
    passed (`care`), else of a director; the text lists every role he or she holds now."""
    event = "zorgcoordinator" if care else "regisseur"
    return _queue_lead_notice(store, match_id, recipient_id, event, by_name, source_name)


def set_director(store: Store, by: Professional, match_id: int, email: str) -> Lead:
    """Make a member of the match its director (members, regievoerder, coordinator)."""
    m = _open_match(store, by, match_id, coordinator_ok=True)
    _youth_protection_rule(store, match_id, find_professional(store, email))
    chosen = _member(store, by, match_id, email)
    if m["director_id"] == chosen.id:
        raise Conflict(f"{chosen.name} is al matchregisseur van match {match_id}.")
    store.execute("UPDATE matches SET director_id = ? WHERE id = ?", (chosen.id, match_id))
    store.audit(by.id, "set_director", "match", match_id, detail={"regisseur": chosen.id})
    renew_lead_facts(store, match_id, by.id)
    # a request that waited for a regievoerder lapsed: a member leads
    _stop_waiting(store, by, match_id, "director_set")
    if chosen.id != by.id:
        # named as `vix match` would name him or her to the recipient (`named_sql`)
        door = named_to(store, match_id, by.id, chosen.id)
        _queue_lead_notice(
            store,
            match_id,
            chosen.id,
            "regisseur",
            door,
            by_regievoerder=by.role == "municipal_director",
        )
    return _lead_for(store, by, match_id)


def hand_to_regievoerder(store: Store, by: Professional, match_id: int) -> Lead:
    """No member can lead: place the municipality's regievoerder in the match.

    Of a family match a signaller may not learn the municipality (`views.family_hides`),
    nor so whether it has an active regievoerder: a refusal would name it (`vix gemeente
    lijst` shows which has none). His or her request is taken alike then, and waits
    for one as after a move (`_hand_over`): the regional coordinators are told, and
    `follow_new_regievoerder` hands it over once the administrator records one. Asked
    again, it answers that it was asked, held or waiting. Others are refused, with the
    municipality named, as they see it anyway."""
    m = _open_match(store, by, match_id, coordinator_ok=True)
    hides = family_hides(by, m["kind"])
    # to such a member, asked while there is no director (`views.request_asked`): a
    # regievoerder who still holds it once a member leads is asked again, as one who
    # waited (and lapsed) would be, or the refusal would tell that the municipality has one
    asked = request_asked(m["director_id"]) if hides else m["regievoerder_id"] is not None
    if asked:
        raise Conflict(f"De regievoerder is al gevraagd voor match {match_id}.")
    _youth_protection_rule(store, match_id, None, regievoerder=True)
    town = store.row(
        "SELECT code, name, director_id FROM municipalities WHERE id = ?", (m["municipality_id"],)
    )
    if town is None:
        # the match has a municipality as soon as one of its youths has one: the
        # asker's own youth has none either, so this names nothing of another child
        raise Conflict(
            f"Van match {match_id} is geen gemeente bekend, dus ook geen regievoerder. "
            "Vraag de regionaal coördinator om hulp."
        )
    holder = town["director_id"]
    if holder is not None and not professional_by_id(store, int(holder)).reachable:
        # no notice would reach him or her, nor could he or she log in to act
        if not hides:
            raise Conflict(
                f"De gemeente {town['name']} heeft geen actieve regievoerder. De functioneel "
                f"beheerder legt een andere vast met 'vix gemeente wijzig {town['code']} "
                "--regievoerder E-MAIL'."
            )
        holder = None
    elif holder is None and not hides:
        raise Conflict(
            f"De gemeente {town['name']} heeft geen regievoerder. De functioneel beheerder "
            f"legt die vast met 'vix gemeente wijzig {town['code']} --regievoerder E-MAIL'."
        )
    store.execute(
        "UPDATE matches SET regievoerder_id = ?, director_id = NULL WHERE id = ?",
        (holder, match_id),
    )
    store.audit(
        by.id,
        "hand_to_regievoerder",
        "match",
        match_id,
        detail={"regievoerder": holder}
        if holder is not None
        else {"regievoerder": None, "gemeente": town["code"], "wacht": True},
    )
    renew_lead_facts(store, match_id, by.id)
    if holder is None:
        _tell_waiting(store, match_id, "verzoek")
    else:
        _stop_waiting(store, by, match_id)
        _queue_lead_notice(store, match_id, int(holder), "regievoerder", by.name)
    return _lead_for(store, by, match_id)


def name_care_coordinator(store: Store, by: Professional, match_id: int, email: str) -> Lead:
    """The match's regievoerder names a member as care coordinator (who then leads)."""
    m = _open_match(store, by, match_id, coordinator_ok=False)
    if m["regievoerder_id"] != by.id:
        raise Forbidden(
            f"Alleen de regievoerder die voor match {match_id} is gevraagd, wijst een "
            "zorgcoördinator aan."
        )
    _youth_protection_rule(store, match_id, find_professional(store, email))
    chosen = _member(store, by, match_id, email)
    store.execute(
        "UPDATE matches SET care_coordinator_id = ?, director_id = ?, regievoerder_id = NULL"
        " WHERE id = ?",
        (chosen.id, chosen.id, match_id),
    )
    store.audit(by.id, "set_care_coordinator", "match", match_id, detail={"zorg": chosen.id})
    renew_lead_facts(store, match_id, by.id)
    # of a family match a signaller reads "De regievoerder" (`named_sql`)
    door = named_to(store, match_id, by.id, chosen.id)
    _queue_lead_notice(store, match_id, chosen.id, "zorgcoordinator", door)
    return _lead_for(store, by, match_id)


# -- the municipality holds the request (rules 11-12) ---------------------------------


@dataclass(frozen=True)
class Handover:
    """A request for regie that went to the regievoerder of the match's municipality."""

    match_id: int
    municipality: str
    regievoerder: str | None  # None: the municipality has no (active) one, the request waits
    inactive: bool = False  # it has one, who is no longer active (or whose organisation is not)
    kind: str = "youth"  # of a family match a signaller learns neither (`views.family_hides`)


# the municipality's regievoerder, if he or she can act: a deactivated professional, or
# one of a deactivated organisation, gets no notice and cannot log in (`Professional.reachable`)
_ACTIVE_DIRECTOR_SQL = """
(SELECT p.id FROM professionals p LEFT JOIN organisations o ON o.id = p.organisation_id
 WHERE p.id = mu.director_id AND p.active = 1 AND COALESCE(o.active, 1) = 1)
"""


def _requested_sql(matches: str = "matches m") -> str:
    """An open match that asked its municipality's regievoerder: held by one, or waiting
    for one (`_keep_director` gives every other open match a director); read from
    `matches`, a join that ends in `matches m`."""
    return f"""
SELECT m.id, m.kind, m.regievoerder_id, mu.code, mu.name, {_ACTIVE_DIRECTOR_SQL} AS holder,
       mu.director_id IS NOT NULL AS recorded
FROM {matches} JOIN municipalities mu ON mu.id = m.municipality_id
WHERE m.ended_at IS NULL AND (m.regievoerder_id IS NOT NULL OR m.director_id IS NULL)
"""


_REQUESTED_SQL = _requested_sql()


@dataclass(frozen=True)
class Redirect:
    """What a move did to the notice to the alderman (the last escalation step) of a match
    at that step: an unsent one to the old municipality's alderman was withdrawn
    (`withdrawn`), and one was queued for the alderman of the match's municipality now
    (`queued`), unless that alderman already had it or his or her address is unknown
    (`warning`)."""

    match_id: int
    municipality: str  # the match's municipality now (its name)
    warning: str | None  # that municipality has no alderman's address: nobody is told
    withdrawn: bool = True  # an unsent notice to the old alderman went
    queued: bool = True  # the new alderman gets the notice


@dataclass(frozen=True)
class Moved:
    """What followed matches to their new municipality (`follow_move`)."""

    handovers: list[Handover] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)


def follow_move(store: Store, by: Professional | None, match_ids: list[int]) -> Moved:
    """After a move (the matches belong to another municipality now): requests of these
    matches go to their new municipality's regievoerder (`_hand_over`), then the
    escalation notices follow (`_follow_escalations`), so that they name the
    municipality and the regievoerder the match has now."""
    ids = sorted(set(match_ids))
    rows = store.rows(
        # the ids drive: with `m.id IN (...)` SQLite walks every open match through
        # matches_open (see `matching.open_youth_matches`)
        _requested_sql("json_each(?) j CROSS JOIN matches m ON m.id = j.value") + " ORDER BY m.id",
        (json.dumps(ids),),
    )
    handovers = _hand_over(store, by, rows, "verhuizing")
    redirects = [_follow_escalations(store, by, match_id) for match_id in ids]
    return Moved(handovers, [r for r in redirects if r is not None])


def _follow_escalations(store: Store, by: Professional | None, match_id: int) -> Redirect | None:
    """Rule 13: the escalation notices of a match that moved tell where it is now.

    Every escalation notice not sent yet names the match's municipality and its
    regievoerder, which the move changed: sent as it is, it would have an
    organisation manager or a coordinator phone the old municipality. Each is
    withdrawn (`withdraw_notices`, reason `match_moved`) and queued again from the
    data as it is now, with the facts the step told (`_step_facts`), as a renewed
    notice is: levels 1 and 2 for the same recipients (who gets them does not go
    by the municipality), level 3 for the alderman of the match's municipality now
    (`_tell_alderman`). A notice the old alderman already received stays his or
    hers, and the step is not taken again; but the new alderman is told too while
    the match still stagnates at that step (`_tell_alderman`). Returns what
    happened to the alderman's notice, for the mover's messages.
    """
    rows = unsent_of_match(store, match_id, ESCALATION_KINDS)
    withdraw_notices(
        store,
        [r["id"] for r in rows],
        None if by is None else by.id,
        {"reden": "match_moved", "match": match_id},
    )
    for level in range(1, TOP_LEVEL):
        only = {r["recipient_id"] for r in rows if r["kind"] == f"escalatie_{level}"}
        if only:
            _queue_escalation(store, match_id, level, _step_facts(store, match_id, level), only)
    withdrawn = any(r["kind"] == f"escalatie_{TOP_LEVEL}" for r in rows)
    if not withdrawn and not _still_at_top(store, match_id):
        return None
    return _tell_alderman(store, match_id, withdrawn)


def _still_at_top(store: Store, match_id: int) -> bool:
    """Whether an open match took the last escalation step and still misses the
    milestone that step was about (the agreement, or the action after it)."""
    taken = store.scalar(
        "SELECT 1 FROM escalations e JOIN matches m ON m.id = e.match_id"
        " WHERE e.match_id = ? AND e.level = ? AND m.ended_at IS NULL",
        (match_id, TOP_LEVEL),
    )
    if taken is None:
        return False
    stage = _step_facts(store, match_id, TOP_LEVEL)["stap"]
    return ("agreement" if stage == "afstemming" else "action") not in milestones_of(
        store, match_id
    )


def _tell_alderman(store: Store, match_id: int, withdrawn: bool) -> Redirect | None:
    """Queue the last step's notice for the alderman of the match's municipality now.

    Not when that address already has it for this match (received, or being sent:
    a move back, or two municipalities with one alderman): he or she is told once.
    Without the address nobody is told and the warning says so, as when the step
    is taken (`_queue_escalation`)."""
    town = store.row(
        "SELECT mu.name, mu.alderman_email FROM matches m"
        " JOIN municipalities mu ON mu.id = m.municipality_id WHERE m.id = ?",
        (match_id,),
    )
    assert town is not None
    told = town["alderman_email"] and store.scalar(
        "SELECT 1 FROM outbox WHERE match_id = ? AND kind = ? AND recipient_id IS NULL"
        f" AND lower(recipient_email) = lower(?) AND status IN {sql_list(DELIVERED)} LIMIT 1",
        (match_id, f"escalatie_{TOP_LEVEL}", town["alderman_email"]),
    )
    if told:
        return Redirect(match_id, str(town["name"]), None, withdrawn, False) if withdrawn else None
    facts = _step_facts(store, match_id, TOP_LEVEL)
    _, warning = _queue_escalation(store, match_id, TOP_LEVEL, facts, {_ALDERMAN})
    return Redirect(match_id, str(town["name"]), warning, withdrawn, warning is None)


def follow_alderman_address(
    store: Store,
    by: Professional,
    municipality_id: int,
    old_email: str | None,
    *,
    renew: bool,
    recorded: bool,
) -> list[Redirect]:
    """The administrator recorded the alderman of a municipality: the address was
    recorded, changed or cleared (he or she left, a successor came, or a typing error
    was corrected), or the name was changed or cleared.

    When the name or address changed (`renew`), the level-3 notices of its matches not
    sent yet to the old address are withdrawn (`withdraw_notices`, reason
    `alderman_changed`) and queued for the alderman now, with the facts the step told
    (`_tell_alderman`): the old address would get, or bounce, a notice about a match it
    has no business with any more, and a notice greets the alderman by the name it was
    queued with ("Geachte J. Jansen" to Jansen's successor, or after the name was
    cleared). Without an address nobody is told and the warning says so, as when the
    step is taken. A notice sent or being sent stays what it was.

    An address the administrator records (`recorded`: where there was none, another
    than before, or the same again) is also told of every open match of the
    municipality that took the last step and still stagnates at it (`_still_at_top`),
    and that this address has not had (`_owed_alderman`): the step was taken without
    anyone to tell, or told an address that no longer is the alderman's, and the ladder
    goes no higher, so nobody else would ever tell him or her. The same address again
    finds what an older vix left owed. Those come back with `withdrawn` False."""
    redirects: list[Redirect] = []
    email = store.scalar(
        "SELECT alderman_email FROM municipalities WHERE id = ?", (municipality_id,)
    )
    if renew and old_email is not None:
        # a notice the same address refused for good stays refused when only the name
        # changed: sent again it would bounce again, and its failure would vanish from
        # the listing (recording the address again is the way to try it once more)
        same_address = email is not None and str(email).lower() == old_email.lower()
        statuses = ("queued",) if same_address else UNSENT
        rows = store.rows(
            "SELECT o.id, o.match_id FROM outbox o JOIN matches m ON m.id = o.match_id"
            " WHERE m.municipality_id = ? AND o.kind = ? AND o.recipient_id IS NULL"
            f" AND lower(o.recipient_email) = lower(?) AND o.status IN {sql_list(statuses)}"
            " ORDER BY o.match_id, o.id",
            (municipality_id, f"escalatie_{TOP_LEVEL}", old_email),
        )
        for match_id in dict.fromkeys(r["match_id"] for r in rows):
            withdraw_notices(
                store,
                [r["id"] for r in rows if r["match_id"] == match_id],
                by.id,
                {"reden": "alderman_changed", "match": match_id},
            )
            redirect = _tell_alderman(store, match_id, withdrawn=True)
            assert redirect is not None  # withdrawn: always told
            redirects.append(redirect)
    if email is not None and recorded:
        for match_id in _owed_alderman(store, municipality_id, str(email)):
            redirect = _tell_alderman(store, match_id, withdrawn=False)
            if redirect is not None:
                redirects.append(redirect)
    return redirects


def _owed_alderman(store: Store, municipality_id: int, email: str) -> list[int]:
    """The open matches of the municipality at the last escalation step that still
    stagnate at it (`_still_at_top`) and whose level-3 notice this address has neither
    had nor waits for: a move or an address change may have told it already. One the
    server refused for good (`failed`) is owed again: the administrator who records
    the same address again (the mailbox was full, or is repaired) has it sent once
    more; the refused one stays in the listing as it was."""
    found = store.rows(
        "SELECT m.id FROM matches m JOIN escalations e ON e.match_id = m.id AND e.level = ?"
        " WHERE m.municipality_id = ? AND m.ended_at IS NULL AND NOT EXISTS (SELECT 1"
        " FROM outbox o WHERE o.match_id = m.id AND o.kind = ? AND o.recipient_id IS NULL"
        " AND lower(o.recipient_email) = lower(?)"
        f" AND o.status IN {sql_list(('queued', *DELIVERED))})"
        " ORDER BY m.id",
        (TOP_LEVEL, municipality_id, f"escalatie_{TOP_LEVEL}", email),
    )
    return [int(r["id"]) for r in found if _still_at_top(store, int(r["id"]))]


def follow_new_regievoerder(
    store: Store, by: Professional, municipality_id: int, reason: str = "nieuwe regievoerder"
) -> list[Handover]:
    """A municipality's (new) regievoerder takes over the requests of its matches."""
    rows = store.rows(
        _REQUESTED_SQL + " AND m.municipality_id = ? ORDER BY m.id", (municipality_id,)
    )
    return _renew_escalations(store, by, _hand_over(store, by, rows, reason))


def follow_activation(
    store: Store, by: Professional, professional_ids: list[int]
) -> list[Handover]:
    """Professionals, or their organisation, are active again: a municipality whose
    recorded regievoerder is one of them and can act now has a holder again, and its
    requests (the waiting ones, as a rule) go to him or her as to a newly recorded one
    (`follow_new_regievoerder`). A municipality that recorded another meanwhile keeps
    its own; one who is active while the organisation is not, holds nothing."""
    towns = store.rows(
        "SELECT mu.id FROM municipalities mu"
        " WHERE mu.director_id IN (SELECT value FROM json_each(?))"
        f" AND {_ACTIVE_DIRECTOR_SQL} IS NOT NULL ORDER BY mu.id",
        (json.dumps(sorted(set(professional_ids))),),
    )
    return [
        handover
        for town in towns
        for handover in follow_new_regievoerder(store, by, int(town[0]), "weer actief")
    ]


def follow_deactivation(store: Store, by: Professional) -> list[Handover]:
    """A professional or organisation was deactivated: a request held by a regievoerder
    who can no longer act goes to the municipality's regievoerder, or waits for one."""
    rows = store.rows(
        _REQUESTED_SQL + " AND m.regievoerder_id IN (SELECT p.id FROM professionals p"
        " LEFT JOIN organisations o ON o.id = p.organisation_id"
        " WHERE p.active = 0 OR o.active = 0) ORDER BY m.id"
    )
    return _renew_escalations(store, by, _hand_over(store, by, rows, "regievoerder niet actief"))


def _renew_escalations(store: Store, by: Professional, handovers: list[Handover]) -> list[Handover]:
    """Rule 13: the escalation notices of a match whose request went to another holder
    (or now waits) tell who holds it now.

    Every escalation notice names the match's regievoerder, and the alderman's asks
    him or her for a care coordinator, or the municipality for a regievoerder while
    the request waits: sent as it is, an organisation manager or a coordinator would
    phone the one who no longer holds the request, or has left. The unsent ones are
    withdrawn (reason `handed_over`) and queued again for the same recipients, with
    the facts the step told (`renew_escalation_notices`), as after a move
    (`follow_move`, which renews them itself). Sent is sent; no step is taken again.
    """
    for handover in handovers:
        detail = {"reden": "handed_over", "match": handover.match_id}
        renew_escalation_notices(store, handover.match_id, "", by.id, detail)
    return handovers


def _hand_over(
    store: Store, by: Professional | None, rows: list[Any], reason: str
) -> list[Handover]:
    """Rule 12: the municipality where the youth lives has regie, not a person.

    Each request moves to the regievoerder of the match's municipality, or,
    when it has none, waits without a holder: the members keep their match,
    nobody is proposed as director behind the request's back, and the
    regional coordinators are told (process only) so that the administrator
    records one; `follow_new_regievoerder` then hands the request over. The
    previous holder's unsent notices giving the request are withdrawn (they
    list the members, whom he or she no longer needs); if one reached him or
    her, he or she is told it is no longer his or hers, else nothing. The new
    holder gets what the regievoerder asked by `vix regie --regievoerder` gets,
    and the coordinators' unsent notices that the request waits are withdrawn.
    Audited on the match; each withdrawn notice by its outbox id.
    """
    done: list[Handover] = []
    for row in rows:
        was, holder = row["regievoerder_id"], row["holder"]
        if was == holder:
            continue
        match_id = int(row["id"])
        store.execute("UPDATE matches SET regievoerder_id = ? WHERE id = ?", (holder, match_id))
        store.audit(
            None if by is None else by.id,
            "regie_handed_over",
            "match",
            match_id,
            detail={"van": was, "naar": holder, "gemeente": row["code"], "reden": reason},
        )
        if was is not None and _take_back_request(store, by, match_id, int(was)):
            queue(
                store,
                recipient_id=int(was),
                kind="regie_overgedragen",
                match_id=match_id,
                template="berichten/regie_overdracht.txt",
                subject=f"Verwijsindex: verzoek om regie bij match {match_id} overgedragen",
                context=_handover_context(store, match_id, reason, "overgedragen"),
            )
        if holder is not None:
            _stop_waiting(store, by, match_id)
            _queue_taken_over(
                store, match_id, int(holder), reason, None if was is None else int(was)
            )
        else:
            _tell_waiting(store, match_id, reason)
        name = None if holder is None else professional_by_id(store, int(holder)).name
        done.append(
            Handover(
                match_id,
                row["name"],
                name,
                holder is None and bool(row["recorded"]),
                kind=row["kind"],
            )
        )
    return done


def _tell_waiting(store: Store, match_id: int, reason: str | None) -> None:
    """The request for regie waits for a regievoerder: the regional coordinators are
    told (process only), so that the administrator records one."""
    for coordinator in active_with_role(store, "coordinator"):
        queue(
            store,
            recipient_id=coordinator.id,
            recipient=coordinator,
            kind="regie_wacht",
            match_id=match_id,
            template="berichten/regie_overdracht.txt",
            subject=f"Verwijsindex: match {match_id} wacht op een regievoerder",
            context=_handover_context(store, match_id, reason, "wacht"),
        )


# the notices that give a regievoerder the request, with the members' contact details
_REQUEST_KINDS = ("regie_regievoerder", "regie_overgenomen")


def _take_back_request(
    store: Store, by: Professional | None, match_id: int, was: int, reason: str = "handed_over"
) -> bool:
    """The request left `was`: withdraw his or her unsent notices giving it (they list
    the members, whom he or she no longer needs); returns whether one of them reached
    him or her. Whoever never heard of the request is not told that it went."""
    rows = _request_notices(store, match_id, was)
    withdraw_notices(
        store,
        [r["id"] for r in rows if r["status"] in UNSENT],
        None if by is None else by.id,
        {"reden": reason, "match": match_id},
    )
    return any(r["status"] in DELIVERED for r in rows)


def _request_notices(store: Store, match_id: int, pid: int) -> list[Any]:
    """(id, status) of the notices that gave `pid` the match's request for regie."""
    return store.rows(
        "SELECT id, status FROM outbox WHERE match_id = ? AND recipient_id = ?"
        f" AND kind IN {sql_list(_REQUEST_KINDS)} ORDER BY id",
        (match_id, pid),
    )


def _stop_waiting(
    store: Store, by: Professional | None, match_id: int, reason: str = "handed_over"
) -> None:
    """A regievoerder holds the request (or it lapsed, or a member leads now: `set_director`):
    the coordinators' unsent notices that it waits for one would only send them to the
    administrator for nothing. A match that ended takes them back too
    (`drop_moot_escalations`)."""
    withdraw_notices(
        store,
        [r["id"] for r in unsent_of_match(store, match_id, ("regie_wacht",))],
        None if by is None else by.id,
        {"reden": reason, "match": match_id},
    )


def request_lapsed(store: Store, match_id: int, was: int | None) -> None:
    """Youth protection joined the match and leads it (rule 12): the request for regie,
    held by regievoerder `was` or waiting for one (None), lapsed (`matching._keep_director`).

    Called by `notices.queue_for_changes`, in the transaction of the change. As with a
    hand-over, his or her unsent notices giving the request go (they list the members,
    and he or she has no role in the match any more); if one reached him or her, one
    short notice says that it lapsed and why, naming nobody. Whoever never heard of it
    gets nothing. The coordinators' unsent notices that it waits go too. Audited on the
    match (`regie_lapsed`: who held it, who leads now); each withdrawn notice by its id.
    """
    director = store.scalar("SELECT director_id FROM matches WHERE id = ?", (match_id,))
    store.audit(None, "regie_lapsed", "match", match_id, detail={"van": was, "regisseur": director})
    if was is not None and _take_back_request(store, None, match_id, was, "lapsed"):
        queue(
            store,
            recipient_id=was,
            kind="regie_vervallen",
            match_id=match_id,
            template="berichten/regie_overdracht.txt",
            subject=f"Verwijsindex: verzoek om regie bij match {match_id} vervallen",
            context={"match_id": match_id, "gebeurtenis": "vervallen"},
        )
    _stop_waiting(store, None, match_id, "lapsed")


def request_returned(store: Store, match_id: int) -> None:
    """Youth protection, which led only because the request for regie lapsed to it
    (`request_lapsed`), left the match: none of the members can lead, so the request
    returns to the regievoerder of the match's municipality, or waits for one
    (`matching._request_returns` cleared the lead). Called by
    `notices.queue_for_changes`, in the transaction of the change.

    The unsent notice that the request lapsed is moot now and withdrawn. Only whoever
    was told that it lapsed hears that it is back, and why (`_hand_over`, reason
    'terug'). To anyone else the lapse never happened: a regievoerder who had the
    request and holds it again gets nothing; one whose notice giving it was withdrawn
    unsent at the lapse gets that notice now, as the step that gave it would queue it
    today (`_renew_lead_notice`), not news of a return (which would also tell of an
    involvement that may have been deleted as if it never existed, rule 15); and a
    regievoerder who never held it gets it as a hand-over, without a story of a
    return. Audited on the match.
    """
    lapse = store.row(
        "SELECT detail FROM audit_log WHERE entity = 'match' AND entity_id = ?"
        " AND action = 'regie_lapsed' ORDER BY id DESC LIMIT 1",
        (match_id,),
    )
    was = None if lapse is None else json.loads(lapse["detail"]).get("van")
    lapse_notices = store.rows(
        "SELECT id, status FROM outbox WHERE match_id = ? AND kind = 'regie_vervallen' ORDER BY id",
        (match_id,),
    )
    withdraw_notices(
        store,
        [r["id"] for r in lapse_notices if r["status"] in UNSENT],
        None,
        {"reden": "returned", "match": match_id},
    )
    rows = store.rows(_REQUESTED_SQL + " AND m.id = ?", (match_id,))
    holder = rows[0]["holder"] if rows else None
    store.audit(None, "regie_returned", "match", match_id, detail={"naar": holder})
    if holder is not None and holder == was and not _told_of_lapse(store, match_id, holder):
        store.execute("UPDATE matches SET regievoerder_id = ? WHERE id = ?", (holder, match_id))
        _stop_waiting(store, None, match_id, "returned")
        if not any(r["status"] in DELIVERED for r in _request_notices(store, match_id, holder)):
            kind = _request_kind(store, match_id, holder)
            _renew_lead_notice(store, match_id, holder, kind)
        return
    _hand_over(store, None, rows, "terug")


def _told_of_lapse(store: Store, match_id: int, pid: int) -> bool:
    """Whether the notice that the match's last request lapsed reached `pid`."""
    return bool(
        store.scalar(
            "SELECT 1 FROM outbox WHERE match_id = ? AND recipient_id = ?"
            f" AND kind = 'regie_vervallen' AND status IN {sql_list(DELIVERED)}"
            " AND created_at >= (SELECT max(at) FROM audit_log WHERE entity = 'match'"
            "   AND entity_id = ? AND action = 'regie_lapsed')",
            (match_id, pid, match_id),
        )
    )


def _request_kind(store: Store, match_id: int, pid: int) -> str:
    """The kind of notice that gave `pid` the match's request: asked by a member or the
    coordinator (`hand_to_regievoerder`), or handed over to him or her (`_hand_over`)."""
    asked = store.scalar(
        "SELECT action FROM audit_log WHERE entity = 'match' AND entity_id = ?"
        " AND ((action = 'hand_to_regievoerder' AND json_extract(detail, '$.regievoerder') = ?)"
        "   OR (action = 'regie_handed_over' AND json_extract(detail, '$.naar') = ?))"
        " ORDER BY id DESC LIMIT 1",
        (match_id, pid, pid),
    )
    return "regie_regievoerder" if asked == "hand_to_regievoerder" else "regie_overgenomen"


def _handover_context(
    store: Store, match_id: int, reason: str | None, event: str
) -> dict[str, Any]:
    row = store.row(
        f"SELECT m.kind, mu.code, mu.name, mu.director_id IS NOT NULL AND {_ACTIVE_DIRECTOR_SQL}"
        " IS NULL AS inactive FROM matches m"
        " JOIN municipalities mu ON mu.id = m.municipality_id WHERE m.id = ?",
        (match_id,),
    )
    assert row is not None
    return {
        "match_id": match_id,
        "soort": row["kind"],
        "reden": reason,
        "gemeente": row["name"],
        "code": row["code"],
        "gebeurtenis": event,
        "inactief": bool(row["inactive"]),
    }


def _queue_taken_over(
    store: Store, match_id: int, holder: int, reason: str | None, previous: int | None
) -> int | None:
    """The request now lies with `holder`: what `vix regie --regievoerder` tells, and why."""
    before = None if previous is None else professional_by_id(store, previous)
    return queue(
        store,
        recipient_id=holder,
        kind="regie_overgenomen",
        match_id=match_id,
        template="berichten/regie_overdracht.txt",
        subject=f"Verwijsindex: verzoek om regie bij match {match_id}",
        context={
            **_handover_context(store, match_id, reason, "overgenomen"),
            "vorige": None if before is None else {"naam": before.name, "email": before.email},
            "betrokkenen": _members_context(store, match_id),
            **_next_step(store, match_id),
            # a return is told as one only to whoever heard that the request lapsed
            "verteld": reason == "terug" and _told_of_lapse(store, match_id, holder),
        },
    )


# -- a signal in the match deleted at once (rule 15) ------------------------------------

# the lead notices that list the members with their contact details, and the role in
# the match each of them gives its recipient
_LEAD_ROLES = {
    "regie_regisseur": "director_id",
    "regie_zorgcoordinator": "care_coordinator_id",
    "regie_regievoerder": "regievoerder_id",
    "regie_overgenomen": "regievoerder_id",
}


def renew_lead_notices(
    store: Store,
    match_id: int,
    since: str,
    gone: Collection[int],
    actor_id: int | None,
    detail: dict[str, Any],
) -> None:
    """Withdraw the unsent lead notices of a match queued since `since`.

    Called by `notices.withdraw_unsent` for each match a signal deleted at once
    was in, from the moment it joined: each such notice lists the members with
    their contact details, so names the signal's professional P to its
    recipient, or the others to P (`gone`: P). And by `upgrade` for a family
    match that an old address key held together, from the moment the first
    member it let go of joined (`gone`: those members), or since its start when
    it ended. Whoever still holds, in the open match, the
    role such a notice gave him or her (director, care coordinator, holder of
    the request) gets one notice like it from the data as it is now (the newest
    withdrawn one whose role still holds). Those in `gone`, unless still in the
    match through another signal, and whoever no longer holds the role get
    nothing; nor does anyone when the match ended. The new notice names who took the step only if
    that is not a signaller who has left the match (P, say): see
    `matching.named_sql`.
    """
    rows = unsent_of_match(store, match_id, _LEAD_ROLES, since)
    if not rows:
        return
    withdraw_notices(store, [r["id"] for r in rows], actor_id, detail)
    match = store.row(
        "SELECT director_id, care_coordinator_id, regievoerder_id, ended_at FROM matches"
        " WHERE id = ?",
        (match_id,),
    )
    assert match is not None
    if match["ended_at"] is not None:
        return
    members = members_at(store, match_id, None)
    done: set[int] = set()
    for row in reversed(rows):
        pid = row["recipient_id"]
        if pid in done or (pid in gone and pid not in members):
            continue
        if match[_LEAD_ROLES[row["kind"]]] != pid:
            continue
        done.add(pid)
        _renew_lead_notice(store, match_id, pid, row["kind"])


def _renew_lead_notice(store: Store, match_id: int, pid: int, kind: str) -> None:
    """One lead notice of `kind` to `pid`, as the step that gave the role would queue it
    now; who took the step and why come from its audit record."""
    action, key = {
        "regie_regisseur": ("set_director", "regisseur"),
        "regie_zorgcoordinator": ("set_care_coordinator", "zorg"),
        "regie_regievoerder": ("hand_to_regievoerder", "regievoerder"),
        "regie_overgenomen": ("regie_handed_over", "naar"),
    }[kind]
    step = store.row(
        "SELECT actor_id, detail FROM audit_log WHERE entity = 'match' AND entity_id = ?"
        " AND action = ? AND json_extract(detail, ?) = ? ORDER BY id DESC LIMIT 1",
        (match_id, action, f"$.{key}", pid),
    )
    if kind == "regie_overgenomen":
        said = {} if step is None else json.loads(step["detail"])
        _queue_taken_over(store, match_id, pid, said.get("reden"), said.get("van"))
        return
    by = None if step is None else named_to(store, match_id, step["actor_id"], pid)
    # the role he or she has now: a regievoerder's role is never given a member
    regievoerder = step is not None and (
        store.scalar("SELECT role FROM professionals WHERE id = ?", (step["actor_id"],))
        == "municipal_director"
    )
    # a role that passed with a colleague's signals says so again (`transfer`)
    was = None if step is None else json.loads(step["detail"]).get("van")
    was_name = None if was is None else professional_by_id(store, int(was)).name
    _queue_lead_notice(
        store,
        match_id,
        pid,
        kind.removeprefix("regie_"),
        by,
        was_name,
        by_regievoerder=regievoerder,
    )


# -- the lead changed: what the outbox still tells of it (rules 9, 12, 13) -----------------

# the reason in the audit of a notice withdrawn because the lead of its match changed
DIRECTOR_CHANGED = "director_changed"


def renew_lead_facts(store: Store, match_id: int, actor_id: int | None) -> None:
    """The notices of an open match not sent yet tell who leads it now.

    Called in the transaction of every step that changes the match's director,
    care coordinator or regievoerder: `vix regie --regisseur` (`set_director`),
    `vix regie --regievoerder` (`hand_to_regievoerder`), `vix zorgcoordinator`
    (`name_care_coordinator`), a member coming or going that changes the lead,
    youth protection joining (`notices.queue_for_changes`, `MatchChange.lead_changed`)
    and a role passing with the signals to a colleague (`transfer`). Three kinds
    of notice tell who leads, and would otherwise send their recipient to the
    previous one:

    - escalation notices name the director (or that there is none) and the
      regievoerder, and ask for what the one who leads should do;
    - match notices (`notices.NAMING_KINDS`) mark the member who leads and tell
      their recipient who records the agreement;
    - lead notices (`_LEAD_ROLES`) tell their recipient the role he or she has.

    Per recipient, his or her unsent escalation or match notices are withdrawn
    (reason `DIRECTOR_CHANGED`) and queued again for him or her alone, from the
    data as it is now (`notices.renew_unsent`): an escalation notice with the facts its step
    told (`_step_facts`), for whoever is still entitled to it; the match notices of
    a member still in the match as one notice with what is new since the last one
    he or she received (`notices.tell_what_is_left`: a member who heard of nothing
    yet gets the match as it is now). Whoever would get the same text word for
    word keeps the notice he or she had. A lead notice whose role its recipient no
    longer holds goes without another: he or she never heard of the role; one
    whose role still holds stays as the step that gave it wrote it. Nobody who had
    no unsent notice gets one (rule 16), and sent is sent (a notice being sent
    counts as sent).
    """
    detail = {"reden": DIRECTOR_CHANGED, "match": match_id}
    match = store.row(
        "SELECT director_id, care_coordinator_id, regievoerder_id, ended_at FROM matches"
        " WHERE id = ?",
        (match_id,),
    )
    if match is None or match["ended_at"] is not None:
        return
    for row in unsent_of_match(store, match_id, ESCALATION_KINDS):
        if not _can_receive(store, row["recipient_id"]):
            continue
        level = int(row["kind"].rsplit("_", 1)[1])
        only = {_ALDERMAN if row["recipient_id"] is None else int(row["recipient_id"])}
        again = partial(_requeue_escalation, store, match_id, level, only)
        renew_unsent(store, [row["id"]], again, actor_id, detail)
    members = members_at(store, match_id, None)
    rows = unsent_of_match(store, match_id, NAMING_KINDS)
    for pid in sorted({int(r["recipient_id"]) for r in rows} & members):
        if not _can_receive(store, pid):
            continue
        ids = [r["id"] for r in rows if r["recipient_id"] == pid]
        again = partial(tell_what_is_left, store, match_id, pid)
        renew_unsent(store, ids, again, actor_id, detail)
    withdraw_notices(
        store,
        [
            r["id"]
            for r in unsent_of_match(store, match_id, _LEAD_ROLES)
            if match[_LEAD_ROLES[r["kind"]]] != r["recipient_id"]
        ],
        actor_id,
        detail,
    )


def _can_receive(store: Store, recipient_id: int | None) -> bool:
    """Whether a renewed notice could be queued for the recipient (the alderman: None).
    One who left gets nothing new (`notices.queue`): his or her notice stays as it was,
    and the mail run marks it failed, as before; withdrawn, it would be lost when he or
    she is put back before that run (review)."""
    return recipient_id is None or professional_by_id(store, int(recipient_id)).reachable


def follow_lead_status(store: Store, by: Professional, professional_ids: list[int]) -> None:
    """Professionals, or their organisation, were deactivated or put back: the open
    matches one of them leads (director, care coordinator, regievoerder) renew their
    unsent notices (`renew_lead_facts`), which named him or her as leading, or as "niet
    meer actief": a member would otherwise phone a director who left, or be told to take
    the lead from one who is back (review)."""
    leading = store.rows(
        "WITH leads AS (SELECT value FROM json_each(?)) SELECT id FROM matches"
        " WHERE ended_at IS NULL AND (director_id IN leads OR care_coordinator_id IN leads"
        " OR regievoerder_id IN leads) ORDER BY id",
        (json.dumps(professional_ids),),
    )
    for row in leading:
        renew_lead_facts(store, int(row[0]), by.id)


def _requeue_escalation(store: Store, match_id: int, level: int, only: set[int]) -> None:
    """The notice of step `level` again for `only`, with the facts the step told."""
    _queue_escalation(store, match_id, level, _step_facts(store, match_id, level), only)


# -- milestones --------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneRecord:
    match_id: int
    kind: str
    on_date: str
    recorded_by: str | None  # None: not to be named to the one who asked (`named_sql`)


def record_milestone(
    store: Store,
    by: Professional,
    match_id: int,
    kind: str,
    on: date | None = None,
    *,
    correct: bool = False,
) -> MilestoneRecord:
    """Record contact, agreement or action of a match, or correct its date (module contract)."""
    arose, done = _milestone_access(store, by, match_id, kind)
    label = _THE[kind]
    day = on or store.today
    if day > store.today:
        raise InvalidInput(
            f"De datum van {label} ({dutch_date(day)}) ligt in de toekomst. Geef de datum "
            "van vandaag of eerder (dd-mm-jjjj)."
        )
    if day < arose:
        raise InvalidInput(
            f"De datum {dutch_date(day)} ligt vóór het ontstaan van match {match_id} "
            f"({dutch_date(arose)}). Geef {dutch_date(arose)} of later (dd-mm-jjjj)."
        )
    if correct and kind not in done:
        raise Conflict(
            f"{label.capitalize()} van match {match_id} is nog niet vastgelegd; leg het vast "
            "zonder --corrigeer."
        )
    if not correct and kind in done:
        earlier = done[kind]
        who = f" door {earlier['name']}" if earlier["name"] else ""
        raise Conflict(
            f"{label.capitalize()} van match {match_id} is al vastgelegd: "
            f"{dutch_date(earlier['on_date'])}{who}. Een verkeerde datum "
            "verbetert u met --corrigeer."
        )
    if kind == "action" and "agreement" not in done:
        raise Conflict(
            f"Match {match_id} heeft nog geen afstemming; de matchregisseur legt die eerst vast "
            f"met 'vix afstemming {match_id}'."
        )
    before = {"agreement": "contact", "action": "agreement"}.get(kind)
    if before is not None and before in done and day.isoformat() < done[before]["on_date"]:
        first = dutch_date(done[before]["on_date"])
        raise InvalidInput(
            f"{label.capitalize()} kan niet vóór {_THE[before]} ({first}) liggen. Geef "
            f"{first} of later, of verbeter eerst {_THE[before]} met 'vix "
            f"{MILESTONE_LABELS[before]} {match_id} --datum DATUM --corrigeer'."
        )
    after = {"contact": "agreement", "agreement": "action"}.get(kind)
    if after is not None and after in done and day.isoformat() > done[after]["on_date"]:
        last = dutch_date(done[after]["on_date"])
        raise InvalidInput(
            f"{label.capitalize()} kan niet na {_THE[after]} ({last}) liggen. Geef {last} "
            f"of eerder, of verbeter eerst {_THE[after]} met 'vix {MILESTONE_LABELS[after]} "
            f"{match_id} --datum DATUM --corrigeer'."
        )
    if correct:
        was = done[kind]["on_date"]
        store.execute(
            "UPDATE match_milestones SET on_date = ?, recorded_by = ?, recorded_at = ?"
            " WHERE match_id = ? AND kind = ?",
            (day.isoformat(), by.id, store.stamp, match_id, kind),
        )
        detail = {"soort": kind, "was": was, "wordt": day.isoformat()}
        store.audit(by.id, "milestone_corrected", "match", match_id, detail=detail)
    else:
        store.insert(
            "INSERT INTO match_milestones (match_id, kind, on_date, recorded_by, recorded_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (match_id, kind, day.isoformat(), by.id, store.stamp),
        )
        store.audit(by.id, "milestone", "match", match_id, detail={"soort": kind})
    # an escalation notice not sent yet that said this milestone was missing is moot
    drop_moot_escalations(store, match_id, by.id)
    return MilestoneRecord(match_id, kind, day.isoformat(), by.name)


def remove_milestone(store: Store, by: Professional, match_id: int, kind: str) -> MilestoneRecord:
    """Take back a milestone recorded on the wrong match; returns it as it was."""
    _, done = _milestone_access(store, by, match_id, kind)
    label = _THE[kind]
    if kind not in done:
        raise Conflict(f"{label.capitalize()} van match {match_id} is niet vastgelegd.")
    if kind == "agreement" and "action" in done:
        raise Conflict(
            f"Match {match_id} heeft ook een actie, die op de afstemming volgt; wis eerst de "
            f"actie met 'vix actie {match_id} --wis'."
        )
    was = done[kind]
    store.execute("DELETE FROM match_milestones WHERE match_id = ? AND kind = ?", (match_id, kind))
    detail = {"soort": kind, "was": was["on_date"]}
    store.audit(by.id, "milestone_removed", "match", match_id, detail=detail)
    return MilestoneRecord(match_id, kind, was["on_date"], was["name"])


def _not_leading(
    store: Store, by: Professional, match_id: int, director: Professional | None
) -> str:
    """Why `by` does not record the agreement of `match_id`, and how to: the director
    records it, or while there is none the regievoerder placed in the match; a member
    may take the lead (`set_director`). Of a family match a signaller is not told
    whether a regievoerder holds the request or it waits (`views.family_hides`)."""
    take = f"'vix regie {match_id} --regisseur {by.email}'"
    if director is not None:
        return (
            f"Alleen de matchregisseur ({director.name}) legt de afstemming van match "
            f"{match_id} vast. Wisselen kan met 'vix regie {match_id} --regisseur E-MAIL'."
        )
    kind = store.scalar("SELECT kind FROM matches WHERE id = ?", (match_id,))
    if family_hides(by, str(kind)):
        # held by its regievoerder or waiting for one: one sentence for both, naming no
        # one, or it would tell whether the municipality has one (`views.family_hides`)
        return (
            f"Match {match_id} heeft geen matchregisseur; het verzoek om regie ligt bij de "
            f"gemeente. Neem zelf de regie met {take}."
        )
    regievoerder = _lead(store, match_id).regievoerder
    if regievoerder is not None:
        return (
            f"Zolang match {match_id} geen matchregisseur heeft, legt de regievoerder "
            f"({regievoerder}) de afstemming vast. Neem zelf de regie met {take}."
        )
    return (
        f"Match {match_id} heeft geen matchregisseur; die legt de afstemming vast. Neem "
        f"zelf de regie met {take}."
    )


def _milestone_access(
    store: Store, by: Professional, match_id: int, kind: str
) -> tuple[date, dict[str, Any]]:
    """The day the match arose and its milestones by kind, if `by` may record `kind`."""
    assert kind in MILESTONE_LABELS
    m = _open_match(store, by, match_id, coordinator_ok=False)
    if kind == "agreement":
        leader = m["director_id"] if m["director_id"] is not None else m["regievoerder_id"]
        director = None if m["director_id"] is None else professional_by_id(store, leader)
        if director is not None and not director.reachable:
            # a director who left counts as none: a member takes the lead first (`by` is
            # not him or her: people.actor refuses who left)
            raise Forbidden(
                f"De afstemming van match {match_id} legt de matchregisseur vast, maar "
                f"{_cannot_act(director)}. {_after_leaving(director, match_id)}"
            )
        if leader != by.id:
            raise Forbidden(_not_leading(store, by, match_id, director))
    # who recorded each, as `vix match` names him or her to `by` (`matching.named_sql`)
    done = {
        r["kind"]: r
        for r in store.rows(
            f"SELECT ms.kind, ms.on_date, CASE WHEN {named_sql('p', 'ms.match_id', ':by')}"
            " THEN p.name END AS name FROM match_milestones ms"
            " JOIN professionals p ON p.id = ms.recorded_by WHERE ms.match_id = :match",
            {"match": match_id, "by": by.id},
        )
    }
    return date.fromisoformat(m["created_at"][:10]), done


# -- stagnation and escalation ---------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """Day limits for one stagnation run (from options, else the region's settings)."""

    days: int
    action_days: int | None
    escalation_days: int
    working: bool

    @classmethod
    def of(
        cls,
        store: Store,
        *,
        days: int | None = None,
        action_days: int | None = None,
        working: bool | None = None,
    ) -> Rules:
        found = cls(
            days=settings.get(store, "stagnatie_dagen") if days is None else days,
            action_days=settings.get(store, "actie_dagen") if action_days is None else action_days,
            escalation_days=settings.get(store, "escalatie_dagen"),
            working=settings.get(store, "werkdagen") if working is None else working,
        )
        if found.days < 1 or (found.action_days is not None and found.action_days < 1):
            raise InvalidInput("Het aantal dagen moet minstens 1 zijn.")
        return found

    def calendar(self, store: Store) -> Calendar:
        """The days these limits count: working days without the region's closed days, or all."""
        return Calendar.of(self.working, settings.get(store, "gesloten_dagen"))


@dataclass
class Stagnation:
    """One stagnating match, as a coordinator may see it (process only)."""

    match_id: int
    kind: str
    stage: str  # afstemming | actie: the overdue milestone
    since: str  # ISO date the stage began (match arose, or agreement)
    age: int
    unit: str  # werkdagen | kalenderdagen
    limit: int
    organisations: list[str]
    director: str | None
    regievoerder: str | None
    municipality: str | None
    level: int  # escalation level after this run
    next_level: int | None
    next_label: str | None
    next_from: str | None  # ISO date from which the next step may be taken
    escalated_to: int | None = None  # step taken in this run
    notices: int = 0
    warning: str | None = None
    youths: list[str] = field(default_factory=list)
    # the director was deactivated (or the organisation was): counts as none, a member
    # takes the lead (`set_director`) or the signals go to a colleague (`transfer`)
    director_left: bool = False
    # the request lies with the municipality while `regievoerder` is hidden from the
    # reader (`views.family_hides`): held by its regievoerder, or waiting for one
    regievoerder_asked: bool = False


# the match's director (`d`) was deactivated, or his or her organisation was
_DIRECTOR_LEFT_SQL = left_sql("d")

_OPEN_SQL = f"""
SELECT m.id, m.kind, m.youth_id, m.created_at, m.escalation_level, m.municipality_id,
       m.director_id, mu.name AS municipality, d.name AS director, r.name AS regievoerder,
       {_DIRECTOR_LEFT_SQL} AS director_left,
       (SELECT on_date FROM match_milestones WHERE match_id = m.id AND kind = 'agreement')
           AS agreed_on,
       (SELECT on_date FROM escalations WHERE match_id = m.id ORDER BY level DESC LIMIT 1)
           AS last_step
FROM matches m
LEFT JOIN municipalities mu ON mu.id = m.municipality_id
LEFT JOIN professionals d ON d.id = m.director_id
LEFT JOIN professionals r ON r.id = m.regievoerder_id
WHERE m.ended_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM match_milestones WHERE match_id = m.id AND kind = 'action')
"""

_SCOPES = {
    "coordinator": ("", ()),
    "org_manager": (
        " AND EXISTS (SELECT 1 FROM match_members mm WHERE mm.match_id = m.id"
        " AND mm.left_at IS NULL AND mm.organisation_id = :org)",
        ("org",),
    ),
    "municipal_director": (
        " AND (m.regievoerder_id = :me OR m.municipality_id IN"
        " (SELECT id FROM municipalities WHERE director_id = :me))",
        ("me",),
    ),
    "signaller": (
        " AND EXISTS (SELECT 1 FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
        " WHERE mm.match_id = m.id AND mm.left_at IS NULL AND mm.professional_id = :me"
        " AND s.status = 'active')",
        ("me",),
    ),
}


def _organisations(store: Store, match_ids: list[int]) -> dict[int, dict[int, tuple[str, str]]]:
    """The organisations in each of these open matches, in one query (a national run
    lists 13,000 matches: one query each took 0.7 s): match -> {id: (code, name)}, in
    the order of their codes (as SQL compares them: without case)."""
    found: dict[int, dict[int, tuple[str, str]]] = {m: {} for m in match_ids}
    for r in store.rows(
        "SELECT DISTINCT mm.match_id, o.id, o.code, o.name FROM match_members mm"
        " JOIN organisations o ON o.id = mm.organisation_id"
        " WHERE mm.match_id IN (SELECT value FROM json_each(?)) AND mm.left_at IS NULL"
        " ORDER BY mm.match_id, o.code",
        (json.dumps(match_ids),),
    ):
        found[r[0]][r[1]] = (r[2], r[3])
    return found


def _youth_names(store: Store, by: Professional, row: Any) -> list[str]:
    """Names only for a member who is a signaller (audited); never for process roles."""
    if by.role != "signaller":
        return []
    own = member_signals(store, row["id"], by.id)
    if not own:
        return []
    if row["kind"] == "youth" and row["youth_id"] is not None:
        where, params = "y.id = ?", [row["youth_id"]]
    else:
        where = f"y.id IN (SELECT youth_id FROM signals WHERE id IN ({','.join('?' for _ in own)}))"
        params = list(own)
    found = store.rows(
        f"SELECT {youth_name_sql('y')} AS name, y.bsn FROM youths y WHERE {where}", params
    )
    for r in found:
        store.audit(by.id, "read", "match", row["id"], subject_number=r["bsn"])
    return sorted(r["name"] for r in found)


def stagnation(
    store: Store, by: Professional, rules: Rules, *, escalate: bool = False
) -> list[Stagnation]:
    """The stagnating open matches `by` may know of; with `escalate`, one step up each.

    The caller ended what is past its planned removal first, as every command does
    (`signals.end_overdue_signals` in `cli_common.acting`): a match that only such
    signals kept open is not escalated, and an organisation whose signal ended is
    not named nor asked to act."""
    if by.role not in _SCOPES:
        by.require(*_SCOPES)
    if escalate:
        by.require("coordinator")
    scope, names = _SCOPES[by.role]
    params = {"org": by.organisation_id, "me": by.id}
    cal = rules.calendar(store)
    today = store.today
    # only the stagnating ones are kept: a national region has 55,000 open matches
    due = [
        (row, facts)
        for row in store.execute(
            _OPEN_SQL + scope + " ORDER BY m.id", {k: params[k] for k in names}
        )
        if (facts := overdue(row["created_at"], row["agreed_on"], rules, cal, today))
    ]
    ids = [row["id"] for row, _ in due]
    organisations = _organisations(store, ids)
    ladder = _Ladder(store, ids, organisations) if escalate else None
    found: list[Stagnation] = []
    for row, facts in due:
        hides = family_hides(by, row["kind"])
        item = Stagnation(
            match_id=row["id"],
            kind=row["kind"],
            stage=facts["stap"],
            since=facts["sinds"],
            age=facts["leeftijd"],
            unit=facts["eenheid"],
            limit=facts["termijn"],
            organisations=[code for code, _ in organisations[row["id"]].values()],
            director=row["director"],
            regievoerder=None if hides else row["regievoerder"],
            municipality=family_hidden(by, row["kind"], row["municipality"]),
            level=row["escalation_level"],
            next_level=None,
            next_label=None,
            next_from=None,
            youths=_youth_names(store, by, row),
            director_left=bool(row["director_left"]),
            # held or waiting, told alike: whether the municipality has a regievoerder
            # would name it (`views.family_hides`)
            regievoerder_asked=hides and request_asked(row["director_id"]),
        )
        _plan_next(item, row["last_step"], cal, rules, today)
        if escalate and item.next_from is not None and item.next_from <= today.isoformat():
            assert ladder is not None
            _escalate(store, by, item, facts, ladder)
            _plan_next(item, today.isoformat(), cal, rules, today)
        found.append(item)
    store.audit(
        by.id,
        "escalate_run" if escalate else "read",
        "stagnation",
        None,
        detail={"stagnerend": len(found)},
    )
    return found


def overdue(
    created_at: str, agreed_on: str | None, rules: Rules, cal: Calendar, today: date
) -> dict[str, Any] | None:
    """The facts of a match's next milestone (`_overdue`) when it is overdue on `today`.

    None when it is not: the limit has not passed, or no limit watches it. The one test
    of stagnation, for `vix stagnatie` and for the reports' "on time" (vix/reports.py);
    with `agreed_on` None it asks whether the agreement was overdue on `today`."""
    facts = _overdue(created_at, agreed_on, rules, cal, today)
    return None if facts is None or facts["leeftijd"] <= facts["termijn"] else facts


def _overdue(
    created_at: str, agreed_on: str | None, rules: Rules, cal: Calendar, today: date
) -> dict[str, Any] | None:
    """The facts of a match's next milestone on `today`: stage, since, age, unit, limit.

    Keyed as the escalation templates name them. None when no limit watches it
    (an agreement, and no action limit given)."""
    if agreed_on is None:
        stage, start, limit = "afstemming", date.fromisoformat(created_at[:10]), rules.days
    elif rules.action_days is not None:
        stage, start, limit = "actie", date.fromisoformat(agreed_on), rules.action_days
    else:
        return None
    return {
        "stap": stage,
        "sinds": start.isoformat(),
        "leeftijd": cal.days_between(start, today),
        "eenheid": cal.unit,
        "termijn": limit,
    }


def _calendar_of(store: Store, unit: str) -> Calendar:
    """The days a step's facts count in (`eenheid`: werkdagen or kalenderdagen), with the
    region's closed days as they are now."""
    return Calendar.of(unit == "werkdagen", settings.get(store, "gesloten_dagen"))


def _overdue_from(cal: Calendar, facts: dict[str, Any]) -> str:
    """The first day on which the step the facts tell (`_overdue`) was over its limit: the
    day after the last day of the term, counted as the facts count (ISO date).

    `sinds` is when the term began (the match arose, or the agreement), not when
    the match began to stagnate: a notice names both, so that neither is read as
    the other. `cal` counts as the facts count (`eenheid`), with the region's closed
    days as they are now (`_calendar_of`)."""
    return cal.add(date.fromisoformat(facts["sinds"]), int(facts["termijn"]) + 1).isoformat()


def _plan_next(
    item: Stagnation, last_step: str | None, cal: Calendar, rules: Rules, today: date
) -> None:
    if item.level >= TOP_LEVEL:
        item.next_level = item.next_label = item.next_from = None
        return
    item.next_level = item.level + 1
    item.next_label = LEVEL_LABELS[item.next_level]
    if last_step is None:
        item.next_from = today.isoformat()
        return
    stepped = date.fromisoformat(last_step)
    due = max(cal.add(stepped, rules.escalation_days), date.fromordinal(stepped.toordinal() + 1))
    item.next_from = due.isoformat()


def _escalate(
    store: Store, by: Professional, item: Stagnation, facts: dict[str, Any], ladder: _Ladder
) -> None:
    """Take one step up the ladder, once: the UNIQUE row decides who took it.

    `facts` are the stagnation facts of `item` (`_overdue`); the audit record keeps them
    (process only), so that `renew_escalation_notices` can tell them again from the
    data as it is then."""
    level = item.level + 1
    taken = store.execute(
        "INSERT INTO escalations (match_id, level, on_date, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (match_id, level) DO NOTHING",
        (item.match_id, level, store.today.isoformat(), by.id, store.stamp),
    ).rowcount
    if not taken:
        return
    store.execute(
        "UPDATE matches SET escalation_level = ? WHERE id = ? AND escalation_level < ?",
        (level, item.match_id, level),
    )
    store.audit(by.id, "escalate", "match", item.match_id, detail={"niveau": level, **facts})
    item.level = item.escalated_to = level
    item.notices, item.warning = _queue_escalation(
        store, item.match_id, level, facts, ladder=ladder
    )


_ALDERMAN = 0  # stands for the alderman among the recipients of a level's notices

# what a step's notices say of the match, and where the alderman's goes
_STEP_MATCH_SQL = f"""
SELECT m.id, m.kind, m.municipality_id, mu.name AS municipality, d.name AS director,
       {_DIRECTOR_LEFT_SQL} AS director_left,
       r.name AS regievoerder, mu.alderman_name, mu.alderman_email,
       mu.code AS municipality_code FROM matches m
LEFT JOIN municipalities mu ON mu.id = m.municipality_id
LEFT JOIN professionals d ON d.id = m.director_id
LEFT JOIN professionals r ON r.id = m.regievoerder_id
WHERE m.id IN (SELECT value FROM json_each(?))
"""


class _Ladder:
    """What the notices of escalation steps read, read once for all the matches of a run.

    A national run takes 13,500 steps with 33,000 notices. Each step read its
    match, the names of its organisations, their managers (or the coordinators)
    and who of the match left, and each notice its recipient, one query at a time:
    350,000 statements under the write lock. None of it changes while the run's
    transaction takes steps (they add escalations, outbox rows and audit records
    only), so one read of each, before the first step, holds for the whole run.
    A single step outside a run (`renew_escalation_notices`) reads it for its own
    match just before it queues its notices, as it did before.
    """

    def __init__(
        self,
        store: Store,
        match_ids: list[int],
        organisations: dict[int, dict[int, tuple[str, str]]] | None = None,
    ) -> None:
        self.store = store
        self.match_ids = json.dumps(match_ids)
        self.matches = {r["id"]: r for r in store.rows(_STEP_MATCH_SQL, (self.match_ids,))}
        # match -> {organisation id: (code, name)} of its members' organisations, as the
        # run read them for its list (`_organisations`)
        self.organisations = (
            _organisations(store, match_ids) if organisations is None else organisations
        )
        self._managers: dict[int, list[Professional]] | None = None
        self._gone: dict[int, dict[int, list[str]]] | None = None
        self._coordinators: list[Professional] | None = None
        self._youths: dict[int, list[int]] | None = None
        self._calendars: dict[str, Calendar] = {}

    def names(self, match_id: int) -> list[str]:
        """The names of the match's organisations, each once, in order."""
        return sorted({name for _, name in self.organisations[match_id].values()})

    def calendar(self, unit: str) -> Calendar:
        if unit not in self._calendars:
            self._calendars[unit] = _calendar_of(self.store, unit)
        return self._calendars[unit]

    def managers(self, match_id: int) -> list[Professional]:
        """The active organisation managers of the match's organisations, by id."""
        if self._managers is None:
            orgs = {o for found in self.organisations.values() for o in found}
            self._managers = {}
            for p in active_with_role(self.store, "org_manager", orgs):
                assert p.organisation_id is not None
                self._managers.setdefault(p.organisation_id, []).append(p)
        found = [p for o in self.organisations[match_id] for p in self._managers.get(o, [])]
        return sorted(found, key=lambda p: p.id)

    def gone(self, match_id: int) -> dict[int, list[str]]:
        """Per organisation, its people in the match who left ("name (e-mail)", by name):
        only a hand-over moves the match on."""
        if self._gone is None:
            self._gone = {}
            for r in self.store.rows(
                "SELECT DISTINCT mm.match_id, mm.organisation_id, p.name, p.email"
                " FROM match_members mm JOIN professionals p ON p.id = mm.professional_id"
                " JOIN organisations o ON o.id = p.organisation_id"
                " WHERE mm.match_id IN (SELECT value FROM json_each(?)) AND mm.left_at IS NULL"
                f" AND NOT {REACHABLE_SQL} ORDER BY mm.match_id, p.name, p.email",
                (self.match_ids,),
            ):
                match = self._gone.setdefault(r["match_id"], {})
                match.setdefault(r["organisation_id"], []).append(f"{r['name']} ({r['email']})")
        return self._gone.get(match_id, {})

    def youths(self, match_id: int) -> list[int]:
        """The youths the match's notices are about (`notices.match_youths`)."""
        if self._youths is None:
            self._youths = match_youths(self.store, json.loads(self.match_ids))
        return self._youths.get(match_id, [])

    def coordinators(self) -> list[Professional]:
        """The active regional coordinators, by id."""
        if self._coordinators is None:
            self._coordinators = active_with_role(self.store, "coordinator")
        return self._coordinators


def _queue_escalation(
    store: Store,
    match_id: int,
    level: int,
    facts: dict[str, Any],
    only: set[int] | None = None,
    *,
    ladder: _Ladder | None = None,
) -> tuple[int, str | None]:
    """Queue the notices of step `level` for a match as it is now; (count, warning).

    Level 1 goes to the active organisation managers of the members'
    organisations, level 2 to the active coordinators, level 3 to the alderman
    of the match's municipality (`_ALDERMAN`). `only` limits the recipients
    (professional ids, or `_ALDERMAN`) to those a renewed notice replaces.
    `ladder`: what a stagnation run read of all its matches (else read now)."""
    if ladder is None:
        ladder = _Ladder(store, [match_id])
    match = ladder.matches[match_id]
    context: dict[str, Any] = {
        "match_id": match_id,
        "soort": KIND_LABELS[match["kind"]],
        **facts,
        "over_tijd": _overdue_from(ladder.calendar(facts["eenheid"]), facts),
        "organisaties": ladder.names(match_id),
        "regisseur": match["director"],
        "regisseur_vertrokken": bool(match["director_left"]),
        "regievoerder": match["regievoerder"],
        "gemeente": match["municipality"],
        "niveau": level,
        # the next step's term, counted as the facts count (`eenheid`): the run's unit
        "escalatiedagen": settings.get(store, "escalatie_dagen"),
    }
    if level > 1:
        # levels 2 and 3 say the managers were told only if level 1 told one: an
        # organisation without one (or whose notice failed) was told nothing
        context["beheerders_ingelicht"] = bool(
            store.scalar(
                "SELECT EXISTS (SELECT 1 FROM outbox WHERE match_id = ? AND kind = ?"
                " AND status <> 'failed')",
                (match_id, "escalatie_1"),
            )
        )
    subject = f"Verwijsindex: match {match_id} stagneert (opschaling niveau {level})"
    template = f"berichten/escalatie_{level}.txt"
    if level == TOP_LEVEL:
        if only is not None and _ALDERMAN not in only:
            return 0, None
        if not match["alderman_email"]:
            town_name = match["municipality"] or "de gemeente"
            code = match["municipality_code"] or "CODE"
            return 0, (
                f"geen e-mailadres van de wethouder Jeugd van {town_name} bekend; leg het vast "
                f"met 'vix gemeente wijzig {code} --wethouder-email E-MAIL'"
            )
        name = match["alderman_name"] or ALDERMAN_TITLE
        outbox_id = _queue_address(
            store, name, match["alderman_email"], match_id, template, subject, context
        )
        link_youths(store, outbox_id, ladder.youths(match_id))
        return 1, None
    if level == 1:
        recipients = ladder.managers(match_id)
        # the manager's own people in the match who left: only a hand-over moves it on
        gone = ladder.gone(match_id)
    else:
        recipients, gone = ladder.coordinators(), {}
    queued = [
        queue(
            store,
            recipient_id=r.id,
            recipient=r,
            kind=f"escalatie_{level}",
            match_id=match_id,
            template=template,
            subject=subject,
            context=context
            if level != 1
            else {**context, "vertrokken": gone.get(r.organisation_id or 0, [])},
            youths=ladder.youths(match_id),
        )
        for r in recipients
        if only is None or r.id in only
    ]
    count = sum(q is not None for q in queued)
    if count or only is not None:
        return count, None
    if level == 1:
        codes = sorted({code for code, _ in ladder.organisations[match_id].values()})
        which = f" ({or_list(codes)})" if len(codes) > 1 else ""
        code = codes[0] if len(codes) == 1 else "CODE"
        return 0, (
            "niemand met de rol instantiebeheerder om te berichten; de functioneel beheerder "
            "voegt er een toe met 'vix professional toevoegen E-MAIL NAAM --rol "
            f"instantiebeheerder --organisatie {code}'{which}"
        )
    return 0, (
        "niemand met de rol regionaal coördinator om te berichten; de functioneel beheerder "
        "voegt er een toe met 'vix professional toevoegen E-MAIL NAAM --rol coordinator'"
    )


def renew_escalation_notices(
    store: Store, match_id: int, since: str, actor_id: int | None, detail: dict[str, Any]
) -> None:
    """Withdraw the unsent escalation notices of a match queued since `since`.

    Called when the request for regie went to another holder (`_renew_escalations`,
    since the beginning: the notices name the regievoerder), and by
    `notices.withdraw_unsent` for each match a signal deleted at once
    was in, from the moment it joined: such a notice names the match's
    organisations and its director, so the signal's organisation, and its
    professional if he or she led. Nobody hears of a match that ended. In an
    open match, whoever is still entitled to the step's notice (an organisation
    manager of an organisation still in the match, an active coordinator, the
    alderman) gets it again from the data as it is now, with the facts the
    step told (its audit record; a step recorded before vix kept them there is
    told as the region's limits see it on the step's day). The step itself stays
    if the match that is left stagnated too: `follow_deletion` has already taken
    back the steps that, from the match's start and without what went, were never due.
    """
    rows = unsent_of_match(store, match_id, ESCALATION_KINDS, since)
    if not rows:
        return
    withdraw_notices(store, [r["id"] for r in rows], actor_id, detail)
    if store.scalar("SELECT ended_at FROM matches WHERE id = ?", (match_id,)) is not None:
        return
    for level in sorted({int(r["kind"].rsplit("_", 1)[1]) for r in rows}):
        only = {
            _ALDERMAN if r["recipient_id"] is None else r["recipient_id"]
            for r in rows
            if r["kind"] == f"escalatie_{level}"
        }
        _queue_escalation(store, match_id, level, _step_facts(store, match_id, level), only)


def drop_moot_escalations(
    store: Store, match_id: int, actor_id: int | None, cause: dict[str, Any] | None = None
) -> None:
    """Withdraw the escalation notices of a match that no longer concern their recipients.

    Called by `notices.queue_for_changes` for every match that changed or ended, in
    the transaction of the change. Which notices go is `moot_escalation`'s rule.
    Withdrawn as any unsent notice (`withdraw_notices`, audited by outbox id with the
    reason and the match). When a signal deleted at once made the change, `cause` is
    its reason and number, as `notices.withdraw_unsent` records them for the notices
    it takes back. Sent is sent; a notice being sent counts as sent here, and
    `mail.deliver` applies the same rule if it has to send it again.
    """
    rows = unsent_of_match(store, match_id, ESCALATION_KINDS)
    for r in rows:
        reason = moot_escalation(store, match_id, r["kind"], r["recipient_id"])
        if reason is not None:
            # a deleted signal's cause names its own reason (and number) instead
            detail = {**(cause or {"reden": reason}), "match": match_id}
            withdraw_notices(store, [r["id"]], actor_id, detail)
    if store.scalar("SELECT ended_at FROM matches WHERE id = ?", (match_id,)) is not None:
        # nor does anyone lead a match that ended: a notice giving a role in it (the
        # regievoerder's request for regie lists the members and asks for a care
        # coordinator) would reach him or her after the match ended (review)
        # nor is a request for regie that waited for a regievoerder still waiting
        kinds = (*_LEAD_ROLES, "regie_wacht")
        lead = [r["id"] for r in unsent_of_match(store, match_id, kinds)]
        withdraw_notices(
            store, lead, actor_id, {**(cause or {"reden": "match_ended"}), "match": match_id}
        )


# the role an escalation notice of a level goes to (the alderman's has none)
_LEVEL_ROLE = {"escalatie_1": "org_manager", "escalatie_2": "coordinator"}
# why an escalation notice is moot when what it is about passed its planned removal
# (rule 15) before `vix onderhoud` ended it: the match, or the manager's organisation in it
EXPIRED = "signals_expired"
# ... when the milestone whose absence the step was about has been recorded since
RESOLVED = "milestone_recorded"


def _step_resolved(store: Store, match_id: int, kind: str) -> bool:
    """Whether the stagnation escalation step `kind` told of is over: the agreement (or
    the action) it said was missing has been recorded since. The notice says "geen
    afstemming vastgelegd" and asks its recipient to act: sent after the agreement,
    it would be false, and a manager would chase a match that no longer stagnates."""
    level = int(kind.rsplit("_", 1)[1])
    if not store.scalar(
        "SELECT 1 FROM escalations WHERE match_id = ? AND level = ?", (match_id, level)
    ):
        return False
    missing = (
        "agreement" if _step_facts(store, match_id, level)["stap"] == "afstemming" else "action"
    )
    return bool(
        store.scalar(
            "SELECT 1 FROM match_milestones WHERE match_id = ? AND kind = ?", (match_id, missing)
        )
    )


def moot_escalation(
    store: Store, match_id: int | None, kind: str, recipient_id: int | None
) -> str | None:
    """Why an escalation notice about the match no longer concerns its recipient
    (`match_ended`, `organisation_left`), or None when it still does (or is no
    escalation notice).

    Of a match that ended, every escalation notice is moot: there is nothing left
    to escalate (a stagnating match is an open one), and the notice would still
    name its organisations and director. Of a match that goes on, a level-1
    notice is moot to an organisation manager whose organisation has no member in
    it any more: he or she has no professional there to speak to, and no business
    with the match (rule 16). The other notices stay: the step was taken and its
    facts were true; whoever is entitled to it still is. A level-1 or level-2 notice
    is moot to a recipient who no longer has the role it went to (an organisation
    manager made a signaller again): he or she is no longer entitled to it
    (`role_changed`).

    A notice whose step said the agreement (or the action) was missing is moot once it
    has been recorded (`RESOLVED`, `_step_resolved`): the match no longer stagnates on it.

    A signal past its planned removal counts as ended whether or not tonight's
    `vix onderhoud` ran (rule 15, as every command counts it: `cli_common.acting`):
    when the signals still running no longer come from two organisations, or a
    level-1 manager's organisation has none running any more, the notice is moot
    (`EXPIRED`): a signal that passed its planned removal while the run delivers;
    the next command (`cli_common.acting`) ends the match (or the organisation's
    membership), and then has nothing left to withdraw.
    """
    if match_id is None or kind not in ESCALATION_KINDS:
        return None
    if store.scalar("SELECT ended_at FROM matches WHERE id = ?", (match_id,)) is not None:
        return "match_ended"
    # the organisations whose signals in the match are still running: one past its
    # planned removal has ended by rule 15, whether or not `vix onderhoud` came round
    running = {
        r[0]
        for r in store.rows(
            "SELECT DISTINCT mm.organisation_id FROM match_members mm"
            " JOIN signals s ON s.id = mm.signal_id"
            " WHERE mm.match_id = ? AND mm.left_at IS NULL AND s.status = 'active'"
            " AND s.planned_removal > ?",
            (match_id, store.today.isoformat()),
        )
    }
    if len(running) < 2:
        return EXPIRED
    if _step_resolved(store, match_id, kind):
        return RESOLVED
    wanted = _LEVEL_ROLE.get(kind)
    if wanted is None or recipient_id is None:
        return None
    recipient = professional_by_id(store, recipient_id)
    if recipient.role != wanted:
        return "role_changed"
    if kind != "escalatie_1":
        return None
    if recipient.organisation_id in running:
        return None
    still_in = store.scalar(
        "SELECT 1 FROM match_members WHERE match_id = ? AND left_at IS NULL"
        " AND organisation_id IS ?",
        (match_id, recipient.organisation_id),
    )
    return EXPIRED if still_in else "organisation_left"


def wiped_work(
    store: Store,
    match_id: int,
    wiped: Mapping[int, dict[str, Any]],
    excluding: Collection[int],
) -> dict[str, dict[str, Any]]:
    """The milestones of the match that were the work of a deleted signal: kind -> the
    audit detail of the signal that takes it along.

    `wiped` maps the professional of each signal about to be deleted as one that
    should never have been placed (`notices.UNLAWFUL`) to the detail of that
    deletion (reason, signal number, match); `excluding` are the command's
    deleted signals, whose rows are still there. A milestone recorded by such a
    professional was recorded as a member through that signal: as if the signal
    never existed, he or she never recorded it (an agreement by a director who
    never was). It stays if he or she was a member through another signal when
    recording it, or still is one after the deletion: then the work was, or is,
    that of a member. A milestone's recorder is whoever recorded or last
    corrected it (`record_milestone`).

    Called by `notices.restart_without` before the match's start moves
    (`matching.restart` moves the joining of earlier members to the new start).
    """
    if not wiped:
        return {}
    return {
        str(r["kind"]): wiped[int(r["recorded_by"])]
        for r in store.rows(
            "SELECT ms.kind, ms.recorded_by FROM match_milestones ms WHERE ms.match_id = :m"
            " AND ms.recorded_by IN (SELECT value FROM json_each(:wiped))"
            " AND NOT EXISTS (SELECT 1 FROM match_members mm WHERE mm.match_id = :m"
            "   AND mm.professional_id = ms.recorded_by"
            "   AND mm.signal_id NOT IN (SELECT value FROM json_each(:excluding))"
            "   AND (mm.left_at IS NULL"
            "        OR (mm.joined_at <= ms.recorded_at AND mm.left_at > ms.recorded_at)))"
            " ORDER BY ms.kind",
            {
                "m": match_id,
                "wiped": json.dumps(sorted(wiped)),
                "excluding": json.dumps(sorted(excluding)),
            },
        )
    }


def follow_deletion(
    store: Store,
    match_id: int,
    moved: Restart | None,
    wiped: Mapping[str, dict[str, Any]],
    actor_id: int | None,
    detail: dict[str, Any],
) -> None:
    """Take back what a match that goes on recorded through a signal deleted as one that
    should never have been placed (`notices.UNLAWFUL`).

    Called once per match by `notices.restart_without`, with `moved` when the
    signal was one the match arose from and its start moved (`matching.restart`),
    and `wiped` the milestones that were the deleted signal's work (`wiped_work`).
    What was recorded through the deleted signal, or about the match before it
    arose as it is left, was not work of the match that is left:

    - When the start moved, a milestone dated before the day the match arose goes
      (the contact or the agreement then was with the deleted signal's
      professional; the remaining members were not yet matched). So does one recorded by the deleted
      signal's professional who is not a member through another signal
      (`wiped_work`: a director who never was, an agreement never made between
      the members that are left). An action whose agreement goes, goes too (an
      action follows an agreement). Other milestones stay: they record work
      between the remaining members.
    - When the start moved or the agreement went, each escalation step, lowest
      first, stays only if the match stagnated on the step's day counted from its
      start (the new one, or the one it had), with the limit the step told; it
      is then restated with those facts (its renewed notices tell them). The
      first step that did not hold goes, with every step above it (the ladder
      climbs one step at a time), and their unsent notices; sent ones cannot be
      recalled. `matches.escalation_level` follows.

    Every change is audited with `detail` (reason, signal number, match), a
    milestone with that of the signal whose professional recorded it (never a BSN).
    """
    if moved is not None:
        store.audit(
            actor_id,
            "restart",
            "match",
            match_id,
            detail={**detail, "was": moved.was, "wordt": moved.start},
        )
    elif not wiped:
        return
    day = str(store.scalar("SELECT created_at FROM matches WHERE id = ?", (match_id,)))[:10]
    done = milestones_of(store, match_id)
    gone = {kind: wiped[kind] for kind in done if kind in wiped}
    if moved is not None:
        for kind, on in done.items():
            if on < day:
                gone.setdefault(kind, detail)
    if "agreement" in gone and "action" in done:
        gone.setdefault("action", gone["agreement"])
    _take_back_milestones(store, match_id, done, gone, actor_id)
    if moved is not None or "agreement" in gone:
        agreed_on = None if "agreement" in gone else done.get("agreement")
        _rejudge_escalations(store, match_id, day, agreed_on, actor_id, detail)


def _take_back_milestones(
    store: Store,
    match_id: int,
    done: Mapping[str, str],
    gone: Mapping[str, dict[str, Any]],
    actor_id: int | None,
) -> None:
    """Delete the milestones `gone` (kind -> audit detail) of those `done` (kind -> date),
    each audited as `milestone_removed` with its detail and the date it had."""
    for kind in sorted(gone):
        store.execute(
            "DELETE FROM match_milestones WHERE match_id = ? AND kind = ?", (match_id, kind)
        )
        store.audit(
            actor_id,
            "milestone_removed",
            "match",
            match_id,
            detail={**gone[kind], "soort": kind, "was": done[kind]},
        )


def _rejudge_escalations(
    store: Store,
    match_id: int,
    day: str,
    agreed_on: str | None,
    actor_id: int | None,
    detail: dict[str, Any],
) -> None:
    """Judge the match's escalation steps again for a match that arose on `day` with its
    agreement on `agreed_on` (None: none), as `follow_deletion` describes."""
    steps = store.rows(
        "SELECT level, on_date FROM escalations WHERE match_id = ? ORDER BY level", (match_id,)
    )
    kept = 0
    for step in steps:
        level, on_date = int(step["level"]), str(step["on_date"])
        told = _step_facts(store, match_id, level)
        facts = None if kept < level - 1 else _restated(store, told, day, agreed_on, on_date)
        if facts is None:
            store.execute(
                "DELETE FROM escalations WHERE match_id = ? AND level = ?", (match_id, level)
            )
            store.audit(
                actor_id,
                "escalation_removed",
                "match",
                match_id,
                detail={**detail, "niveau": level, "was": on_date},
            )
            ids = [r["id"] for r in unsent_of_match(store, match_id, (f"escalatie_{level}",))]
            withdraw_notices(store, ids, actor_id, detail)
            continue
        kept = level
        if facts != told:
            store.audit(
                actor_id,
                "escalation_restated",
                "match",
                match_id,
                detail={**detail, "niveau": level, **facts},
            )
    store.execute("UPDATE matches SET escalation_level = ? WHERE id = ?", (kept, match_id))


def _restated(
    store: Store, told: dict[str, Any], day: str, agreed_on: str | None, on_date: str
) -> dict[str, Any] | None:
    """The facts of an escalation step taken on `on_date` for a match that arose on `day`,
    or None when the match did not stagnate then.

    A step on the action stage counts from the agreement, which stays: unchanged.
    Otherwise the agreement stage counts from the match's start, with the limit
    the step told (the region's agreement limit if it told the action limit of an
    agreement that went)."""
    if told["stap"] == "actie" and agreed_on is not None and agreed_on <= on_date:
        return told
    limit = (
        told["termijn"] if told["stap"] == "afstemming" else settings.get(store, "stagnatie_dagen")
    )
    cal = _calendar_of(store, told["eenheid"])
    if on_date < day:
        return None
    age = cal.days_between(date.fromisoformat(day), date.fromisoformat(on_date))
    if age <= limit:
        return None
    return {
        "stap": "afstemming",
        "sinds": day,
        "leeftijd": age,
        "eenheid": told["eenheid"],
        "termijn": limit,
    }


def _step_facts(store: Store, match_id: int, level: int) -> dict[str, Any]:
    """The facts escalation step `level` of a match told, from its audit record."""
    told = store.scalar(
        "SELECT detail FROM audit_log WHERE action IN ('escalate', 'escalation_restated')"
        " AND entity = 'match' AND entity_id = ? AND json_extract(detail, '$.niveau') = ?"
        " AND json_extract(detail, '$.stap') IS NOT NULL ORDER BY id DESC LIMIT 1",
        (match_id, level),
    )
    if told is not None:
        found = json.loads(told)
        return {k: found[k] for k in ("stap", "sinds", "leeftijd", "eenheid", "termijn")}
    step = store.row(
        "SELECT e.on_date, m.created_at, (SELECT on_date FROM match_milestones"
        " WHERE match_id = m.id AND kind = 'agreement' AND on_date <= e.on_date) AS agreed_on"
        " FROM escalations e JOIN matches m ON m.id = e.match_id"
        " WHERE e.match_id = ? AND e.level = ?",
        (match_id, level),
    )
    assert step is not None
    rules = Rules.of(store)
    rules = Rules(rules.days, rules.action_days or rules.days, rules.escalation_days, rules.working)
    cal = rules.calendar(store)
    facts = _overdue(
        step["created_at"], step["agreed_on"], rules, cal, date.fromisoformat(step["on_date"])
    )
    assert facts is not None
    return facts


def _queue_address(
    store: Store,
    name: str,
    email: str,
    match_id: int,
    template: str,
    subject: str,
    context: dict[str, Any],
) -> int:
    """An outbox row for someone who is not a professional (the alderman); the caller
    links it to the youths of the match (`notices.link_youths`)."""
    body = render_cached(
        store.memo,
        template,
        settings.get(store, "sjablonen_map"),
        ontvanger=name,
        regio=settings.get(store, "regio_naam"),
        contactdagen=settings.get(store, "contact_dagen"),
        **context,
    )
    domain = settings.get(store, "mail_domein")
    outbox_id = store.insert(
        "INSERT INTO outbox (created_at, kind, match_id, recipient_id, recipient_name,"
        " recipient_email, subject, body, message_id) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        (
            store.stamp,
            f"escalatie_{TOP_LEVEL}",
            match_id,
            name,
            email,
            subject,
            body,
            f"<{uuid.uuid4().hex}@{domain}>",
        ),
    )
    store.audit(
        None, "queue", "notice", outbox_id, detail={"soort": "escalatie", "match": match_id}
    )
    return outbox_id
