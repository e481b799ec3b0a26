"""The screen trusts its snapshot only when it sees the school's pupils and youths as the
importer does (vix/screening.py): a screen that sees other values names every row.

test_screening.py tried a different highest youth id only, so a screen that compared the
youth id alone (and missed pupils the importer had written in its own transaction), or
one that counted every school's pupils (and so named every row of every import in a
region with more than one school), went unnoticed.
"""

from __future__ import annotations

from vix.db import Store
from vix.pupilrows import ALT_NUMBER, CHECKED, NUMBER, PUPIL_NUMBER
from vix.screening import NewRowScreen, screen_job


def _row(number: str, pupil_number: str | None) -> tuple[object, ...]:
    row: list[object] = [None] * len(CHECKED)
    row[NUMBER], row[PUPIL_NUMBER], row[ALT_NUMBER] = number, pupil_number, None
    return tuple(row)


def _pupil_elsewhere(store: Store) -> None:
    """A pupil of the Esdoorn: none of the Zonnebloem's business."""
    esd = store.scalar("SELECT id FROM organisations WHERE code = 'ESD'")
    with store.transaction():
        youth = store.insert(
            "INSERT INTO youths (bsn, given_name, surname, birth_date, created_at, updated_at)"
            " VALUES ('111222357', 'Bram', 'Vries', '2014-04-03', ?, ?)",
            (store.stamp, store.stamp),
        )
        store.execute(
            "INSERT INTO pupils (organisation_id, youth_id, pupil_number, imported_at)"
            " VALUES (?, ?, 'E1', ?)",
            (esd, youth, store.stamp),
        )


def _screen(store: Store, extra_pupils: int) -> NewRowScreen:
    zon = store.scalar("SELECT id FROM organisations WHERE code = 'ZON'")
    pupils = store.scalar("SELECT COUNT(*) FROM pupils WHERE organisation_id = ?", (zon,))
    job = screen_job(
        store.path,
        zon,
        max_youth_id=store.scalar("SELECT COALESCE(MAX(id), 0) FROM youths"),
        pupils=pupils + extra_pupils,
        rows=10,
    )
    return NewRowScreen(job)


def test_another_count_of_the_schools_pupils_names_every_row(store: Store) -> None:
    # the importer wrote a pupil of the school in its transaction: the snapshot lacks it
    screen = _screen(store, extra_pupils=1)
    try:
        assert screen.suspects([_row("X", None), _row("Y", "9")]) == [0, 1]
    finally:
        screen.close()


def test_another_schools_pupils_leave_the_screen_usable(store: Store) -> None:
    _pupil_elsewhere(store)
    screen = _screen(store, extra_pupils=0)
    try:
        assert screen.usable
        assert screen.suspects([_row("X", None), _row("Y", "9")]) == []
    finally:
        screen.close()
