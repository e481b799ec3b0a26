"""The region, the command runner and the invariants of tests/test_stateful.py.

The region is built once through the CLI (as an administrator would) and copied
into a fresh folder per example. Every invariant here reads the database file
directly with sqlite3 and computes what the rules (DOMAIN.md 6-9, 15, 16, 18)
say from the stored facts, independently of vix/matching.py and vix/views.py:
families are found by a union-find over shared parent keys and shared home
addresses that are no institution's address, need to know from the signals'
owners. The CLI's answers are then compared with that.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import event
from typer.testing import CliRunner, Result

from vix import cli_common
from vix.cli import app

START = datetime(2026, 11, 23, 9, 0)  # a Monday
ADMIN = "beheer@regio.nl"
COORDINATOR = "coordinator@regio.nl"
MANAGER = "directeur@zon.nl"  # org manager of ZON
REGIE = "regie@haarlem.nl"  # regievoerder of HAARLEM

# (code, name, domain, municipality)
ORGANISATIONS = [
    ("ZON", "Basisschool De Zonnebloem", "onderwijs", "HAARLEM"),
    ("ESD", "Basisschool De Esdoorn", "onderwijs", "ZANDVOORT"),
    ("JGZ", "JGZ Kennemerland", "jgz", "HAARLEM"),
    ("JH", "Jeugdhulp Kennemerland", "jeugdhulp", "HAARLEM"),
    ("ST", "Sociaal Team Zandvoort", "maatschappelijke-ondersteuning", "ZANDVOORT"),
    ("GI", "Jeugdbescherming West", "jeugdbescherming", "HAARLEM"),
    ("GEM", "Gemeente Haarlem", "gemeente", "HAARLEM"),
]
# (email, name, role, organisation); no first name of a professional is a youth's
PEOPLE = [
    ("ib@zon.nl", "Ineke Zonder", "meldingsbevoegde", "ZON"),
    ("mentor@zon.nl", "Mark Mentor", "meldingsbevoegde", "ZON"),
    ("ib@esd.nl", "Erik Esdoorn", "meldingsbevoegde", "ESD"),
    ("arts@jgz.nl", "Karin Arts", "meldingsbevoegde", "JGZ"),
    ("hulp@jh.nl", "Hans Hulp", "meldingsbevoegde", "JH"),
    ("hulp2@jh.nl", "Henk Helper", "meldingsbevoegde", "JH"),
    ("team@st.nl", "Tineke Team", "meldingsbevoegde", "ST"),
    ("jb@gi.nl", "Gea Jansma", "meldingsbevoegde", "GI"),
    (MANAGER, "Dirk Directeur", "instantiebeheerder", "ZON"),
    (COORDINATOR, "Carla Coördinator", "coordinator", None),
    (REGIE, "Rita Regie", "regievoerder", "GEM"),
]
SIGNALLERS = [p[0] for p in PEOPLE if p[2] == "meldingsbevoegde"]
EVERYONE = [ADMIN, *(p[0] for p in PEOPLE)]

# parents (BSNs that pass the 11-test; never stored, only as keyed hashes)
PA, PB, PC = "111222308", "111222321", "111222400"
INSTITUTION = ("2011ZZ", "1")


@dataclass(frozen=True)
class Youth:
    """What the parents would tell: the truth a signaller types (or leaves out)."""

    bsn: str | None  # None: no BSN, signalled with --zonder-bsn
    given: str
    surname: str
    born: date
    sex: str
    town: str
    parents: tuple[str, ...] = ()
    address: tuple[str, str] | None = None


YOUTHS = [
    # Anna and Bram share a mother, Bram and Cas a father: one family of half-siblings
    Youth("111222333", "Anna", "Vries", date(2014, 4, 3), "V", "HAARLEM", (PA,)),
    Youth("111222345", "Bram", "Vries", date(2016, 5, 1), "M", "HAARLEM", (PA, PB)),
    Youth("111222357", "Cas", "Bakker", date(2012, 2, 10), "M", "HAARLEM", (PB,)),
    # Daan and Evi share a home
    Youth("111222369", "Daan", "Smit", date(2013, 3, 3), "M", "ZANDVOORT", (), ("2041AB", "12")),
    Youth("111222370", "Evi", "Smit", date(2015, 7, 7), "V", "ZANDVOORT", (), ("2041AB", "12")),
    # Fenna and Gijs live at an institution's address: no family
    Youth("111222382", "Fenna", "Kok", date(2010, 1, 1), "V", "HAARLEM", (), INSTITUTION),
    Youth("111222394", "Gijs", "Mol", date(2011, 1, 1), "M", "HAARLEM", (), INSTITUTION),
    # Hugo turns 23 on 4 December 2026; Iris on 20 January 2028
    Youth("111222412", "Hugo", "Visser", date(2003, 12, 4), "M", "HAARLEM"),
    Youth("111222424", "Iris", "Bos", date(2005, 1, 20), "V", "ZANDVOORT", (), ("2041AB", "14")),
    # twins of one sex without a BSN: one substitute number, told apart by the first name
    Youth(None, "Jip", "Jansen", date(2018, 6, 6), "M", "HAARLEM", (PC,)),
    Youth(None, "Jop", "Jansen", date(2018, 6, 6), "M", "HAARLEM", (PC,)),
]
NAMES = [y.given for y in YOUTHS]
NAME_WORD = re.compile(r"\b(" + "|".join(NAMES) + r")\b")
# every BSN the region knows of; none may ever be shown or stored in clear
BSNS = sorted({y.bsn for y in YOUTHS if y.bsn} | {PA, PB, PC})
# addresses a move or a correction may give: a home, a family's, the institution's
ADDRESSES = [("2041AB", "12"), ("2041AB", "14"), INSTITUTION, ("2011AB", "30"), None]


def dutch(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def twenty_third(born: date) -> date:
    return born + relativedelta(years=23)


# -- running the CLI ------------------------------------------------------------------


class Unexpected:
    """The traceback behind the last "Onverwachte fout", for the failure message.

    vix turns every unexpected exception into that one Dutch line (cli_common._problem);
    the test wraps it so that a failure says where it came from. Nothing else changes."""

    last: str | None = None

    @classmethod
    @contextmanager
    def recorded(cls) -> Iterator[None]:
        original = cli_common._problem

        def problem(error: BaseException, db: Path | None) -> Any:
            found = original(error, db)
            if "Onverwachte fout" in found.message:
                cls.last = "".join(traceback.format_exception(error))
            return found

        cli_common._problem = problem  # type: ignore[assignment]
        try:
            yield
        finally:
            cli_common._problem = original


class Vix:
    """The real CLI in-process on one database file, with the machine's clock."""

    def __init__(self, folder: Path) -> None:
        self.db = folder / "vix.db"
        self.key = folder / "vix.sleutel"
        self.now = START
        self.runner = CliRunner()

    def raw(self, *args: str, als: str | None = None) -> Result:
        env = {
            "VIX_DB": str(self.db),
            "VIX_SLEUTEL": str(self.key),
            "VIX_NU": self.now.isoformat(timespec="seconds"),
            "VIX_GEBRUIKER": als,
            "VIX_SJABLONEN": None,
            "COLUMNS": "200",
        }
        Unexpected.last = None
        return self.runner.invoke(app, list(args), env=env, catch_exceptions=False)

    def run(self, *args: str, als: str | None = None, check_refusal: bool = True) -> Result:
        """Run one command and check what holds for every command:

        - the exit status is 0, 1 or 2, never an unexpected error or a traceback;
        - no BSN of a youth or a parent appears in stdout or stderr;
        - a refused command (1 or 2) changed nothing but the lookups a refusal may log.
        """
        before = fingerprint(self.db) if check_refusal else None
        result = self.raw(*args, als=als)
        said = result.stdout + result.stderr
        where = f"`vix {' '.join(args)}` als {als}:\n{said}\n{Unexpected.last or ''}"
        assert result.exit_code in (0, 1, 2), where
        assert "Onverwachte fout" not in said and "Traceback" not in said, where
        for number in BSNS:
            assert number not in said, f"BSN in clear: {where}"
        if before is not None and result.exit_code != 0:
            assert fingerprint(self.db) == before, f"a refusal changed the database: {where}"
        if trace := os.environ.get("VIX_STATEFUL_LOG"):  # to see what the rules reach
            with open(trace, "a", encoding="utf-8") as log:
                log.write(
                    f"{self.now:%Y-%m-%d %H:%M} {als} {' '.join(args)} -> "
                    f"{result.exit_code} {result.stderr.strip()[:200]}\n"
                )
        if before is not None:
            words = args[:2] if args[0] in ("jeugdige", "professional") else args[:1]
            event(f"{' '.join(words)} -> {result.exit_code}")
        return result

    def json(self, *args: str, als: str) -> Any:
        result = self.run(*args, "--json", als=als, check_refusal=False)
        assert result.exit_code == 0, (args, als, result.stdout, result.stderr)
        return json.loads(result.stdout)


def build_template(folder: Path) -> None:
    """The region, built through the CLI as an administrator would."""
    v = Vix(folder)

    def ok(*args: str, als: str | None = ADMIN) -> None:
        result = v.raw(*args, als=als)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)

    ok("init", "--naam", "Bea Beheer", "--email", ADMIN, "--regio", "Kennemerland", als=None)
    ok("gemeente", "toevoegen", "HAARLEM", "Haarlem")
    ok("gemeente", "toevoegen", "ZANDVOORT", "Zandvoort")
    for code, name, domain, town in ORGANISATIONS:
        ok("organisatie", "toevoegen", code, name, "--domein", domain, "--gemeente", town)
    for email, name, role, org in PEOPLE:
        args = ["professional", "toevoegen", email, name, "--rol", role]
        args += ["--telefoon", "023-5550000"]
        ok(*args, *(["--organisatie", org] if org else []))
    ok(
        "gemeente",
        "wijzig",
        "HAARLEM",
        "--regievoerder",
        REGIE,
        "--wethouder",
        "W. Wethouder",
        "--wethouder-email",
        "wethouder@haarlem.nl",
    )
    ok("instellingsadres", *INSTITUTION, "Leefgroep De Linde")


def copy_template(template: Path, folder: Path) -> Vix:
    for name in ("vix.db", "vix.sleutel"):
        shutil.copy2(template / name, folder / name)
    return Vix(folder)


# -- reading the file -----------------------------------------------------------------


@contextmanager
def reading(db: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
    finally:
        conn.close()


def fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    """Row count and a hash of the sorted rows of every table; the audit log without the
    lookups that a refusal which revealed a registration writes (Store._log_lookups)."""
    found: dict[str, tuple[int, str]] = {}
    with reading(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            where = " WHERE action <> 'lookup'" if table == "audit_log" else ""
            rows = sorted(repr(tuple(r)) for r in conn.execute(f"SELECT * FROM {table}{where}"))
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            found[table] = (len(rows), digest)
    return found


def families(conn: sqlite3.Connection) -> list[set[int]]:
    """Youths linked by a shared registered parent, or a shared home address that is no
    institution's address (rule 7), as connected groups."""
    parent: dict[int, int] = {r[0]: r[0] for r in conn.execute("SELECT id FROM youths")}

    def root(y: int) -> int:
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        return y

    def join(groups: Callable[[], Any]) -> None:
        by_key: dict[Any, int] = {}
        for key, youth in groups():
            if key in by_key:
                parent[root(youth)] = root(by_key[key])
            else:
                by_key[key] = youth

    join(lambda: conn.execute("SELECT parent_key, youth_id FROM youth_parents"))
    join(
        lambda: conn.execute(
            "SELECT address_key, id FROM youths WHERE address_key IS NOT NULL"
            " AND address_key NOT IN (SELECT address_key FROM institution_addresses)"
        )
    )
    grouped: dict[int, set[int]] = {}
    for y in parent:
        grouped.setdefault(root(y), set()).add(y)
    return list(grouped.values())


def check_matches(db: Path) -> None:
    """Rules 6-8 from the stored facts: open matches are exactly what the active signals
    make, each holding exactly those signals; every open match's lead is one of them."""
    with reading(db) as conn:
        active = {
            r["id"]: (r["youth_id"], r["organisation_id"])
            for r in conn.execute(
                "SELECT id, youth_id, organisation_id FROM signals WHERE status = 'active'"
            )
        }
        open_matches: dict[int, tuple[str, int | None, set[int]]] = {
            r["id"]: (r["kind"], r["youth_id"], set())
            for r in conn.execute("SELECT id, kind, youth_id FROM matches WHERE ended_at IS NULL")
        }
        for r in conn.execute(
            "SELECT mm.match_id, mm.signal_id, s.status FROM match_members mm"
            " JOIN signals s ON s.id = mm.signal_id WHERE mm.left_at IS NULL"
        ):
            assert r["status"] == "active", f"ended signal {r['signal_id']} still in a match"
            assert r["match_id"] in open_matches, f"member of ended match {r['match_id']}"
            open_matches[r["match_id"]][2].add(r["signal_id"])
        expected: list[tuple[str, frozenset[int]]] = []
        per_youth: dict[int, set[int]] = {}
        for sid, (youth, _) in active.items():
            per_youth.setdefault(youth, set()).add(sid)
        for sids in per_youth.values():
            if len({active[s][1] for s in sids}) >= 2:
                expected.append(("youth", frozenset(sids)))
        for family in families(conn):
            sids = {s for s, (y, _) in active.items() if y in family}
            youths = {active[s][0] for s in sids}
            if len(youths) >= 2 and len({active[s][1] for s in sids}) >= 2:
                expected.append(("family", frozenset(sids)))
        actual = [(kind, frozenset(members)) for kind, _, members in open_matches.values()]
        assert Counter(actual) == Counter(expected), (
            f"open matches {sorted(open_matches.items())} != expected {expected}"
        )
        for mid, (kind, youth_id, members) in open_matches.items():
            if kind == "youth":
                assert {active[s][0] for s in members} == {youth_id}, f"match {mid}"
        lead = conn.execute(
            "SELECT m.id, m.director_id FROM matches m WHERE m.ended_at IS NULL"
            " AND m.director_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM match_members mm"
            " WHERE mm.match_id = m.id AND mm.left_at IS NULL"
            " AND mm.professional_id = m.director_id)"
        ).fetchall()
        assert not lead, f"director not in the match: {[tuple(r) for r in lead]}"


def check_stored_text(db: Path) -> None:
    """Rule 18 and the security model: no BSN in clear in the audit log or the outbox."""
    with reading(db) as conn:
        for table in ("audit_log", "outbox"):
            for row in conn.execute(f"SELECT * FROM {table}"):
                text = " ".join(str(v) for v in tuple(row) if v is not None)
                for number in BSNS:
                    assert number not in text, f"BSN in clear in {table}: {tuple(row)}"


@dataclass
class Seen:
    """What each professional may know of: the youths he or she ever signalled."""

    pairs: set[tuple[str, str]]  # (email, youth given name)
    outbox_seen: int = 0


def check_notices(db: Path, seen: Seen) -> None:
    """Rules 7, 9 and 16 for the notices queued since the last step: a notice names only
    youths its recipient signalled (a family match never names the other child), and a
    notice to a process role (manager, coordinator, alderman) names none. The
    regievoerder, who may hold a match's regie and hears of moves, is not checked."""
    with reading(db) as conn:
        for r in conn.execute(
            "SELECT s.id, p.email, y.given_name FROM signals s"
            " JOIN professionals p ON p.id = s.professional_id JOIN youths y ON y.id = s.youth_id"
        ):
            seen.pairs.add((r["email"], r["given_name"]))
        rows = conn.execute(
            "SELECT o.id, o.kind, o.recipient_email, o.subject, o.body, p.role FROM outbox o"
            " LEFT JOIN professionals p ON p.id = o.recipient_id WHERE o.id > ? ORDER BY o.id",
            (seen.outbox_seen,),
        ).fetchall()
    for r in rows:
        seen.outbox_seen = max(seen.outbox_seen, r["id"])
        if r["role"] == "municipal_director":
            continue
        named = set(NAME_WORD.findall(r["subject"] + "\n" + r["body"]))
        allowed = {n for e, n in seen.pairs if e == r["recipient_email"]}
        if r["role"] != "signaller":
            allowed = set()
        assert named <= allowed, (
            f"notice {r['id']} ({r['kind']}) to {r['recipient_email']} names {named - allowed}:"
            f"\n{r['subject']}\n{r['body']}"
        )


def check_need_to_know(v: Vix) -> None:
    """Rule 16 for every professional: `vix matches` and `vix signalen` show exactly the
    open matches he or she has an active signal in (or holds the regie of) and the own
    active signals; a match shows its members and, for a family match, only the youths
    of the viewer's own signals."""
    with reading(v.db) as conn:
        pros = {
            r["email"]: (r["id"], r["role"], r["organisation_id"])
            for r in conn.execute("SELECT id, email, role, organisation_id FROM professionals")
        }
        reachable = {
            r[0]: bool(r[1])
            for r in conn.execute(
                "SELECT p.email, p.active AND coalesce(o.active, 1) FROM professionals p"
                " LEFT JOIN organisations o ON o.id = p.organisation_id"
            )
        }
        names = {
            r["id"]: " ".join(p for p in (r["given_name"], r["infix"], r["surname"]) if p)
            for r in conn.execute("SELECT id, given_name, infix, surname FROM youths")
        }
        members: dict[int, list[tuple[int, int, str]]] = {}  # match -> (signal, youth, owner)
        for r in conn.execute(
            "SELECT mm.match_id, s.id, s.youth_id, p.email FROM match_members mm"
            " JOIN matches m ON m.id = mm.match_id AND m.ended_at IS NULL"
            " JOIN signals s ON s.id = mm.signal_id AND s.status = 'active'"
            " JOIN professionals p ON p.id = s.professional_id WHERE mm.left_at IS NULL"
        ):
            members.setdefault(r[0], []).append((r[1], r[2], r[3]))
        matches = {
            r["id"]: (r["kind"], r["youth_id"], r["regie"])
            for r in conn.execute(
                "SELECT m.id, m.kind, m.youth_id, p.email AS regie FROM matches m"
                " LEFT JOIN professionals p ON p.id = m.regievoerder_id WHERE m.ended_at IS NULL"
            )
        }
        own_signals = {
            email: sorted(
                r[0]
                for r in conn.execute(
                    "SELECT id FROM signals WHERE professional_id = ? AND status = 'active'",
                    (pid,),
                )
            )
            for email, (pid, _, _) in pros.items()
        }
        org_signals = sorted(
            r[0]
            for r in conn.execute(
                "SELECT s.id FROM signals s JOIN organisations o ON o.id = s.organisation_id"
                " WHERE o.code = 'ZON' AND s.status = 'active'"
            )
        )
    for email in [*SIGNALLERS, REGIE]:
        role = pros[email][1]
        if not reachable[email]:
            # who left (or whose organisation did) sees nothing at all
            result = v.run("matches", "--json", als=email, check_refusal=False)
            assert result.exit_code == 1 and not result.stdout, (email, result.stdout)
            continue
        mine = {
            mid
            for mid, (_, _, regie) in matches.items()
            if regie == email or any(owner == email for _, _, owner in members.get(mid, []))
        }
        shown = v.json("matches", als=email)
        assert sorted(m["id"] for m in shown) == sorted(mine), (email, shown, mine)
        for m in shown:
            kind, youth_id, _ = matches[m["id"]]
            rows = members.get(m["id"], [])
            owners = {owner for _, _, owner in rows}
            assert {x["email"] for x in m["members"]} == owners, (email, m)
            if kind == "youth":
                youths = {names[youth_id]}
            else:
                youths = {names[y] for _, y, owner in rows if owner == email}
                if role == "signaller":
                    assert m["municipality"] is None, (email, m)
            assert {y["name"] for y in m["youths"]} == youths, (email, m)
        if role == "signaller":
            listed = v.json("signalen", als=email)
            assert sorted(s["id"] for s in listed) == own_signals[email], (email, listed)
    listed = v.json("signalen", "--organisatie", als=MANAGER)  # the manager stays
    assert sorted(s["id"] for s in listed) == org_signals, listed


def check_after_maintenance(db: Path, today: date) -> None:
    """Rule 15 once `vix onderhoud` ran: nothing past its term is left."""
    with reading(db) as conn:
        overdue = conn.execute(
            "SELECT id FROM signals WHERE status = 'active' AND planned_removal <= ?",
            (today.isoformat(),),
        ).fetchall()
        assert not overdue, f"active past the planned removal: {[r[0] for r in overdue]}"
        stale = conn.execute(
            "SELECT id FROM signals WHERE status = 'ended' AND archive_until <= ?",
            (today.isoformat(),),
        ).fetchall()
        assert not stale, f"archive past its term: {[r[0] for r in stale]}"
        for r in conn.execute(
            "SELECT y.given_name, y.birth_date, count(s.id) AS n FROM youths y"
            " JOIN signals s ON s.youth_id = y.id GROUP BY y.id"
        ):
            born = date.fromisoformat(r["birth_date"])
            assert twenty_third(born) > today, f"{r['given_name']} is 23 and still has signals"
        unused = conn.execute(
            "SELECT given_name FROM youths y WHERE NOT EXISTS"
            " (SELECT 1 FROM signals s WHERE s.youth_id = y.id)"
            " AND NOT EXISTS (SELECT 1 FROM pupils p WHERE p.youth_id = y.id)"
        ).fetchall()
        assert not unused, f"youths kept without a signal: {[r[0] for r in unused]}"


def registered_number(db: Path, youth: Youth) -> str | None:
    """The number the youth is registered under, if any (a substitute number for twins)."""
    with reading(db) as conn:
        if youth.bsn is not None:
            found = conn.execute("SELECT bsn FROM youths WHERE bsn = ?", (youth.bsn,)).fetchone()
        else:
            found = conn.execute(
                "SELECT bsn FROM youths WHERE given_name = ? AND surname = ? AND birth_date = ?",
                (youth.given, youth.surname, youth.born.isoformat()),
            ).fetchone()
    return None if found is None else str(found[0])


def scalar(db: Path, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with reading(db) as conn:
        found = conn.execute(sql, params).fetchone()
    return None if found is None else found[0]


def column(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    with reading(db) as conn:
        return [r[0] for r in conn.execute(sql, params)]


def profile_env() -> str:
    return os.environ.get("VIX_HYPOTHESIS", "ci")
