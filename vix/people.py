"""Municipalities, organisations and professionals, and who may do what.

Only administrators connect municipalities, organisations and professionals
(DOMAIN.md rule 1). `actor()` turns the `--als` e-mail address into an active
professional; every domain function receives that professional and checks the
role it needs here, in the domain layer, never in the CLI.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .csvsource import normalise
from .db import Store
from .errors import Conflict, Forbidden, InvalidInput, NotFound, UsageError
from .text import (
    clean_code,
    counted,
    email_address,
    hide_numbers,
    one_line,
    or_list,
    phone_number,
    required_name,
)

if TYPE_CHECKING:  # followup imports this module
    from .followup import Handover, Redirect

DOMAINS: dict[str, str] = {
    "onderwijs": "education",
    "kinderopvang": "childcare",
    "jgz": "youth_health",
    "jeugdhulp": "youth_care",
    "jeugdbescherming": "youth_protection",
    "zorg": "health_care",
    "maatschappelijke-ondersteuning": "social_support",
    "werk-inkomen": "work_income",
    "politie-justitie": "police_justice",
    "gemeente": "municipality",
}
DOMAIN_LABELS: dict[str, str] = {
    "education": "onderwijs",
    "childcare": "kinderopvang",
    "youth_health": "jeugdgezondheidszorg",
    "youth_care": "jeugdhulp",
    "youth_protection": "jeugdbescherming/jeugdreclassering",
    "health_care": "zorg",
    "social_support": "maatschappelijke ondersteuning",
    "work_income": "werk en inkomen",
    "police_justice": "politie en justitie",
    "municipality": "gemeente",
}


ROLES: dict[str, str] = {
    "meldingsbevoegde": "signaller",
    "instantiebeheerder": "org_manager",
    "instellingscoordinator": "org_coordinator",
    "coordinator": "coordinator",
    "regievoerder": "municipal_director",
    "beheerder": "admin",
}
# --rol takes the codes, and the spelling with a diaeresis too
ROLE_ALIASES: dict[str, str] = {
    "instellingscoördinator": "instellingscoordinator",
    "coördinator": "coordinator",
}
_SPELLED = {code: alias for alias, code in ROLE_ALIASES.items()}
# the values --rol accepts, as its help and its refusal list them
ROLE_CHOICES = or_list([f"{c} (of {_SPELLED[c]})" if c in _SPELLED else c for c in ROLES])
# the code of each role, as --rol, JSON and the audit records give it
ROLE_LABELS: dict[str, str] = {v: k for k, v in ROLES.items()}
# how prose names each role (DOMAIN.md's glossary): messages, lists, notices
ROLE_NAMES: dict[str, str] = {
    "signaller": "meldingsbevoegde",
    "org_manager": "instantiebeheerder",
    "org_coordinator": "instellingscoördinator",
    "coordinator": "regionaal coördinator",
    "municipal_director": "regievoerder",
    "admin": "functioneel beheerder",
}


def role_of(text: str) -> str:
    """The stored role for a value of --rol: its code, or the code spelled with ö."""
    word = text.strip().lower()
    word = ROLE_ALIASES.get(word, word)
    if word not in ROLES:
        raise InvalidInput(f"Onbekende rol '{text}'. Kies uit: {ROLE_CHOICES}.")
    return ROLES[word]


@dataclass(frozen=True)
class Municipality:
    id: int
    code: str
    name: str
    director_email: str | None
    alderman_name: str | None
    alderman_email: str | None


@dataclass(frozen=True)
class MunicipalityChange:
    """What `update_municipality` did: the municipality as it is now, and what became of
    the unsent level-3 notices to its alderman (`followup.Redirect`): to the new address
    (`new_address`), or, when only the name changed, to the same one with the name now."""

    municipality: Municipality
    redirects: list[Redirect]
    new_address: bool = False


@dataclass(frozen=True)
class Organisation:
    id: int
    code: str
    name: str
    domain: str
    municipality: str | None
    phone: str | None
    email: str | None
    active: bool


@dataclass(frozen=True)
class Professional:
    id: int
    email: str
    name: str
    phone: str | None
    role: str
    active: bool
    organisation_id: int | None
    organisation_code: str | None
    organisation_name: str | None
    organisation_active: bool
    domain: str | None

    @property
    def reachable(self) -> bool:
        """Still works here: active, and so is the organisation (rule 16: only they get
        personal data by notice)."""
        return self.active and self.organisation_active

    def cannot_act(self, who: str, *, opening: bool = False) -> str:
        """Why he or she is not `reachable`, naming him or her `who`: the account, or the
        organisation, was deactivated. `opening`: the words open a sentence."""
        if not self.active:
            return f"{who} is niet meer actief"
        the = "De" if opening else "de"
        return f"{the} organisatie {self.organisation_code} van {who} is niet meer actief"

    @property
    def role_label(self) -> str:
        """The role's code (--rol, JSON)."""
        return ROLE_LABELS[self.role]

    @property
    def role_name(self) -> str:
        """The role as prose names it."""
        return ROLE_NAMES[self.role]

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            wanted = or_list([ROLE_NAMES[r] for r in roles])
            if roles == ("admin",):
                fix = "Vraag het aan de functioneel beheerder."
            elif self.role == "admin":
                fix = f"Vraag het aan een {wanted}."
            else:
                fix = (
                    f"Vraag het aan een {wanted}, of vraag de functioneel beheerder om een "
                    "andere rol."
                )
            raise Forbidden(
                f"{self.email} heeft de rol {self.role_name}; dit mag alleen met de rol "
                f"{wanted}. {fix}"
            )


_PROFESSIONAL_SQL = """
SELECT p.id, p.email, p.name, p.phone, p.role, p.active, p.organisation_id,
       o.code AS organisation_code, o.name AS organisation_name,
       COALESCE(o.active, 1) AS organisation_active, o.domain
FROM professionals p LEFT JOIN organisations o ON o.id = p.organisation_id
"""


def _professional(row: sqlite3.Row) -> Professional:
    return Professional(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        phone=row["phone"],
        role=row["role"],
        active=bool(row["active"]),
        organisation_id=row["organisation_id"],
        organisation_code=row["organisation_code"],
        organisation_name=row["organisation_name"],
        organisation_active=bool(row["organisation_active"]),
        domain=row["domain"],
    )


def find_professional(store: Store, email: str) -> Professional | None:
    row = store.row(_PROFESSIONAL_SQL + " WHERE p.email = ?", (email.strip(),))
    return None if row is None else _professional(row)


def professional_by_id(store: Store, professional_id: int) -> Professional:
    row = store.row(_PROFESSIONAL_SQL + " WHERE p.id = ?", (professional_id,))
    assert row is not None
    return _professional(row)


def active_with_role(
    store: Store, role: str, organisation_ids: Iterable[int] | None = None
) -> list[Professional]:
    """The active professionals with `role` (of these organisations), by id."""
    where, params = " WHERE p.role = ? AND p.active = 1", [role]
    if organisation_ids is not None:
        where += " AND p.organisation_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(organisation_ids))))
    return [
        _professional(r) for r in store.rows(_PROFESSIONAL_SQL + where + " ORDER BY p.id", params)
    ]


def actor(store: Store, email: str) -> Professional:
    """The acting professional: must exist and be active, as must the organisation."""
    found = find_professional(store, email)
    if found is None:
        raise NotFound(
            f"Er is geen professional met e-mailadres {email}. Controleer --als of "
            "VIX_GEBRUIKER, of vraag de functioneel beheerder u toe te voegen."
        )
    if not found.active:
        raise Forbidden(
            f"Het account {found.email} is niet (meer) actief. Klopt dat niet, vraag dan de "
            "functioneel beheerder het terug te zetten met 'vix professional activeer "
            f"{found.email}'."
        )
    if found.organisation_id is not None and not found.organisation_active:
        raise Forbidden(
            f"De organisatie {found.organisation_code} van {found.email} is niet actief. Klopt "
            "dat niet, vraag dan de functioneel beheerder haar terug te zetten met 'vix "
            f"organisatie activeer {found.organisation_code}'."
        )
    return found


def _municipality_id(store: Store, code: str) -> int:
    """The municipality with this code, or else the one whose code or name it is when
    case, accents, spaces and punctuation do not count ('velsen', 'GM 0453'), as a pupil
    list's woonplaats is read: someone at a prompt types the name of a town."""
    typed = code.strip()
    found = store.scalar("SELECT id FROM municipalities WHERE code = ?", (typed,))
    if found is None and (key := normalise(typed)):
        named = {
            int(r["id"])
            for r in store.rows("SELECT id, code, name FROM municipalities")
            if key in (normalise(r["code"]), normalise(r["name"]))
        }
        found = named.pop() if len(named) == 1 else None
    if found is None:
        raise NotFound(
            f"Gemeente '{code}' bestaat niet. Geef de code of de naam zoals 'vix gemeente "
            "lijst' ze toont."
        )
    return int(found)


def municipality_id(store: Store, code: str) -> int:
    return _municipality_id(store, code)


def _organisation_row(store: Store, code: str) -> sqlite3.Row:
    """The organisation with this code, as stored (its code as stored, not as typed)."""
    found = store.row("SELECT * FROM organisations WHERE code = ?", (code.strip(),))
    if found is None:
        raise NotFound(
            f"Organisatie '{code}' bestaat niet. Bekijk de codes met 'vix organisatie lijst'."
        )
    return found


def organisation_id(store: Store, code: str) -> int:
    return int(_organisation_row(store, code)["id"])


def add_municipality(store: Store, by: Professional, code: str, name: str) -> Municipality:
    by.require("admin")
    code = clean_code(code, "De code")
    missing = "Geef een code en een naam voor de gemeente."
    if not code:
        raise InvalidInput(missing)
    name = required_name(name, "De naam", missing=missing)
    existing = store.scalar("SELECT code FROM municipalities WHERE code = ?", (code,))
    if existing is not None:
        raise Conflict(
            f"Gemeente '{existing}' bestaat al. Kies een andere code, of leg de regievoerder en "
            f"wethouder vast met 'vix gemeente wijzig {existing}'; bekijk de gemeenten met 'vix "
            "gemeente lijst'."
        )
    new_id = store.insert("INSERT INTO municipalities (code, name) VALUES (?, ?)", (code, name))
    store.audit(by.id, "create", "municipality", new_id)
    return Municipality(new_id, code, name, None, None, None)


# what `update_municipality` may change, by the Dutch names its audit record gives them
_MUNICIPALITY_CHANGE_SQL = (
    "SELECT director_id AS regievoerder, alderman_name AS wethouder,"
    " alderman_email AS wethouder_email FROM municipalities WHERE id = ?"
)


def update_municipality(
    store: Store,
    by: Professional,
    code: str,
    *,
    director_email: str | None = None,
    alderman_name: str | None = None,
    alderman_email: str | None = None,
) -> MunicipalityChange:
    """Record a municipality's regievoerder and alderman (administrators).

    An empty alderman's name or address clears it (the alderman left). A new
    regievoerder takes over the requests for regie (`followup.follow_new_regievoerder`);
    a changed or cleared alderman's address, or name, takes the level-3 notices not sent
    yet with it, and a new address gets those it is owed
    (`followup.follow_alderman_address`), whose `redirects` the caller tells.
    """
    by.require("admin")
    mid = _municipality_id(store, code)
    before = store.row(_MUNICIPALITY_CHANGE_SQL, (mid,))
    assert before is not None
    if director_email is not None:
        director = find_professional(store, director_email)
        add = "'vix professional toevoegen E-MAIL NAAM --rol regievoerder --organisatie CODE'"
        if director is None:
            raise InvalidInput(
                f"Er is geen professional met e-mailadres {director_email}. Kies een "
                f"regievoerder uit 'vix professional lijst', of voeg er een toe met {add}."
            )
        if director.role != "municipal_director":
            raise InvalidInput(
                f"{director.email} heeft de rol {director.role_name}, niet regievoerder. "
                "Kies een regievoerder uit 'vix professional lijst', maak hem of haar "
                f"regievoerder met 'vix professional wijzig {director.email} --rol "
                f"regievoerder', of voeg een regievoerder toe met {add}."
            )
        if not director.reachable:
            # he or she would hold the requests for regie without a notice or a login
            raise InvalidInput(
                f"{director.cannot_act(director.email, opening=True)}; kies een actieve "
                f"regievoerder uit 'vix professional lijst', of voeg er een toe met {add}."
            )
        store.execute("UPDATE municipalities SET director_id = ? WHERE id = ?", (director.id, mid))
        # rule 12: the municipality has regie, so its requests go to whoever holds it now
        from .followup import follow_new_regievoerder

        follow_new_regievoerder(store, by, mid)
    if alderman_name is not None:
        # empty: the alderman left and the successor's name is not known yet; the level-3
        # notice then greets the office, not a person (`followup.ALDERMAN_TITLE`)
        store.execute(
            "UPDATE municipalities SET alderman_name = ? WHERE id = ?",
            (
                required_name(alderman_name, "De naam van de wethouder")
                if alderman_name.strip()
                else None,
                mid,
            ),
        )
    if alderman_email is not None:
        # empty: the alderman left and no successor is known yet; escalations to level 3
        # then reach nobody, with a warning, as before an address was recorded
        store.execute(
            "UPDATE municipalities SET alderman_email = ? WHERE id = ?",
            (email_address(alderman_email) if alderman_email.strip() else None, mid),
        )
    after = store.row(_MUNICIPALITY_CHANGE_SQL, (mid,))
    assert after is not None
    # rule 18: which fields changed; the alderman's name and address are personal data and
    # are named, not logged; who holds the regie is a professional, logged by record id
    fields = ("regievoerder", "wethouder", "wethouder_email")
    changed = [f for f in fields if before[f] != after[f]]
    detail: dict[str, object] = {"velden": changed}
    if "regievoerder" in changed:
        detail["regievoerder"] = {"oud": before["regievoerder"], "nieuw": after["regievoerder"]}
    store.audit(by.id, "update", "municipality", mid, detail=detail)
    redirects: list[Redirect] = []
    # a notice not sent yet names the alderman ("Geachte ...") and goes to the address; a
    # new address is owed the notices of matches that still stagnate at the last step
    renew = bool({"wethouder", "wethouder_email"} & set(changed))
    recorded = alderman_email is not None and after["wethouder_email"] is not None
    if renew or recorded:
        from .followup import follow_alderman_address

        redirects = follow_alderman_address(
            store, by, mid, before["wethouder_email"], renew=renew, recorded=recorded
        )
    town = next(m for m in list_municipalities(store, by) if m.id == mid)
    return MunicipalityChange(town, redirects, "wethouder_email" in changed)


def list_municipalities(store: Store, by: Professional) -> list[Municipality]:
    return [
        Municipality(
            r["id"], r["code"], r["name"], r["email"], r["alderman_name"], r["alderman_email"]
        )
        for r in store.rows(
            "SELECT m.id, m.code, m.name, p.email, m.alderman_name, m.alderman_email"
            " FROM municipalities m LEFT JOIN professionals p ON p.id = m.director_id"
            " ORDER BY m.name"
        )
    ]


def add_organisation(
    store: Store,
    by: Professional,
    *,
    code: str,
    name: str,
    domain: str,
    municipality: str | None,
    phone: str | None,
    email: str | None,
) -> Organisation:
    by.require("admin")
    code = clean_code(code, "De code")
    phone = phone_number(phone)
    missing = "Geef een code en een naam voor de organisatie."
    if not code:
        raise InvalidInput(missing)
    name = required_name(name, "De naam", missing=missing)
    if domain not in DOMAINS:
        raise InvalidInput(f"Onbekend domein '{domain}'. Kies uit: {', '.join(DOMAINS)}.")
    existing = store.scalar("SELECT code FROM organisations WHERE code = ?", (code,))
    if existing is not None:
        raise Conflict(
            f"Organisatie '{existing}' bestaat al. Kies een andere code; bekijk de organisaties "
            "met 'vix organisatie lijst'."
        )
    mid = None if municipality is None else _municipality_id(store, municipality)
    new_id = store.insert(
        "INSERT INTO organisations (code, name, domain, municipality_id, phone, email, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            code,
            name,
            DOMAINS[domain],
            mid,
            phone,
            None if email is None else email_address(email),
            store.stamp,
        ),
    )
    store.audit(by.id, "create", "organisation", new_id)
    return next(o for o in list_organisations(store, by) if o.id == new_id)


@dataclass(frozen=True)
class OrganisationChange:
    """What `update_organisation` changed: the organisation as it is now and the Dutch
    names of the changed fields (empty: nothing was different)."""

    organisation: Organisation
    changed: list[str]


# the Dutch field names of an organisation, as the options of 'vix organisatie wijzig'
ORGANISATION_FIELDS = {
    "name": "naam",
    "phone": "telefoon",
    "email": "e-mail",
    "municipality_id": "gemeente",
    "domain": "domein",
}


def update_organisation(
    store: Store,
    by: Professional,
    code: str,
    *,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    municipality: str | None = None,
    domain: str | None = None,
) -> OrganisationChange:
    """Change an organisation's name, phone, e-mail, municipality or domain (administrators).

    The code stays (schools, boards and scripts use it). An empty phone, e-mail or
    municipality clears it. The domain decides who leads a match: youth protection
    always (rule 12, `matching.proposed_director`). A change to or from youth
    protection while the organisation is in an open match is refused: the match
    would keep a lead that the rule no longer gives it, or lack the one it must
    have; it can be made once those matches have ended. Another domain change
    counts from then on: for new proposals of a director and, as every report reads
    the domain as it is, in reports, also of past periods. What vix shows reads the
    new data; notices already in the outbox keep what they said.
    """
    by.require("admin")
    if all(v is None for v in (name, phone, email, municipality, domain)):
        raise UsageError("Geef --naam, --telefoon, --email, --gemeente of --domein.")
    before = _organisation_row(store, code)
    oid = int(before["id"])
    after = dict(before)
    if name is not None:
        after["name"] = required_name(name, "De naam", missing="Geef de naam van de organisatie.")
    if phone is not None:
        after["phone"] = phone_number(phone)
    if email is not None:
        after["email"] = email_address(email) if email.strip() else None
    if municipality is not None:
        after["municipality_id"] = (
            _municipality_id(store, municipality) if municipality.strip() else None
        )
    if domain is not None:
        if domain.strip() not in DOMAINS:
            raise InvalidInput(f"Onbekend domein '{domain}'. Kies uit: {', '.join(DOMAINS)}.")
        after["domain"] = DOMAINS[domain.strip()]
    changed = [f for f in ORGANISATION_FIELDS if after[f] != before[f]]
    if "domain" in changed and "youth_protection" in (before["domain"], after["domain"]):
        _refuse_lead_change(store, oid, before["code"])
    if changed:
        store.execute(
            "UPDATE organisations SET name = ?, phone = ?, email = ?, municipality_id = ?,"
            " domain = ? WHERE id = ?",
            (
                after["name"],
                after["phone"],
                after["email"],
                after["municipality_id"],
                after["domain"],
                oid,
            ),
        )
        # rule 18: the fields that changed; the name, phone and address are named (an
        # address may be a person's), the domain and municipality logged as they were
        detail: dict[str, object] = {"velden": [ORGANISATION_FIELDS[f] for f in changed]}
        if "domain" in changed:
            detail["domein"] = {
                "oud": DOMAIN_LABELS[before["domain"]],
                "nieuw": DOMAIN_LABELS[after["domain"]],
            }
        if "municipality_id" in changed:
            codes = {
                r[0]: r[1]
                for r in store.rows(
                    "SELECT id, code FROM municipalities WHERE id IN (?, ?)",
                    (before["municipality_id"], after["municipality_id"]),
                )
            }
            detail["gemeente"] = {
                "oud": codes.get(before["municipality_id"]),
                "nieuw": codes.get(after["municipality_id"]),
            }
        store.audit(by.id, "update", "organisation", oid, detail=detail)
    return OrganisationChange(
        next(o for o in list_organisations(store, by) if o.id == oid),
        [ORGANISATION_FIELDS[f] for f in changed],
    )


def _refuse_lead_change(store: Store, oid: int, code: str) -> None:
    """Rule 12: a domain change to or from youth protection waits until the organisation
    is in no open match."""
    open_matches = int(
        store.scalar(
            "SELECT COUNT(DISTINCT mm.match_id) FROM match_members mm"
            " JOIN matches m ON m.id = mm.match_id"
            " WHERE mm.organisation_id = ? AND mm.left_at IS NULL AND m.ended_at IS NULL",
            (oid,),
        )
    )
    if open_matches:
        raise Conflict(
            f"Organisatie {code} zit met actieve signalen in {open_matches} lopende "
            f"match{'es' if open_matches > 1 else ''}. Jeugdbescherming/jeugdreclassering is "
            "in een match altijd matchregisseur en zorgcoördinator (regel 12): een domein van "
            "of naar jeugdbescherming maakt de regie van die matches onjuist. Er is niets "
            "gewijzigd. Wijzig het domein als de organisatie in geen lopende match meer zit; "
            "naam, telefoon, e-mail en gemeente kunt u nu al wijzigen (zonder --domein)."
        )


@dataclass(frozen=True)
class OrganisationStatus:
    """What `set_organisation_active` did: the code as stored (not as typed) and the
    requests for regie that changed hands."""

    code: str
    handovers: list[Handover]


def set_organisation_active(
    store: Store, by: Professional, code: str, active: bool
) -> OrganisationStatus:
    """Switch an organisation off (its professionals can do nothing) or on again.

    Returns the requests for regie that changed hands: on deactivation the ones its
    regievoerders held, now handed over or waiting; on activation the ones of the
    municipalities whose regievoerder works there, which he or she holds again.
    Switching to the state it is in is refused: it would log a change that is none.
    So is switching off an organisation that still has active signals
    (`_refuse_with_signals`).
    """
    by.require("admin")
    row = _organisation_row(store, code)
    oid, code = int(row["id"]), row["code"]
    if bool(row["active"]) == active:
        raise Conflict(
            f"Organisatie {code} is al actief."
            if active
            else f"Organisatie {code} is al niet meer actief."
        )
    if not active:
        _refuse_with_signals(store, oid, code)
    store.execute("UPDATE organisations SET active = ? WHERE id = ?", (int(active), oid))
    _keep_an_administrator(store)
    store.audit(by.id, "activate" if active else "deactivate", "organisation", oid)
    # on activation its regievoerders may hold requests again; who leads a match is
    # "niet meer actief" or active again in its notices
    staff = [
        int(r[0])
        for r in store.rows("SELECT id FROM professionals WHERE organisation_id = ?", (oid,))
    ]
    return OrganisationStatus(code, _follow_status(store, by, active, staff))


def _refuse_with_signals(store: Store, oid: int, code: str) -> None:
    """Refuse to switch off an organisation whose signals are still active (rules 12-14).

    Its professionals could no longer act, and nobody could act for them: a signal is
    withdrawn by its signaller or the organisation manager, and handed to a colleague
    only within an active organisation (`transfer`). Its matches would stay without
    anyone of it to contact, lead or record anything, and stagnation would climb to the
    alderman for a match nobody can move. No end reason tells the truth about such an
    ending either (the worry is not gone, the signal was not unjustified, it did not
    expire or pass to a colleague), so vix does not end them by itself: the organisation
    hands them on or withdraws them first, while it can.
    """
    row = store.row(
        "SELECT COUNT(DISTINCT s.id) AS n, COUNT(DISTINCT CASE WHEN m.id IS NOT NULL"
        " THEN s.id END) AS matched FROM signals s"
        " LEFT JOIN match_members mm ON mm.signal_id = s.id AND mm.left_at IS NULL"
        " LEFT JOIN matches m ON m.id = mm.match_id AND m.ended_at IS NULL"
        " WHERE s.organisation_id = ? AND s.status = 'active'",
        (oid,),
    )
    assert row is not None
    count, matched = int(row["n"]), int(row["matched"])
    if not count:
        return
    who = signal_keeper(store, oid, code)
    if count > 1:
        them = "ze"
        signals = f"{count} actieve signalen" + (
            f", waarvan {matched} in een lopende match" if matched else ""
        )
    else:
        them = "het"
        signals = "1 actief signaal" + (", in een lopende match" if matched else "")
    raise Conflict(
        f"Organisatie {code} heeft nog {signals}; er is niets gewijzigd. Is de organisatie "
        f"niet actief, dan kan niemand van {code} {them} nog overdragen of intrekken, en "
        f"blijven haar matches zonder iemand van {code} die iets kan doen. {who} ziet "
        f"{them} met 'vix signalen --organisatie' en draagt {them} over aan een collega met "
        f"'vix professional overdragen VAN NAAR', of trekt {them} in met 'vix intrekken "
        f"NUMMER --reden weggenomen'. Deactiveer {code} daarna opnieuw."
    )


def organisation_managers(store: Store, organisation_id: int) -> list[Professional]:
    """The active organisation managers of an organisation, by e-mail address: who
    substitutes for its absent signallers (rule 14)."""
    return [
        _professional(r)
        for r in store.rows(
            _PROFESSIONAL_SQL + " WHERE p.organisation_id = ? AND p.role = 'org_manager'"
            " AND p.active = 1 ORDER BY p.email",
            (organisation_id,),
        )
    ]


def signal_keeper(store: Store, organisation_id: int, code: str) -> str:
    """Who hands an organisation's active signals on, as the subject of the sentence that
    says how: its active organisation managers, or, when it has none, how to appoint one
    (only a manager sees the organisation's signals and withdraws them), ending in "Die".
    Said the same way wherever signals are left behind."""
    managers = organisation_managers(store, organisation_id)
    if managers:
        return f"De instantiebeheerder ({'; '.join(f'{m.name}, {m.email}' for m in managers)})"
    return (
        f"{code} heeft geen actieve instantiebeheerder; wijs er een aan met 'vix professional "
        f"toevoegen E-MAIL NAAM --rol instantiebeheerder --organisatie {code}'. Die"
    )


def _keep_an_administrator(store: Store) -> None:
    """Refuse a change that leaves no administrator who can act: nobody could add,
    deactivate or put back anyone any more, and only a new database would help."""
    if not store.scalar(
        "SELECT 1 FROM professionals p LEFT JOIN organisations o ON o.id = p.organisation_id"
        " WHERE p.role = 'admin' AND p.active = 1 AND coalesce(o.active, 1) = 1 LIMIT 1"
    ):
        raise Conflict(
            "Dan is er geen actieve functioneel beheerder meer, en kan niemand nog "
            "professionals, organisaties of gemeenten beheren; er is niets gewijzigd. Wijs "
            "eerst een andere beheerder aan met 'vix professional toevoegen E-MAIL NAAM "
            "--rol beheerder'."
        )


def _follow_status(
    store: Store, by: Professional, active: bool, professional_ids: list[int]
) -> list[Handover]:
    """Rule 12: a regievoerder who left holds no request (followup.follow_deactivation);
    one who is back holds his or her municipality's requests again
    (followup.follow_activation). The unsent notices of the matches one of them leads
    tell whether he or she can act (followup.follow_lead_status)."""
    from .followup import follow_activation, follow_deactivation, follow_lead_status

    handed = (
        follow_activation(store, by, professional_ids) if active else follow_deactivation(store, by)
    )
    follow_lead_status(store, by, professional_ids)
    return handed


def list_organisations(store: Store, by: Professional) -> list[Organisation]:
    return [
        Organisation(
            r["id"],
            r["code"],
            r["name"],
            r["domain"],
            r["mcode"],
            r["phone"],
            r["email"],
            bool(r["active"]),
        )
        for r in store.rows(
            "SELECT o.*, m.code AS mcode FROM organisations o"
            " LEFT JOIN municipalities m ON m.id = o.municipality_id ORDER BY o.code"
        )
    ]


def add_professional(
    store: Store,
    by: Professional | None,
    *,
    email: str,
    name: str,
    phone: str | None,
    organisation: str | None,
    role: str,
) -> Professional:
    """Add a professional. `by` is None only for the first administrator (vix init)."""
    if by is not None:
        by.require("admin")
    email = email_address(email)
    name = one_line(name, "De naam", name=True)
    phone = phone_number(phone)
    if not name:
        raise InvalidInput("Geef de naam van de professional.")
    internal = role_of(role)
    if organisation is None and internal in ("signaller", "org_manager", "org_coordinator"):
        raise InvalidInput(
            f"Een {ROLE_NAMES[internal]} hoort bij een organisatie: geef --organisatie CODE."
        )
    oid = None
    if organisation is not None:
        org = _organisation_row(store, organisation)
        oid = int(org["id"])
        if not org["active"]:
            # he or she could do nothing and get no notice, and nothing said so
            code = org["code"]
            raise Conflict(
                f"Organisatie {code} is niet actief; een professional van {code} kan niets "
                f"doen en krijgt geen berichten. Zet haar eerst terug met 'vix organisatie "
                f"activeer {code}', of kies een andere organisatie."
            )
    existing = find_professional(store, email)
    if existing is not None:
        raise Conflict(_taken_address(existing, oid))
    new_id = store.insert(
        "INSERT INTO professionals (email, name, phone, organisation_id, role, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (email, name, phone, oid, internal, store.stamp),
    )
    store.audit(None if by is None else by.id, "create", "professional", new_id)
    return professional_by_id(store, new_id)


def _taken_address(existing: Professional, organisation: int | None) -> str:
    """Why an address cannot be added again, and what to do instead: activate or change
    the professional who has it; an address is one professional's for good (audit records
    and signals name him or her), so one who moved to another organisation gets the
    address of that organisation."""
    where = f", organisatie {existing.organisation_code}" if existing.organisation_code else ""
    state = "actief" if existing.active else "niet actief"
    said = (
        f"Er is al een professional met e-mailadres {existing.email} ({existing.name}, "
        f"{state}, rol {existing.role_name}{where})."
    )
    if organisation is not None and organisation != existing.organisation_id:
        return (
            f"{said} Een e-mailadres hoort bij één professional: wie naar een andere "
            "organisatie gaat, krijgt een nieuwe professional met het e-mailadres van die "
            "organisatie."
        )
    change = f"naam, telefoon of rol met 'vix professional wijzig {existing.email}'"
    if existing.active:
        return f"{said} Wijzig zo nodig {change}."
    return (
        f"{said} Zet hem of haar terug met 'vix professional activeer {existing.email}', en "
        f"wijzig zo nodig {change}."
    )


@dataclass(frozen=True)
class ProfessionalChange:
    """What `update_professional` changed: the professional as he or she is now and the
    Dutch names of the changed fields (empty: nothing was different)."""

    professional: Professional
    changed: list[str]


# the Dutch field names of a professional, as the options of 'vix professional wijzig'
PROFESSIONAL_FIELDS = {"name": "naam", "phone": "telefoon", "role": "rol"}


def _known_professional(store: Store, email: str) -> Professional:
    """The professional an administrator names, active or not."""
    found = find_professional(store, email)
    if found is None:
        raise NotFound(
            f"Er is geen professional met e-mailadres {email.strip()}. Controleer het adres; "
            "bekijk de professionals met 'vix professional lijst'."
        )
    return found


def update_professional(
    store: Store,
    by: Professional,
    email: str,
    *,
    name: str | None = None,
    phone: str | None = None,
    role: str | None = None,
) -> ProfessionalChange:
    """Change a professional's name, phone number or role (administrators only).

    The e-mail address and the organisation stay: the address is the login and is
    named in the audit log, and signals and matches belong to the organisation, so
    one who moves gets a new professional there. A role that takes the professional
    out of what he or she still holds is refused with the way out: active signals
    (only a signaller holds them: `vix professional overdragen`), a municipality's
    regie (`vix gemeente wijzig --regievoerder`), the last acting administrator. An
    empty phone number clears it. What vix shows from now on (matches, letters,
    lists) reads the new data; notices already in the outbox keep what they said.
    """
    by.require("admin")
    if name is None and phone is None and role is None:
        raise UsageError("Geef --naam, --telefoon of --rol.")
    found = _known_professional(store, email)
    new_name = found.name
    if name is not None:
        new_name = one_line(name, "De naam", name=True)
        if not new_name:
            raise InvalidInput("Geef de naam van de professional, of laat --naam weg.")
    new_phone = found.phone
    if phone is not None:
        new_phone = phone_number(phone)
    new_role = found.role
    if role is not None:
        new_role = role_of(role)
    if new_role != found.role:
        _check_role_change(store, found, new_role)
    values = {"name": (found.name, new_name), "phone": (found.phone, new_phone)}
    values["role"] = (found.role, new_role)
    changed = [f for f, (old, new) in values.items() if old != new]
    if not changed:
        return ProfessionalChange(found, [])
    store.execute(
        "UPDATE professionals SET name = ?, phone = ?, role = ? WHERE id = ?",
        (new_name, new_phone, new_role, found.id),
    )
    if found.role == "admin":
        _keep_an_administrator(store)
    # rule 18: the fields that changed; a name and a phone number are personal data and
    # are named, not logged; a role decides what he or she may see, so it is logged
    detail: dict[str, object] = {"velden": [PROFESSIONAL_FIELDS[f] for f in changed]}
    if "role" in changed:
        detail["rol"] = {"oud": ROLE_LABELS[found.role], "nieuw": ROLE_LABELS[new_role]}
    store.audit(by.id, "update", "professional", found.id, detail=detail)
    return ProfessionalChange(
        professional_by_id(store, found.id), [PROFESSIONAL_FIELDS[f] for f in changed]
    )


def _check_role_change(store: Store, found: Professional, new_role: str) -> None:
    """Refuse a role that leaves something the professional holds without its holder."""
    label = ROLE_LABELS[new_role]
    name = ROLE_NAMES[new_role]
    if found.organisation_id is None and new_role in (
        "signaller",
        "org_manager",
        "org_coordinator",
    ):
        raise InvalidInput(
            f"Een {name} hoort bij een organisatie, en {found.email} hoort bij geen. Een "
            "professional krijgt met 'wijzig' geen organisatie: voeg hem of haar toe met "
            f"'vix professional toevoegen E-MAIL NAAM --rol {label} --organisatie CODE' (met "
            "een ander e-mailadres)."
        )
    if found.role == "signaller":
        from .transfer import active_signal_count  # transfer imports this module

        held = active_signal_count(store, found.id)
        if held:
            raise Conflict(
                f"{found.email} heeft nog {counted(held, 'actief signaal', 'actieve signalen')}"
                f", en een {name} geeft geen signalen af; de rol is niet gewijzigd. Draag "
                f"{'het' if held == 1 else 'ze'} eerst over aan een collega met 'vix "
                f"professional overdragen {found.email} COLLEGA'."
            )
    if found.role == "municipal_director":
        towns = [
            r[0]
            for r in store.rows(
                "SELECT code FROM municipalities WHERE director_id = ? ORDER BY code", (found.id,)
            )
        ]
        if towns:
            raise Conflict(
                f"{found.email} is regievoerder van {', '.join(towns)}; de rol is niet "
                "gewijzigd. Wijs eerst een andere regievoerder aan met 'vix gemeente wijzig "
                f"{towns[0]} --regievoerder E-MAIL'."
            )


def set_professional_active(
    store: Store, by: Professional, email: str, active: bool
) -> list[Handover]:
    """Switch a professional off (left, other job) or on again.

    Returns the requests for regie that changed hands: on deactivation the ones he
    or she held, now handed over or waiting; on activation the ones of the
    municipalities whose regievoerder he or she still is, which he or she holds
    again (not while the organisation is inactive: `Professional.reachable`).
    Switching to the state he or she is in is refused, as for an organisation.
    """
    by.require("admin")
    found = _known_professional(store, email)
    if found.active == active:
        if active and not found.organisation_active:
            raise Conflict(
                f"Professional {found.email} is al actief, maar de organisatie "
                f"{found.organisation_code} niet; zet die terug met 'vix organisatie activeer "
                f"{found.organisation_code}'."
            )
        raise Conflict(
            f"Professional {found.email} is al actief."
            if active
            else f"Professional {found.email} is al niet meer actief."
        )
    store.execute("UPDATE professionals SET active = ? WHERE id = ?", (int(active), found.id))
    _keep_an_administrator(store)
    store.audit(by.id, "activate" if active else "deactivate", "professional", found.id)
    return _follow_status(store, by, active, [found.id])


def list_professionals(
    store: Store, by: Professional, organisation: str | None = None
) -> list[Professional]:
    """Administrators see everyone, or one organisation's; organisation managers and
    coordinators their own organisation only (rule 16, need to know).

    An unknown `organisation` code is NotFound for everyone; a manager who names
    another organisation is refused, not shown his or her own list instead.
    """
    by.require("admin", "org_manager", "org_coordinator")
    asked = None if organisation is None else organisation_id(store, organisation)
    if by.role != "admin" and asked not in (None, by.organisation_id):
        raise Forbidden(
            f"U ziet alleen de professionals van uw eigen organisatie ({by.organisation_code}). "
            f"Laat --organisatie weg of geef {by.organisation_code}."
        )
    scope = asked if by.role == "admin" else by.organisation_id
    where, params = ("", ()) if scope is None else (" WHERE p.organisation_id = ?", (scope,))
    return [
        _professional(r)
        for r in store.rows(_PROFESSIONAL_SQL + where + " ORDER BY p.email", params)
    ]


def boards(store: Store) -> dict[str, list[str]]:
    """School boards / partnerships: name -> organisation codes (setting `besturen`)."""
    found: dict[str, list[str]] = store.setting("besturen", {})
    return found


def board_with(store: Store, by: Professional, codes: Iterable[str]) -> str | None:
    """The recorded board that holds `by`'s own organisation and every one of `codes`."""
    wanted = {(by.organisation_code or "").upper(), *(c.strip().upper() for c in codes)}
    for name, members in boards(store).items():
        if wanted <= {m.upper() for m in members}:
            return name
    return None


def add_institution_address(store: Store, by: Professional, address_key: str, name: str) -> None:
    by.require("admin")
    store.execute(
        "INSERT INTO institution_addresses (address_key, name) VALUES (?, ?)"
        " ON CONFLICT (address_key) DO UPDATE SET name = excluded.name",
        (address_key, required_name(name, "De naam", missing="Geef de naam van de instelling.")),
    )
    store.audit(by.id, "create", "institution_address", None, detail={"adres": address_key})


def remove_institution_address(store: Store, by: Professional, address_key: str) -> str:
    """Unmark an address marked by mistake: who lives there is a family again (rule 7).
    Returns the institution's name; the caller reconciles the family matches."""
    by.require("admin")
    name = store.scalar(
        "SELECT name FROM institution_addresses WHERE address_key = ?", (address_key,)
    )
    if name is None:
        raise NotFound(
            f"Het adres {address_key} is geen instellingsadres; er is niets gewijzigd. "
            "Controleer postcode en huisnummer."
        )
    store.execute("DELETE FROM institution_addresses WHERE address_key = ?", (address_key,))
    store.audit(
        by.id, "delete", "institution_address", None, detail={"adres": address_key, "naam": name}
    )
    return str(name)


def _fits(check: Callable[[str], object], value: str | None) -> bool:
    if value is None:
        return True
    try:
        check(value)
    except InvalidInput:
        return False
    return True


def unfit_contacts(store: Store) -> list[str]:
    """The professionals, organisations and municipalities whose stored phone number or
    e-mail address (a municipality: its alderman's) would be refused today
    (`text.phone_number`, `text.email_address`), as Dutch lines naming the fields, never
    the values: "professional ib@zon.nl: telefoonnummer".

    An older vix took any line as a phone number, so a note or a BSN may stand there,
    shown in every list and match notice (the alderman's address receives the
    escalations). vix cannot tell which number was meant, so it changes nothing: `vix
    onderhoud` names them every night until the functioneel beheerder (only an admin may
    change these) has corrected or cleared them (`vix professional wijzig ...
    --telefoon`, `vix gemeente wijzig ... --wethouder-email`). An address that holds a
    BSN is named with the number masked.
    """
    found = []
    for kind, email_label, sql in (
        ("professional", "e-mailadres", "SELECT email AS who, phone, email FROM professionals"),
        ("organisatie", "e-mailadres", "SELECT code AS who, phone, email FROM organisations"),
        (
            "gemeente",
            "e-mailadres van de wethouder",
            "SELECT code AS who, NULL AS phone, alderman_email AS email FROM municipalities",
        ),
    ):
        for r in store.rows(sql + " ORDER BY who"):
            fields = [
                label
                for label, check, value in (
                    ("telefoonnummer", phone_number, r["phone"]),
                    (email_label, email_address, r["email"]),
                )
                if not _fits(check, value)
            ]
            if kind == "professional" and "e-mailadres" in fields:
                # the address is the login and stays: a new professional takes over
                fields[-1] += (
                    " (het adres blijft: voeg de professional toe met een goed adres, draag "
                    "over met 'vix professional overdragen' en deactiveer deze)"
                )
            if fields:
                found.append(f"{kind} {hide_numbers(r['who'])}: {' en '.join(fields)}")
    return found
