"""What a professional may see of matches: the need-to-know views.

Every function takes the viewing professional and returns only what rule 9
and rule 16 allow: for a youth match the youth's identification and the
other members' contact details; for a family match the viewer's own youth
and the other members' contact details, never the other child's identity.
Each read of personal data is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .db import Store
from .matching import REACHABLE_SQL, left_sql, member_signals, named_sql, require_visible
from .people import DOMAIN_LABELS, Professional
from .youths import NUMBER_KIND_LABELS, number_kind, shown_number, youth_name_sql


@dataclass(frozen=True)
class YouthRef:
    name: str
    birth_date: str
    number: str  # ******789; a substitute number whole (`youths.shown_number`)
    number_kind: str  # BSN, onderwijsnummer or vervangend nummer

    @classmethod
    def of(cls, name: str, birth_date: str, number: str) -> YouthRef:
        return cls(
            name=name,
            birth_date=birth_date,
            number=shown_number(number),
            number_kind=NUMBER_KIND_LABELS[number_kind(number)],
        )


@dataclass(frozen=True)
class Member:
    name: str
    organisation: str
    domain: str
    phone: str | None
    email: str
    since: str
    is_director: bool
    is_viewer: bool
    # False: deactivated, or the organisation is: gets no notice and cannot act; the
    # organisation manager hands the signal to a colleague (`transfer`)
    active: bool = True


@dataclass(frozen=True)
class Milestone:
    kind: str
    on_date: str
    # None: recorded by a signaller who is no longer in the match (`matching.named_sql`)
    recorded_by: str | None


@dataclass
class MatchView:
    id: int
    kind: str  # youth | family
    status: str  # lopend | beëindigd
    since: str
    ended: str | None
    municipality: str | None
    youths: list[YouthRef]  # the viewer's own youth(s)
    members: list[Member]
    director: str | None
    regievoerder: str | None
    care_coordinator: str | None
    milestones: list[Milestone] = field(default_factory=list)
    # the director, or the care coordinator, was deactivated (or the organisation
    # was): counts as none, so a member takes the lead with `vix regie`
    director_left: bool = False
    care_coordinator_left: bool = False
    # the request for regie lies with the municipality (held by its regievoerder, or
    # waiting for one) while `regievoerder` is hidden from this viewer (`family_hides`)
    regievoerder_asked: bool = False


def family_hides(viewer: Professional, kind: str) -> bool:
    """A family match's municipality is that of one of its youths, perhaps the other
    child's: a signaller in the match does not learn it (rule 7), nor the name of its
    regievoerder (`vix gemeente lijst`, open to all, maps that name to the municipality),
    nor whether it has one (a refusal saying it has none would name it too). Process
    roles (coordinator, regievoerder, organisation manager, administrator) do."""
    return kind == "family" and viewer.role == "signaller"


def family_hidden(viewer: Professional, kind: str, municipality: str | None) -> str | None:
    """The municipality of a match as `viewer` may see it (`family_hides`)."""
    return None if family_hides(viewer, kind) else municipality


def request_asked(director_id: int | None) -> bool:
    """Whether an open family match's request for regie lies with its municipality, as
    a reader from whom it is hidden (`family_hides`) is told: while it has no director
    (a regievoerder holds the request, or it waits for one: `followup._hand_over`;
    every other open match has a director, `matching._keep_director`). Once a member
    leads, a regievoerder who held the request stays in the match while one that
    waited lapsed: told apart, that would tell whether the municipality has one."""
    return director_id is None


def _own_youths(store: Store, signal_ids: list[int]) -> list[tuple[str, str, str]]:
    marks = ",".join("?" for _ in signal_ids)
    return [
        (r["name"], r["birth_date"], r["bsn"])
        for r in store.rows(
            f"SELECT DISTINCT {youth_name_sql('y')} AS name,"
            " y.birth_date, y.bsn FROM signals s JOIN youths y ON y.id = s.youth_id"
            f" WHERE s.id IN ({marks}) ORDER BY y.birth_date",
            signal_ids,
        )
    ]


def members_of(store: Store, match_id: int, viewer_id: int | None) -> list[Member]:
    rows = store.rows(
        "SELECT p.id, p.name, p.phone, p.email, o.name AS org, o.domain,"
        f" MIN(mm.joined_at) AS since, m.director_id, {REACHABLE_SQL} AS reachable"
        " FROM match_members mm JOIN professionals p ON p.id = mm.professional_id"
        " JOIN organisations o ON o.id = mm.organisation_id"
        " JOIN matches m ON m.id = mm.match_id"
        " WHERE mm.match_id = ? AND mm.left_at IS NULL"
        " GROUP BY p.id ORDER BY since, p.name",
        (match_id,),
    )
    return [
        Member(
            name=r["name"],
            organisation=r["org"],
            domain=DOMAIN_LABELS[r["domain"]],
            phone=r["phone"],
            email=r["email"],
            since=r["since"],
            is_director=r["id"] == r["director_id"],
            is_viewer=r["id"] == viewer_id,
            active=bool(r["reachable"]),
        )
        for r in rows
    ]


def _match_view(store: Store, match_id: int, viewer: Professional) -> MatchView:
    m = store.row(
        "SELECT m.*, mu.name AS municipality, d.name AS director, r.name AS regievoerder,"
        f" c.name AS care_coordinator, {left_sql('d')} AS director_left,"
        f" {left_sql('c')} AS care_coordinator_left"
        " FROM matches m LEFT JOIN municipalities mu ON mu.id = m.municipality_id"
        " LEFT JOIN professionals d ON d.id = m.director_id"
        " LEFT JOIN professionals r ON r.id = m.regievoerder_id"
        " LEFT JOIN professionals c ON c.id = m.care_coordinator_id"
        " WHERE m.id = ?",
        (match_id,),
    )
    assert m is not None
    hides = family_hides(viewer, m["kind"])
    own = member_signals(store, match_id, viewer.id)
    if m["kind"] == "youth" and m["youth_id"] is not None:
        y = store.row(
            f"SELECT {youth_name_sql('y')} AS name, birth_date, bsn FROM youths y WHERE id = ?",
            (m["youth_id"],),
        )
        assert y is not None
        found = [(y["name"], y["birth_date"], y["bsn"])]
    else:
        found = _own_youths(store, own) if own else []
    youths = [YouthRef.of(name, born, number) for name, born, number in found]
    milestones = [
        Milestone(r["kind"], r["on_date"], r["name"])
        for r in store.rows(
            f"SELECT ms.kind, ms.on_date, CASE WHEN {named_sql('p', 'ms.match_id', ':viewer')}"
            " THEN p.name END AS name FROM match_milestones ms"
            " JOIN professionals p ON p.id = ms.recorded_by WHERE ms.match_id = :match"
            " ORDER BY CASE ms.kind WHEN 'contact' THEN 0 WHEN 'agreement' THEN 1 ELSE 2 END",
            {"match": match_id, "viewer": viewer.id},
        )
    ]
    for _, _, number in found:
        store.audit(viewer.id, "read", "match", match_id, subject_number=number)
    return MatchView(
        id=match_id,
        kind=m["kind"],
        status="lopend" if m["ended_at"] is None else "beëindigd",
        since=m["created_at"],
        ended=m["ended_at"],
        municipality=family_hidden(viewer, m["kind"], m["municipality"]),
        youths=youths,
        members=members_of(store, match_id, viewer.id),
        director=m["director"],
        regievoerder=None if hides else m["regievoerder"],
        care_coordinator=m["care_coordinator"],
        milestones=milestones,
        director_left=bool(m["director_left"]),
        care_coordinator_left=bool(m["care_coordinator_left"]),
        regievoerder_asked=hides and m["ended_at"] is None and request_asked(m["director_id"]),
    )


def show_match(store: Store, viewer: Professional, match_id: int) -> MatchView:
    require_visible(store, match_id, viewer.id)
    return _match_view(store, match_id, viewer)


def my_matches(store: Store, viewer: Professional) -> list[MatchView]:
    """The open matches the viewer is in (through an active signal or as regievoerder)."""
    ids = [
        r[0]
        for r in store.rows(
            "SELECT mm.match_id FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
            " JOIN matches m ON m.id = mm.match_id"
            " WHERE mm.professional_id = ? AND mm.left_at IS NULL AND s.status = 'active'"
            " AND m.ended_at IS NULL"
            " UNION SELECT id FROM matches WHERE regievoerder_id = ? AND ended_at IS NULL"
            " ORDER BY 1",
            (viewer.id, viewer.id),
        )
    ]
    return [_match_view(store, i, viewer) for i in ids]
