"""Notices of new and changed matches, written to the outbox (rule 9).

A notice holds only the recipient's own youth's identification (name and
date of birth, never the BSN) and the other professionals' names,
organisations, phone and e-mail. A family-match notice never names the other
child. Notices are queued in the same transaction as the change that causes
them; `vix berichten verstuur` delivers them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .db import Store
from .matching import MatchChange
from .people import professional_by_id
from .render import render
from .views import Member, members_of
from .youths import youth_name_sql

CONTACT_DAYS_DEFAULT = 5


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
) -> int | None:
    """Render a notice from a template and store it in the outbox; returns its id.

    `youths` are the youths the body names: erasing one of them erases the notice.
    A professional who left (deactivated, or of a deactivated organisation) gets
    nothing: None. Rule 16: personal data only for whoever still does the work.
    """
    person = professional_by_id(store, recipient_id)
    if not person.reachable:
        return None
    region = store.setting("regio_naam", "de regio")
    body = render(
        template,
        store.setting("sjablonen_map", None),
        ontvanger=person.name,
        regio=region,
        contactdagen=store.setting("contact_dagen", CONTACT_DAYS_DEFAULT),
        **context,
    )
    domain = store.setting("mail_domein", "vix.invalid")
    outbox_id = store.insert(
        "INSERT INTO outbox (id, created_at, kind, match_id, recipient_id, recipient_name,"
        " recipient_email, subject, body, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            next_outbox_id(store),
            store.stamp,
            kind,
            match_id,
            recipient_id,
            person.name,
            person.email,
            subject,
            body,
            f"<{uuid.uuid4().hex}@{domain}>",
        ),
    )
    store.db.conn.executemany(
        "INSERT OR IGNORE INTO outbox_youths (youth_id, outbox_id) VALUES (?, ?)",
        [(youth_id, outbox_id) for youth_id in youths],
    )
    store.audit(None, "queue", "notice", outbox_id, detail={"soort": kind, "match": match_id})
    return outbox_id


def next_outbox_id(store: Store) -> int:
    """A number no notice ever had, also not one that was deleted since.

    Notices are deleted (withdrawn with a deleted signal, erased with a youth)
    while their audit records stay, and an inzage lists a notice's records by
    its number: SQLite would hand the highest number out again, and the next
    youth's inzage would show another youth's notice history.
    """
    return 1 + max(
        int(store.scalar("SELECT COALESCE(MAX(id), 0) FROM outbox")),
        int(
            store.scalar(
                "SELECT COALESCE(MAX(entity_id), 0) FROM audit_log WHERE entity = 'notice'"
            )
        ),
    )


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


def queue_for_changes(store: Store, changes: list[MatchChange]) -> int:
    """Queue one notice per professional per changed match; returns how many."""
    count = 0
    for change in changes:
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
        else:  # ended: tell those whose signal is still active
            for pid in removed:
                if _signal_still_active(store, change.match_id, pid):
                    recipients[pid] = "beeindigd"
        for pid, event in sorted(recipients.items()):
            count += _queue_match_notice(
                store,
                change.match_id,
                change.kind,
                pid,
                event,
                members=members,
                new=added & current.keys(),
                left=removed - current.keys(),
            )
    return count


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
) -> bool:
    """One match notice to professional `pid`; `new` and `left` are professional ids.

    `members` are the match's current members (views.members_of). Returns whether
    a notice was queued (not to someone who left: see queue()).
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
        },
        youths=[y["id"] for y in own],
    )
    return queued is not None


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
