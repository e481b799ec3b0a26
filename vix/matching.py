"""Matching: youth matches and family matches, kept incrementally.

Contract (DOMAIN.md rules 6-9):

- A youth match on youth Y is open exactly while Y has active signals from at
  least two organisations. Its members are those active signals.
- A family match is open exactly while a family (youths linked by a shared
  registered parent or a shared home address that is not an institution's)
  has active signals on at least two different youths from at least two
  organisations. That is the same as "some pair of signals on different
  children from different organisations". A family is the connected group of
  youths under that link, so half-siblings join one family.
- `reconcile(store, youth_ids)` restores these invariants for the given
  youths after any change (signal placed or ended, move, new parents or
  address) and returns what changed, so that the caller can queue notices.
  It only reads the signals of those youths and their families through
  indexes: it never scans all signals.
- Every match, open or ended, arose from the signals it holds: at some moment
  they came from two organisations (and two youths, for a family match). A
  signal that should never have been placed (unjustified, or an objection
  upheld) is as if it never existed: a match it founded starts when the rest
  made one (`restart`), and one that the rest never made goes (`delete_match`).
- An open match belongs to a municipality where one of its youths lives
  (rules 11 and 13: that municipality's regievoerder holds a request for
  regie, its alderman is the last step of escalation, its reports count the
  match). `follow_residence` keeps that after a move, and `reconcile` after
  every change of membership: a family match whose last youth of its
  municipality left it goes along with the youths it has now. Decided after
  the members are known, so a move and a change of the family in one command
  (a pupil list with the family's new address) come out the same as in two.
- A member's time in a match is a period, one row of `match_members` (joined,
  left). A signal that leaves and later comes back starts a new period: the
  time it was out stays on record (inzage, `notices.members_at`), and the
  professional is told as a newcomer.

Need to know (rule 16) lives here as well: `require_visible()` answers "no
such match" both for a match that does not exist and for one the asking
professional is not in, and `named_sql()` decides whether whoever recorded a
milestone or took a step in a match is named to a viewer.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from .db import Store
from .errors import NotFound

FAMILY_LIMIT = 200  # a "family" larger than this is a data error, not a family


@dataclass(frozen=True)
class Lapse:
    """A request for regie that lapsed: `regievoerder_id` held it, None if it waited."""

    regievoerder_id: int | None


@dataclass
class MatchChange:
    """What happened to one match in one reconcile."""

    match_id: int
    kind: str
    event: str  # created | changed | ended
    added: list[int] = field(default_factory=list)  # signal ids that joined
    removed: list[int] = field(default_factory=list)  # signal ids that left
    # youth protection joined a match whose request for regie a regievoerder held, or
    # that waited for one: it leads now and the request lapsed (rule 12)
    lapsed: Lapse | None = None
    # youth protection, which led only because the request lapsed to it, left: the
    # request for regie returns to the municipality (`_request_returns`)
    returned: bool = False
    # the match belongs to another municipality now (`follow_residence`): a request for
    # regie follows it (`notices.queue_for_changes`, `followup.follow_move`). A change
    # with event 'moved' is only that: its members stay as they were.
    moved: bool = False
    # an ended match that went up in another (two registrations of one youth merged,
    # two families grown together): its members are all in that match now
    merged: bool = False
    # the change made another member director or care coordinator, or moved the request
    # for regie (`_keep_director`, `_request_returns`): what the outbox still says of the
    # lead is renewed (`followup.renew_lead_facts`)
    lead_changed: bool = False


@dataclass(frozen=True)
class MatchCounts:
    """How many matches one command made, changed and ended, each match once, by what
    it is after the command: a summary that called every touched match "bijgewerkt"
    said so of a match the command had just made (the notices said "nieuwe match")."""

    new: int = 0
    changed: int = 0
    ended: int = 0


def count_matches(changes: Iterable[MatchChange]) -> MatchCounts:
    """`changes` (of one or more reconciles, in order) as MatchCounts: a match made is new
    whatever else happened to it after, unless it ended in the same command (then it is
    not counted: nobody saw it); one that ended (also by going up in another, `merged`)
    is ended; any other is changed."""
    events: dict[int, list[str]] = {}
    for change in changes:
        events.setdefault(change.match_id, []).append(change.event)
    new = changed = ended = 0
    for seen in events.values():
        if seen[-1] == "ended":
            ended += "created" not in seen
        elif "created" in seen:
            new += 1
        else:
            changed += 1
    return MatchCounts(new, changed, ended)


def _placeholders(values: Iterable[object]) -> str:
    return ",".join("?" for _ in values)


def _active_signals(store: Store, youth_ids: Iterable[int]) -> list[tuple[int, int, int, int]]:
    """(signal_id, youth_id, organisation_id, professional_id) of active signals."""
    ids = sorted(set(youth_ids))
    if not ids:
        return []
    return [
        (r[0], r[1], r[2], r[3])
        for r in store.rows(
            "SELECT id, youth_id, organisation_id, professional_id FROM signals"
            f" WHERE status = 'active' AND youth_id IN ({_placeholders(ids)})",
            ids,
        )
    ]


def family_of(store: Store, youth_id: int) -> set[int]:
    """The youths linked to `youth_id` by shared parents or a shared home address."""
    family = {youth_id}
    frontier = [youth_id]
    while frontier and len(family) < FAMILY_LIMIT:
        marks = _placeholders(frontier)
        found = store.rows(
            "SELECT p2.youth_id FROM youth_parents p1"
            " JOIN youth_parents p2 ON p2.parent_key = p1.parent_key"
            f" WHERE p1.youth_id IN ({marks})"
            " UNION "
            "SELECT y2.id FROM youths y1 JOIN youths y2 ON y2.address_key = y1.address_key"
            f" WHERE y1.id IN ({marks}) AND y1.address_key IS NOT NULL"
            " AND y1.address_key NOT IN (SELECT address_key FROM institution_addresses)",
            [*frontier, *frontier],
        )
        frontier = [r[0] for r in found if r[0] not in family]
        family.update(frontier)
    return family


def _current_members(store: Store, match_id: int) -> set[int]:
    return {
        r[0]
        for r in store.rows(
            "SELECT signal_id FROM match_members WHERE match_id = ? AND left_at IS NULL",
            (match_id,),
        )
    }


def _sync_members(
    store: Store, match_id: int, kind: str, wanted: list[tuple[int, int, int, int]]
) -> MatchChange | None:
    current = _current_members(store, match_id)
    wanted_ids = {s[0] for s in wanted}
    added = [s for s in wanted if s[0] not in current]
    removed = sorted(current - wanted_ids)
    if not added and not removed:
        return None
    # a signal that comes back (a family link restored) starts a new period: its
    # earlier one keeps when it left, so the time it was out stays on record. Only
    # one that left in this very second goes on in its period, as if it never left.
    # Either way the period names the signal's professional now (it may have passed
    # to a colleague meanwhile, `transfer`).
    store.db.conn.executemany(
        "UPDATE match_members SET left_at = NULL, professional_id = ?"
        " WHERE match_id = ? AND signal_id = ? AND left_at = ?",
        [(s[3], match_id, s[0], store.stamp) for s in added],
    )
    store.db.conn.executemany(
        "INSERT INTO match_members (match_id, signal_id, professional_id, organisation_id,"
        " joined_at) VALUES (?, ?, ?, ?, ?)"
        # resumed above (match_members_open), or joined and left in this second
        " ON CONFLICT DO NOTHING",
        [(match_id, s[0], s[3], s[2], store.stamp) for s in added],
    )
    store.db.conn.executemany(
        "UPDATE match_members SET left_at = ? WHERE match_id = ? AND signal_id = ?"
        " AND left_at IS NULL",
        [(store.stamp, match_id, sid) for sid in removed],
    )
    lead = lead_of(store, match_id)
    returned = _request_returns(store, match_id)
    lapsed = None if returned else _keep_director(store, match_id)
    return MatchChange(
        match_id,
        kind,
        "changed",
        [s[0] for s in added],
        removed,
        lapsed,
        returned,
        lead_changed=lead_of(store, match_id) != lead,
    )


def lead_of(store: Store, match_id: int) -> tuple[object, ...]:
    """Who leads the match: (director, care coordinator, regievoerder)."""
    row = store.row(
        "SELECT director_id, care_coordinator_id, regievoerder_id FROM matches WHERE id = ?",
        (match_id,),
    )
    assert row is not None
    return tuple(row)


def _create(
    store: Store, kind: str, youth_id: int | None, wanted: list[tuple[int, int, int, int]]
) -> MatchChange:
    first_youth = youth_id if youth_id is not None else min(s[1] for s in wanted)
    match_id = store.insert(
        "INSERT INTO matches (kind, youth_id, municipality_id, created_at)"
        " SELECT ?, ?, municipality_id, ? FROM youths WHERE id = ?",
        (kind, youth_id, store.stamp, first_youth),
    )
    store.db.conn.executemany(
        "INSERT INTO match_members (match_id, signal_id, professional_id, organisation_id,"
        " joined_at) VALUES (?, ?, ?, ?, ?)",
        [(match_id, s[0], s[3], s[2], store.stamp) for s in wanted],
    )
    _keep_director(store, match_id, new=True)
    store.audit(None, "create", "match", match_id, detail={"soort": kind})
    return MatchChange(match_id, kind, "created", [s[0] for s in wanted], [])


def end_match(store: Store, match_id: int, kind: str, *, merged: bool = False) -> MatchChange:
    """End the match: all members leave. `merged`: it ends because it went up in another
    match, which takes its members in."""
    removed = sorted(_current_members(store, match_id))
    store.execute(
        "UPDATE match_members SET left_at = ? WHERE match_id = ? AND left_at IS NULL",
        (store.stamp, match_id),
    )
    store.execute("UPDATE matches SET ended_at = ? WHERE id = ?", (store.stamp, match_id))
    store.audit(None, "end", "match", match_id, detail={"soort": kind})
    return MatchChange(match_id, kind, "ended", [], removed, merged=merged)


def _reconcile_youth_match(store: Store, youth_id: int) -> MatchChange | None:
    active = _active_signals(store, [youth_id])
    open_id = store.scalar(
        "SELECT id FROM matches WHERE kind = 'youth' AND youth_id = ? AND ended_at IS NULL",
        (youth_id,),
    )
    if len({s[2] for s in active}) >= 2:
        if open_id is None:
            return _create(store, "youth", youth_id, active)
        return _sync_members(store, open_id, "youth", active)
    return None if open_id is None else end_match(store, open_id, "youth")


# The look-ups below start from a few youths or matches. vix keeps no planner
# statistics (no ANALYZE), and without them SQLite rates `ended_at IS NULL AND kind = ?`
# on matches_open above a list of ids once the list holds two or more: it then walks
# every open match of the kind (at national size 47,000 client matches, 8,000 family
# matches with their members: 20 and 65 ms instead of 0.05). A CROSS JOIN keeps
# SQLite's join order as written, so the ids drive (tests/test_indexes.py checks the plans).


def open_youth_matches(store: Store, youth_ids: Iterable[int]) -> list[int]:
    """The open (client) matches of these youths, in id order."""
    return [
        int(r[0])
        for r in store.rows(
            "SELECT m.id FROM json_each(?) j"
            " CROSS JOIN matches m ON m.youth_id = j.value AND m.ended_at IS NULL"
            " WHERE m.kind = 'youth' ORDER BY m.id",
            (json.dumps(sorted(set(youth_ids))),),
        )
    ]


def open_family_matches(store: Store, youth_ids: Iterable[int]) -> list[int]:
    """The open family matches in which one of these youths' signals is a member."""
    return [
        r[0]
        for r in store.rows(
            "SELECT DISTINCT mm.match_id FROM json_each(?) j"
            " CROSS JOIN signals s ON s.youth_id = j.value"
            " CROSS JOIN match_members mm ON mm.signal_id = s.id AND mm.left_at IS NULL"
            " CROSS JOIN matches m ON m.id = mm.match_id"
            " WHERE m.kind = 'family' AND m.ended_at IS NULL ORDER BY mm.match_id",
            (json.dumps(sorted(set(youth_ids))),),
        )
    ]


def _member_youths(store: Store, match_id: int) -> set[int]:
    return {
        r[0]
        for r in store.rows(
            "SELECT s.youth_id FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
            " WHERE mm.match_id = ? AND mm.left_at IS NULL",
            (match_id,),
        )
    }


def _family_eligible(active: list[tuple[int, int, int, int]]) -> bool:
    """Rule 7: active signals on two or more children from two or more organisations."""
    return len({s[1] for s in active}) >= 2 and len({s[2] for s in active}) >= 2


def _reconcile_family(
    store: Store, family: set[int], active: list[tuple[int, int, int, int]], claimed: set[int]
) -> list[MatchChange]:
    """Rule 7 for one family, whose active signals are `active` (`_active_signals`)."""
    eligible = _family_eligible(active)
    linked = [m for m in open_family_matches(store, family) if m not in claimed]
    changes: list[MatchChange] = []
    if eligible:
        if linked:
            keep, *others = linked  # families that grew together keep the oldest match
            claimed.add(keep)
            changes.extend(end_match(store, m, "family", merged=True) for m in others)
            change = _sync_members(store, keep, "family", active)
            if change is not None:
                changes.append(change)
        else:
            created = _create(store, "family", None, active)
            claimed.add(created.match_id)
            changes.append(created)
    else:
        changes.extend(end_match(store, m, "family") for m in linked)
    return changes


def reconcile(store: Store, youth_ids: Iterable[int]) -> list[MatchChange]:
    """Make the matches of these youths and their families agree with rules 6-8."""
    touched = set(youth_ids)
    changes = [c for y in sorted(touched) if (c := _reconcile_youth_match(store, y)) is not None]
    # a family match that reaches these youths may have lost or gained youths
    # elsewhere (a move splits a family): look at all youths it holds now
    for match_id in open_family_matches(store, touched):
        touched |= _member_youths(store, match_id)
    seen: set[int] = set()
    families: list[set[int]] = []
    for youth in sorted(touched):
        if youth in seen:
            continue
        family = family_of(store, youth)
        seen |= family
        families.append(family)
    # a family that split (a move, a corrected parent) keeps its match, with its
    # follow-up, in a part that still makes one: those parts claim first, so that a
    # part that no longer does cannot end it before them
    # (a family's signals are read once: reconciling one family changes no signal)
    parts = [(family, _active_signals(store, family)) for family in families]
    parts.sort(key=lambda part: not _family_eligible(part[1]))
    claimed: set[int] = set()
    for family, active in parts:
        changes.extend(_reconcile_family(store, family, active, claimed))
    _follow_members(store, changes, seen)  # every touched youth is in its own family
    return changes


def _follow_members(store: Store, changes: list[MatchChange], youths: set[int]) -> None:
    """After the members are known: the open matches of these youths that no youth of
    their municipality is in any more go where their youths live (`follow_residence`).

    The municipality of a youth does not change here, but who is in a match does: the
    youth who lived in its municipality left it (a family split by a move or a
    corrected parent, a signal ended), or a merge gave a youth match's signals to a
    registration that lives elsewhere.
    """
    youth_matches = open_youth_matches(store, youths)
    moved = follow_residence(store, [*youth_matches, *open_family_matches(store, youths)])
    known = {c.match_id: c for c in changes if c.event != "ended"}
    for match_id in moved:
        if match_id in known:
            known[match_id].moved = True
        else:
            kind = "youth" if match_id in youth_matches else "family"
            changes.append(MatchChange(match_id, kind, "moved", moved=True))


def follow_residence(
    store: Store, match_ids: Iterable[int], prefer: int | None = None
) -> list[int]:
    """Rules 11 and 13: an open match belongs to a municipality where one of its youths
    lives; returns the matches that now belong to another one.

    The youths of a match are those of its members now (a youth match: its youth).
    While one of them lives in the match's municipality, the match stays: a family
    match follows a move only when no youth of it lives there any more. It then
    goes to `prefer` (the municipality a move took one of them to) when one of its
    youths lives there, else to the municipality where most of them live, on a tie
    that of the youth registered first. A youth without a municipality counts
    nowhere: a match none of whose youths has one stays where it is. The caller
    hands a request for regie of a returned match to the regievoerder of its
    municipality now (`followup.follow_move`).
    """
    stale = store.rows(
        "SELECT m.id FROM json_each(?) j CROSS JOIN matches m ON m.id = j.value"
        " WHERE m.ended_at IS NULL AND NOT EXISTS (SELECT 1 FROM match_members mm"
        "   JOIN signals s ON s.id = mm.signal_id JOIN youths y ON y.id = s.youth_id"
        "   WHERE mm.match_id = m.id AND mm.left_at IS NULL"
        "   AND y.municipality_id = m.municipality_id)"
        " ORDER BY m.id",
        (json.dumps(sorted(set(match_ids))),),
    )
    moved = []
    for (match_id,) in stale:
        homes = [
            int(r[1])
            for r in store.rows(
                "SELECT DISTINCT s.youth_id, y.municipality_id FROM match_members mm"
                " JOIN signals s ON s.id = mm.signal_id JOIN youths y ON y.id = s.youth_id"
                " WHERE mm.match_id = ? AND mm.left_at IS NULL"
                " AND y.municipality_id IS NOT NULL ORDER BY s.youth_id",
                (match_id,),
            )
        ]
        if not homes:
            continue
        count = Counter(homes)
        # max() keeps the first of equals: the youth registered first
        town = prefer if prefer in count else max(homes, key=count.__getitem__)
        store.execute("UPDATE matches SET municipality_id = ? WHERE id = ?", (town, match_id))
        moved.append(int(match_id))
    return moved


@dataclass(frozen=True)
class Restart:
    """When the match that is left after a deletion arose (`restart`).

    `start` is None when it never arose at all: the match goes (`delete_match`).
    """

    was: str
    start: str | None


def restart(store: Store, match_id: int, excluding: Collection[int] = ()) -> Restart | None:
    """After a signal that should never have been placed was deleted (withdrawn as
    unjustified, or an objection upheld: `notices.UNLAWFUL`): when did the match that
    is left arise?

    Such a signal goes "as if it never existed". If it was one of the
    signals the match arose from, the match as it is left arose later: at the
    first moment, from the match's start on, when the remaining member signals
    (those still in it and those that left, whose rows stay) came from two
    organisations (and, for a family match, two youths). The match's start
    (`created_at`, which the reports count by month and the stagnation clock
    counts from) moves there. A remaining member who joined earlier joined then;
    a member who left before then was never in the match as it is left: the row
    goes. Returns what moved, or None when nothing moves: the signal was not a
    founding one.

    When the remaining signals never made a match at all (school and one
    unjustified youth-care signal), the match never existed: returned with
    `start` None, and nothing is changed here. The caller deletes the match
    (`delete_match`) once it has withdrawn what the match queued; see
    docs/README-followup.md. Only an ended match can be such a one: the members
    of an open match make it now.

    The rows of the deleted signal must be gone already (cascade), or its id be
    in `excluding` (a signal about to be deleted: `notices.restart_without`).
    A later gap in which the remaining signals made no match is not looked for.
    """
    match = store.row("SELECT kind, created_at, ended_at FROM matches WHERE id = ?", (match_id,))
    if match is None:
        return None
    rows = store.rows(
        "SELECT mm.organisation_id, mm.joined_at, mm.left_at, s.youth_id FROM match_members mm"
        " JOIN signals s ON s.id = mm.signal_id WHERE mm.match_id = ?"
        " AND mm.signal_id NOT IN (SELECT value FROM json_each(?))",
        (match_id, json.dumps(sorted(excluding))),
    )
    was = str(match["created_at"])

    def arose(at: str) -> bool:
        present = [r for r in rows if r["joined_at"] <= at and (r["left_at"] or "~") > at]
        organisations = {r["organisation_id"] for r in present}
        youths = {r["youth_id"] for r in present}
        return len(organisations) >= 2 and (match["kind"] == "youth" or len(youths) >= 2)

    moments = sorted({was} | {r["joined_at"] for r in rows if r["joined_at"] > was})
    start = next((at for at in moments if arose(at)), None)
    if start is None:
        return None if match["ended_at"] is None else Restart(was, None)
    if start == was:
        return None
    store.execute("UPDATE matches SET created_at = ? WHERE id = ?", (start, match_id))
    store.execute(
        "DELETE FROM match_members WHERE match_id = ? AND left_at IS NOT NULL AND left_at <= ?",
        (match_id, start),
    )
    store.execute(
        "UPDATE match_members SET joined_at = ? WHERE match_id = ? AND joined_at < ?",
        (start, match_id, start),
    )
    return Restart(was, start)


def forget_roles(store: Store, match_id: int, professional_id: int) -> None:
    """An ended match no longer names as its director or care coordinator a professional
    whose only signal in it was deleted as if it never existed.

    In an open match `_keep_director` passes the roles on when a member goes; an
    ended match keeps who led it as history, which the inzage shows. That history
    must not name someone whose involvement should never have been (the role of
    youth protection, whose signal an upheld objection deleted, most of all). The
    rows of the deleted signal are gone already (cascade): a professional with no
    row left was in the match only through it.
    """
    for column in ("director_id", "care_coordinator_id"):
        store.execute(
            f"UPDATE matches SET {column} = NULL WHERE id = :m AND ended_at IS NOT NULL"
            f" AND {column} = :p AND NOT EXISTS (SELECT 1 FROM match_members"
            " WHERE match_id = :m AND professional_id = :p)",
            {"m": match_id, "p": professional_id},
        )


def delete_match(
    store: Store,
    match_id: int,
    actor_id: int | None,
    *,
    subject_number: str,
    detail: dict[str, object],
) -> None:
    """A match that arose only through a signal deleted at once goes, as if it never existed.

    Rule 15: without the signal there was never a match (`restart`), so nothing
    may count it or show it: the reports (by month, organisation, municipality,
    follow-up), the inzage, the members' views. The row goes with its members,
    milestones and escalation steps (ON DELETE CASCADE). Notices keep their row
    without the match (ON DELETE SET NULL): what was sent was sent, and the
    caller has withdrawn what was not, but for an end notice to a member who
    knew of the match. Its number is never given again (AUTOINCREMENT, migration
    0015): the audit log keeps the match's records under it.

    One audit record ('delete' on the match) with `detail` (the reason and the
    deleted signal's number) and the kind, under the pseudonym of
    `subject_number`: the youth whose signal was deleted, whose inzage shows the
    signal's deletion as well. Never a BSN.
    """
    kind = store.scalar("SELECT kind FROM matches WHERE id = ?", (match_id,))
    store.execute("DELETE FROM matches WHERE id = ?", (match_id,))
    store.audit(
        actor_id,
        "delete",
        "match",
        match_id,
        subject_number=subject_number,
        detail={**detail, "soort": kind},
    )


# -- match director (rule 12) ------------------------------------------------

DOMAIN_PRIORITY = """
CASE o.domain WHEN 'youth_protection' THEN 0 WHEN 'education' THEN 2 ELSE 1 END
"""


# a member who can act: active, of an active organisation (`Professional.reachable`)
REACHABLE_SQL = "(p.active = 1 AND o.active = 1)"


def left_sql(alias: str) -> str:
    """Whether the professional `alias` cannot act any more: deactivated, or his or her
    organisation is (false for none); the negation of `REACHABLE_SQL` for a professional
    whose organisation is not joined."""
    return (
        f"({alias}.active = 0 OR EXISTS (SELECT 1 FROM organisations lo"
        f" WHERE lo.id = {alias}.organisation_id AND lo.active = 0))"
    )


def proposed_director(store: Store, match_id: int) -> int | None:
    """Youth protection always; otherwise non-education before education, earliest first;
    among the members who can act (`REACHABLE_SQL`).

    A deactivated professional, or one of a deactivated organisation, gets no notice
    and cannot log in: made director, he or she would hold the agreement that nobody
    else may record. Only when no member can act at all (a match that a correction
    made between signals of professionals who all left) is the one who would lead
    otherwise named, as a director who left (`views`), rather than nobody: a match
    with neither director nor regievoerder is a request for regie that waits
    (`followup._hand_over`), which nobody asked for.
    """
    found = store.scalar(
        "SELECT mm.professional_id FROM match_members mm"
        " JOIN organisations o ON o.id = mm.organisation_id"
        " JOIN professionals p ON p.id = mm.professional_id"
        " JOIN signals s ON s.id = mm.signal_id"
        " WHERE mm.match_id = ? AND mm.left_at IS NULL"
        f" ORDER BY {REACHABLE_SQL} DESC, {DOMAIN_PRIORITY}, s.placed_at, s.id LIMIT 1",
        (match_id,),
    )
    return None if found is None else int(found)


def _domain_of(store: Store, professional_id: int) -> str | None:
    found = store.scalar(
        "SELECT o.domain FROM professionals p JOIN organisations o ON o.id = p.organisation_id"
        " WHERE p.id = ?",
        (professional_id,),
    )
    return None if found is None else str(found)


def _keep_director(store: Store, match_id: int, *, new: bool = False) -> Lapse | None:
    """Propose a director for a new match, or a new one when the director left.

    Youth protection joining a match always takes over the lead (rule 12). A
    match handed to the municipality's regievoerder waits for him or her to
    appoint a care coordinator: a member coming or going proposes nobody then.
    So does a match whose request waits for a municipality without a
    regievoerder (an open match without director or regievoerder, see
    `followup._hand_over`); only a new match starts without either. When
    youth protection takes over such a match, the request lapses: returned so
    that the caller tells whoever held it (`notices.queue_for_changes`).

    A director who was deactivated (or whose organisation was) but is still in the
    match is kept: his or her signals are still there to be handed to a colleague
    (`transfer`), who then takes the role over as the organisation decides, and a
    member coming or going must not make that depend on when it happened. Meanwhile
    he or she counts as no director (`followup`): any member may take the lead.
    """
    row = store.row(
        "SELECT m.director_id, m.regievoerder_id, m.care_coordinator_id,"
        " EXISTS (SELECT 1 FROM match_members mm WHERE mm.match_id = m.id"
        "         AND mm.left_at IS NULL AND mm.professional_id = m.director_id) AS present,"
        " EXISTS (SELECT 1 FROM match_members mm WHERE mm.match_id = m.id AND mm.left_at IS NULL"
        "         AND mm.professional_id = m.care_coordinator_id) AS coordinator_present,"
        " (SELECT o.domain FROM professionals p JOIN organisations o ON o.id = p.organisation_id"
        "  WHERE p.id = m.director_id) AS domain"
        " FROM matches m WHERE m.id = ?",
        (match_id,),
    )
    assert row is not None
    if row["care_coordinator_id"] is not None and not row["coordinator_present"]:
        # whoever left the match coordinates nothing in it: the regievoerder (or youth
        # protection joining) appoints the next one
        store.execute("UPDATE matches SET care_coordinator_id = NULL WHERE id = ?", (match_id,))
    proposal = proposed_director(store, match_id)
    if proposal is None:
        return None
    proposal_domain = _domain_of(store, proposal)
    takes_over = proposal_domain == "youth_protection" and row["domain"] != "youth_protection"
    requested = row["regievoerder_id"] is not None or (row["director_id"] is None and not new)
    if requested and not takes_over:
        return None
    if row["director_id"] is None or not row["present"] or takes_over:
        # a director leads: a request to the regievoerder (youth protection took over) lapses
        store.execute(
            "UPDATE matches SET director_id = ?, regievoerder_id = NULL WHERE id = ?",
            (proposal, match_id),
        )
    if takes_over or (proposal_domain == "youth_protection" and not row["present"]):
        # rule 12: youth protection is always care coordinator as well
        store.execute(
            "UPDATE matches SET care_coordinator_id = ? WHERE id = ?", (proposal, match_id)
        )
    if requested and takes_over:
        held = row["regievoerder_id"]
        return Lapse(None if held is None else int(held))
    return None


def youth_protection_takes_over(store: Store, match_id: int) -> Lapse | None:
    """Rule 12 when youth protection comes into a match other than by a signal joining:
    a colleague took over the signals of one who left (`transfer`). Where another
    member leads (`proposed_director` passed over the deactivated one), youth
    protection takes the lead and care coordination, and a request for regie lapses,
    as when it joins (`_keep_director`)."""
    return _keep_director(store, match_id)


# the reason in the detail of a lead record ('set_director', 'set_care_coordinator') that
# passed with a professional's signals to a colleague (`transfer`)
TRANSFER_REASON = "overdracht"

# the audit actions that set who leads a match or holds its request for regie
_LEAD_ACTIONS = (
    "set_director",
    "set_care_coordinator",
    "hand_to_regievoerder",
    "regie_handed_over",
    "regie_lapsed",
    "regie_returned",
)


def _request_returns(store: Store, match_id: int) -> bool:
    """Whether the lead goes back to the municipality's regievoerder; clears it if so.

    Youth protection that joins a match whose request for regie a regievoerder
    held (or that waited for one) leads it, and the request lapses (rule 12,
    `_keep_director`). The members had said that none of them could lead, so
    when youth protection leaves again (its signal erased as unjustified, or its
    worry gone) and nobody of youth protection is left to take over, the
    request returns: proposing a member would make director someone who had
    declined the lead, without a word. Only while nothing changed the lead
    since the lapse (the last lead record is that lapse, to this director). A lead
    that passed with the signals to a colleague of the director (`transfer`, the
    records with reason `TRANSFER_REASON`) changed nothing of that: the colleague
    led for the same reason, so the lapse counts as to him or her.
    `followup.request_returned` then hands it to the regievoerder.
    """
    row = store.row("SELECT director_id, regievoerder_id FROM matches WHERE id = ?", (match_id,))
    assert row is not None
    director = row["director_id"]
    if director is None or row["regievoerder_id"] is not None:
        return False
    if store.scalar(
        "SELECT 1 FROM match_members WHERE match_id = ? AND left_at IS NULL"
        " AND professional_id = ?",
        (match_id, director),
    ):
        return False
    proposal = proposed_director(store, match_id)
    if proposal is None or _domain_of(store, proposal) == "youth_protection":
        return False
    leader = director
    lapsed = False
    for record in store.rows(
        "SELECT action, detail FROM audit_log WHERE entity = 'match' AND entity_id = ?"
        f" AND action IN ({_placeholders(_LEAD_ACTIONS)}) ORDER BY id DESC",
        (match_id, *_LEAD_ACTIONS),
    ):
        said = json.loads(record["detail"] or "{}")
        if said.get("reden") == TRANSFER_REASON:
            if said.get("regisseur", said.get("zorg")) == leader:
                leader = said.get("van")
            continue
        lapsed = record["action"] == "regie_lapsed" and said.get("regisseur") == leader
        break
    if not lapsed:
        return False
    store.execute(
        "UPDATE matches SET director_id = NULL, care_coordinator_id = NULL WHERE id = ?",
        (match_id,),
    )
    return True


# -- need to know ------------------------------------------------------------


def member_signals(store: Store, match_id: int, professional_id: int) -> list[int]:
    """The viewer's own active signals that are current members of the match."""
    return [
        r[0]
        for r in store.rows(
            "SELECT mm.signal_id FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
            " WHERE mm.match_id = ? AND mm.professional_id = ? AND mm.left_at IS NULL"
            " AND s.status = 'active'",
            (match_id, professional_id),
        )
    ]


def named_sql(person: str, match: str, viewer: str) -> str:
    """SQL: whether professional `person` (an alias of `professionals`), who recorded or
    took a step in match `match`, may be named to `viewer` (SQL expressions).

    A process role (regievoerder, coordinator) is named; a signaller only while still a
    member of the match through an active signal, or to himself or herself. A signaller
    who left (withdrawn, expired, handed to a colleague, or deleted as if it never
    existed: rule 15) is not named to anyone else: a member who came later would learn
    that another organisation was involved with the youth, which rule 9 and rule 16 do
    not give him or her. A process role is one of the region's (regievoerder,
    coordinator, administrator), held by someone who is not a member of the match: a
    signaller who left it and then got another role (an intern begeleider who became
    director, after handing her signals, and with them her member rows, to a colleague)
    is not named again. Nor is a regievoerder named to a signaller of a family match: his
    or her name tells the municipality, perhaps the other child's (`views.family_hides`).
    One rule for every view and notice (`named_to`)."""
    return (
        f"({person}.id = {viewer} OR CASE WHEN EXISTS (SELECT 1 FROM match_members wm"
        f" WHERE wm.match_id = {match} AND wm.professional_id = {person}.id)"
        " THEN EXISTS (SELECT 1"
        " FROM match_members nm JOIN signals ns ON ns.id = nm.signal_id"
        f" WHERE nm.match_id = {match} AND nm.professional_id = {person}.id"
        " AND nm.left_at IS NULL AND ns.status = 'active')"
        f" ELSE {person}.role IN ({PROCESS_ROLES_SQL}) AND NOT ({person}.role ="
        " 'municipal_director' AND EXISTS (SELECT 1 FROM matches fm JOIN professionals fv"
        f" ON fv.id = {viewer} WHERE fm.id = {match} AND fm.kind = 'family'"
        " AND fv.role = 'signaller')) END)"
    )


# the region's roles that take steps in a match without a signal in it (rule 12)
PROCESS_ROLES_SQL = "'municipal_director', 'coordinator', 'admin'"


def named_to(
    store: Store, match_id: int, person_id: int | None, viewer_id: int | None
) -> str | None:
    """The name of who recorded or took a step in the match, if `viewer_id` may see it
    (`named_sql`); None for nobody (a step vix took itself) or someone not to be named."""
    if person_id is None:
        return None
    name = store.scalar(
        "SELECT p.name FROM professionals p WHERE p.id = :person"
        f" AND {named_sql('p', ':match', ':viewer')}",
        {"person": person_id, "match": match_id, "viewer": viewer_id},
    )
    return None if name is None else str(name)


def can_see(store: Store, match_id: int, professional_id: int) -> bool:
    if member_signals(store, match_id, professional_id):
        return True
    return bool(
        store.scalar(
            "SELECT 1 FROM matches WHERE id = ? AND ended_at IS NULL AND regievoerder_id = ?",
            (match_id, professional_id),
        )
    )


def require_visible(store: Store, match_id: int, professional_id: int) -> None:
    """Same answer for 'does not exist' and 'not yours' (rule 16)."""
    if not can_see(store, match_id, professional_id):
        raise NotFound(
            f"Match {match_id} bestaat niet of u bent er niet bij betrokken. "
            "Bekijk uw matches met 'vix matches'."
        )
