"""Handing a professional's signals to a colleague (DOMAIN.md rule 14, with rules 5, 8, 9,
12, 16 and 18).

The organisation manager substitutes for absent signallers: when a signaller leaves (or
his or her work is split among colleagues), `transfer_signals()` moves his or her active
signals, or chosen ones, to a colleague of the same organisation who signals too. A
signal belongs to its organisation as much as to its professional (rule 6 counts
organisations), so a transfer is not a new signal: it keeps its number, placement date,
planned removal (two years after placement, or the 23rd birthday) and its record of
informing the parents (rule 4), and its matches go on. Only the professional changes,
in `signals` and in the signal's current match memberships.

Contract:

- **Who.** The organisation manager of the organisation, and the functional
  administrator; nobody else. The source may be active or already deactivated (the
  usual case: someone left). The colleague must be an active signaller of the same,
  active organisation. To a manager, a professional of another organisation is
  answered like an unknown address: he or she does not learn who works elsewhere.
- **Rule 5.** When the colleague already has an active signal on the youth, the
  source's signal cannot move: it ends as `transferred`, which `signals.end_signal`
  archives as it does a withdrawal with 'weggenomen' (the history archive for the
  same term, its notices stay as they are, audit 'end' with that reason). The
  involvement was real, and of the organisation it goes on through the colleague's
  signal; 'onterecht' would erase it and withdraw its mail as if it never existed,
  which is false, and 'weggenomen' would say that the worry is gone, which is false
  too: the reports (`vix.reports`) count such an end as neither withdrawn nor
  expired, since the organisation is still involved, and the inzage says
  "overgedragen aan een collega". The colleague's signal keeps its own dates and
  parent record. The match memberships go on through that signal;
  `signals.end_signal` tells the members that the source left.
- **Matches.** In each open match the source's signal is in, the members are told
  that the colleague came in and the source left (`notices.queue_for_new_contacts`:
  the usual change notice), the colleague gets the match with all members as a
  newcomer would (rule 8), the source gets nothing. Where the source leaves the match
  altogether, a role he or she held (match director, care coordinator) passes to the
  colleague, audited as the step that gives it (`set_director`,
  `set_care_coordinator`, with the source and `matching.TRANSFER_REASON`), and the
  colleague gets the lead notice (`followup.tell_lead_passed`) saying whose work he
  or she took over. A request for regie that lapsed to the source, as youth protection,
  counts as lapsed to the colleague (`matching._request_returns`). A colleague of youth
  protection leads (rule 12) also where another member took the lead meanwhile, as
  youth protection that joins does (`matching.youth_protection_takes_over`): the
  signaller who left was passed over as director (`matching.proposed_director`), or
  the others led while he or she could not. Where the lead changed, the escalation,
  match and lead notices not sent yet tell who leads now (`followup.renew_lead_facts`).
- **The source's mail.** His or her unsent notices about the work handed on go
  (audited as withdrawn, reason `transferred`): the match and lead notices of the
  matches he or she left, and the move and history notices about the youths. They
  list people he or she no longer works with; a deactivated professional gets
  nothing anyway (`notices.queue`, `mail.deliver`), but one put back with `vix
  professional activeer` would have got them. The others' unsent move notices about
  the youths of the signals and their matches, which list the source, are renewed
  from the data as it is now (`notices.renew_move_notices`, the same reason).
- **Need to know.** Afterwards the colleague sees the signals and their matches
  (`vix signalen`, `vix matches`), the source no longer. Archived signals stay with
  the source: they are history. Milestones and ended matches keep who recorded or was
  in them. The colleague is not told of earlier archived signals (rule 10 is for a
  professional who signals). The summary (`TransferSummary`) names no youth and no
  match: neither the manager nor the administrator is in the matches, and a list of
  the matches a colleague's signals are in would tell them who is in which match
  (with `vix stagnatie`, which organisations). It counts the signals, the matches and
  the roles passed; the manager, who sees the organisation's signals with `vix signalen
  --organisatie`, also gets their numbers; the administrator, who sees no signals,
  counts only.
- **Audit.** One `transfer` record per signal, on the signal with the youth's
  pseudonym, never the number: who (the actor), from, to, and for rule 5 the
  colleague's signal that goes on.

One transaction, as every command: any error and nothing is written.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from .db import Store
from .errors import Conflict, InvalidInput, NotFound
from .followup import renew_lead_facts, request_lapsed, tell_lead_passed
from .matching import TRANSFER_REASON, lead_of, member_signals, youth_protection_takes_over
from .notices import (
    UNSENT,
    members_at,
    queue_for_new_contacts,
    renew_move_notices,
    sql_list,
    withdraw_notices,
    youths_of_match,
)
from .people import Professional, find_professional
from .signals import end_signal


@dataclass(frozen=True)
class EndedSignal:
    """A signal that could not move (rule 5): it ended, the colleague's goes on."""

    signal_id: int
    continues_as: int  # the colleague's signal on the same youth


@dataclass(frozen=True)
class PassedRole:
    match_id: int
    roles: list[str]  # matchregisseur, zorgcoördinator


@dataclass
class TransferResult:
    source: str  # e-mail address
    source_name: str
    target: str
    target_name: str
    moved: list[int] = field(default_factory=list)
    ended: list[EndedSignal] = field(default_factory=list)
    roles: list[PassedRole] = field(default_factory=list)
    matches: list[int] = field(default_factory=list)  # open matches the signals are in
    notices: int = 0  # queued by the transfer
    withdrawn: int = 0  # the source's unsent notices about the work handed on


@dataclass(frozen=True)
class TransferSummary:
    """What the one who transferred is told (rule 16, module contract): counts, no match
    numbers; signal numbers only for the organisation manager (None for the administrator)."""

    source: str  # e-mail address
    source_name: str
    target: str
    target_name: str
    moved: int  # signals now the colleague's
    ended: int  # signals that ended since the colleague had one on the youth (rule 5)
    matches: int  # open matches the signals are in
    director: int  # matches where the role of match director passed to the colleague
    care_coordinator: int  # ... and that of care coordinator
    notices: int  # queued by the transfer
    withdrawn: int  # the source's unsent notices about the work handed on
    signals: list[int] | None  # the numbers of the moved signals
    ended_signals: list[EndedSignal] | None  # the ended ones, with the colleague's


def _summary(result: TransferResult, by: Professional) -> TransferSummary:
    manager = by.role == "org_manager"
    return TransferSummary(
        source=result.source,
        source_name=result.source_name,
        target=result.target,
        target_name=result.target_name,
        moved=len(result.moved),
        ended=len(result.ended),
        matches=len(result.matches),
        director=sum("matchregisseur" in r.roles for r in result.roles),
        care_coordinator=sum("zorgcoördinator" in r.roles for r in result.roles),
        notices=result.notices,
        withdrawn=result.withdrawn,
        signals=list(result.moved) if manager else None,
        ended_signals=list(result.ended) if manager else None,
    )


def transfer_signals(
    store: Store,
    by: Professional,
    source_email: str,
    target_email: str,
    signal_ids: list[int] | None = None,
) -> TransferSummary:
    """Move the active signals of `source_email` (or those of `signal_ids`) to the colleague
    `target_email` of the same organisation (module contract)."""
    by.require("org_manager", "admin")
    source = _professional(store, by, source_email)
    target = _professional(store, by, target_email)
    if source.id == target.id:
        raise InvalidInput(
            f"Van en naar zijn dezelfde professional ({source.email}); geef de collega die "
            "de signalen overneemt als tweede."
        )
    chosen = _chosen_signals(store, source, signal_ids)
    _check_target(source, target)
    result = TransferResult(source.email, source.name, target.email, target.name)
    first_new = int(store.scalar("SELECT COALESCE(MAX(id), 0) FROM outbox"))

    ids = [int(r["id"]) for r in chosen]
    youth_of = {int(r["id"]): int(r["youth_id"]) for r in chosen}
    colliding = {
        int(r["id"]): int(r["other"])
        for r in store.rows(
            "SELECT s.id, t.id AS other FROM signals s JOIN signals t ON t.youth_id = s.youth_id"
            " AND t.professional_id = ? AND t.status = 'active'"
            " WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id",
            (target.id, json.dumps(ids)),
        )
    }
    affected = [
        int(r[0])
        for r in store.rows(
            "SELECT DISTINCT mm.match_id FROM match_members mm"
            " JOIN matches m ON m.id = mm.match_id AND m.ended_at IS NULL"
            " WHERE mm.left_at IS NULL AND mm.signal_id IN (SELECT value FROM json_each(?))"
            " ORDER BY mm.match_id",
            (json.dumps(ids),),
        )
    ]
    result.matches = affected
    before = {m: members_at(store, m, None) for m in affected}
    lead = {m: lead_of(store, m) for m in affected}
    # the source stays in a match through a signal that is not handed on: a role stays too
    leaves = [m for m in affected if not set(member_signals(store, m, source.id)) - set(ids)]
    for match_id in leaves:
        passed = _pass_roles(store, by, match_id, source, target)
        if passed:
            result.roles.append(PassedRole(match_id, passed))

    moving = [sid for sid in ids if sid not in colliding]
    for sid in moving:
        store.execute("UPDATE signals SET professional_id = ? WHERE id = ?", (target.id, sid))
        # the current memberships are the colleague's now; rows of matches the signal left
        # or that ended keep who was in them (and `matching._sync_members` renames a row
        # that comes back)
        store.execute(
            "UPDATE match_members SET professional_id = ? WHERE signal_id = ? AND left_at IS NULL",
            (target.id, sid),
        )
        _audit(store, by, sid, source, target)
        result.moved.append(sid)
    if target.domain == "youth_protection":
        # rule 12: the colleague leads where another member took the lead meanwhile
        for match_id in affected:
            lapse = youth_protection_takes_over(store, match_id)
            if lapse is not None:
                request_lapsed(store, match_id, lapse.regievoerder_id)
    for match_id in affected:
        queue_for_new_contacts(store, match_id, before[match_id])

    for sid, other in sorted(colliding.items()):
        # rule 5: the colleague's signal goes on; this one ends as real involvement
        end_signal(store, by, sid, "transferred")
        _audit(store, by, sid, source, target, continues_as=other)
        result.ended.append(EndedSignal(sid, other))

    for passed_role in result.roles:
        tell_lead_passed(
            store,
            passed_role.match_id,
            target.id,
            by.name,
            source.name,
            care="zorgcoördinator" in passed_role.roles,
        )

    result.withdrawn = _withdraw_source_notices(
        store,
        by,
        source,
        leaves,
        sorted(set(youth_of.values())),
    )
    # the others' move notices not sent yet list the source with his or her contact details
    concerned = {y for m in affected for y in youths_of_match(store, m)} | set(youth_of.values())
    renew_move_notices(store, concerned, by.id, {"reden": "transferred", "van": source.id})
    for match_id in affected:
        if lead_of(store, match_id) != lead[match_id]:
            # the escalation and match notices not sent yet name who leads now
            renew_lead_facts(store, match_id, by.id)
    result.notices = int(store.scalar("SELECT COUNT(*) FROM outbox WHERE id > ?", (first_new,)))
    return _summary(result, by)


def active_signal_count(store: Store, professional_id: int) -> int:
    """How many active signals the professional has: what a transfer would hand on."""
    return int(
        store.scalar(
            "SELECT COUNT(*) FROM signals WHERE professional_id = ? AND status = 'active'",
            (professional_id,),
        )
    )


def lead_count(store: Store, professional_id: int) -> int:
    """In how many open matches the professional is director or care coordinator: the
    roles a transfer passes on (`_pass_roles`) and that nobody else holds meanwhile."""
    return int(
        store.scalar(
            "SELECT COUNT(*) FROM matches WHERE ended_at IS NULL"
            " AND (director_id = :p OR care_coordinator_id = :p)",
            {"p": professional_id},
        )
    )


def _professional(store: Store, by: Professional, email: str) -> Professional:
    """The professional with this address; to a manager, only of his or her organisation
    (the same answer as for an unknown address: need to know)."""
    found = find_professional(store, email)
    if by.role == "org_manager" and (found is None or found.organisation_id != by.organisation_id):
        raise NotFound(
            f"Er is geen professional met e-mailadres {email.strip()} in uw organisatie "
            f"({by.organisation_code}). Bekijk de professionals met 'vix professional lijst'."
        )
    if found is None:
        raise NotFound(
            f"Er is geen professional met e-mailadres {email.strip()}. Bekijk de "
            "professionals met 'vix professional lijst'."
        )
    return found


def _check_target(source: Professional, target: Professional) -> None:
    if target.organisation_id is None or target.organisation_id != source.organisation_id:
        raise InvalidInput(
            f"{target.email} hoort niet bij de organisatie van {source.email} "
            f"({source.organisation_code}); signalen gaan alleen over naar een collega van "
            "dezelfde organisatie. Een andere organisatie geeft zelf een signaal af."
        )
    if target.role != "signaller":
        raise InvalidInput(
            f"{target.email} heeft de rol {target.role_name}; signalen gaan alleen over naar "
            "een meldingsbevoegde. De functioneel beheerder voegt er een toe met 'vix "
            "professional toevoegen E-MAIL NAAM --rol meldingsbevoegde --organisatie "
            f"{source.organisation_code}'."
        )
    if not target.organisation_active:
        raise Conflict(
            f"De organisatie {target.organisation_code} is niet actief; haar professionals "
            "kunnen geen signalen overnemen. De functioneel beheerder zet haar terug met "
            f"'vix organisatie activeer {target.organisation_code}'."
        )
    if not target.active:
        raise Conflict(
            f"{target.email} is niet actief en kan geen signalen overnemen. Kies een actieve "
            f"collega, of laat de functioneel beheerder hem of haar terugzetten met 'vix "
            f"professional activeer {target.email}'."
        )


def _chosen_signals(
    store: Store, source: Professional, signal_ids: list[int] | None
) -> list[sqlite3.Row]:
    rows = store.rows(
        "SELECT id, youth_id FROM signals WHERE professional_id = ? AND status = 'active'"
        " ORDER BY placed_at, id",
        (source.id,),
    )
    if not rows:
        raise Conflict(f"{source.email} heeft geen actieve signalen; er is niets over te dragen.")
    if signal_ids is None:
        return rows
    own = {int(r["id"]): r for r in rows}
    for sid in signal_ids:
        if sid not in own:
            raise NotFound(
                f"Signaal {sid} is geen actief signaal van {source.email}. De "
                "instantiebeheerder ziet de signalen van de organisatie met 'vix signalen "
                "--organisatie'."
            )
    return [own[sid] for sid in sorted(set(signal_ids))]


def _pass_roles(
    store: Store, by: Professional, match_id: int, source: Professional, target: Professional
) -> list[str]:
    """Rule 12: the lead the source had in a match he or she leaves goes to the colleague,
    before any signal ends (so that `matching._keep_director` proposes nobody else)."""
    row = store.row(
        "SELECT director_id, care_coordinator_id FROM matches WHERE id = ?", (match_id,)
    )
    assert row is not None
    passed: list[str] = []
    for column, action, key, label in (
        ("director_id", "set_director", "regisseur", "matchregisseur"),
        ("care_coordinator_id", "set_care_coordinator", "zorg", "zorgcoördinator"),
    ):
        if row[column] != source.id:
            continue
        store.execute(f"UPDATE matches SET {column} = ? WHERE id = ?", (target.id, match_id))
        store.audit(
            by.id,
            action,
            "match",
            match_id,
            detail={key: target.id, "van": source.id, "reden": TRANSFER_REASON},
        )
        passed.append(label)
    return passed


def _audit(
    store: Store,
    by: Professional,
    signal_id: int,
    source: Professional,
    target: Professional,
    *,
    continues_as: int | None = None,
) -> None:
    number = store.scalar(
        "SELECT y.bsn FROM signals s JOIN youths y ON y.id = s.youth_id WHERE s.id = ?",
        (signal_id,),
    )
    detail: dict[str, object] = {"van": source.id, "naar": target.id}
    if continues_as is not None:
        detail |= {"beeindigd": True, "loopt_door_als": continues_as}
    store.audit(by.id, "transfer", "signal", signal_id, subject_number=number, detail=detail)


def _withdraw_source_notices(
    store: Store, by: Professional, source: Professional, left: list[int], youths: list[int]
) -> int:
    """The source's unsent notices about the matches he or she left and the youths handed
    on (module contract); returns how many went."""
    ids = [
        int(r[0])
        for r in store.rows(
            "SELECT id FROM outbox WHERE recipient_id = ?"
            f" AND status IN {sql_list(UNSENT)}"
            " AND (match_id IN (SELECT value FROM json_each(?))"
            "      OR (match_id IS NULL AND id IN (SELECT outbox_id FROM outbox_youths"
            "          WHERE youth_id IN (SELECT value FROM json_each(?)))))"
            " ORDER BY id",
            (source.id, json.dumps(left), json.dumps(youths)),
        )
    ]
    withdraw_notices(store, ids, by.id, {"reden": "transferred", "van": source.id})
    return len(ids)
