"""The reader's screen never calls a row new that is not (vix.screening)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vix.db import Store
from vix.pupilrows import ALT_NUMBER, CHECKED, NUMBER, PUPIL_NUMBER
from vix.screening import NewRowScreen, screen_job

STORED_NUMBER = "111222333"  # BSN_ANNA, registered below
HELD_PUPIL_NUMBER = "H1"


def _row(number: str, pupil_number: str | None, alt: str | None) -> tuple[object, ...]:
    row: list[object] = [None] * len(CHECKED)
    row[NUMBER], row[PUPIL_NUMBER], row[ALT_NUMBER] = number, pupil_number, alt
    return tuple(row)


def _screen(store: Store, mask: int | None) -> NewRowScreen:
    org = store.scalar("SELECT id FROM organisations WHERE code = 'ZON'")
    job = screen_job(
        store.path,
        org,
        max_youth_id=store.scalar("SELECT COALESCE(MAX(id), 0) FROM youths"),
        pupils=store.scalar("SELECT COUNT(*) FROM pupils WHERE organisation_id = ?", (org,)),
        rows=100,
    )
    screen = NewRowScreen(job)
    if mask is not None:  # a tiny filter: most values collide
        screen.mask = mask
    return screen


def _stored(store: Store) -> None:
    org = store.scalar("SELECT id FROM organisations WHERE code = 'ZON'")
    with store.transaction():
        youth = store.insert(
            "INSERT INTO youths (bsn, given_name, surname, birth_date, created_at, updated_at)"
            " VALUES (?, 'Anna', 'Vries', '2014-04-03', ?, ?)",
            (STORED_NUMBER, store.stamp, store.stamp),
        )
        other = store.insert(
            "INSERT INTO youths (bsn, given_name, surname, birth_date, created_at, updated_at)"
            " VALUES ('111222357', 'Bram', 'Vries', '2014-04-03', ?, ?)",
            (store.stamp, store.stamp),
        )
        store.execute(
            "INSERT INTO pupils (organisation_id, youth_id, pupil_number, imported_at)"
            " VALUES (?, ?, ?, ?)",
            (org, other, HELD_PUPIL_NUMBER, store.stamp),
        )
    assert youth


VALUES = st.sampled_from(["A", "B", "C", "D", STORED_NUMBER])
PUPIL_NUMBERS = st.none() | st.sampled_from(["1", "2", "3", HELD_PUPIL_NUMBER])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batches=st.lists(
        st.lists(st.tuples(VALUES, PUPIL_NUMBERS, st.none() | st.just("A")), max_size=6),
        max_size=4,
    ),
    mask=st.none() | st.sampled_from([0, 7, 63]),
)
def test_every_row_that_may_not_be_new_is_named(
    store: Store, batches: list[list[tuple[str, str | None, str | None]]], mask: int | None
) -> None:
    if store.scalar("SELECT COUNT(*) FROM youths WHERE bsn = ?", (STORED_NUMBER,)) == 0:
        _stored(store)
    screen = _screen(store, mask)
    try:
        numbers: set[str] = set()
        pupil_numbers: set[str] = set()
        for batch in batches:
            named = screen.suspects([_row(*values) for values in batch])
            for i, (number, pupil_number, alt) in enumerate(batch):
                must = (
                    number in numbers
                    or number == STORED_NUMBER
                    or alt is not None
                    or pupil_number in pupil_numbers
                    or pupil_number == HELD_PUPIL_NUMBER
                )
                if must:
                    assert i in named, (batch, i)
                numbers.add(number)
                if pupil_number is not None:
                    pupil_numbers.add(pupil_number)
    finally:
        screen.close()


def test_new_distinct_rows_are_let_through(store: Store) -> None:
    # what the screen is for: a first import's rows are not looked up (a row
    # named without cause needs two colliding values in a filter of 512 kbit)
    screen = _screen(store, None)
    try:
        rows = [_row(f"N{i}", f"P{i}", None) for i in range(200)]
        assert len(screen.suspects(rows[:100]) + screen.suspects(rows[100:])) < 10
        assert screen.suspects([_row("N5", None, None), _row("M", "P7", None)]) == [0, 1]
    finally:
        screen.close()


def test_a_snapshot_that_differs_names_every_row(store: Store) -> None:
    job = screen_job(
        store.path,
        1,
        max_youth_id=store.scalar("SELECT COALESCE(MAX(id), 0) FROM youths") + 1,
        pupils=0,
        rows=10,
    )
    screen = NewRowScreen(job)
    try:
        assert screen.suspects([_row("X", None, None), _row("Y", "9", None)]) == [0, 1]
    finally:
        screen.close()


def test_a_database_the_reader_cannot_open_names_every_row(tmp_path: Path) -> None:
    job = screen_job(tmp_path / "weg.db", 1, max_youth_id=0, pupils=0, rows=10)
    screen = NewRowScreen(job)
    try:
        assert screen.suspects([_row("X", None, None), _row("Y", "9", None)]) == [0, 1]
    finally:
        screen.close()
