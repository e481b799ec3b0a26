"""Notices of new and changed matches, written to the outbox (rule 9).

A notice holds only the recipient's own youth's identification (name and
date of birth, never the BSN) and the other professionals' names,
organisations, phone and e-mail. A family-match notice never names the other
child. Notices are queued in the same transaction as the change that causes
them; `vix berichten verstuur` delivers them.

A signal deleted at once (rule 15: unjustified, objection, erasure request,
death, age 23) must be as if it never existed, also in the mail that has not
gone out yet: `withdraw_unsent()` deletes the unsent match, move and lead
notices that name its professional or show through it, and tells each
recipient who is still entitled what is true now instead (see there). A
match that only such a signal made goes with it, with what it queued but for
the end notice to a member who knew of it (`_forget_match`). A signal that
ends because the worry is gone or by its term was real involvement and goes
to the archive: its notices stay as they are, but for the move notices not sent
yet, which list the members of the youth's match as they are now and go only to
whoever is still entitled (`renew_move_notices`, also after any match change).
A signal erased at the request of the youth or the parents (objection, erasure
request) is, in addition, told to its signaller in a notice that names no youth
(`queue_erasure_notice`).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from .db import Store
from .matching import MatchChange, delete_match, forget_roles, open_family_matches, restart
from .people import Professional, professional_by_id
from .render import render_cached
from .views import Member, members_of
from .youths import youth_name_sql

CONTACT_DAYS_DEFAULT = 5
# a notice in one of these states never reached its recipient; `sending` may have
# (a run is talking to the server, or crashed after the 250): it counts as sent, but
# a withdrawal marks it to go should the delivery fail (`withdraw_notices`)
UNSENT = ("queued", "failed")
IN_FLIGHT = "sending"
DELIVERED = ("sent", IN_FLIGHT)


# what each kind of notice is about, in the words of the inzage and `vix berichten`
NOTICE_LABELS = {
    "match_nieuw": "nieuwe match",
    "match_gewijzigd": "wijziging in de match",
    "match_verlaten": "niet meer in de gezinsmatch",
    "match_beeindigd": "match beëindigd",
    "history_match": "eerdere betrokkenheid",
    "move": "verhuizing",
    "regie_regisseur": "gevraagd als matchregisseur",
    "regie_regievoerder": "verzoek om regie aan de regievoerder",
    "regie_zorgcoordinator": "benoemd tot zorgcoördinator",
    "regie_overgenomen": "verzoek om regie overgenomen door de regievoerder",
    "regie_overgedragen": "verzoek om regie overgedragen",
    "regie_wacht": "verzoek om regie wacht op een regievoerder",
    "regie_vervallen": "verzoek om regie vervallen",
    "escalatie_1": "opgeschaald (niveau 1)",
    "escalatie_2": "opgeschaald (niveau 2)",
    "escalatie_3": "opgeschaald (niveau 3)",
    "signaal_gewist": "signaal gewist op verzoek van ouders of jeugdige",
}


def queue(
    store: Store,
    *,
    recipient_id: int,
    kind: str,
    match_id: int | None,
    template: str,
    subject: str,
    context: dict[str, object],
    youths: Iterable[int] = (),
    subject_number: str | None = None,
    detail: Mapping[str, object] | None = None,
    named: Iterable[int] | None = None,
    recipient: Professional | None = None,
) -> int | None:
    """Render a notice from a template and store it in the outbox; returns its id.

    `youths` are the youths the body names: erasing one of them erases the notice.
    A notice about a match that names no youth of its own (a lead, hand-over or
    escalation notice) is about every youth of the match: without `youths` it is
    linked to them (`link_match_youths`).
    A professional who left (deactivated, or of a deactivated organisation) gets
    nothing: None. Rule 16: personal data only for whoever still does the work.
    `subject_number` logs the notice on a youth it does not name (rule 18: his or
    her inzage shows it), `detail` adds to its audit record. `named`: the
    professionals a match notice lists as the other members (stored with it, for
    `tell_what_is_left`). `recipient`: the recipient as the caller read him or her
    in this transaction (a run that queues many notices reads them all at once).
    """
    person = professional_by_id(store, recipient_id) if recipient is None else recipient
    assert person.id == recipient_id
    if not person.reachable:
        return None
    region = store.setting("regio_naam", "de regio")
    body = render_cached(
        store.memo,
        template,
        store.setting("sjablonen_map", None),
        ontvanger=person.name,
        regio=region,
        contactdagen=store.setting("contact_dagen", CONTACT_DAYS_DEFAULT),
        **context,
    )
    domain = store.setting("mail_domein", "vix.invalid")
    outbox_id = store.insert(
        "INSERT INTO outbox (created_at, kind, match_id, recipient_id, recipient_name,"
        " recipient_email, subject, body, message_id, named)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            store.stamp,
            kind,
            match_id,
            recipient_id,
            person.name,
            person.email,
            subject,
            body,
            f"<{uuid.uuid4().hex}@{domain}>",
            None if named is None else json.dumps(sorted(set(named))),
        ),
    )
    link_youths(store, outbox_id, youths)
    if match_id is not None and not youths:
        link_match_youths(store, outbox_id, match_id)
    store.audit(
        None,
        "queue",
        "notice",
        outbox_id,
        subject_number=subject_number,
        detail={"soort": kind, "match": match_id, **(detail or {})},
    )
    return outbox_id


def link_youths(store: Store, outbox_id: int, youths: Iterable[int]) -> None:
    """Link a notice to the youths it is about (`outbox_youths`): erasing one of them
    erases the notice, and each one's inzage lists it."""
    links = [(youth_id, outbox_id) for youth_id in youths]
    if links:
        store.db.conn.executemany(
            "INSERT OR IGNORE INTO outbox_youths (youth_id, outbox_id) VALUES (?, ?)", links
        )


def link_match_youths(store: Store, outbox_id: int, match_id: int) -> None:
    """Link a notice about a match that names no youth to the youths of the match.

    A lead, hand-over or escalation notice (regie_*, escalatie_*) names no child,
    but lists the members of the match with their phone and e-mail, or its
    organisations, to whoever leads it, is asked for regie or is told it stagnates.
    Those are the professionals of each youth whose signal is in the match now
    (`match_youths`): so it goes when they are all erased, as every notice that
    named them does (`forget_notices`, `signals.forget_youth_if_unused`), and each
    of them sees it in the inzage (rule 17; in a family match without naming the
    other child's professionals: `reports.inzage`)."""
    link_youths(store, outbox_id, match_youths(store, [match_id]).get(match_id, []))


def match_youths(store: Store, match_ids: Iterable[int]) -> dict[int, list[int]]:
    """Per match, the youths a notice about it is about: a client match's youth and the
    youths whose signal is in it now (`youths_of_match`); of a match nobody is in any
    more (it ended), every youth that ever was. One read for many matches (an
    escalation run, `followup._Ladder`)."""
    found: dict[int, dict[int, bool]] = {}
    for r in store.rows(
        "SELECT id, youth_id, 1 AS now FROM matches"
        " WHERE id IN (SELECT value FROM json_each(:m)) AND youth_id IS NOT NULL"
        " UNION SELECT mm.match_id, s.youth_id, MAX(mm.left_at IS NULL)"
        " FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
        " WHERE mm.match_id IN (SELECT value FROM json_each(:m))"
        " GROUP BY mm.match_id, s.youth_id",
        {"m": json.dumps(sorted(set(match_ids)))},
    ):
        youths = found.setdefault(int(r[0]), {})
        youths[int(r[1])] = youths.get(int(r[1]), False) or bool(r[2])
    return {
        match_id: sorted(y for y, now in youths.items() if now) or sorted(youths)
        for match_id, youths in found.items()
    }


def _signal_owner(store: Store, signal_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(signal_ids))
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    return {
        r[0]: r[1]
        for r in store.rows(f"SELECT id, professional_id FROM signals WHERE id IN ({marks})", ids)
    }


def _own_youths(store: Store, match_id: int, professional_id: int) -> list[dict[str, Any]]:
    return [
        {"id": r["id"], "naam": r["name"], "geboortedatum": r["birth_date"]}
        for r in store.rows(
            f"SELECT DISTINCT y.id, {youth_name_sql('y')} AS name, y.birth_date"
            " FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
            " JOIN youths y ON y.id = s.youth_id"
            " WHERE mm.match_id = ? AND mm.professional_id = ?",
            (match_id, professional_id),
        )
    ]


SUBJECTS = {
    "nieuw": "Verwijsindex: nieuwe match",
    "gewijzigd": "Verwijsindex: wijziging in een match",
    "verlaten": "Verwijsindex: u zit niet meer in een gezinsmatch",
    "beeindigd": "Verwijsindex: match beëindigd",
}


def queue_for_changes(
    store: Store,
    changes: list[MatchChange],
    by: Professional | None,
    deleted: Mapping[int, str] | None = None,
) -> int:
    """Queue one notice per professional per changed match; returns how many.

    When the change gave the match another director, care coordinator or regievoerder
    (`change.lead_changed`: youth protection joined, the director left), the notices
    not sent yet that tell who leads are renewed (`followup.renew_lead_facts`), unless a
    signal the command deletes at once left it (`withdraw_unsent` renews those).
    A request for regie that lapsed because youth protection joined (`change.lapsed`)
    is taken back from whoever held it or waited for it: `followup.request_lapsed`. When
    youth protection leaves such a match again, the request returns (`change.returned`,
    `followup.request_returned`). A match that belongs to another municipality now
    (`change.moved`) takes its request to that municipality's regievoerder, as after a
    move (`followup.follow_move`; `by` is the one who made the change, for the audit:
    required, so that no caller leaves a hand-over without its actor, rule 18); its
    escalation notices not sent yet tell the new municipality (the alderman's goes to
    the new municipality's alderman).
    The move notices not sent yet about a youth of a match that was created, changed or
    ended are renewed from the data as it is now (`renew_move_notices`): they list the
    members of the youth's match and say whether he or she is in a family match.
    Escalation notices not sent yet of a match that ended, or to the organisation
    manager of an organisation that left it, go (`followup.drop_moot_escalations`);
    `deleted` are the signals the command deletes at once (id -> reason), whose
    number the audit of such a withdrawal names, as `withdraw_unsent` does.
    """
    # followup queues through here
    from .followup import (
        drop_moot_escalations,
        follow_move,
        renew_lead_facts,
        request_lapsed,
        request_returned,
    )

    deleted = deleted or {}
    count = 0
    for change in changes:
        if change.event in ("changed", "ended"):
            cause = next(
                ({"reden": deleted[s], "signaal": s} for s in change.removed if s in deleted),
                None,
            )
            drop_moot_escalations(store, change.match_id, None if by is None else by.id, cause)
        if change.lapsed is not None:
            request_lapsed(store, change.match_id, change.lapsed.regievoerder_id)
        if change.returned:
            request_returned(store, change.match_id)
        if change.event == "moved":  # its members stay as they were: nothing to tell them
            continue
        owners = _signal_owner(store, [*change.added, *change.removed])
        added = {owners[s] for s in change.added if s in owners}
        removed = {owners[s] for s in change.removed if s in owners}
        members = members_of(store, change.match_id, None)
        current = {
            r[0]: r[1]
            for r in store.rows(
                "SELECT DISTINCT professional_id, organisation_id FROM match_members"
                " WHERE match_id = ? AND left_at IS NULL",
                (change.match_id,),
            )
        }
        recipients: dict[int, str] = defaultdict(str)
        if change.event == "created":
            for pid in current:
                recipients[pid] = "nieuw"
        elif change.event == "changed":
            for pid in current:
                recipients[pid] = "nieuw" if pid in added else "gewijzigd"
            # a family match goes on without a member whose youth left the family (a
            # move, a corrected parent): that member's signal stands, so tell him or her
            for pid in removed - current.keys():
                if _signal_still_active(store, change.match_id, pid):
                    recipients[pid] = "verlaten"
        elif not change.merged:  # ended: tell those whose signal is still active
            # (a match that went up in another tells nobody: its members are all in that
            # one and hear of it as a new or changed match)
            for pid in removed:
                if _signal_still_active(store, change.match_id, pid):
                    recipients[pid] = "beeindigd"
        count += _queue_match_notices(
            store,
            change.match_id,
            change.kind,
            recipients,
            members=members,
            new=added & current.keys(),
            left=removed - current.keys(),
        )
        if change.lead_changed and not any(s in deleted for s in change.removed):
            # a signal deleted at once renews what named it itself (`withdraw_unsent`)
            renew_lead_facts(store, change.match_id, None if by is None else by.id)
    moved = [c.match_id for c in changes if c.moved]
    if moved:
        follow_move(store, by, moved)
    # the move notices not sent yet list the members of the youth's match as it was
    concerned: dict[int, dict[str, Any]] = {}
    for change in changes:
        if change.event == "moved":
            continue
        cause = next(
            ({"reden": deleted[s], "signaal": s} for s in change.removed if s in deleted),
            {"reden": MATCH_CHANGED, "match": change.match_id},
        )
        for youth_id in youths_of_match(store, change.match_id, [*change.added, *change.removed]):
            concerned.setdefault(youth_id, cause)
    for youth_id, cause in sorted(concerned.items()):
        renew_move_notices(store, [youth_id], None if by is None else by.id, cause)
    return count


def youths_of_match(store: Store, match_id: int, signal_ids: Iterable[int] = ()) -> list[int]:
    """The youths whose move notice a change of the match may alter: the match's youth,
    the youths of its members now, and of `signal_ids` (that joined or left it)."""
    return [
        int(r[0])
        for r in store.rows(
            "SELECT youth_id FROM matches WHERE id = ? AND youth_id IS NOT NULL"
            " UNION SELECT s.youth_id FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
            " WHERE mm.match_id = ? AND mm.left_at IS NULL"
            " UNION SELECT youth_id FROM signals WHERE id IN (SELECT value FROM json_each(?))",
            (match_id, match_id, json.dumps(sorted(set(signal_ids)))),
        )
    ]


def queue_for_new_contacts(store: Store, match_id: int, before: set[int]) -> int:
    """Tell the members of an open match that its professionals changed while its signals
    did not; returns how many notices were queued.

    A signal passed to a colleague (`transfer.transfer_signals`) stays in its matches, but
    the professional it makes a member is another: `before` are the professionals in the
    match before (`members_at`). Whoever came in gets the match with all members as a
    newcomer would (rule 8); every other member the usual change notice, naming who came
    in and who left. Whoever left gets nothing. Nothing when the people are the same.
    """
    now = members_at(store, match_id, None)
    new, left = now - before, before - now
    if not new and not left:
        return 0
    kind = store.scalar("SELECT kind FROM matches WHERE id = ?", (match_id,))
    return _queue_match_notices(
        store,
        match_id,
        str(kind),
        {pid: "nieuw" if pid in new else "gewijzigd" for pid in now},
        members=members_of(store, match_id, None),
        new=new,
        left=left,
    )


def _queue_match_notices(
    store: Store,
    match_id: int,
    kind: str,
    recipients: dict[int, str],
    *,
    members: list[Member],
    new: set[int],
    left: set[int],
) -> int:
    """One match notice per recipient (professional id -> event); returns how many."""
    # the same for every recipient: read once (queuing a notice changes neither)
    found = store.scalar("SELECT director_id FROM matches WHERE id = ?", (match_id,))
    director = None if found is None else int(found)
    milestones = milestones_of(store, match_id)
    # only a notice about a match that goes on says what to do next
    telling = any(event in ("nieuw", "gewijzigd") for event in recipients.values())
    late = agreement_late(store, match_id, milestones) if telling else None
    action = action_late(store, match_id, milestones) if telling else None
    # the members' professional ids, for the record of whom each notice names (an
    # e-mail address is one professional's: unique, as `_queue_match_notice` relies on)
    ids = {
        r["email"]: int(r["id"])
        for r in store.rows(
            "SELECT id, email FROM professionals WHERE email IN (SELECT value FROM json_each(?))",
            (json.dumps([m.email for m in members]),),
        )
    }
    return sum(
        _queue_match_notice(
            store,
            match_id,
            kind,
            pid,
            event,
            members=members,
            new=new,
            left=left,
            director=director,
            milestones=milestones,
            ids=ids,
            late=late,
            action=action,
        )
        for pid, event in sorted(recipients.items())
    )


def agreement_late(
    store: Store, match_id: int, milestones: Mapping[str, str]
) -> dict[str, Any] | None:
    """The facts of the match's agreement when it is overdue now, as `vix stagnatie` sees
    it (`followup.overdue`): a notice about a match older than its term (a member left
    or joined, an agreement taken back with a signal deleted as unjustified) must not
    give its members a fresh term when the coordinators already chase it."""
    if "agreement" in milestones:
        return None
    return _late(store, match_id, None)


def action_late(
    store: Store, match_id: int, milestones: Mapping[str, str]
) -> dict[str, Any] | None:
    """The facts of the agreed action when it is overdue now, as `vix stagnatie` sees it:
    an agreement, no action, and more than `actie_dagen` days since the agreement (None
    while the region sets no action limit). A notice then gives no fresh term either."""
    agreed = milestones.get("agreement")
    if agreed is None or "action" in milestones:
        return None
    return _late(store, match_id, agreed)


def _late(store: Store, match_id: int, agreed_on: str | None) -> dict[str, Any] | None:
    """`followup.overdue` for the match now: the agreement (`agreed_on` None) or the action."""
    from .followup import Rules, overdue  # followup queues its notices through here

    created = store.scalar("SELECT created_at FROM matches WHERE id = ?", (match_id,))
    if created is None:
        return None
    rules = Rules.of(store)  # its settings are read once per transaction (`Store.memo`)
    # the calendar, with the holidays it works out per year, once per transaction and
    # per rule set (a run may queue thousands of notices)
    slot = ("stagnation_calendar", rules, tuple(store.setting("gesloten_dagen", [])))
    cal = None if store.memo is None else store.memo.get(slot)
    if cal is None:
        cal = rules.calendar(store)
        if store.memo is not None:
            store.memo[slot] = cal
    return overdue(str(created), agreed_on, rules, cal, store.today)


def _queue_match_notice(
    store: Store,
    match_id: int,
    kind: str,
    pid: int,
    event: str,
    *,
    members: list[Member],
    new: set[int],
    left: set[int],
    director: int | None,
    milestones: dict[str, str],
    ids: Mapping[str, int],
    late: dict[str, Any] | None = None,
    action: dict[str, Any] | None = None,
) -> bool:
    """One match notice to professional `pid`; `new` and `left` are professional ids.

    `members` are the match's current members (views.members_of), `director` and
    `milestones` its director and recorded milestones
    (`milestones_of`), `ids` the members' professional ids by e-mail address. A
    notice that lists the other members (`NAMING_KINDS`) stores whom it listed
    (outbox `named`): what its recipient was told, whatever happens to their
    signals later (`tell_what_is_left`). Returns whether a notice was queued
    (not to someone who left: see queue()).
    """
    me = store.row("SELECT email FROM professionals WHERE id = ?", (pid,))
    assert me is not None
    others = [m for m in members if m.email != me["email"]]
    own = _own_youths(store, match_id, pid)
    queued = queue(
        store,
        recipient_id=pid,
        kind=f"match_{event}",
        match_id=match_id,
        template="berichten/match.txt",
        subject=SUBJECTS[event],
        context={
            "gebeurtenis": event,
            "soort": kind,
            "match_id": match_id,
            "jeugdigen": own,
            "anderen": [m.__dict__ for m in others],
            "nieuwe": _names(store, new - {pid}),
            "vertrokken": _names(store, left - {pid}),
            # what to do next depends on what is recorded already (the template's 'Wat nu')
            "mijlpalen": milestones,
            "regisseur": _director_label(director, pid, members),
            # the agreement is overdue now (`agreement_late`): no fresh term in 'Wat nu'
            "over_tijd": late,
            # so is the agreed action (`action_late`, only with `actie_dagen`)
            "actie_over_tijd": action,
        },
        youths=[y["id"] for y in own],
        named=[ids[m.email] for m in others] if f"match_{event}" in NAMING_KINDS else None,
    )
    return queued is not None


def _director_label(director: int | None, pid: int, members: list[Member]) -> str | None:
    """Who records the agreement, as the match notice tells `pid`: "u", "ander", or
    "vertrokken" for a director who was deactivated (or whose organisation was), who
    counts as none (`followup._milestone_access`); None: no director (a regievoerder)."""
    if director is None:
        return None
    if director == pid:
        return "u"
    gone = any(m.is_director and not m.active for m in members)
    return "vertrokken" if gone else "ander"


def milestones_of(store: Store, match_id: int) -> dict[str, str]:
    """The match's recorded milestones: contact, agreement, action -> ISO date."""
    return {
        r["kind"]: r["on_date"]
        for r in store.rows(
            "SELECT kind, on_date FROM match_milestones WHERE match_id = ?", (match_id,)
        )
    }


def _names(store: Store, professional_ids: Iterable[int]) -> list[str]:
    ids = sorted(set(professional_ids))
    if not ids:
        return []
    marks = ",".join("?" for _ in ids)
    return sorted(
        r[0] for r in store.rows(f"SELECT name FROM professionals WHERE id IN ({marks})", ids)
    )


def _signal_still_active(store: Store, match_id: int, professional_id: int) -> bool:
    """Whether the professional's signal that made him or her a member is still active."""
    return bool(
        store.scalar(
            "SELECT 1 FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
            " WHERE mm.match_id = ? AND mm.professional_id = ? AND s.status = 'active'",
            (match_id, professional_id),
        )
    )


# -- a youth moved (rule 11) ----------------------------------------------------------


def move_recipients(store: Store, youth_id: int) -> list[int]:
    """Who is told that the youth moved: the professionals with an active signal on
    the youth and, while there is one, the regievoerder of the municipality the youth
    lives in now. A youth without an active signal (a pupil the school lists, an
    archived signal) is nobody's business at the municipality (rule 16)."""
    signallers = [
        int(r[0])
        for r in store.rows(
            "SELECT professional_id FROM signals WHERE youth_id = ? AND status = 'active'"
            " ORDER BY id",
            (youth_id,),
        )
    ]
    if not signallers:
        return []
    director = store.scalar(
        "SELECT mu.director_id FROM youths y JOIN municipalities mu ON mu.id = y.municipality_id"
        " WHERE y.id = ?",
        (youth_id,),
    )
    return list(dict.fromkeys([*signallers, *([] if director is None else [int(director)])]))


def notify_move(store: Store, youth_id: int) -> int:
    """Tell whoever `move_recipients` names that the youth moved; returns how many.

    A recipient whose latest unsent move notice about the youth already says the same
    word for word gets no second one: the command renewed it from the data as it is
    now (`renew_move_notices`, after the reconcile of a new address), so it names
    the municipality the youth moved to already."""
    told = 0
    for pid in move_recipients(store, youth_id):
        latest = store.rows(
            "SELECT o.kind, o.subject, o.body FROM outbox o"
            " JOIN outbox_youths oy ON oy.outbox_id = o.id"
            " WHERE oy.youth_id = ? AND o.recipient_id = ? AND o.kind = 'move'"
            f" AND o.status IN {sql_list(UNSENT)} ORDER BY o.id DESC LIMIT 1",
            (youth_id, pid),
        )
        queued = partial(queue_move_notice, store, youth_id, pid)
        told += _undone_if_same(store, [tuple(r) for r in latest], queued)
    return told


def queue_move_notice(store: Store, youth_id: int, recipient_id: int) -> int | None:
    """One move notice, from the data as it is now: the municipality the youth lives
    in and the members of the youth's open match.

    It names only those members, whom every member already knows (the regievoerder
    is told so that the municipality knows who to call). Signals in no match stay
    unnamed: two signals of one organisation never make a match (rule 6), so
    neither learns of the other. Of a family match it says only that there is one
    (rule 7).
    """
    youth = store.row(
        f"SELECT {youth_name_sql('y')} AS name, y.birth_date, mu.name AS town"
        " FROM youths y JOIN municipalities mu ON mu.id = y.municipality_id WHERE y.id = ?",
        (youth_id,),
    )
    if youth is None:  # erased, or never moved: nothing to tell
        return None
    contacts = [
        {"name": m.name, "organisation": m.organisation, "phone": m.phone, "email": m.email}
        for row in store.rows(
            "SELECT id FROM matches WHERE kind = 'youth' AND youth_id = ? AND ended_at IS NULL",
            (youth_id,),
        )
        for m in members_of(store, row["id"], None)
    ]
    return queue(
        store,
        recipient_id=recipient_id,
        kind="move",
        match_id=None,
        template="berichten/verhuizing.txt",
        subject="Verwijsindex: jeugdige verhuisd",
        context={
            "jeugdige": {"naam": youth["name"], "geboortedatum": youth["birth_date"]},
            "gemeente": youth["town"],
            "betrokkenen": contacts,
            "gezinsmatch": bool(open_family_matches(store, [youth_id])),
        },
        youths=[youth_id],
    )


# -- a signal erased on request (rule 17) ----------------------------------------------

# the erasure reasons a youth or the parents ask for (`vix jeugdige wis`): the signaller is
# told that the signal went and which of the two it was (death is no request of theirs)
REQUESTED_ERASURES = ("objection", "erasure_request")


def queue_erasure_notice(
    store: Store,
    by: Professional,
    *,
    recipient_id: int,
    signal_id: int,
    placed_at: str,
    reason: str,
    number: str,
) -> int | None:
    """Tell a signaller that his or her active signal was erased at the request of the
    youth or the parents (rule 17); returns the outbox id (None: he or she left).

    Without it the signal was simply gone from `vix signalen`. The notice names no
    youth: not the name, the birth date or the number. Rule 15 wants the erased youth
    as if he or she never existed, and every other notice that names the youth goes
    with him or her (`forget_notices`), sent or not, while the outbox keeps a sent
    notice for good; a notice naming the youth, queued after that, would outlive the
    erasure. So it says what the signaller needs to find the signal in his or her
    own records (its number, which vix never gives out again, and the day it was
    placed), that it was erased, whether on an upheld objection or an erasure
    request (no more of why), and whom to ask: the coordinator or administrator
    who handled the request. It is not linked to the youth (`outbox_youths`), but
    logged on him or her (`number`, pseudonymised) with the signal's number, as the
    deletion itself is, so that an inzage shows that the signaller was told.
    """
    assert reason in REQUESTED_ERASURES, reason
    return queue(
        store,
        recipient_id=recipient_id,
        kind="signaal_gewist",
        match_id=None,
        template="berichten/signaal_gewist.txt",
        subject="Verwijsindex: uw signaal is gewist",
        context={
            "signaal": signal_id,
            "afgegeven": placed_at,
            "gewist": store.stamp,
            "reden": reason,
            "door": by.name,
            "door_email": by.email,
        },
        subject_number=number,
        detail={"signaal": signal_id, "reden": reason},
    )


# -- a signal deleted at once (rule 15) ------------------------------------------------

MATCH_KINDS = ("match_nieuw", "match_gewijzigd", "match_verlaten", "match_beeindigd")
# the notices that name the other members of the match (the end notices name nobody)
NAMING_KINDS = ("match_nieuw", "match_gewijzigd")
END_KINDS = ("match_verlaten", "match_beeindigd")
# the deletion reasons of a signal that should never have been placed (rule 15: withdrawn
# as unjustified, or an objection upheld, rule 17): the match it made is rewritten without it
UNLAWFUL = ("unjustified", "objection")
# the lead notices that list the members of the match with their contact details
LEAD_KINDS = ("regie_regisseur", "regie_regievoerder", "regie_zorgcoordinator", "regie_overgenomen")
# the notices about a match that name neither a youth nor a member: the request for regie
# handed over, waiting for a regievoerder, lapsed
NAMELESS_KINDS = ("regie_overgedragen", "regie_wacht", "regie_vervallen")
# the reason in the audit of a notice renewed because a youth it listed was erased
YOUTH_ERASED = "youth_erased"


def sql_list(values: tuple[str, ...]) -> str:
    """A constant list for an SQL IN (never user input)."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


@dataclass(frozen=True)
class DeletedSignal:
    """What the outbox needs of a signal to be deleted, read before the row goes.

    `memberships` are (match_id, joined_at) of every match the signal was in,
    also those it left or that ended: those rows go with the signal. Of a signal
    that was in a match more than once (it left and came back), the start of its
    first period: what was queued since may name its professional. `number` is
    the youth's number, only for the pseudonym of an audit record.
    """

    id: int
    professional_id: int
    youth_id: int
    number: str
    placed_at: str
    memberships: tuple[tuple[int, str], ...]


def deleted_signal(store: Store, row: sqlite3.Row) -> DeletedSignal:
    """What the outbox needs of the signal in `row` (its id, professional_id, youth_id,
    placed_at and the youth's bsn, as the caller read them) before it goes."""
    signal_id = int(row["id"])
    return DeletedSignal(
        id=signal_id,
        professional_id=row["professional_id"],
        youth_id=row["youth_id"],
        number=row["bsn"],
        placed_at=row["placed_at"],
        memberships=tuple(
            (r["match_id"], r["joined_at"])
            for r in store.rows(
                "SELECT match_id, MIN(joined_at) AS joined_at FROM match_members"
                " WHERE signal_id = ? GROUP BY match_id ORDER BY match_id",
                (signal_id,),
            )
        ),
    )


@dataclass(frozen=True)
class VoidMatch:
    """A match that without a deleted signal never arose (`matching.restart`): it goes as
    if it never existed (`forget_matches`). `detail` is for its audit record."""

    match_id: int
    gone: DeletedSignal
    detail: dict[str, Any]


def withdraw_unsent(store: Store, gone: DeletedSignal, actor_id: int | None, reason: str) -> None:
    """Withdraw the unsent notices of a signal deleted at once.

    Called right after the signal's row is deleted, in the same transaction.
    In each match the signal was in, every match notice queued since it joined
    names its professional P to the others, or the others to P, or tells of a
    change P's signal made. Unsent means queued, or failed (it never arrived).
    Per recipient:

    - P, unless still in the match through another signal: the notices that
      name others go; P learns nobody through a signal that should not have
      been. An end notice stays only if a notice naming the others already
      reached P (he or she knows of the match); nothing comes instead. (If the
      youth is erased next, it goes with him or her: `forget_notices`.)
    - A member whom a notice naming the members reached (sent, or being sent)
      since P joined: nothing is withdrawn. A sent notice cannot be recalled, so
      the change or end notice that follows is right, as for any other ending.
      A notice being sent may not arrive: it is marked, and if its delivery
      fails, it goes and this member is handled as one who was not told
      (`_withdraw_maybe_told`, `withdraw_undelivered`).
    - Any other member: the notices go, and one notice says what is left of the
      match compared with what he or she was told before (whom the last notice
      named, also a member an earlier deletion took out: `tell_what_is_left`),
      or nothing when that is the same: a new match for whoever never heard of
      it, a change, or that it ended (only to whoever knew of it and still has a
      signal).

    A notice being sent that this would withdraw is marked instead
    (`withdraw_notices`): it goes only if its delivery fails.

    Stamps are to the second: a notice from another command in the very second
    P joined counts as naming P, a member who joined in the second of the last
    notice as told. Withdrawn notices are deleted, not marked: their body names
    P, and a deleted signal leaves only a count (rule 15). Each is audited by
    outbox id.

    The e-mail copy of the history match (rule 10) that P's signal caused goes
    too; the answer on screen was given and stays recorded as told.

    Move notices queued since P's signal was placed that name P's youth (or a
    youth of a family match P's signal was in) go too; whoever is still entitled
    to hear of the move gets one notice from the data as it is now
    (`_renew_move_notices`).

    So do the lead notices (regie_*) of each match queued since P joined that
    list the members with their contact details; whoever still holds the role
    one gave him or her gets one from current data, which names P nowhere
    (`followup.renew_lead_notices`). The notices about a hand-over that name
    nobody (`regie_overgedragen`, `regie_wacht`, `regie_vervallen`) stay.

    So do the escalation notices of each match queued since P joined: they name
    the match's organisations and its director to process roles (organisation
    managers, coordinators, the alderman), so P's organisation, and P if P led.
    Whoever is still entitled to the step's notice gets it again from current
    data (`followup.renew_escalation_notices`).

    If the signal should never have been placed (`UNLAWFUL`), an ended match no
    longer names P as its director or care coordinator (`matching.forget_roles`).
    Its start moved, and the milestones P recorded in it without being a member
    through another signal went, already, before any notice of the command was
    written (`restart_without`, with every signal the command deletes left out at once:
    one at a time, a signal about to go in the same command would still seem to
    make the match). A match that without the command's deleted signals never
    arose at all goes as if it never existed after everything above (the move
    notices look for the youths of the family matches the signal was in): the
    caller collects those from `restart_without` and passes them to
    `forget_matches` once a youth left with nothing is erased, so that an end
    notice still owed names only who is left (`signals.end_signals`, the only
    caller). A signal deleted at 23, at death or on an erasure request was real
    involvement: the match keeps its history.
    """
    # followup queues its notices through here
    from .followup import renew_escalation_notices, renew_lead_notices

    for match_id, joined_at in gone.memberships:
        detail = {"reden": reason, "signaal": gone.id, "match": match_id}
        if reason in UNLAWFUL:  # needs the signal's rows gone
            forget_roles(store, match_id, gone.professional_id)
        rows = unsent_of_match(store, match_id, MATCH_KINDS, joined_at, flying=True)
        still_in = members_at(store, match_id, None)
        for pid in sorted({r["recipient_id"] for r in rows}):
            mine = pid == gone.professional_id and pid not in still_in
            theirs = [r for r in rows if r["recipient_id"] == pid]
            if not _told_since(store, match_id, pid, joined_at, ("sent",)) and _told_since(
                store, match_id, pid, joined_at
            ):
                # told only by a notice being sent: as told for now, and as not told
                # once its delivery fails (`withdraw_undelivered`)
                _withdraw_maybe_told(
                    store, match_id, pid, joined_at, theirs, mine, actor_id, detail
                )
                continue
            told = _told_since(store, match_id, pid, joined_at)
            if told and not mine:
                continue
            ids = [r["id"] for r in theirs if not mine or not told or r["kind"] in NAMING_KINDS]
            withdraw_notices(store, ids, actor_id, detail)
            if not mine:
                tell_what_is_left(store, match_id, pid)
        renew_lead_notices(store, match_id, joined_at, {gone.professional_id}, actor_id, detail)
        renew_escalation_notices(store, match_id, joined_at, actor_id, detail)
    history = [
        r[0]
        for r in store.rows(
            "SELECT o.id FROM outbox o JOIN outbox_youths oy ON oy.outbox_id = o.id"
            " WHERE o.kind = 'history_match' AND o.recipient_id = ? AND oy.youth_id = ?"
            f" AND o.created_at >= ? AND o.status IN {sql_list((*UNSENT, IN_FLIGHT))}"
            " ORDER BY o.id",
            (gone.professional_id, gone.youth_id, gone.placed_at),
        )
    ]
    withdraw_notices(store, history, actor_id, {"reden": reason, "signaal": gone.id})
    _renew_move_notices(store, gone, actor_id, reason)


def forget_matches(store: Store, void: Iterable[VoidMatch], actor_id: int | None) -> None:
    """The matches that arose only through deleted signals go (`_forget_match`); each is
    listed once (`restart_without`)."""
    for v in void:
        _forget_match(store, v.match_id, v.gone, actor_id, v.detail)


def _forget_match(
    store: Store, match_id: int, gone: DeletedSignal, actor_id: int | None, detail: dict[str, Any]
) -> None:
    """A match that arose only through the deleted signal goes.

    The match ended when the signal did, and the notices were handled as for any
    match the signal was in (`withdraw_unsent`): what is left unsent is an end
    notice to a member who knew of the match (kept: "verstuurd is verstuurd", he
    or she hears that it ended, as from any other ending; it names nobody), and
    what no rule there withdrew: any other notice of the match (a change that
    named a colleague of one's own organisation, a request for regie that waits
    or was handed over). Those go: they are about a match that never was. Then
    the match itself (`matching.delete_match`).
    """
    ids = [
        r[0]
        for r in store.rows(
            "SELECT id FROM outbox WHERE match_id = ?"
            f" AND status IN {sql_list((*UNSENT, IN_FLIGHT))}"
            f" AND kind NOT IN {sql_list(END_KINDS)} ORDER BY id",
            (match_id,),
        )
    ]
    withdraw_notices(store, ids, actor_id, detail)
    delete_match(store, match_id, actor_id, subject_number=gone.number, detail=detail)


def forget_notices(store: Store, youth_ids: Iterable[int]) -> list[int]:
    """Rule 15: youths about to be erased take every notice that names them along, sent
    or not; nothing of them stays in the outbox.

    Called before the youths' rows go, once none of their signals is left. A match
    notice names its recipient's own youths in the match (`_own_youths`). An unsent
    one that tells a member that a family match ended or went on without him or
    her, while his or her signal on another child of that family is still active,
    is owed to him or her all the same: it is queued again from the data as it is
    now, which no longer names the erased youth. Whoever's signals in the match all
    ended gets nothing: he or she is not told of a match his or her own signal no
    longer holds (`queue_for_changes`). Returns the ids of the notices that went.

    A notice about a match that names no youth is linked to every youth of the
    match (`link_match_youths`). A lead or escalation notice lists the members or
    organisations, so the erased youth's professionals too: it goes whole, like a
    match notice naming two children of whom one is erased. An unsent one about a
    match that goes on for a brother or sister is owed all the same: whoever still
    holds its role or is still entitled to the step gets it again from the data as
    it is now (`followup.renew_lead_notices`, `renew_escalation_notices`, as for a
    signal deleted at once). A hand-over notice names nobody (`NAMELESS_KINDS`):
    while a youth it is linked to stays, it stays his or hers, and only the link
    to the erased youth goes.
    """
    # followup queues its notices through here
    from .followup import ESCALATION_KINDS, renew_escalation_notices, renew_lead_notices

    ids = json.dumps(sorted(set(youth_ids)))
    linked = (
        "(SELECT outbox_id FROM outbox_youths WHERE youth_id IN (SELECT value FROM json_each(?)))"
    )
    shared = (
        f"o.id IN {linked} AND EXISTS (SELECT 1 FROM outbox_youths k WHERE k.outbox_id = o.id"
        " AND k.youth_id NOT IN (SELECT value FROM json_each(?)))"
    )
    store.execute(
        f"DELETE FROM outbox_youths WHERE youth_id IN (SELECT value FROM json_each(?))"
        f" AND outbox_id IN (SELECT o.id FROM outbox o WHERE {shared}"
        f" AND o.kind IN {sql_list(NAMELESS_KINDS)})",
        (ids, ids, ids),
    )
    owed_lead = store.rows(
        "SELECT o.match_id, MIN(o.created_at) AS since FROM outbox o JOIN matches m"
        f" ON m.id = o.match_id WHERE {shared} AND m.ended_at IS NULL"
        f" AND o.status IN {sql_list(UNSENT)}"
        f" AND o.kind IN {sql_list((*LEAD_KINDS, *ESCALATION_KINDS))}"
        " GROUP BY o.match_id ORDER BY o.match_id",
        (ids, ids),
    )
    for r in owed_lead:
        detail = {"reden": YOUTH_ERASED, "match": r["match_id"]}
        renew_lead_notices(store, r["match_id"], r["since"], (), None, detail)
        renew_escalation_notices(store, r["match_id"], r["since"], None, detail)
    rows = store.rows(
        "SELECT id, kind, status, match_id, recipient_id FROM outbox WHERE id IN"
        " (SELECT outbox_id FROM outbox_youths WHERE youth_id IN (SELECT value FROM json_each(?)))"
        " ORDER BY id",
        (ids,),
    )
    gone = [int(r["id"]) for r in rows]
    store.db.conn.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in gone])
    owed: dict[int, dict[int, str]] = {}
    for r in rows:
        if (
            r["status"] in UNSENT
            and r["kind"] in END_KINDS
            and _signal_still_active(store, r["match_id"], r["recipient_id"])
        ):
            owed.setdefault(r["match_id"], {})[r["recipient_id"]] = r["kind"].removeprefix("match_")
    for match_id, recipients in sorted(owed.items()):
        kind = store.scalar("SELECT kind FROM matches WHERE id = ?", (match_id,))
        _queue_match_notices(
            store, match_id, str(kind), recipients, members=[], new=set(), left=set()
        )
    return gone


def restart_without(
    store: Store, deleted: Iterable[tuple[DeletedSignal, str]], actor_id: int | None
) -> list[VoidMatch]:
    """Rewrite each match that a signal about to be deleted as one that should never have
    been placed (`UNLAWFUL`) was in, as if the signal never existed: its start moves if
    it arose from the signal (`matching.restart`), and what was recorded before it arose
    as it is left or through the signal goes (`followup.wiped_work`,
    `followup.follow_deletion`); `deleted` are (signal, reason), other reasons are
    passed over: such a signal was real involvement and the match keeps its history.
    Returns the matches that without these signals never arose at all, each once,
    under the first of its deleted signals.

    Called between the reconcile that ends the signals and the notices it causes
    (`signals.end_signals`): a milestone that goes must not be told as recorded by
    the notices. All of the command's deleted signals are left out at once: one at
    a time, one about to go would still seem to make the match, and move its start
    where it never began, or keep its professional a member. Each match is
    rewritten once, with both rules (the start, the deleted signals' work). A match
    that never arose is left alone here: the caller deletes it once its notices
    are dealt with (`withdraw_unsent`, `forget_matches`).
    """
    # followup queues its notices through here
    from .followup import follow_deletion, wiped_work

    gone = [(signal, reason) for signal, reason in deleted if reason in UNLAWFUL]
    excluding = {signal.id for signal, _ in gone}
    # per match, in the order first met: its first deleted signal, and the professional
    # of each deleted signal with the detail of his or her first one
    first: dict[int, DeletedSignal] = {}
    wiped: dict[int, dict[int, dict[str, Any]]] = {}
    for signal, reason in gone:
        if not signal.memberships:
            continue  # in no match (an archived one, say): nothing to rewrite
        holders = _holders(store, signal)
        for match_id, _ in signal.memberships:
            first.setdefault(match_id, signal)
            for holder in holders:
                wiped.setdefault(match_id, {}).setdefault(
                    holder, {"reden": reason, "signaal": signal.id, "match": match_id}
                )
    void: list[VoidMatch] = []
    for match_id, signal in first.items():
        detail = wiped[match_id][signal.professional_id]
        # read before the start moves: it moves the earlier members' joining too
        work = wiped_work(store, match_id, wiped[match_id], excluding)
        moved = restart(store, match_id, excluding)
        if moved is not None and moved.start is None:
            void.append(VoidMatch(match_id, signal, detail))
        else:
            follow_deletion(store, match_id, moved, work, actor_id, detail)
    return void


def _holders(store: Store, signal: DeletedSignal) -> list[int]:
    """Every professional who held the signal: its professional now, and each one who
    handed it to a colleague (`transfer`, audited on the signal). A milestone an earlier
    holder recorded through it is as much the deleted signal's work
    (`followup.wiped_work`). A signal that ended as transferred into the colleague's
    own signal is not this one: its holder's work was real involvement."""
    earlier = [
        int(r[0])
        for r in store.rows(
            "SELECT json_extract(detail, '$.van') FROM audit_log"
            " WHERE entity = 'signal' AND entity_id = ? AND action = 'transfer' ORDER BY id",
            (signal.id,),
        )
        if r[0] is not None
    ]
    return list(dict.fromkeys([signal.professional_id, *earlier]))


def _renew_move_notices(
    store: Store, gone: DeletedSignal, actor_id: int | None, reason: str
) -> None:
    """Renew the unsent move notices the deleted signal may show through.

    A move notice queued since the signal was placed names the members of the
    youth's match (so its professional P, or the others to P), and says whether
    the youth is in a family match (which P's signal on a brother or sister may
    have made). So every such one about P's youth, or a youth of a family match
    P's signal was in, is renewed (`renew_move_notices`, with those being sent):
    P, and whoever is no longer entitled, gets nothing.
    """
    youths = {gone.youth_id}
    family = [match_id for match_id, _ in gone.memberships]
    if family:
        youths |= {
            int(r[0])
            for r in store.rows(
                "SELECT DISTINCT s.youth_id FROM match_members mm"
                " JOIN matches m ON m.id = mm.match_id JOIN signals s ON s.id = mm.signal_id"
                " WHERE m.kind = 'family' AND m.id IN (SELECT value FROM json_each(?))",
                (json.dumps(family),),
            )
        }
    detail = {"reden": reason, "signaal": gone.id}
    renew_move_notices(store, youths, actor_id, detail, since=gone.placed_at, deleted=True)


# the reason in the audit of a move notice renewed because a match changed or ended
MATCH_CHANGED = "match_changed"


def renew_move_notices(
    store: Store,
    youth_ids: Iterable[int],
    actor_id: int | None,
    detail: dict[str, Any],
    *,
    since: str = "",
    deleted: bool = False,
) -> None:
    """Renew the unsent move notices about the youths (queued at or after `since`) from
    the data as it is now (rule 16).

    A move notice lists the members of the youth's open match with phone and e-mail,
    and says whether the youth is in a family match, as they were when it was queued;
    it goes to whoever had an active signal on the youth then, and the regievoerder.
    When a signal ends, or a match of the youth changes or ends, before the mail run,
    it would give a member who left to the others, and the move to one who no longer
    has a signal. So per recipient: whoever is no longer entitled to hear of the move
    (`move_recipients`) gets nothing (his or her notices are withdrawn); whoever still
    is gets one notice rendered from the data as it is now (after two moves, one that
    names where the youth lives now), unless it says word for word what his or her
    notices said: then they stay as they are (`renew_unsent`). Nobody who had no
    unsent move notice gets one. Withdrawals are audited with `detail`.

    Sent is sent, and one being sent counts as sent, unless `deleted` (a signal
    deleted at once, rule 15: `withdraw_unsent`): then a notice being sent is marked
    (`withdraw_notices`) and renewed all the same (if it arrives after all, its
    recipient hears of the move twice, the second time from the data as it is now),
    and the notice of a recipient who cannot receive now (deactivated) goes too,
    since it may show the deleted signal. Otherwise such a recipient's notice stays
    as it was: withdrawn, it would be lost if he or she is put back before the run.
    """
    statuses = (*UNSENT, IN_FLIGHT) if deleted else UNSENT
    for youth_id in sorted(set(youth_ids)):
        rows = store.rows(
            "SELECT o.id, o.recipient_id FROM outbox o JOIN outbox_youths oy ON oy.outbox_id = o.id"
            " WHERE oy.youth_id = ? AND o.kind = 'move' AND o.created_at >= ?"
            f" AND o.status IN {sql_list(statuses)} ORDER BY o.id",
            (youth_id, since),
        )
        if not rows:
            continue
        entitled = set(move_recipients(store, youth_id))
        for pid in dict.fromkeys(int(r["recipient_id"]) for r in rows):
            ids = [int(r["id"]) for r in rows if r["recipient_id"] == pid]
            if pid not in entitled:
                withdraw_notices(store, ids, actor_id, detail)
            elif deleted or professional_by_id(store, pid).reachable:
                again = partial(queue_move_notice, store, youth_id, pid)
                renew_unsent(store, ids, again, actor_id, detail)


def renew_unsent(
    store: Store,
    ids: list[int],
    requeue: Callable[[], object],
    actor_id: int | None,
    detail: dict[str, Any],
) -> None:
    """Withdraw the unsent notices `ids` (to one recipient) and queue what `requeue`
    queues in their place; undone (a savepoint) when the new notices say word for word
    what the old ones said: then the old ones go out as they were, and the audit log
    holds no renewal that changed nothing."""
    old = [
        tuple(r)
        for r in store.rows(
            "SELECT kind, subject, body FROM outbox WHERE id IN (SELECT value FROM json_each(?))"
            " ORDER BY id",
            (json.dumps(ids),),
        )
    ]

    def renew() -> None:
        withdraw_notices(store, ids, actor_id, detail)
        requeue()

    _undone_if_same(store, old, renew)


def _undone_if_same(
    store: Store, old: list[tuple[Any, ...]], queue_new: Callable[[], object]
) -> int:
    """Run `queue_new` in a savepoint and undo it when the notices it queued say word for
    word (kind, subject, body) what `old` said; returns how many it queued and kept."""
    # outbox ids are never given again (AUTOINCREMENT): what `queue_new` queued lies above
    last = int(store.scalar("SELECT coalesce(max(id), 0) FROM outbox"))
    store.execute("SAVEPOINT undone_if_same")
    queue_new()
    new = [
        tuple(r)
        for r in store.rows(
            "SELECT kind, subject, body FROM outbox WHERE id > ? ORDER BY id", (last,)
        )
    ]
    kept = new != old
    if not kept:
        store.execute("ROLLBACK TO undone_if_same")
    store.execute("RELEASE undone_if_same")
    return len(new) if kept else 0


def unsent_of_match(
    store: Store, match_id: int, kinds: Iterable[str], since: str = "", *, flying: bool = False
) -> list[Any]:
    """The match's notices of `kinds` not sent yet (queued, or failed), queued at or after
    `since`, oldest first: (id, recipient_id, kind, status). `flying`: with those being
    sent (`IN_FLIGHT`), which `withdraw_notices` marks instead of deleting."""
    statuses = (*UNSENT, IN_FLIGHT) if flying else UNSENT
    return store.rows(
        "SELECT id, recipient_id, kind, status FROM outbox WHERE match_id = ? AND created_at >= ?"
        f" AND status IN {sql_list(statuses)} AND kind IN {sql_list(tuple(kinds))} ORDER BY id",
        (match_id, since),
    )


def _withdraw_maybe_told(
    store: Store,
    match_id: int,
    pid: int,
    since: str,
    rows: list[Any],
    mine: bool,
    actor_id: int | None,
    detail: dict[str, Any],
) -> None:
    """`withdraw_unsent` for a recipient whom only a notice being sent told of the match
    since the deleted signal joined (`since`): `rows` are his or her notices of the match
    since then, unsent or in flight.

    Decided as for a recipient who was told, since it may have arrived: the
    deleted signal's own professional (`mine`) loses the notices that name
    others, anyone else keeps what was queued. The notices in flight that name
    the members are marked (`withdraw_notices`) with what would have been done
    had they not been sent: the notices kept because of them go too (an end
    notice: who never heard of the match does not hear that it ended), and
    anyone but `mine` hears what is left of the match (`_reconsider`).
    """
    naming = [r for r in rows if r["kind"] in NAMING_KINDS]
    queued = [r for r in rows if r["status"] != IN_FLIGHT]
    if mine:
        withdraw_notices(
            store, [r["id"] for r in naming if r["status"] != IN_FLIGHT], actor_id, detail
        )
        kept = [r["id"] for r in queued if r["kind"] not in NAMING_KINDS]
    else:
        kept = [r["id"] for r in queued]
    then = {"match": match_id, "recipient": pid, "since": since, "ids": kept, "tell": not mine}
    flying = [r["id"] for r in naming if r["status"] == IN_FLIGHT]
    withdraw_notices(store, flying, actor_id, detail, then)


def withdraw_notices(
    store: Store,
    ids: list[int],
    actor_id: int | None,
    detail: dict[str, Any],
    then: Mapping[str, Any] | None = None,
    *,
    stale: bool = False,
) -> None:
    """Delete unsent notices; the audit keeps the outbox id and `detail`: the reason and,
    for a deleted signal, its number (its own 'delete' record holds the youth's pseudonym).

    A notice a run is sending (`IN_FLIGHT`) may have reached its recipient, or may
    not: it stays, marked to be withdrawn should its delivery fail
    (`withdraw_if_unsent`, carried out by `mail.deliver` through
    `withdraw_undelivered`), with `then`, what the change would have done besides
    had it been unsent (`_reconsider`); `stale`: the caller takes the ones in
    flight as not delivered (a stale claim, `mail._claim_next`), and they go now.
    A sent notice is left alone.
    """
    for outbox_id in ids:
        status = store.scalar("SELECT status FROM outbox WHERE id = ?", (outbox_id,))
        if status in UNSENT or (stale and status == IN_FLIGHT):
            store.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))
            store.audit(actor_id, "withdraw", "notice", outbox_id, detail=detail)
        elif status == IN_FLIGHT:
            found = store.scalar("SELECT withdraw_if_unsent FROM outbox WHERE id = ?", (outbox_id,))
            marks = [] if found is None else json.loads(found)
            marks.append({"actor": actor_id, "detail": detail, "then": then})
            store.execute(
                "UPDATE outbox SET withdraw_if_unsent = ? WHERE id = ?",
                (json.dumps(marks, ensure_ascii=False), outbox_id),
            )


# whether the queued notice `o` waits for a notice in flight (`IN_FLIGHT`) marked by
# `_withdraw_maybe_told`: kept only because that one may arrive (`then.ids`), or queued to
# the same recipient about the same match since the deleted signal joined. If it does not
# arrive, `_reconsider` withdraws them all, so none may go before its outcome is recorded
# (`mail._claim_next`): an end notice or one that names who left would reach a member who
# never heard of the match (rule 15). Recorded as sent, the mark is cleared and they go.
KEPT_FOR_FLIGHT_SQL = (
    "EXISTS (SELECT 1 FROM outbox s, json_each(s.withdraw_if_unsent) m"
    f" WHERE s.status = '{IN_FLIGHT}' AND s.withdraw_if_unsent IS NOT NULL"
    " AND json_type(m.value, '$.then') = 'object'"
    " AND (o.id IN (SELECT value FROM json_each(m.value, '$.then.ids'))"
    " OR (o.match_id = json_extract(m.value, '$.then.match')"
    " AND o.recipient_id = json_extract(m.value, '$.then.recipient')"
    " AND o.created_at >= json_extract(m.value, '$.then.since')"
    f" AND o.kind IN {sql_list(MATCH_KINDS)})))"
)


def withdraw_undelivered(store: Store, outbox_id: int) -> bool:
    """Withdraw a notice marked by `withdraw_notices` whose delivery did not go through
    (a transient or permanent failure, Ctrl-C, or a stale claim: see `mail.deliver`);
    returns whether it was marked (and so is gone now).

    Deleted and audited as each change that marked it would have (its actor and
    detail, one record per mark); then whatever that change would have done besides,
    had the notice been unsent then (`_reconsider`). In the caller's transaction.
    """
    found = store.scalar(
        "SELECT withdraw_if_unsent FROM outbox WHERE id = ? AND status = ?",
        (outbox_id, IN_FLIGHT),
    )
    if found is None:
        return False
    marks = json.loads(found)
    store.execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))
    # each change that would have withdrawn it, once (one change may mark it twice: for
    # the member, then with the match that never arose without the signal) (rule 18)
    for actor, detail in dict.fromkeys(
        (mark["actor"], json.dumps(mark["detail"], sort_keys=True)) for mark in marks
    ):
        store.audit(actor, "withdraw", "notice", outbox_id, detail=json.loads(detail))
    for mark in marks:
        if mark["then"] is not None:
            _reconsider(store, mark["then"], mark["actor"], mark["detail"])
    return True


def _reconsider(
    store: Store, then: Mapping[str, Any], actor_id: int | None, detail: dict[str, Any]
) -> None:
    """What `withdraw_unsent` would have done for one recipient had the notice that
    told him or her of the match not been in flight, now that it did not arrive.

    `then` holds the match, the recipient, the start of the deleted signal's
    membership (`since`), the notices kept only because the recipient seemed told
    (`ids`: an end notice, a change notice that names the deleted signal's
    professional as gone), and whether he or she is to hear what is left
    (`tell`; not the deleted signal's own professional). Unless another notice
    naming the members reached him or her since, those notices go, with whatever
    else of the match was queued to him or her since, and he or she hears what is
    true now (`tell_what_is_left`). A match deleted since (it never arose without
    the signal) takes with it all he or she would have heard: "hoort niets".
    """
    match_id = int(then["match"])
    pid = int(then["recipient"])
    since = str(then["since"])
    exists = store.scalar("SELECT 1 FROM matches WHERE id = ?", (match_id,)) is not None
    if exists and _told_since(store, match_id, pid, since):
        return
    ids = set(int(i) for i in then["ids"])
    if exists:
        ids |= {
            int(r["id"])
            for r in unsent_of_match(store, match_id, MATCH_KINDS, since)
            if r["recipient_id"] == pid
        }
    withdraw_notices(store, sorted(ids), actor_id, detail)
    if exists and then["tell"]:
        tell_what_is_left(store, match_id, pid)


def _told_since(
    store: Store, match_id: int, pid: int, since: str, statuses: tuple[str, ...] = DELIVERED
) -> bool:
    """Whether a notice naming the members reached `pid` at or after `since` (sent, or
    being sent: it may have arrived; `statuses` ("sent",): surely)."""
    return bool(
        store.scalar(
            "SELECT 1 FROM outbox WHERE match_id = ? AND recipient_id = ? AND created_at >= ?"
            f" AND status IN {sql_list(statuses)} AND kind IN {sql_list(NAMING_KINDS)}"
            " LIMIT 1",
            (match_id, pid, since),
        )
    )


def members_at(store: Store, match_id: int, at: str | None) -> set[int]:
    """The professionals in the match at `at`, or now (None), as far as their signals remain.

    A signal deleted earlier took its rows along: a member it made is missing. (What
    a notice told is read from its own record instead: `tell_what_is_left`.)
    """
    params: list[object] = [match_id]
    if at is None:
        sql = "left_at IS NULL"
    else:
        sql = "joined_at <= ? AND (left_at IS NULL OR left_at > ?)"
        params += [at, at]
    return {
        r[0]
        for r in store.rows(
            f"SELECT DISTINCT professional_id FROM match_members WHERE match_id = ? AND {sql}",
            params,
        )
    }


def tell_what_is_left(store: Store, match_id: int, pid: int) -> None:
    """After withdrawing notices to `pid`: one notice with the difference from what he or
    she was told before (sent, or still queued from before the deleted signal), if any.

    What that notice told is whom it named (outbox `named`), also a member whose
    signal was deleted since: after two deletions before one mail run, whoever had
    the first signaller's name still hears that he or she left. A notice without
    that record (migration 0021 gave one to every notice before it: none should be
    left) is read from the members at the time it was queued (`members_at`), as
    before, which misses a member whose signal was deleted since.
    """
    match = store.row("SELECT kind, ended_at FROM matches WHERE id = ?", (match_id,))
    assert match is not None
    last = store.row(
        "SELECT kind, created_at, named FROM outbox WHERE match_id = ? AND recipient_id = ?"
        f" AND status IN {sql_list(('queued', *DELIVERED))}"
        f" AND kind IN {sql_list(MATCH_KINDS)} ORDER BY id DESC LIMIT 1",
        (match_id, pid),
    )
    told = last is not None and last["kind"] in NAMING_KINDS
    now = members_at(store, match_id, None)
    new: set[int] = set()
    left: set[int] = set()
    if match["ended_at"] is None and pid in now:
        event = "nieuw"
        if last is not None and told:
            if last["named"] is None:  # no record: read as before 0021
                before = members_at(store, match_id, last["created_at"]) - {pid}
            else:
                before = {int(i) for i in json.loads(last["named"])}
            new, left = now - before - {pid}, before - now
            if not new and not left:
                return
            event = "gewijzigd"
    elif told and _signal_still_active(store, match_id, pid):
        event = "verlaten" if match["ended_at"] is None else "beeindigd"
    else:
        return
    _queue_match_notices(
        store,
        match_id,
        match["kind"],
        {pid: event},
        members=members_of(store, match_id, None),
        new=new,
        left=left,
    )
