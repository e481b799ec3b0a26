"""Property tests of the matching invariants under random signal/withdraw sequences.

After every operation:
- a youth match is open exactly when its youth has active signals from two or
  more organisations, and its members are exactly those signals (rule 6);
- a family match is open exactly when a family has active signals on two or
  more children from two or more organisations, one match per family, holding
  exactly the family's active signals (rule 7);
- every professional sees exactly the open matches he or she has an active
  signal in, and nothing else (rules 9 and 16);
- every match, open or ended, arose from the signals it still holds: at some
  moment they came from two organisations (two children too, for a family
  match). A signal withdrawn as unjustified is as if it never existed, and so
  is a match that only it made;
- every open match belongs to a municipality where one of its youths lives
  (rules 11 and 13), whatever moves and withdrawals came before.
Each operation runs a minute after the one before, as commands do.
The family structure is fixed and includes half-siblings and an institution;
youths move between two municipalities.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vix import people, signals, views
from vix.db import Store, open_store
from vix.errors import NotFound
from vix.youths import YouthData

ORGS = [("O1", "onderwijs"), ("O2", "jgz"), ("O3", "jeugdhulp"), ("O4", "onderwijs")]
PROS = [
    ("a@o1.nl", "O1"),
    ("b@o1.nl", "O1"),
    ("c@o2.nl", "O2"),
    ("d@o3.nl", "O3"),
    ("e@o4.nl", "O4"),
]
BSNS = ["111222333", "111222357", "111222370", "111222382", "111222345", "123456782"]
P1, P2 = "111111110", "100000009"
# (parents, postcode) per youth: 0-1 share P1, 1-2 share P2 (so 0 and 2 are one
# family only while 1 is registered), 3-4 share a home address, 5 lives at an
# institution's address (never a family link).
FAMILY = [
    ([P1], None),
    ([P1, P2], None),
    ([P2], None),
    ([], "1234AB"),
    ([], "1234AB"),
    ([], "9999ZZ"),
]


def families(registered: set[int]) -> list[set[int]]:
    """Connected groups of registered youths under shared parent or home address."""
    group = {y: {y} for y in registered}
    for a in registered:
        for b in registered:
            pa, ca = FAMILY[a]
            pb, cb = FAMILY[b]
            linked = bool(set(pa) & set(pb)) or (ca is not None and ca == cb and ca != "9999ZZ")
            if a != b and linked and group[a] is not group[b]:
                merged = group[a] | group[b]
                for y in merged:
                    group[y] = merged
    unique = {id(g): g for g in group.values()}
    return list(unique.values())


def build(path: Path) -> Store:
    store = open_store(
        path, datetime(2026, 11, 23, 10), create=True, key_path=path.with_suffix(".key")
    )
    with store.transaction():
        admin = people.add_professional(
            store,
            None,
            email="admin@r.nl",
            name="A",
            phone=None,
            organisation=None,
            role="beheerder",
        )
        people.add_municipality(store, admin, "G", "Gemeente")
        people.add_municipality(store, admin, "H", "Elders")
        for code, domain in ORGS:
            people.add_organisation(
                store,
                admin,
                code=code,
                name=code,
                domain=domain,
                municipality="G",
                phone=None,
                email=None,
            )
        for email, org in PROS:
            people.add_professional(
                store,
                admin,
                email=email,
                name=email,
                phone="023-5550000",
                organisation=org,
                role="meldingsbevoegde",
            )
        people.add_institution_address(store, admin, "9999ZZ-1", "Instelling")
    return store


def place(store: Store, pro: int, youth: int) -> None:
    me = people.actor(store, PROS[pro][0])
    parents, postcode = FAMILY[youth]
    data = YouthData(
        number=BSNS[youth],
        id_kind="bsn",
        given_name=f"Y{youth}",
        surname="T",
        birth_date=date(2012, 1, 1),
        municipality="G",
        parents=parents,
        postcode=postcode,
        house_number="1" if postcode else None,
    )
    signals.place_signal(
        store,
        me,
        signals.SignalRequest(
            youth_number=BSNS[youth],
            new_youth=data,
            parents_informed_on=store.today,
            parents_not_informed_reason=None,
        ),
    )


def move(store: Store, youth: int) -> None:
    """The youth, if registered, moves to the other municipality.

    With the home address the model gives the youth: a move takes the address given
    (or clears it), and the model's families stand on fixed addresses
    (tests/test_move_address.py covers a move that changes them)."""
    town = store.scalar(
        "SELECT mu.code FROM youths y JOIN municipalities mu ON mu.id = y.municipality_id"
        " WHERE y.bsn = ?",
        (BSNS[youth],),
    )
    if town is not None:
        admin = people.actor(store, "admin@r.nl")
        other = "H" if town == "G" else "G"
        _, postcode = FAMILY[youth]
        signals.move_youth(
            store,
            admin,
            BSNS[youth],
            other,
            store.today,
            postcode=postcode,
            house_number="1" if postcode else None,
        )


def active(store: Store) -> list[tuple[int, int, int, int]]:
    """(signal, youth index, organisation, professional) of every active signal."""
    index = {b: i for i, b in enumerate(BSNS)}
    return [
        (r[0], index[r[1]], r[2], r[3])
        for r in store.rows(
            "SELECT s.id, y.bsn, s.organisation_id, s.professional_id FROM signals s"
            " JOIN youths y ON y.id = s.youth_id WHERE s.status = 'active'"
        )
    ]


def open_matches(store: Store) -> dict[int, tuple[str, set[int]]]:
    found: dict[int, tuple[str, set[int]]] = {}
    for r in store.rows(
        "SELECT m.id, m.kind, mm.signal_id FROM matches m"
        " LEFT JOIN match_members mm ON mm.match_id = m.id AND mm.left_at IS NULL"
        " WHERE m.ended_at IS NULL"
    ):
        found.setdefault(r[0], (r[1], set()))[1].add(r[2])
    return found


def arose(store: Store, match_id: int, kind: str) -> bool:
    """Whether the match's member rows (also of those that left) ever made a match."""
    rows = store.rows(
        "SELECT mm.organisation_id, mm.joined_at, mm.left_at, s.youth_id FROM match_members mm"
        " JOIN signals s ON s.id = mm.signal_id WHERE mm.match_id = ?",
        (match_id,),
    )
    for at in {r["joined_at"] for r in rows}:
        present = [r for r in rows if r["joined_at"] <= at and (r["left_at"] or "~") > at]
        if len({r["organisation_id"] for r in present}) >= 2 and (
            kind == "youth" or len({r["youth_id"] for r in present}) >= 2
        ):
            return True
    return False


def check_invariants(store: Store) -> None:
    for r in store.rows("SELECT id, kind FROM matches"):
        assert arose(store, r["id"], r["kind"]), f"match {r['id']} never arose"
    signals_now = active(store)
    matches = open_matches(store)
    expected: list[tuple[str, set[int]]] = []
    for youth in range(len(BSNS)):
        mine = [s for s in signals_now if s[1] == youth]
        if len({s[2] for s in mine}) >= 2:
            expected.append(("youth", {s[0] for s in mine}))
    index = {b: i for i, b in enumerate(BSNS)}
    registered = {index[r[0]] for r in store.rows("SELECT bsn FROM youths")}
    for family in families(registered):
        mine = [s for s in signals_now if s[1] in family]
        if len({s[1] for s in mine}) >= 2 and len({s[2] for s in mine}) >= 2:
            expected.append(("family", {s[0] for s in mine}))
    actual = sorted(((k, sorted(m)) for k, m in matches.values()), key=str)
    assert actual == sorted(((k, sorted(m)) for k, m in expected), key=str)
    stranded = store.rows(
        "SELECT m.id FROM matches m WHERE m.ended_at IS NULL AND NOT EXISTS"
        " (SELECT 1 FROM match_members mm JOIN signals s ON s.id = mm.signal_id"
        "  JOIN youths y ON y.id = s.youth_id WHERE mm.match_id = m.id"
        "  AND mm.left_at IS NULL AND y.municipality_id = m.municipality_id)"
    )
    assert [r[0] for r in stranded] == []
    for email, _ in PROS:
        me = people.actor(store, email)
        mine = {s[0] for s in signals_now if s[3] == me.id}
        should_see = {mid for mid, (_, members) in matches.items() if members & mine}
        assert {m.id for m in views.my_matches(store, me)} == should_see
        for mid in set(matches) - should_see:
            with pytest.raises(NotFound):
                views.show_match(store, me, mid)


operation = st.one_of(
    st.tuples(st.just("place"), st.integers(0, len(PROS) - 1), st.integers(0, len(BSNS) - 1)),
    st.tuples(st.just("move"), st.just(0), st.integers(0, len(BSNS) - 1)),
    st.tuples(
        st.sampled_from(["weggenomen", "onterecht"]),
        st.integers(0, len(PROS) - 1),
        st.integers(0, len(BSNS) - 1),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=25))
# a family match of three half-siblings: two move, the one left behind leaves the match
@example(
    [
        ("place", 0, 0),
        ("place", 2, 1),
        ("place", 3, 2),
        ("move", 0, 1),
        ("move", 0, 2),
        ("weggenomen", 0, 0),
    ]
)
def test_matches_follow_the_rules(ops: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = build(Path(tmp) / "p.db")
        try:
            for minute, (kind, pro, youth) in enumerate(ops):
                store.now = datetime(2026, 11, 23, 10) + timedelta(minutes=minute)
                with store.transaction():
                    if kind == "move":
                        move(store, youth)
                        check_invariants(store)
                        continue
                    me = people.actor(store, PROS[pro][0])
                    sid = store.scalar(
                        "SELECT s.id FROM signals s JOIN youths y ON y.id = s.youth_id"
                        " WHERE y.bsn = ? AND s.professional_id = ? AND s.status = 'active'",
                        (BSNS[youth], me.id),
                    )
                    if kind == "place" and sid is None:
                        place(store, pro, youth)
                    elif kind != "place" and sid is not None:
                        signals.withdraw(store, me, sid, kind)
                    check_invariants(store)
        finally:
            store.close()
