"""What a migration leaves to the live rules: done at the first opening after it.

A migration never calls live domain code (`vix.db`): where an upgrade needs a
live rule (ending a match and telling its members), the migration marks what
the rule must look at, and `open_store` calls `finish_upgrade` right after the
migrations, in its own transaction, before the command runs. Should that fail,
the marks stay and the next opening tries again.

- `family_match_checks` (migration 0022): family matches that a link made by an
  older rule held together. `matching.reconcile` on their members' youths ends
  a match whose youths are no family any more, or lets go of the members that
  are not, as after a move; `notices.queue_for_changes` tells the members as it
  tells them then (vix itself is the actor); what notices not sent yet would have
  introduced through the false link is withdrawn (`_withdraw_false_introductions`:
  an ended match's, and of a match that goes on, those to and about the members
  it let go of). Signals past their date end first
  (rule 15, as before any reconcile: `signals.expire_signals`), so that none
  keeps such a match alive for a night.

Whatever command opened the file, `Store.upgraded` says what this did, and the
command says it on stderr: the members were told, so the one who ran it should
know too (also with `--droog`, which concerns the command's own work).
"""

from __future__ import annotations

import json

from .db import Store
from .followup import renew_escalation_notices, renew_lead_notices
from .matching import family_of, reconcile
from .notices import (
    MATCH_KINDS,
    NAMING_KINDS,
    UNSENT,
    queue_for_changes,
    sql_list,
    tell_what_is_left,
    unsent_of_match,
    withdraw_notices,
)
from .signals import expire_signals
from .text import counted

_MARKED_YOUTHS = (
    "SELECT DISTINCT s.youth_id FROM family_match_checks c"
    " JOIN match_members mm ON mm.match_id = c.match_id AND mm.left_at IS NULL"
    " JOIN signals s ON s.id = mm.signal_id ORDER BY s.youth_id"
)


def finish_upgrade(store: Store) -> None:
    """Apply the live rules to what the migrations marked; nothing when nothing is."""
    if store.scalar("SELECT 1 FROM family_match_checks LIMIT 1") is None:
        return
    with store.transaction():  # another process may have done it meanwhile: read again
        marked = [int(r[0]) for r in store.rows("SELECT match_id FROM family_match_checks")]
        last = store.scalar("SELECT coalesce(max(id), 0) FROM outbox")
        youths = [int(r[0]) for r in store.rows(_MARKED_YOUTHS)]
        if youths:
            # what ends by itself ends first; it reconciles and tells as it does at night
            expire_signals(store, None, set().union(*(family_of(store, y) for y in youths)))
            youths = [int(r[0]) for r in store.rows(_MARKED_YOUTHS)]
        if youths:
            queue_for_changes(store, reconcile(store, youths), None)
        _withdraw_false_introductions(store, marked, last)
        store.execute("DELETE FROM family_match_checks")
        matches = store.scalar(
            "SELECT count(*) FROM matches m WHERE m.id IN (SELECT value FROM json_each(?))"
            " AND (m.ended_at = ? OR EXISTS (SELECT 1 FROM match_members mm"
            " WHERE mm.match_id = m.id AND mm.left_at = ?))",
            (json.dumps(marked), store.stamp, store.stamp),
        )
        notices = store.scalar("SELECT count(*) FROM outbox WHERE id > ?", (last,))
    if matches:
        store.upgraded = (
            f"Bij het bijwerken van de database naar deze versie van vix: "
            f"{counted(matches, 'gezinsmatch', 'gezinsmatches')} op een oude adreskoppeling "
            f"beëindigd of gewijzigd, {counted(notices, 'bericht', 'berichten')} aan de "
            "betrokkenen klaargezet (vix berichten)."
        )


def _withdraw_false_introductions(store: Store, marked: list[int], last: int) -> None:
    """The notices not sent yet that tell of a false family link (rules 7 and 16).

    Of a marked match that ended now: every match notice queued before this upgrade,
    since the match was never one family, so what they tell (who else is involved
    with "a member of the family") was never true. They are withdrawn; the end
    notice just queued stays, since a member may have seen the match in `vix
    matches`. A notice being sent stays too (it may have arrived; then the end
    follows). So are its lead notices, which list the members with their contact
    details (`followup.renew_lead_notices`; its escalation notices went with the
    end: `followup.drop_moot_escalations`).

    Of a marked match that goes on without the members whose youths are no family of
    the others (`_falsely_linked`): each such member's notices queued before this
    upgrade, which introduce the others to someone no longer in the match; the
    notice that he or she is out stays, as an end notice does. And each other
    member to whom a notice not sent yet named such a member as involved with the
    family loses his or her unsent notices of the match (the change just queued,
    which names the member who left, too) and gets one notice with what is true now
    compared with what reached him or her (`notices.tell_what_is_left`): nothing
    when that is the same. The lead and escalation notices queued since the first
    of them joined list them, or their organisations: they are withdrawn, and
    whoever is still entitled gets them again from the data as it is now
    (`followup.renew_lead_notices`, `followup.renew_escalation_notices`), as when a
    deleted signal takes its professional out (`notices.withdraw_unsent`)."""
    for match_id in marked:
        detail = {"reden": "false_family_link", "match": match_id}
        rows = unsent_of_match(store, match_id, MATCH_KINDS)
        if store.scalar("SELECT ended_at FROM matches WHERE id = ?", (match_id,)) == store.stamp:
            withdraw_notices(store, [r["id"] for r in rows if r["id"] <= last], None, detail)
            renew_lead_notices(store, match_id, "", (), None, detail)
            continue
        joined = _falsely_linked(store, match_id)
        if not joined:
            continue
        out = set(joined)
        mine = [r["id"] for r in rows if r["recipient_id"] in out and r["id"] <= last]
        withdraw_notices(store, mine, None, detail)
        misled = {
            int(r[0])
            for r in store.rows(
                "SELECT recipient_id FROM outbox WHERE match_id = ?"
                f" AND status IN {sql_list(UNSENT)} AND kind IN {sql_list(NAMING_KINDS)}"
                " AND EXISTS (SELECT 1 FROM json_each(named) n"
                " WHERE n.value IN (SELECT value FROM json_each(?)))",
                (match_id, json.dumps(sorted(out))),
            )
        } - out
        for pid in sorted(misled):
            theirs = [r["id"] for r in rows if r["recipient_id"] == pid]
            withdraw_notices(store, theirs, None, detail)
            tell_what_is_left(store, match_id, pid)
        since = min(joined.values())
        renew_lead_notices(store, match_id, since, out, None, detail)
        renew_escalation_notices(store, match_id, since, None, detail)


def _falsely_linked(store: Store, match_id: int) -> dict[int, str]:
    """The professionals that left this open family match now, and are no member any
    more, whose youth is not of the family of the youths still in it: an old address
    key held them in; each with when he or she first joined through such a youth. (A
    member whose signal ended by its term but whose youth is of the family was really
    involved: what was queued for him or her stays.)"""
    youths = [
        int(r[0])
        for r in store.rows(
            "SELECT DISTINCT s.youth_id FROM match_members mm JOIN signals s"
            " ON s.id = mm.signal_id WHERE mm.match_id = ? AND mm.left_at IS NULL",
            (match_id,),
        )
    ]
    family = family_of(store, min(youths)) if youths else set()
    joined: dict[int, str] = {}
    for r in store.rows(
        "SELECT mm.professional_id, mm.joined_at, s.youth_id FROM match_members mm"
        " JOIN signals s ON s.id = mm.signal_id WHERE mm.match_id = ? AND mm.left_at = ?"
        " AND mm.professional_id NOT IN (SELECT professional_id FROM match_members"
        " WHERE match_id = ? AND left_at IS NULL) ORDER BY mm.joined_at",
        (match_id, store.stamp, match_id),
    ):
        if int(r["youth_id"]) not in family:
            joined.setdefault(int(r["professional_id"]), str(r["joined_at"]))
    return joined
