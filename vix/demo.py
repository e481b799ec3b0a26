"""The demo region: a fictional region built through the real domain functions.

`build_demo()` creates a database with two municipalities, two schools, youth
health care, youth care, youth protection and a municipality, their
professionals, pupils and signals that produce a youth match and a family
match, and returns what each professional then sees. All names, numbers and
addresses are invented; the BSNs are valid by the 11-test only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from . import people, signals, views
from .db import Store, open_store, remove_new_database
from .youths import YouthData

ADMIN = "beheer@duinstreek.example"


@dataclass
class Seen:
    professional: str
    organisation: str
    role: str
    signals: list[signals.SignalView]
    matches: list[views.MatchView]


def _signal(store: Store, email: str, youth: YouthData, informed: bool = True) -> None:
    me = people.actor(store, email)
    signals.place_signal(
        store,
        me,
        signals.SignalRequest(
            youth_number=youth.number,
            new_youth=youth,
            parents_informed_on=store.today if informed else None,
            parents_not_informed_reason=None
            if informed
            else "Informeren brengt de veiligheid van de jeugdige in gevaar.",
        ),
    )


def build_demo(path: Path, now: datetime) -> list[Seen]:
    """Make the demo region in a new database at `path` (its key beside it). On any
    failure the two files go again, as for `vix init`: a half-made pair blocked the next
    `vix demo --bewaar` with "bestaat al" (review)."""
    key_path = Path(str(path) + ".sleutel")
    # never another's files: only what this run made goes on a failure
    keep = path.exists() or key_path.exists()
    store = open_store(path, now, create=True, key_path=key_path)
    try:
        with store.transaction():
            store.set_setting("regio_naam", "Duinstreek (demo)")
            admin = people.add_professional(
                store,
                None,
                email=ADMIN,
                name="Fenna Beheer",
                phone=None,
                organisation=None,
                role="beheerder",
            )
            _region(store, admin)
            seen = _what_each_sees(store)
        keep = True
        return seen
    finally:
        store.close()
        if not keep:
            remove_new_database(path, key_path)


def _region(store: Store, admin: people.Professional) -> None:
    people.add_municipality(store, admin, "DUINWIJK", "Duinwijk")
    people.add_municipality(store, admin, "ZEEVELD", "Zeeveld")
    for code, name, domain, town in [
        ("BS-HELM", "Basisschool De Helmgras", "onderwijs", "DUINWIJK"),
        ("VO-DUIN", "Duincollege", "onderwijs", "ZEEVELD"),
        ("JGZ-DS", "JGZ Duinstreek", "jgz", "DUINWIJK"),
        ("JH-BRUG", "Jeugdhulp De Brug", "jeugdhulp", "DUINWIJK"),
        ("GI-KUST", "Jeugdbescherming Kust", "jeugdbescherming", "ZEEVELD"),
        ("GEM-DW", "Gemeente Duinwijk", "gemeente", "DUINWIJK"),
    ]:
        people.add_organisation(
            store,
            admin,
            code=code,
            name=name,
            domain=domain,
            municipality=town,
            phone="0800-0000000",
            email=None,
        )
    for email, name, role, org, phone in [
        ("ib@helmgras.example", "Ineke Bosman", "meldingsbevoegde", "BS-HELM", "0251-100100"),
        (
            "zorg@duincollege.example",
            "Omar El Amrani",
            "meldingsbevoegde",
            "VO-DUIN",
            "0251-200200",
        ),
        (
            "arts@jgz-duinstreek.example",
            "Karin de Wit",
            "meldingsbevoegde",
            "JGZ-DS",
            "0251-300300",
        ),
        ("hulp@debrug.example", "Hans Visser", "meldingsbevoegde", "JH-BRUG", "0251-400400"),
        ("jb@gi-kust.example", "Gea Jansen", "meldingsbevoegde", "GI-KUST", "0251-500500"),
        ("directeur@helmgras.example", "Dirk Smit", "instantiebeheerder", "BS-HELM", "0251-100101"),
        ("regie@duinwijk.example", "Rita Meijer", "regievoerder", "GEM-DW", "0251-600600"),
        ("coordinator@duinstreek.example", "Carla Mulder", "coordinator", None, "0251-700700"),
    ]:
        people.add_professional(
            store,
            admin,
            email=email,
            name=name,
            phone=phone,
            organisation=org,
            role=role,
        )
    people.update_municipality(store, admin, "DUINWIJK", director_email="regie@duinwijk.example")
    sara = YouthData(
        number="111222333",
        id_kind="bsn",
        given_name="Sara",
        infix="van",
        surname="Dijk",
        birth_date=date(2015, 5, 12),
        sex="V",
        municipality="DUINWIJK",
        postcode="1941AB",
        house_number="7",
        parents=["123456782"],
    )
    tim = YouthData(
        number="111222357",
        id_kind="bsn",
        given_name="Tim",
        infix="van",
        surname="Dijk",
        birth_date=date(2011, 9, 3),
        sex="M",
        municipality="DUINWIJK",
        postcode="1941AB",
        house_number="7",
        parents=["123456782"],
    )
    noor = YouthData(
        number="111222370",
        id_kind="bsn",
        given_name="Noor",
        surname="Bakker",
        birth_date=date(2009, 2, 20),
        sex="V",
        municipality="ZEEVELD",
    )
    # a youth match on Sara: school and youth health care
    _signal(store, "ib@helmgras.example", sara)
    _signal(store, "arts@jgz-duinstreek.example", sara)
    # Sara's brother Tim at secondary school: a family match
    _signal(store, "zorg@duincollege.example", tim)
    # Noor: youth care, then youth protection (which leads), parents not informed
    _signal(store, "hulp@debrug.example", noor)
    _signal(store, "jb@gi-kust.example", noor, informed=False)


def _what_each_sees(store: Store) -> list[Seen]:
    seen: list[Seen] = []
    for row in store.rows(
        "SELECT p.email FROM professionals p WHERE p.role = 'signaller' ORDER BY p.id"
    ):
        me = people.actor(store, row["email"])
        seen.append(
            Seen(
                professional=me.name,
                organisation=me.organisation_name or "-",
                role=me.role_name,
                signals=signals.list_signals(store, me),
                matches=views.my_matches(store, me),
            )
        )
    return seen
