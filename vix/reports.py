"""Evaluation reports and documents: jaarverslag, evaluatielijst, inzage, brief.

Contract:

- Every function takes the Store first and the acting professional second,
  checks in this layer who may see what (DOMAIN.md rule 16) and returns a
  context dataclass; `render_document()` turns one into text or HTML through
  the shared Jinja2 environment (templates under `rapport/` and `brief/`).
- The jaarverslag is built from SQL aggregations (GROUP BY on indexes): no
  signal or match row is loaded into Python, only counts per month,
  organisation, reason or day-difference. A municipality's signals are
  counted from its youths, the region's and organisations' per organisation
  (`_live_signals`).
- A signal deleted at once, and an archived one whose archive entry went,
  still count from their counters (`signal_deletions`, `archive_deletions`:
  per organisation and whole month), so that a report over a past period
  stays the same; a municipality report has neither (the home town is not
  kept), nor does "youths" count them.
- A match counts for an organisation (and a board, and in the per-organisation and
  per-domain lines) in a period when one of its signals was in it during the period
  (`member_during`), an escalation when it was in the match on that day; "over
  gemeentegrenzen" is the match as it was up to the period's end
  (`CROSS_MUNICIPALITY_SQL`): a later member, or a later move, adds nothing to a past
  period there. What does change a past period: a municipality's report counts the
  matches it has regie of now (`matching.follow_residence` moves an open match with its
  youths; no earlier municipality is kept), and the per-domain lines read the
  organisation's domain now. And one month differs between reports: a member counts
  for the report's period, not the month, so an organisation's month depends on where
  the period ends (for "ended" also where it starts).
- Counts of 1 to 4 are shown as "<5" in every report that leaves the
  organisation: region, municipality and board reports, and an
  organisation's report made by someone outside it; a count that, with a
  total, would give such a "<5" away is shown as "x", and one whose marks
  together would still give one away loses its bounds: "." (`_shield`, with
  the rules in vix/disclosure.py; against a reader who adds and subtracts,
  not one who knows those rules: docs/README-reports.md). The organisation's
  own report for its own manager or coordinator shows exact counts and says
  it is internal. A shielded report covers whole calendar months, and an org
  coordinator may make only the whole board of the own organisation (one
  board per organisation), so that two reports cannot be subtracted to give
  a day's or a part's small count; what remains is in docs/README-reports.md.
  Percentages and medians over fewer than 5 matches are left out, and so is
  a percentage whose part or whole is hidden.
- "Agreement on time" is the stagnation run's test (`followup.overdue`, the
  one `vix stagnatie` escalates by) with the region's settings as they are now
  (`stagnatie_dagen`, and `werkdagen` with the closed days: working or calendar
  days); every day count of the report (to contact, to agreement) is in that
  unit. It is applied to milestones grouped per (creation day, milestone day),
  not to every match.
- The three heaviest counts run on a second read-only connection in a thread
  when that connection sees exactly the report's state (`_SideQueries`).
- Evaluatielijst, inzage and brief show personal data: each read is written
  to the audit log with the youth's pseudonym.
- Inzage and brief tell parents what rule 15 does when: an active signal's
  end, then the history archive, then deletion, at the 23rd birthday at the
  latest (`signals.retention`); the inzage's `removed_on` is the last of those
  days over all the youth's signals, never only the end of the active ones.

Who may run what:

| report | roles |
|---|---|
| jaarverslag regio | coordinator, admin |
| jaarverslag gemeente | coordinator, admin, the municipality's regievoerder |
| jaarverslag organisatie (one) | coordinator, admin; org_manager / org_coordinator of it |
| jaarverslag bestuur (several) | coordinator, admin; org_coordinator of a member: the whole board |
| evaluatielijst | org_manager of the organisation |
| inzage | coordinator, admin (handling the parents' request) |
| brief aan ouders | the signaller of the signal, org_manager of its organisation |
"""

from __future__ import annotations

import calendar
import json
import statistics
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any, TypedDict

from dateutil.relativedelta import relativedelta
from jinja2 import Template

from . import disclosure
from .db import Store, open_reader
from .disclosure import THRESHOLD
from .errors import Conflict, Forbidden, InvalidInput
from .followup import Rules, overdue
from .notices import MATCH_KINDS, NOTICE_LABELS, sql_list
from .people import (
    DOMAIN_LABELS,
    ROLE_NAMES,
    Professional,
    boards,
    municipality_id,
    organisation_id,
    professional_by_id,
)
from .render import dutch_date, environment, render_loaded, templates_folder, told
from .signals import (
    AGE_23,
    ARCHIVE_YEARS_DEFAULT,
    end_due_of,
    require_own_signal,
    retention,
    shown_reason,
)
from .text import or_list, required_name
from .youths import (
    NUMBER_KIND_LABELS,
    Registration,
    SubstituteData,
    Youth,
    anniversary,
    clean_bsn,
    clean_number_without_bsn,
    derived_number,
    find_youth,
    kept_apart_pairs,
    number_kind,
    pair_key,
    registrations_deriving,
    same_youth_registrations,
    shown_number,
    twenty_third_birthday,
    youth_name_sql,
)

FORMATS = {"tekst": "txt", "html": "html"}
# the ends a report counts, as withdrawn ('resolved') and expired, live and purged alike: a
# signal that a transfer ended because the colleague already signals the youth
# ('transferred', vix/transfer.py) is no end of the organisation's involvement
COUNTED_ENDS = ("resolved", "expired")

Figure = int | str  # a count, or the mark of a hidden one (vix/disclosure.py)

# the reasons `signal_deletions` can hold (signals.DELETION_REASONS) that the jaarverslag
# shows in a row of their own (SignalFigures.withdrawn_unjustified and expired_age_23,
# worded by the templates), and labels for the others (a test keeps the two together
# equal to DELETION_REASONS): a report never shows a stored code such as 'erasure_request'
OWN_ROW_DELETIONS = ("unjustified", AGE_23)
DELETION_LABELS = {
    "objection": "gegrond bezwaar (gewist)",
    "erasure_request": "verzoek tot wissen (gewist)",
    "death": "overlijden (gewist)",
}
OTHER_DELETION = "andere reden (gewist)"  # no reason vix stores: a database edited by hand
ESCALATION_LABELS = {
    1: "niveau 1: instantiebeheerders",
    2: "niveau 2: regionaal coördinator",
    3: "niveau 3: wethouder Jeugd",
}
AGREEMENT_BUCKETS: list[tuple[str, int, int]] = [
    ("0", 0, 0),
    ("1", 1, 1),
    ("2", 2, 2),
    ("3", 3, 3),
    ("4", 4, 4),
    ("5", 5, 5),
    ("6-10", 6, 10),
    ("11-20", 11, 20),
    (">20", 21, 10**9),
]
MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

# Matches over municipal borders, as they were up to the period's end (a later move leaves a
# past period as it was): a youth match whose youth moved while it ran, a family match one
# of whose youths moved while in it, or whose youths lived in more than one municipality.
# Only the youths whose signal was in the match during the period (`member_during`) count.
# A move is after a moment (the match's creation, a member's joining) when its day is later,
# or is that day and it was recorded after the moment: one recorded before it that day had
# happened by then (vix refuses a move in the future). A move from no municipality
# (from_municipality_id NULL) is no move across a border: the youth lived nowhere before it.
# One look at a youth's moves (youth_moves) per member period: the first move after it
# joined, passing over a move from no municipality up to the period's (or the member's)
# end. In that time, the youth moved in the match (-2); after it, the municipality it left
# is where the youth lived meanwhile (-1 if none: a move from none after the period);
# without one, where the youth lives now.
# MIN <> MAX over those homes, without the -1s (as COUNT DISTINCT ignores NULL): more than
# one municipality, without a DISTINCT table per match. `LIMIT -1` keeps the homes a
# subquery of their own, so that each is looked up once, not once per MIN and MAX.
# Formatted with the period and the scope of the matches (alias m).
CROSS_MUNICIPALITY_SQL = """
SELECT COUNT(*) FROM matches m WHERE {period} AND {scope} AND (
  EXISTS (SELECT 1 FROM youth_moves mv WHERE mv.youth_id = m.youth_id
          AND mv.from_municipality_id IS NOT NULL
          AND (mv.moved_on > substr(m.created_at, 1, 10) OR
               mv.moved_on = substr(m.created_at, 1, 10) AND mv.recorded_at > m.created_at)
          AND mv.moved_on <= min(:tot, coalesce(substr(m.ended_at, 1, 10), :tot)))
  OR (m.kind = 'family' AND (
    SELECT MIN(h.mun) = -2 OR MIN(nullif(h.mun, -1)) <> MAX(nullif(h.mun, -1)) FROM (
      SELECT coalesce(
        (SELECT CASE WHEN mv.moved_on <= min(:tot, coalesce(substr(mm.left_at, 1, 10), :tot))
                THEN -2 ELSE coalesce(mv.from_municipality_id, -1) END
         FROM youth_moves mv WHERE mv.youth_id = s.youth_id
         AND (mv.moved_on > substr(mm.joined_at, 1, 10) OR
              mv.moved_on = substr(mm.joined_at, 1, 10) AND mv.recorded_at > mm.joined_at)
         AND (mv.from_municipality_id IS NOT NULL
              OR mv.moved_on > min(:tot, coalesce(substr(mm.left_at, 1, 10), :tot)))
         ORDER BY mv.moved_on, mv.id LIMIT 1),
        y.municipality_id) AS mun
      FROM match_members mm JOIN signals s ON s.id = mm.signal_id
      JOIN youths y ON y.id = s.youth_id
      WHERE mm.match_id = m.id AND mm.joined_at < :eind LIMIT -1) h))
)"""


# -- months ------------------------------------------------------------------


def month_label(month: str) -> str:
    return f"{MONTHS[int(month[5:7]) - 1]} {month[:4]}"


def _months(start: date, end: date) -> list[str]:
    out: list[str] = []
    day = start.replace(day=1)
    while day <= end:
        out.append(day.isoformat()[:7])
        day += relativedelta(months=1)
    return out


# -- a second reader ------------------------------------------------------------


class _SideQueries:
    """Run some of the report's read-only aggregations on a second connection.

    The machine has more than one core and each big aggregation is CPU-bound
    in SQLite (which releases the GIL), so a thread with its own connection
    computes these while the main connection computes the rest.

    Only when that reader sees exactly what the main connection sees: the
    main connection has written nothing yet (`total_changes == 0`), and its
    transaction is BEGIN IMMEDIATE (every command, see `Store.transaction`),
    so no other writer can commit while the report is made. Otherwise (or for
    a database without a file) the queries run on the main connection.
    """

    def __init__(self, store: Store, queries: dict[str, tuple[str, dict[str, Any]]]) -> None:
        self._store = store
        self._queries = queries
        self._results: dict[str, list[Any]] = {}
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        conn = store.db.conn
        if conn.in_transaction and conn.total_changes == 0 and store.path.is_file():
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            conn = open_reader(self._store.path)
            try:
                conn.execute("BEGIN")
                for key, (sql, params) in self._queries.items():
                    self._results[key] = conn.execute(sql, params).fetchall()
                conn.execute("COMMIT")
            finally:
                conn.close()
        except BaseException as exc:  # handed to the caller in result()
            self._error = exc

    def result(self, key: str) -> list[Any]:
        if self._thread is None:
            if key not in self._results:
                sql, params = self._queries[key]
                self._results[key] = list(self._store.rows(sql, params))
            return self._results[key]
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._results[key]


# -- scope and permissions -----------------------------------------------------


@dataclass(frozen=True)
class Scope:
    kind: str  # regio | gemeente | organisatie | bestuur
    label: str
    municipality_id: int | None = None
    organisation_ids: tuple[int, ...] = ()
    internal: bool = False  # the organisation's own report: exact counts

    @property
    def suppress(self) -> bool:
        return not self.internal

    def signals_from(self) -> str:
        """FROM and WHERE of the scope's signals (alias s); the caller adds `AND ...`.

        A municipality's signals are those of its youths: read from those youths
        (youths_municipality, then signals_youth: a few thousand rows), the CROSS
        JOIN keeping that order, as vix keeps no planner statistics (no ANALYZE).
        """
        if self.kind == "gemeente":
            return (
                "youths y CROSS JOIN signals s WHERE y.municipality_id = :mun AND s.youth_id = y.id"
            )
        return f"signals s WHERE {self.signals_where()}"

    def signals_where(self) -> str:
        """The region's or organisations' signals among all: for range counts on them.

        Not for a municipality: its signals are counted from its youths
        (`signals_from`), never per organisation or month of the whole region.
        """
        assert self.kind != "gemeente", "a municipality's signals: signals_from()"
        if self.organisation_ids:
            return f"s.organisation_id IN ({_ints(self.organisation_ids)})"
        return "1 = 1"

    def deletions_where(self) -> str | None:
        """None: deleted signals are counted per organisation only, not per home town."""
        if self.kind == "gemeente":
            return None
        if self.organisation_ids:
            return f"d.organisation_id IN ({_ints(self.organisation_ids)})"
        return "1 = 1"

    def matches_where(self, on: str | None = None) -> str:
        """The scope's matches (alias m); the caller adds the period.

        A municipality's are those it has regie of now (a match that moved with its youths
        leaves the old municipality's past periods). An organisation's are those one of its
        signals was in during the period (`member_during`: a report over a past period
        does not take in a match the organisation joined later, with its stagnation);
        with `on`, an SQL expression of a day (an escalation's), those it was in on that
        day.
        """
        if self.kind == "gemeente":
            return "m.municipality_id = :mun"
        if self.organisation_ids:
            orgs = f"om.organisation_id IN ({_ints(self.organisation_ids)})"
            if on is not None:
                return (
                    "EXISTS (SELECT 1 FROM match_members om WHERE om.match_id = m.id"
                    f" AND {orgs} AND substr(om.joined_at, 1, 10) <= {on}"
                    f" AND (om.left_at IS NULL OR om.left_at >= {on}))"
                )
            # the organisation's member rows (match_members_organisation), once
            return f"m.id IN (SELECT om.match_id FROM match_members om WHERE {orgs}" + (
                f" AND {member_during('om')})"
            )
        return "1 = 1"


def member_during(alias: str) -> str:
    """SQL: the member row `alias` (match_members) was in its match during the period
    [:van, :eind): it joined before the period's end and had not left before its start.

    An organisation or domain counts in a match for a period by that, in every report:
    the match's own figures are dated by the match (created, ended), so a match made in
    the period counts for the organisations that were in it by the period's end, not for
    one that joined after it (a report over a past period stays as it was).
    """
    return f"{alias}.joined_at < :eind AND ({alias}.left_at IS NULL OR {alias}.left_at >= :van)"


def _ints(values: tuple[int, ...]) -> str:
    return ",".join(str(int(v)) for v in values)


def set_board(store: Store, by: Professional, name: str, codes: list[str]) -> list[str]:
    """Record which organisations form a board (administrator)."""
    by.require("admin")
    # the name heads every board report, which goes outside the organisations
    name = required_name(name, "De naam van het bestuur")
    if not codes:
        raise InvalidInput("Geef de naam van het bestuur en minstens één --organisatie CODE.")
    clean = []
    for code in codes:
        organisation_id(store, code)
        clean.append(code.strip().upper())
    current = boards(store)
    for other, members in sorted(current.items()):
        shared = sorted(set(clean) & {m.upper() for m in members})
        if other != name and shared:  # see _require_own_board
            raise Conflict(
                f"{', '.join(shared)} {'horen' if len(shared) > 1 else 'hoort'} al bij "
                f"bestuur {other}. Een organisatie hoort bij "
                "één bestuur: een instellingscoördinator zou anders twee rapporten met "
                "gemeenschappelijke organisaties van elkaar kunnen aftrekken. Pas dat bestuur "
                f'aan (vix rapport bestuur "{other}" --organisatie ...) of laat '
                f"{', '.join(shared)} hier weg."
            )
    current[name] = sorted(set(clean))
    store.set_setting("besturen", current)
    store.audit(by.id, "update", "board", None, detail={"bestuur": name})
    return current[name]


def resolve_scope(
    store: Store,
    by: Professional,
    *,
    region: bool = False,
    municipality: str | None = None,
    organisations: list[str] | None = None,
) -> Scope:
    """Which part of the index the report covers, and whether `by` may see it."""
    organisations = organisations or []
    chosen = sum([region, municipality is not None, bool(organisations)])
    if chosen > 1:
        raise InvalidInput("Kies één van --regio, --gemeente of --organisatie.")
    if chosen == 0:  # the actor's natural scope
        if by.role in ("coordinator", "admin"):
            region = True
        elif by.role == "municipal_director":
            codes = [
                str(r["code"])
                for r in store.rows(
                    "SELECT code FROM municipalities WHERE director_id = ? ORDER BY code",
                    (by.id,),
                )
            ]
            if not codes:
                raise Forbidden("U bent voor geen gemeente regievoerder; geef --gemeente CODE.")
            if len(codes) > 1:  # one of them, picked silently, would pass for all of them
                raise InvalidInput(
                    f"U bent regievoerder van meer gemeenten ({', '.join(codes)}); geef met "
                    "--gemeente CODE aan over welke gemeente het rapport gaat."
                )
            municipality = codes[0]
        elif by.organisation_code is not None:
            organisations = [by.organisation_code]
    if region:
        _require_scope(store, by, "de hele regio", "--regio")
        name = store.setting("regio_naam", "de regio")
        return Scope("regio", "de hele regio" if name == "de regio" else f"regio {name}")
    if municipality is not None:
        mid = municipality_id(store, municipality)
        row = store.row("SELECT name, director_id FROM municipalities WHERE id = ?", (mid,))
        assert row is not None
        own = by.role == "municipal_director" and row["director_id"] == by.id
        if not own:
            _require_scope(store, by, "een andere gemeente", "--gemeente")
        return Scope("gemeente", f"gemeente {row['name']}", municipality_id=mid)
    if not organisations:
        raise Forbidden(f"{by.email} heeft geen organisatie; kies --regio of --gemeente.")
    ids = tuple(sorted({organisation_id(store, code) for code in organisations}))
    found = store.rows(
        f"SELECT name, code FROM organisations WHERE id IN ({_ints(ids)}) ORDER BY name"
    )
    names = [r["name"] for r in found]
    if len(ids) == 1:
        own = by.organisation_id == ids[0] and by.role in ("org_manager", "org_coordinator")
        if not own:
            _require_scope(store, by, "een andere organisatie", "--organisatie")
        return Scope("organisatie", names[0], organisation_ids=ids, internal=own)
    # the board's name only for the whole board: a part named so would pass for all of it
    whole = _whole_board(store, [r["code"] for r in found])
    if by.role == "org_coordinator" and by.organisation_id in ids:
        _require_own_board(store, by, whole)
    else:
        _require_scope(store, by, "andere organisaties", "--organisatie")
    label = f"bestuur {whole}" if whole else "organisaties " + ", ".join(names)
    return Scope("bestuur", label, organisation_ids=ids)


def _require_scope(store: Store, by: Professional, other: str, option: str) -> None:
    """Only the regional coordinator and the administrator report beyond their own part;
    a regievoerder or an organisation's manager who asks for `other` (with `option`) is
    told which report is his or hers, and who makes the one asked for."""
    if by.role in ("coordinator", "admin"):
        return
    maker = "maakt de regionaal coördinator of de functioneel beheerder"
    if by.role == "municipal_director":
        towns = store.rows(
            "SELECT code, name FROM municipalities WHERE director_id = ? ORDER BY code", (by.id,)
        )
        if towns:
            names = or_list([str(t["name"]) for t in towns]).replace(" of ", " en ")
            codes = or_list([str(t["code"]) for t in towns])
            if len(towns) == 1:
                own = f"uw eigen gemeente (laat {option} weg of geef --gemeente {codes})"
            else:
                own = f"uw eigen gemeenten (geef --gemeente {codes})"
            raise Forbidden(
                f"U bent regievoerder van {names}: u maakt alleen het rapport over {own}. "
                f"Een rapport over {other} {maker}."
            )
    elif by.role in ("org_manager", "org_coordinator") and by.organisation_code is not None:
        board = " of over het hele bestuur ervan" if by.role == "org_coordinator" else ""
        raise Forbidden(
            f"U bent {by.role_name} van {by.organisation_name}: u maakt alleen het rapport "
            f"over uw eigen organisatie{board} (laat {option} weg of geef --organisatie "
            f"{by.organisation_code}). Een rapport over {other} {maker}."
        )
    by.require("coordinator", "admin")


def _boards_holding(store: Store, code: str) -> dict[str, list[str]]:
    return {
        name: members
        for name, members in boards(store).items()
        if code.upper() in {m.upper() for m in members}
    }


def _require_own_board(store: Store, by: Professional, whole: str | None) -> None:
    """An instellingscoördinator reports on the one whole board of the own organisation.

    Never on a part of it, nor on one of two boards: a board report less the
    report on a part (or on another board with members in common) would give the
    count of the other organisations exactly, where each report hides it as small.
    The board report is shielded against the reader's own exact report
    (`_reader_knows`), so these are the only reports the reader can set side by side.
    """
    assert by.organisation_code is not None
    own = _boards_holding(store, by.organisation_code)
    if not own:
        by.require("coordinator", "admin")  # no board recorded: the usual refusal
    if len(own) > 1:
        raise Forbidden(
            f"Uw organisatie {by.organisation_code} staat in meer dan één bestuur "
            f"({', '.join(sorted(own))}); rapporten over twee besturen met gemeenschappelijke "
            "organisaties zijn van elkaar af te trekken. Vraag de functioneel beheerder de "
            "organisatie in één bestuur vast te leggen, of vraag de regionaal coördinator om "
            "het rapport."
        )
    (name, members), *_ = own.items()
    if whole != name:
        options = " ".join(f"--organisatie {m}" for m in sorted(members))
        raise Forbidden(
            f"Als instellingscoördinator maakt u het rapport over het hele bestuur {name}: "
            "niet over een deel ervan (een deel is van het geheel af te trekken) en niet over "
            f"organisaties daarbuiten. Geef {options}."
        )


def _whole_board(store: Store, codes: list[str]) -> str | None:
    """The recorded board whose members are exactly `codes`, if any."""
    wanted = {c.upper() for c in codes}
    for name, members in boards(store).items():
        if {m.upper() for m in members} == wanted:
            return name
    return None


def check_period(start: date, end: date, today: date) -> None:
    """Refuse a period no report can cover, before any date arithmetic on it.

    A period that begins after today has nothing to count yet; refusing it also
    keeps every date the report computes (the day after the end, the next month,
    the working-day calendar up to a year past the end) far from date.max: a
    period in the year 9999 would otherwise end in an OverflowError.
    """
    if end < start:
        raise InvalidInput(
            f"De einddatum (--tot {dutch_date(end)}) ligt vóór de begindatum (--van "
            f"{dutch_date(start)}). Geef bij --tot een datum op of na {dutch_date(start)}, of "
            "verwissel de twee datums."
        )
    if start > today:
        raise InvalidInput(
            f"De periode begint op {dutch_date(start)}, na vandaag ({dutch_date(today)}): "
            "daarover is nog niets te tellen. Kies een begindatum (--van) tot en met vandaag."
        )
    if end > _three_years_from(start):
        raise InvalidInput(
            "Een rapport beslaat hoogstens drie jaar (vanaf "
            f"{dutch_date(start)} tot en met {dutch_date(_three_years_from(start))}); "
            "kies een kortere periode."
        )


def _three_years_from(start: date) -> date:
    """The last day of a period of three years from `start` (from 29-02: to 28-02).

    Three calendar years, not 3 * 366 days: that let 01-03-2024 .. 03-03-2027 through.
    """
    return anniversary(start, 3) - timedelta(days=1)


def _last_day(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def check_whole_months(start: date, end: date, label: str, today: date) -> None:
    """A shielded report covers whole calendar months (DOMAIN.md rule 16).

    Two reports whose periods differ by a day would give, subtracted, the
    counts of that day exactly, however each report hides its small counts;
    with whole months the least a reader can isolate so is one month. The
    suggested period takes in the months of the asked one (or, where that
    would pass three years, the whole months inside it; where those begin
    after today, which `check_period` would refuse, the month of the start and
    three years from it). Call after `check_period`.
    """
    if start.day == 1 and end == _last_day(end):
        return
    first, last = start.replace(day=1), _last_day(end)
    if last > _three_years_from(first):
        inside = first if start.day == 1 else _last_day(start) + timedelta(days=1)
        if inside <= today:
            first = inside
            last = last if end == last else end.replace(day=1) - timedelta(days=1)
        else:
            last = _three_years_from(first)
    raise InvalidInput(
        f"Een rapport met afgeschermde aantallen ({label}) beslaat hele kalendermaanden: "
        "--van op de eerste en --tot op de laatste dag van een maand, zodat twee rapporten "
        "samen geen aantallen per dag verraden. Kies bijvoorbeeld "
        f"--van {dutch_date(first)} --tot {dutch_date(last)}."
    )


def default_period(today: date) -> tuple[date, date]:
    """The last twelve whole months: in January, the previous calendar year."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1) - relativedelta(months=11), end


def asked_period(today: date, start: date | None, end: date | None) -> tuple[date, date]:
    """The period of `--van` and `--tot`, either of which may be missing.

    Without either: the last twelve whole months. With only `--tot`: the twelve
    months up to and including that day (whole months when it is a month's last
    day). With only `--van`: up to and including the last whole month, as without
    either; a `--van` after that is refused with words that say where the end came
    from (it was refused as "--tot ... ligt vóór --van ...", a --tot never typed).
    """
    if start is not None and end is not None:
        return start, end
    if end is not None:
        start = end - relativedelta(years=1) + timedelta(days=1)
        if start > today:
            raise InvalidInput(
                f"Met alleen --tot beslaat een rapport de twaalf maanden tot en met die dag "
                f"(vanaf {dutch_date(start)}), en die beginnen na vandaag "
                f"({dutch_date(today)}). Kies een eerdere --tot, of geef ook --van."
            )
        return start, end
    default_start, default_end = default_period(today)
    if start is None:
        return default_start, default_end
    if start > today:
        return start, start  # refused as a period that begins after today (`check_period`)
    if start > default_end:
        raise InvalidInput(
            f"Zonder --tot loopt een rapport tot en met de laatste hele maand "
            f"({dutch_date(default_end)}), en --van {dutch_date(start)} ligt daarna. Geef ook "
            f"--tot (bijvoorbeeld --tot {dutch_date(today)}, vandaag), of kies een --van tot "
            f"en met {dutch_date(default_end)}."
        )
    return start, default_end


# -- the jaarverslag -----------------------------------------------------------


@dataclass
class SignalFigures:
    placed: Figure
    youths: Figure
    withdrawn_resolved: Figure
    withdrawn_unjustified: Figure | None
    expired: Figure
    expired_age_23: Figure | None
    deleted_other: dict[str, Figure]
    active_now: Figure


@dataclass
class Escalation:
    level: int
    label: str
    count: Figure


@dataclass
class MatchFigures:
    arisen: Figure
    youth_arisen: Figure
    family_arisen: Figure
    youth_ended: Figure
    family_ended: Figure
    # arisen, and the agreement term has passed while it ran (or agreement recorded)
    judged: Figure
    agreement_in_time: Figure
    agreement_share: float | None  # percent of judged
    median_contact_days: float | None  # working days
    median_agreement_days: float | None
    with_contact: Figure
    with_agreement: Figure
    stagnated: Figure
    escalations: list[Escalation]
    cross_municipality: Figure


@dataclass
class MonthRow:
    month: str
    label: str
    signals: Figure
    matches: Figure


@dataclass
class DomainRow:
    domain: str
    signals: Figure
    matches: Figure


@dataclass
class OrganisationRow:
    code: str
    name: str
    domain: str
    placed: Figure
    withdrawn: Figure
    expired: Figure
    active_now: Figure
    matches: Figure


@dataclass
class Bucket:
    label: str
    count: Figure


@dataclass
class Report:
    title: str
    region: str
    scope: str
    scope_kind: str
    internal: bool
    period_from: str
    period_to: str
    made_at: str
    agreement_days: int  # the term for the agreement (stagnatie_dagen)
    agreement_unit: str  # the days it counts: werkdagen | kalenderdagen
    signals: SignalFigures
    matches: MatchFigures
    per_month: list[MonthRow]
    per_domain: list[DomainRow]
    per_organisation: list[OrganisationRow]
    agreement_distribution: list[Bucket]
    notes: list[str] = field(default_factory=list)


@dataclass
class Unshown:
    """A count that no report shows (nor its JSON: it is no part of `Report`), for
    the shield's lines (`report_lines`, `disclosure.hide`'s `unshown`).

    `placed before`: the signals placed before the period that ended in it or
    are active today. With a period that runs to today, every signal placed in
    it has ended in it (withdrawn, expired: live, purged from the archive or
    deleted at once, each counted in the month it ended) or is active today,
    so the ends and "actief op" add up to "afgegeven" and this rest, which a
    reader knows only to be 0 or more: ends >= placed - active, which can pin
    a "<5" of an end. A signal ended as transferred (vix/transfer.py) is in
    neither; where such ends make the rest below 0 the relation does not
    hold, and `report_lines` leaves it out.

    `withdrawn`, `expired`: the sum of the two rows a report shows them in
    (as resolved and as unjustified, after the term and at 23), which the
    organisations' column adds up to too.
    """

    what: str
    count: int


def _next_month(month: str) -> str:
    return (date.fromisoformat(month + "-01") + relativedelta(months=1)).isoformat()[:7]


def _named(params: dict[str, Any], positional: list[Any]) -> dict[str, Any]:
    """Add positional values as :p0, :p1, ... next to the named parameters."""
    return {**params, **{f"p{i}": v for i, v in enumerate(positional)}}


def _counts(store: Store, sql: str, params: dict[str, Any]) -> dict[Any, int]:
    return {r[0]: int(r[1] or 0) for r in store.rows(sql, params)}


def _share(part: int, whole: int) -> float | None:
    """Percent to one decimal, a half rounded up (9 of 16 is 56,3%, as a reader rounds it:
    round() rounds a half to even); a suppressed report leaves it out when its part or
    whole is hidden (`_shield`)."""
    if whole == 0:
        return None
    tenths = (2000 * part + whole) // (2 * whole)  # exact: 1000 * part / whole, half up
    return tenths / 10


def _median(histogram: dict[int, int], suppress: bool) -> float | None:
    total = sum(histogram.values())
    if total == 0 or (suppress and total < THRESHOLD):
        return None
    values: list[int] = []
    for day in sorted(histogram):  # the histogram is small: one entry per distinct day count
        values.extend([day] * histogram[day])
    return float(statistics.median(values))


@dataclass
class _LiveSignals:
    """The jaarverslag's counts of the signals still in the table (not the deleted ones)."""

    placed_month: dict[str, int]  # placed in the period, per month ('2026-03')
    placed_org: dict[int, int]  # placed in the period, per organisation
    ended: dict[tuple[int, str], int]  # ended in the period (COUNTED_ENDS): (org, reason)
    active_org: dict[int, int]  # active now, per organisation


def _live_signals(store: Store, scope: Scope, p: dict[str, Any]) -> _LiveSignals:
    """Count the scope's signals per month, organisation and end; only counts above 0.

    A municipality's signals (those of its youths: a few thousand on a national
    database) are counted in one grouped pass each, from its youths. Counted per
    organisation like the region's, every youth of the municipality would be probed
    once for each of the region's organisations: 6,000 x 4,500 on the national
    database, about 20 seconds with the write lock held.
    """
    in_period = "s.placed_at >= :van AND s.placed_at < :eind"
    if scope.kind == "gemeente":
        mun = scope.signals_from()
        ended_in = "s.status = 'ended' AND s.ended_at >= :van AND s.ended_at < :eind"
        return _LiveSignals(
            placed_month=_counts(
                store,
                f"SELECT substr(s.placed_at, 1, 7), COUNT(*) FROM {mun} AND {in_period} GROUP BY 1",
                p,
            ),
            placed_org=_counts(
                store,
                f"SELECT s.organisation_id, COUNT(*) FROM {mun} AND {in_period} GROUP BY 1",
                p,
            ),
            ended={
                (r[0], r[1]): int(r[2])
                for r in store.rows(
                    f"SELECT s.organisation_id, s.end_reason, COUNT(*) FROM {mun}"
                    f" AND {ended_in} AND s.end_reason IN {sql_list(COUNTED_ENDS)}"
                    " GROUP BY 1, 2",
                    p,
                )
            },
            active_org=_counts(
                store,
                f"SELECT s.organisation_id, COUNT(*) FROM {mun} AND s.status = 'active' GROUP BY 1",
                p,
            ),
        )
    sw = scope.signals_where()
    # per month as range counts on the placed_at index: no sort of the period's rows
    period = date.fromisoformat(p["van"]), date.fromisoformat(p["tot"])
    bounds = [(mo, mo + "-01", _next_month(mo) + "-01") for mo in _months(*period)]
    placed_month = {
        r[0]: int(r[1])
        for r in store.rows(
            "WITH months(m, a, b) AS (VALUES "
            + ", ".join(f"(:p{3 * i}, :p{3 * i + 1}, :p{3 * i + 2})" for i in range(len(bounds)))
            + ") SELECT m, (SELECT COUNT(*) FROM signals s WHERE s.placed_at >= MAX(a, :van)"
            f" AND s.placed_at < MIN(b, :eind) AND {sw}) FROM months",
            _named(p, [v for b in bounds for v in b]),
        )
    }
    # per organisation as range counts on (organisation_id, status, placed_at): no big
    # sort (the status IN lets the index range reach placed_at; CHECK allows no other)
    orgs_in = f"WHERE o.id IN ({_ints(scope.organisation_ids)})" if scope.organisation_ids else ""
    placed_org = {
        r[0]: int(r[1])
        for r in store.rows(
            "SELECT o.id, (SELECT COUNT(*) FROM signals s WHERE s.organisation_id = o.id"
            f" AND s.status IN ('active', 'ended') AND {in_period} AND {sw})"
            f" FROM organisations o {orgs_in}",
            p,
        )
        if r[1]
    }
    # withdrawn and expired only (COUNTED_ENDS)
    ended: dict[tuple[int, str], int] = {}
    ended_sql = (
        "(SELECT COUNT(*) FROM signals s WHERE s.organisation_id = o.id AND s.status = 'ended'"
        f" AND s.end_reason = '{{}}' AND s.ended_at >= :van AND s.ended_at < :eind AND {sw})"
    )
    for r in store.rows(
        f"SELECT o.id, {', '.join(ended_sql.format(reason) for reason in COUNTED_ENDS)}"
        f" FROM organisations o {orgs_in}",
        p,
    ):
        for reason, n in zip(COUNTED_ENDS, r[1:], strict=True):
            if n:
                ended[(r[0], reason)] = int(n)
    active_org = {  # range counts per organisation again: no sort of 400,000 entries
        r[0]: int(r[1])
        for r in store.rows(
            "SELECT o.id, (SELECT COUNT(*) FROM signals s WHERE s.organisation_id = o.id"
            f" AND s.status = 'active' AND {sw}) FROM organisations o {orgs_in}",
            p,
        )
        if r[1]
    }
    return _LiveSignals(placed_month, placed_org, ended, active_org)


def jaarverslag(
    store: Store, by: Professional, scope: Scope, start: date, end: date, *, audit: bool = True
) -> Report:
    """The periodic report over [start, end] for one scope (counts only).

    `audit=False` only for the report a board report is checked against (`_reader_knows`).
    """
    check_period(start, end, store.today)
    sup = scope.suppress
    if sup:
        check_whole_months(start, end, scope.label, store.today)
    p: dict[str, Any] = {
        "van": start.isoformat(),
        "tot": end.isoformat(),
        "eind": (end + timedelta(days=1)).isoformat(),
        "m0": start.isoformat()[:7],
        "m1": end.isoformat()[:7],
        "mun": scope.municipality_id,
        "vandaag": store.today.isoformat(),
    }
    mw, dw = scope.matches_where(), scope.deletions_where()
    in_period = "s.placed_at >= :van AND s.placed_at < :eind"
    notes: list[str] = []
    m_period = "m.created_at >= :van AND m.created_at < :eind"
    # the three heaviest aggregations that need no temp table: on a second reader
    side = _SideQueries(
        store,
        {  # each with its own copy of the parameters: the main thread adds to p
            "youths": (
                f"SELECT COUNT(DISTINCT s.youth_id) FROM {scope.signals_from()} AND {in_period}",
                dict(p),
            ),
            # the domains of the organisations in the match during the period
            "domain": (
                "SELECT o.domain, COUNT(DISTINCT m.id) FROM matches m"
                " JOIN match_members mm ON mm.match_id = m.id"
                f" JOIN organisations o ON o.id = mm.organisation_id WHERE {m_period} AND {mw}"
                f" AND {member_during('mm')} GROUP BY 1",
                dict(p),
            ),
            "cross": (CROSS_MUNICIPALITY_SQL.format(period=m_period, scope=mw), dict(p)),
        },
    )

    # the live signals (deleted ones from the counters below)
    live = _live_signals(store, scope, p)
    placed_month, placed_org, active_org = live.placed_month, live.placed_org, live.active_org
    deleted_placed_month: Counter[Any] = Counter()
    deleted_placed_org: Counter[Any] = Counter()
    deleted: dict[tuple[int, str], int] = {}
    # archived, then deleted from the archive: counted as ended in the month they ended
    # (the ends the live count below counts; any other end only as placed)
    purged_ended: list[Any] = []
    if dw is not None:
        # placed, then deleted at once or later from the archive
        gone = (
            "(SELECT organisation_id, placed_month, count FROM signal_deletions"
            " UNION ALL SELECT organisation_id, placed_month, count FROM archive_deletions) d"
        )
        for month, organisation_id, n in store.rows(
            f"SELECT d.placed_month, d.organisation_id, SUM(d.count) FROM {gone}"
            f" WHERE d.placed_month BETWEEN :m0 AND :m1 AND {dw} GROUP BY 1, 2",
            p,
        ):
            deleted_placed_month[month] += int(n)
            deleted_placed_org[organisation_id] += int(n)
        purged_ended = store.rows(
            "SELECT d.organisation_id, d.end_reason, SUM(d.count) FROM archive_deletions d"
            " WHERE d.ended_month BETWEEN :m0 AND :m1"
            f" AND d.end_reason IN {sql_list(COUNTED_ENDS)} AND {dw} GROUP BY 1, 2",
            p,
        )
        deleted = {
            (r[0], r[1]): int(r[2])
            for r in store.rows(
                "SELECT d.organisation_id, d.reason, SUM(d.count) FROM signal_deletions d"
                f" WHERE d.month BETWEEN :m0 AND :m1 AND {dw} GROUP BY 1, 2",
                p,
            )
        }
        if start.day != 1 or (end + timedelta(days=1)).day != 1:
            notes.append(
                "Gewiste signalen, ook uit het archief, worden per maand geteld; bij een "
                "periode die niet op maandgrenzen valt, tellen hele maanden mee."
            )
    else:
        notes.append(
            "Gewiste signalen (onterecht, 23 jaar, ook uit het archief) laten alleen een "
            "telling per organisatie achter, niet per woongemeente: ze ontbreken in een "
            "gemeenterapport."
        )
    ended = dict(live.ended)
    for r in purged_ended:
        ended[(r[0], r[1])] = ended.get((r[0], r[1]), 0) + int(r[2])

    def total(counts: dict[tuple[int, str], int], reason: str) -> int:
        return sum(n for (_, r), n in counts.items() if r == reason)

    by_label: Counter[str] = Counter()
    for (_, reason), n in deleted.items():
        if reason not in OWN_ROW_DELETIONS:
            by_label[DELETION_LABELS.get(reason, OTHER_DELETION)] += n
    deleted_other: dict[str, Figure] = {
        label: by_label[label]
        for label in (*DELETION_LABELS.values(), OTHER_DELETION)
        if by_label[label]
    }
    signal_figures = SignalFigures(
        placed=sum(placed_org.values()) + sum(deleted_placed_org.values()),
        youths=int(side.result("youths")[0][0]),
        withdrawn_resolved=total(ended, "resolved"),
        withdrawn_unjustified=None if dw is None else total(deleted, "unjustified"),
        expired=total(ended, "expired"),
        expired_age_23=None if dw is None else total(deleted, AGE_23),
        deleted_other=deleted_other,
        active_now=sum(active_org.values()),
    )

    # matches: "on time" is the stagnation run's test (`vix stagnatie`, followup.overdue)
    # with the region's limit (stagnatie_dagen) and its days (werkdagen, closed days), so
    # that a match it escalated is never "on time" here. Counted per creation day and per
    # (creation day, milestone day): a few thousand groups, not every match
    rules = Rules.of(store)
    cal = rules.calendar(store)
    limit = rules.days

    @cache
    def overdue_on(created: str, on: date) -> bool:
        """Whether the agreement of a match made on `created` was overdue on `on`."""
        return overdue(created, None, rules, cal, on) is not None

    arisen: dict[tuple[str, str], int] = defaultdict(int)
    arisen_running = 0  # the agreement term has not passed today
    for day, kind, n in store.rows(
        "SELECT substr(m.created_at, 1, 10), m.kind, COUNT(*) FROM matches m"
        f" WHERE {m_period} AND {mw} GROUP BY 1, 2",
        p,
    ):
        arisen[(day[:7], kind)] += int(n)
        if not overdue_on(day, store.today):
            arisen_running += int(n)
    ended_kind = _counts(
        store,
        "SELECT m.kind, COUNT(*) FROM matches m WHERE m.ended_at >= :van AND m.ended_at < :eind"
        f" AND {mw} GROUP BY 1",
        p,
    )
    # milestones grouped by (creation day, kind, milestone day) first; days counted on those
    contact_days: dict[int, int] = defaultdict(int)
    agreement_days: dict[int, int] = defaultdict(int)
    agreed_running = 0
    in_time = 0
    for day, kind, on_date, n in store.rows(
        "SELECT substr(m.created_at, 1, 10), ms.kind, ms.on_date, COUNT(*)"
        " FROM matches m JOIN match_milestones ms ON ms.match_id = m.id"
        f" WHERE {m_period} AND {mw} AND ms.kind IN ('contact', 'agreement') GROUP BY 1, 2, 3",
        p,
    ):
        days = cal.days_between(date.fromisoformat(day), date.fromisoformat(on_date))
        if kind == "contact":
            contact_days[days] += int(n)
            continue
        agreement_days[days] += int(n)
        if not overdue_on(day, store.today):
            agreed_running += int(n)
        if days <= limit:  # what overdue_on(day, on_date) decides, on the days just counted
            in_time += int(n)
    pending = arisen_running - agreed_running  # term still running, no agreement yet
    # ended inside its term, without an agreement: never overdue while it ran, so never
    # shown by `vix stagnatie` (which sees running matches only), neither on time nor late
    ended_in_term = 0
    for day, ended_on, n in store.rows(
        "SELECT substr(m.created_at, 1, 10), substr(m.ended_at, 1, 10), COUNT(*) FROM matches m"
        f" WHERE {m_period} AND {mw} AND m.ended_at IS NOT NULL AND NOT EXISTS ("
        "SELECT 1 FROM match_milestones ms WHERE ms.match_id = m.id AND ms.kind = 'agreement'"
        ") GROUP BY 1, 2",
        p,
    ):
        if overdue_on(day, store.today) and not overdue_on(day, date.fromisoformat(ended_on)):
            ended_in_term += int(n)
    arisen_total = sum(arisen.values())
    judged = arisen_total - pending - ended_in_term
    # an escalation is dated by its day: an organisation's are those of the matches it
    # was in on that day
    escalations = _counts(
        store,
        "SELECT e.level, COUNT(*) FROM escalations e JOIN matches m ON m.id = e.match_id"
        f" WHERE e.on_date BETWEEN :van AND :tot AND {scope.matches_where(on='e.on_date')}"
        " GROUP BY 1",
        p,
    )
    cross = int(side.result("cross")[0][0])
    match_figures = MatchFigures(
        arisen=arisen_total,
        youth_arisen=sum(n for (_, k), n in arisen.items() if k == "youth"),
        family_arisen=sum(n for (_, k), n in arisen.items() if k == "family"),
        youth_ended=ended_kind.get("youth", 0),
        family_ended=ended_kind.get("family", 0),
        judged=judged,
        agreement_in_time=in_time,
        agreement_share=_share(in_time, judged),
        median_contact_days=_median(contact_days, sup),
        median_agreement_days=_median(agreement_days, sup),
        with_contact=sum(contact_days.values()),
        with_agreement=sum(agreement_days.values()),
        stagnated=judged - in_time,
        escalations=[
            Escalation(level, label, escalations.get(level, 0))
            for level, label in ESCALATION_LABELS.items()
        ],
        cross_municipality=cross,
    )
    buckets = [
        Bucket(label, sum(n for d, n in agreement_days.items() if lo <= d <= hi))
        for label, lo, hi in AGREEMENT_BUCKETS
    ]
    buckets.append(
        Bucket("geen", arisen_total - sum(agreement_days.values())),
    )

    per_month = [
        MonthRow(
            month=mo,
            label=month_label(mo),
            signals=placed_month.get(mo, 0) + deleted_placed_month.get(mo, 0),
            matches=sum(n for (m, _), n in arisen.items() if m == mo),
        )
        for mo in _months(start, end)
    ]

    # per organisation and per domain
    # distinct matches per organisation and per domain: one grouped pass each over the
    # period's (match, member) pairs (a temp table of the pairs costs more than it saves)
    matches_org = _counts(
        store,
        "SELECT mm.organisation_id, COUNT(DISTINCT mm.match_id) FROM matches m"
        f" JOIN match_members mm ON mm.match_id = m.id WHERE {m_period} AND {mw}"
        f" AND {member_during('mm')} GROUP BY 1",
        p,
    )
    matches_domain = {r[0]: int(r[1]) for r in side.result("domain")}
    org_ids = set(placed_org) | set(deleted_placed_org) | {o for o, _ in ended}
    org_ids |= {o for o, _ in deleted} | set(active_org)
    if scope.organisation_ids:
        org_ids = set(scope.organisation_ids)
    else:
        org_ids |= set(matches_org)
    orgs = (
        store.rows(
            "SELECT id, code, name, domain FROM organisations"
            f" WHERE id IN ({_ints(tuple(org_ids))}) ORDER BY name, code"
        )
        if org_ids
        else []
    )
    per_org: list[OrganisationRow] = []
    domain_signals: dict[str, int] = defaultdict(int)
    for o in orgs:
        oid = o["id"]
        placed = placed_org.get(oid, 0) + deleted_placed_org.get(oid, 0)
        domain_signals[o["domain"]] += placed
        per_org.append(
            OrganisationRow(
                code=o["code"],
                name=o["name"],
                domain=DOMAIN_LABELS[o["domain"]],
                placed=placed,
                withdrawn=ended.get((oid, "resolved"), 0) + deleted.get((oid, "unjustified"), 0),
                expired=ended.get((oid, "expired"), 0) + deleted.get((oid, AGE_23), 0),
                active_now=active_org.get(oid, 0),
                matches=matches_org.get(oid, 0),
            )
        )
    per_domain = [
        DomainRow(
            domain=label,
            signals=domain_signals.get(key, 0),
            matches=matches_domain.get(key, 0),
        )
        for key, label in DOMAIN_LABELS.items()
        if domain_signals.get(key) or matches_domain.get(key)
    ]
    if not sup:
        notes.append(
            "Intern rapport van de eigen organisatie: exacte aantallen. Niet buiten de "
            "organisatie verspreiden; laat voor het bestuur een afgeschermd rapport maken."
        )
    which_days = (
        "weekenden, feestdagen en de gesloten dagen van de regio tellen niet mee"
        if rules.working
        else "elke dag telt mee"
    )
    notes.append(
        f"Afstemming op tijd: binnen {limit} {cal.unit} na het ontstaan van de match "
        f"({which_days}), de termijn waarop 'vix stagnatie' een match laat stagneren en "
        "opschaalt (instellingen stagnatie_dagen en werkdagen zoals ze nu zijn, ook voor "
        f"een voorbije periode). Matches waarvan die termijn op {dutch_date(store.today)} nog "
        "loopt, tellen niet mee in het percentage."
    )
    if audit:
        store.audit(
            by.id,
            "report",
            "report",
            None,
            detail={
                "rapport": "jaarverslag",
                "bereik": scope.label,
                "van": p["van"],
                "tot": p["tot"],
            },
        )
    report = Report(
        title=f"Verwijsindex: rapport {scope.label}",
        region=str(store.setting("regio_naam", "de regio")),
        scope=scope.label,
        scope_kind=scope.kind,
        internal=scope.internal,
        period_from=p["van"],
        period_to=p["tot"],
        made_at=store.stamp,
        agreement_days=limit,
        agreement_unit=cal.unit,
        signals=signal_figures,
        matches=match_figures,
        per_month=per_month,
        per_domain=per_domain,
        per_organisation=per_org,
        agreement_distribution=buckets,
        notes=notes,
    )
    if sup:
        marks = _shield(report, limit, _reader_knows(store, by, scope, start, end))
        notes.insert(
            0,
            "Aantallen van 1 tot en met 4 staan als '<5': zo is niet na te gaan om welke "
            "jeugdige of professional het gaat. Een percentage dat zo'n klein aantal zou "
            "verraden, staat als '-'."
            + (
                " Een 'x' is een aantal van 5 of meer dat is afgeschermd, omdat met een totaal "
                "een '<5' elders anders precies terug te rekenen is."
                if disclosure.SHIELDED in marks
                else ""
            )
            + (
                " Een '.' is een afgeschermd aantal van 1 of meer, dat ook 5 of meer kan zijn: "
                "met '<5' of 'x' erbij zouden de aantallen samen een klein aantal precies "
                "verraden."
                if disclosure.WITHHELD in marks
                else ""
            ),
        )
    return report


def _reader_knows(
    store: Store, by: Professional, scope: Scope, start: date, end: date
) -> tuple[str, Report] | None:
    """The exact report the reader of a board report has of his or her own school.

    An instellingscoördinator makes the board report and may also make the internal
    one of the own school: a board total less the own count is the other schools'
    count, which must not be small where the board report hides it (rule 16).
    """
    if scope.kind != "bestuur" or by.organisation_id not in scope.organisation_ids:
        return None
    if by.role not in ("org_manager", "org_coordinator") or by.organisation_code is None:
        return None
    own = Scope(
        "organisatie", by.organisation_code, organisation_ids=(by.organisation_id,), internal=True
    )
    return by.organisation_code, jaarverslag(store, by, own, start, end, audit=False)


def _cell_key(holder: Any, name: str) -> tuple[object, ...]:
    """What a count of a report is, the same in another report of the same period."""
    if isinstance(holder, dict):
        return ("dict", name)
    ident = next(
        (
            getattr(holder, a)
            for a in ("code", "month", "domain", "label", "level")
            if hasattr(holder, a)
        ),
        None,
    )
    return (type(holder).__name__, ident, name)


def _figure(holder: Any, name: str) -> Figure:
    return holder[name] if isinstance(holder, dict) else getattr(holder, name)  # type: ignore[no-any-return]


def _count(holder: Any, name: str) -> int:
    return int(_figure(holder, name))


def _shield(report: Report, limit: int, known: tuple[str, Report] | None = None) -> set[str]:
    """Hide the report's small counts and whatever would give them away (vix/disclosure.py).

    With `known` (the reader's own organisation and its exact report) its row
    counts as known to the reader, and a count that, less the reader's own,
    leaves 1 to 4 is hidden as well. Puts the marks in place of the hidden
    counts; returns the marks used ("<5", "x", ".").
    """
    holders, lines = report_lines(report, limit)
    values = [_count(h, n) for h, n in holders]
    unshown = {i for i, (h, _) in enumerate(holders) if isinstance(h, Unshown)}
    own_cells: set[int] = set()
    also: list[int] = []
    if known is not None:
        code, own = known
        own_values = {_cell_key(h, n): _count(h, n) for h, n in report_lines(own, limit)[0]}
        for i, (h, n) in enumerate(holders):
            if isinstance(h, OrganisationRow) and h.code == code:
                own_cells.add(i)
            elif i in unshown:
                continue  # never shown: nothing to subtract from
            elif 0 < values[i] - own_values.get(_cell_key(h, n), values[i]) < THRESHOLD:
                also.append(i)
    hidden = disclosure.hide(values, lines, own_cells, also, unshown)
    for i, mark in hidden.items():
        holder, name = holders[i]
        if isinstance(holder, dict):
            holder[name] = mark
        else:
            setattr(holder, name, mark)
    m = report.matches
    hidden_here = {holders[i][1] for i in hidden if holders[i][0] is m}
    if hidden_here & {"judged", "agreement_in_time", "stagnated"}:
        # a share of a known total gives the part away (1-4 of them: always hidden)
        m.agreement_share = None
    buckets = {id(b) for b in report.agreement_distribution}
    if "with_agreement" in hidden_here or any(id(holders[i][0]) in buckets for i in hidden):
        # the median of the days to agreement comes from the same counts as the
        # distribution: six agreements in the buckets '1' and '4' with a median of 2,5
        # are three of each, whatever the marks say (review)
        m.median_agreement_days = None
    return set(hidden.values())


def report_lines(report: Report, limit: int) -> tuple[list[tuple[Any, str]], list[disclosure.Line]]:
    """Every count of an exact report, as (holder, attribute or key), and the lines they add up in.

    A line (left, right) holds indexes into the counts: sum(left) == sum(right).
    When the period runs to today, the last counts are `Unshown` (never shown):
    the ends and the active signals are those placed plus a rest.
    """
    holders: list[tuple[Any, str]] = []  # (dataclass or dict, attribute or key)

    def cell(holder: Any, name: str) -> int:
        holders.append((holder, name))
        return len(holders) - 1

    s, m = report.signals, report.matches
    placed = cell(s, "placed")
    cell(s, "youths")
    withdrawn = [cell(s, "withdrawn_resolved")]
    expired = [cell(s, "expired")]
    if s.withdrawn_unjustified is not None:
        withdrawn.append(cell(s, "withdrawn_unjustified"))
    if s.expired_age_23 is not None:
        expired.append(cell(s, "expired_age_23"))
    deleted = [cell(s.deleted_other, label) for label in s.deleted_other]
    active = cell(s, "active_now")
    arisen = cell(m, "arisen")
    kinds = [cell(m, "youth_arisen"), cell(m, "family_arisen")]
    cell(m, "youth_ended")
    cell(m, "family_ended")
    judged = cell(m, "judged")
    in_time = cell(m, "agreement_in_time")
    cell(m, "with_contact")
    agreed = cell(m, "with_agreement")
    stagnated = cell(m, "stagnated")
    for e in m.escalations:
        cell(e, "count")
    cell(m, "cross_municipality")
    buckets = [cell(b, "count") for b in report.agreement_distribution]
    months = [(cell(r, "signals"), cell(r, "matches")) for r in report.per_month]
    domains = {r.domain: (cell(r, "signals"), cell(r, "matches")) for r in report.per_domain}
    orgs = [
        (r.domain, cell(r, "placed"), cell(r, "withdrawn"), cell(r, "expired"),
         cell(r, "active_now"), cell(r, "matches"))
        for r in report.per_organisation
    ]  # fmt: skip

    lines: list[disclosure.Line] = [
        ([arisen], kinds),
        ([arisen], [mo for _, mo in months]),
        ([arisen], buckets),
        ([agreed], buckets[:-1]),  # the last bucket: no agreement
        ([judged], [in_time, stagnated]),
        ([placed], [sig for sig, _ in months]),
        ([placed], [sig for sig, _ in domains.values()]),
        ([placed], [o[1] for o in orgs]),
        (withdrawn, [o[2] for o in orgs]),
        (expired, [o[3] for o in orgs]),
        ([active], [o[4] for o in orgs]),
    ]
    lines += [([sig], [o[1] for o in orgs if o[0] == d]) for d, (sig, _) in domains.items()]
    edges = [hi for _, _, hi in AGREEMENT_BUCKETS]
    if limit in edges:  # agreement in time: the buckets up to the limit
        lines.append(([in_time], buckets[: edges.index(limit) + 1]))
    # to today: every signal placed in the period ended in it (withdrawn, expired, deleted)
    # or is active today; with the signals placed before it, ended or active, those are all
    ends = [*withdrawn, *expired, *deleted, active]
    figures = [_figure(*holders[i]) for i in (*ends, placed)]
    if report.period_to >= report.made_at[:10] and all(isinstance(f, int) for f in figures):
        rest = sum(map(int, figures[:-1])) - int(figures[-1])
        if rest >= 0:  # below 0 only with transfers (see Unshown)
            totals = []
            # a pair of rows as one count: the line of the ends shares it with the
            # organisations' column, not the two rows (disclosure.hide's `unshown`)
            for what, rows, column in (
                ("withdrawn", withdrawn, [o[2] for o in orgs]),
                ("expired", expired, [o[3] for o in orgs]),
            ):
                if len(rows) == 1:
                    totals += rows
                    continue
                total = cell(Unshown(what, sum(_count(*holders[i]) for i in rows)), "count")
                lines += [([total], rows), ([total], column)]
                totals.append(total)
            before = cell(Unshown("placed before", rest), "count")
            lines.append(([*totals, *deleted, active], [placed, before]))
            if totals != [*withdrawn, *expired]:  # the rows too: so one line tells, and gets an x
                lines.append((ends, [placed, before]))

    return holders, lines


# -- evaluatielijst ------------------------------------------------------------


@dataclass
class EvaluationItem:
    signal_id: int
    youth_name: str
    youth_birth_date: str
    signaller: str
    placed_at: str
    age_months: int
    planned_removal: str
    parents_informed_on: str | None
    parents_not_informed_reason: str | None
    in_match: bool


@dataclass
class EvaluationList:
    organisation_code: str
    organisation: str
    made_at: str
    total: int
    not_informed: int
    in_match: int
    older_than_year: int
    items: list[EvaluationItem]


def evaluatielijst(
    store: Store, by: Professional, organisation: str | None = None
) -> EvaluationList:
    """Every active signal of the organisation, for the twice-yearly evaluation (rule 14)."""
    by.require("org_manager")
    oid = by.organisation_id if organisation is None else organisation_id(store, organisation)
    if oid != by.organisation_id:
        raise Forbidden(
            "De evaluatielijst toont namen van jeugdigen: alleen de instantiebeheerder van "
            "de eigen organisatie mag hem maken."
        )
    org = store.row("SELECT code, name FROM organisations WHERE id = ?", (oid,))
    assert org is not None
    rows = store.rows(
        f"SELECT s.id, {youth_name_sql('y')} AS youth, y.birth_date, y.bsn, p.name AS signaller,"
        " s.placed_at, s.planned_removal, s.parents_informed_on, s.parents_not_informed_reason,"
        " EXISTS (SELECT 1 FROM match_members mm JOIN matches m ON m.id = mm.match_id"
        "         WHERE mm.signal_id = s.id AND mm.left_at IS NULL AND m.ended_at IS NULL)"
        "   AS in_match"
        " FROM signals s JOIN youths y ON y.id = s.youth_id"
        " JOIN professionals p ON p.id = s.professional_id"
        " WHERE s.organisation_id = ? AND s.status = 'active' ORDER BY s.placed_at, s.id",
        (oid,),
    )
    items = []
    for r in rows:
        store.audit(by.id, "read", "signal", r["id"], subject_number=r["bsn"])
        placed = date.fromisoformat(r["placed_at"][:10])
        age = relativedelta(store.today, placed)
        items.append(
            EvaluationItem(
                signal_id=r["id"],
                youth_name=r["youth"],
                youth_birth_date=r["birth_date"],
                signaller=r["signaller"],
                placed_at=r["placed_at"],
                age_months=age.years * 12 + age.months,
                planned_removal=r["planned_removal"],
                parents_informed_on=r["parents_informed_on"],
                parents_not_informed_reason=shown_reason(r["parents_not_informed_reason"]),
                in_match=bool(r["in_match"]),
            )
        )
    return EvaluationList(
        organisation_code=org["code"],
        organisation=org["name"],
        made_at=store.stamp,
        total=len(items),
        not_informed=sum(1 for i in items if i.parents_informed_on is None),
        in_match=sum(1 for i in items if i.in_match),
        older_than_year=sum(1 for i in items if i.age_months >= 12),
        items=items,
    )


# -- inzage --------------------------------------------------------------------


@dataclass
class InzageSignal:
    id: int
    organisation: str
    signaller: str
    signaller_phone: str | None
    signaller_email: str
    placed_at: str
    status: str  # actief | gearchiveerd
    ended_at: str | None
    end_reason: str | None
    planned_removal: str | None  # active signals: the signal ends
    archive_until: str | None  # archived signals
    # active signals: after their end in the history archive until this day at the
    # latest; None for an archived signal, or one deleted at once at 23 (rule 15)
    then_archive_until: str | None
    removed_on: str  # nothing of the signal is left in the index, at the latest
    parents_informed_on: str | None
    # withdrawn by someone other than its signaller: the organisation manager, who
    # substitutes for an absent signaller (rule 14); name and role
    withdrawn_by: str | None = None
    # handed to a colleague (`vix professional overdragen`): `signaller` is the contact
    # since this day, and `placed_by` who placed the signal
    taken_over_at: str | None = None
    placed_by: str | None = None


@dataclass
class InzageMember:
    """One period of a professional in the match; one who left and came back has two."""

    name: str
    organisation: str
    left_at: str | None = None  # no longer in the match since (a withdrawal, a move)
    joined_at: str = ""  # in the match since; the text shows it when after the match arose


@dataclass
class InzageMatch:
    id: int
    kind: str  # cliëntmatch | gezinsmatch
    created_at: str
    # ended, or for this youth: left it (no signal of his or hers in it any more) while
    # it went on for a brother or sister; what came after is not about the youth
    ended_at: str | None
    municipality: str | None
    director: str | None
    care_coordinator: str | None
    regievoerder: str | None  # asked to appoint a care coordinator, while nobody leads
    members: list[InzageMember]
    other_family_members: bool
    # (label, date), while the youth was in the match
    milestones: list[tuple[str, str]]
    escalations: list[tuple[str, str]]


@dataclass
class InzageRead:
    at: str
    who: str
    organisation: str | None
    action: str


@dataclass
class InzageNotice:
    """A notice vix stored about the youth: who was told what, and whether it went out."""

    created_at: str
    kind: str
    recipient: str
    status: str
    sent_at: str | None


@dataclass
class InzageSchool:
    """The youth as a pupil of a school, from that school's imported list."""

    organisation: str
    pupil_number: str | None
    class_name: str | None
    imported_at: str  # the last import that wrote this registration
    imported_by: str  # who ran that import, or "onbekend"
    # the municipality of the woonplaats on the school's last list (`pupils.listed_municipality`,
    # which the import's "verhuisd" counts by): "" when it named none vix knew, None when
    # the registration remembers none
    listed_municipality: str | None = None


@dataclass
class Inzage:
    found: bool
    number: str  # masked; a substitute number whole (`youths.shown_number`)
    number_kind: str  # BSN | onderwijsnummer | vervangend nummer (as stored, else as asked)
    name: str | None
    birth_date: str | None
    sex: str | None  # jongen | meisje | anders of onbekend; None: not stored
    municipality: str | None
    postcode: str | None
    house_number: str | None
    created_at: str | None  # the youth's first registration in the index
    updated_at: str | None
    parents: int  # registered parents (stored only as keyed hashes, never shown)
    schools: list[InzageSchool]
    made_at: str
    made_by: str
    region: str
    # the last day any signal of the youth is in the index, archive included, at the
    # latest (rule 15); None without signals
    removed_on: str | None
    turns_23_on: str | None  # the 23rd birthday: everything goes that day at the latest
    signals: list[InzageSignal]
    matches: list[InzageMatch]
    moves: list[tuple[str, str]]  # (date, municipality)
    notices: list[InzageNotice]
    log: list[InzageRead]
    # not found because the number asked gave way to another (an import that
    # brought the BSN, or a correction): the kind of that number
    replaced_by: str | None = None


@dataclass
class InzageRefused:
    """No inzage: the youth asked for has a second registration.

    Registrations without a BSN that one surname, birth date and sex denote
    (`youths.registrations_deriving`): one kept a number of the rule before
    migration 0011 because the other held the new one, and `vix jeugdige
    dubbel` lists them. An inzage of either would leave out the signals,
    matches and log of the other (rule 17: everything held about the youth),
    and one inzage of both could show parents another child's (twins of one
    sex, whom the number cannot tell apart). Which it is, the coordinator
    judges: merge them (`vix jeugdige samenvoegen`), keep them apart as two
    children (`vix jeugdige apart`) or record a BSN, and make the inzage again.
    When every pair is kept apart, the inzage was asked by name, which cannot
    tell the children apart: it is made by the number of one.
    """

    # numbers in full: for the coordinator or administrator, as `vix jeugdige dubbel`
    registrations: list[Registration]  # older numbers first
    older: list[str]  # numbers of the rule before 0011, kept because the new one was held
    # the pairs not judged two children, older number first: each to merge or keep apart
    undecided: list[tuple[str, str]]


SEX_LABELS = {"M": "jongen", "V": "meisje", "X": "anders of onbekend"}
ACTION_LABELS = {
    "create": "vastgelegd",
    "update": "bijgewerkt",
    "read": "ingezien",
    "lookup": "opgezocht",
    "end": "beëindigd",
    "delete": "gewist",
    "move": "verhuizing vastgelegd",
    "history_match": "eerdere betrokkenheid gemeld",
    "inzage": "inzage voor ouders/jeugdige gemaakt",
    "inzage_refused": "inzage voor ouders/jeugdige niet gemaakt (tweede registratie)",
    "keep_apart": "als andere jeugdige apart gehouden van een tweede registratie",
    "keep_apart_removed": "oordeel 'andere jeugdige' over een tweede registratie teruggenomen",
    "letter": "brief aan ouders gemaakt",
    "purge": "uit het archief gewist",
    "renumber": "nummer van de jeugdige vervangen",
    "correct": "gecorrigeerd op verzoek",
    "address_dropped": "ongeldig huisnummer verwijderd bij een update van vix",
    "class_dropped": "groep/klas gewist (geen groeps- of klascode)",
    "merge": "samengevoegd met een tweede registratie",
    "transfer": "overgedragen aan een collega van de organisatie",
    "milestone": "mijlpaal vastgelegd",
    "milestone_corrected": "datum van een mijlpaal gecorrigeerd",
    "milestone_removed": "mijlpaal teruggenomen",
    "set_director": "matchregisseur gekozen",
    "hand_to_regievoerder": "regie gevraagd aan de regievoerder",
    "set_care_coordinator": "zorgcoördinator benoemd",
    "regie_handed_over": "regie overgedragen aan de regievoerder van de gemeente",
    "regie_lapsed": "verzoek om regie vervallen: jeugdbescherming heeft de regie",
    "regie_returned": "verzoek om regie terug bij de gemeente",
    "escalate": "opgeschaald",
    "restart": "begin van de match verschoven: een signaal waaruit hij ontstond is gewist",
    "escalation_removed": "opschaling teruggenomen: zonder het gewiste signaal stagneerde niets",
    "escalation_restated": "opschaling herzien: de match raakte later over tijd",
    "queue": "klaargezet",
    "send": "verstuurd",
    "withdraw": "ingetrokken",
}
ENTITY_LABELS = {
    "signal": "signaal",
    "match": "match",
    "youth": "gegevens jeugdige",
    "pupil": "schoolinschrijving",
    "notice": "bericht",
}
NOTICE_STATUS_LABELS = {
    "queued": "nog te versturen",
    "sending": "wordt verstuurd",
    "sent": "verstuurd",
    "failed": "niet afgeleverd",
}
# the index by which an inzage finds the notices of the youth's matches that are no longer
# in the outbox (migration 0030): the planner, without statistics, would walk every
# notice's records by `audit_entity` instead
WITHDRAWN_INDEX = "audit_notice_match"
# the audit actions on a match that an inzage lists (its reads are logged per youth)
MATCH_EVENTS = {
    "create",
    "end",
    "milestone",
    "milestone_corrected",
    "milestone_removed",
    "set_director",
    "hand_to_regievoerder",
    "set_care_coordinator",
    "regie_handed_over",
    "regie_lapsed",
    "regie_returned",
    "escalate",
    "restart",
    "escalation_removed",
    "escalation_restated",
}
OTHER_FAMILY_MEMBER = "een professional bij een ander lid van het gezin"
FAMILY_REGIEVOERDER = "de regievoerder van een gemeente"
# the alderman of a family match's municipality, told that it stagnates (level 3)
FAMILY_ALDERMAN = "de wethouder van een gemeente"
# the roles of an organisation, not of a signal: such a professional of an organisation that
# holds (or held) a signal on the youth acts for the youth's own professionals
ORGANISATION_ROLES = ("org_manager", "org_coordinator")
END_LABELS = {
    "resolved": "zorg weggenomen",
    "expired": "verlopen",
    "transferred": "overgedragen aan een collega",
}
MILESTONE_LABELS = {"contact": "contact gelegd", "agreement": "afstemming", "action": "actie"}


class _InzageBase(TypedDict):
    """The fields of an `Inzage` that do not depend on whether the youth was found."""

    number: str
    made_at: str
    made_by: str
    region: str


# a span of the audit log under one pseudonym: (subject, first id, id it ends before);
# None: from the start of the log, or until now
LogSpan = tuple[str, int | None, int | None]
# the 'renumber' records under a number, naming the number they replaced: a merge's
# (`corrections._audit_renumber` writes it just before the 'merge' record: the youth that
# stays keeps its number) or not (the registration got the number from the one named)
_RENUMBERS = (
    "SELECT a.id, json_extract(a.detail, '$.vorige_sleutel') AS previous FROM audit_log a"
    " WHERE a.subject = :s AND a.action = 'renumber' AND a.id >= :after AND a.id < :before"
    " AND {} EXISTS (SELECT 1 FROM audit_log m WHERE m.id = a.id + 1 AND m.action = 'merge')"
)
_RENUMBERED_TO = _RENUMBERS.format("NOT") + " ORDER BY a.id DESC LIMIT 1"  # the last
_MERGED_IN = _RENUMBERS.format("") + " ORDER BY a.id"
# the last time a registration gave the number up (a correction or upgrade to another
# number, a merge into another registration): logged under its new number, naming the
# old one (index audit_renumbered)
_GAVE_UP = (
    "SELECT MAX(a.id) FROM audit_log a WHERE a.action = 'renumber'"
    " AND json_extract(a.detail, '$.vorige_sleutel') = :s AND a.id < :before"
)
# the last youth created with the number
_CREATED_WITH = (
    "SELECT MAX(a.id) FROM audit_log a WHERE a.subject = :s AND a.action = 'create'"
    " AND a.entity = 'youth' AND a.id < :before"
)
_NO_END = 1 << 62


def _log_spans(store: Store, number: str, youth: Youth | None) -> list[LogSpan]:
    """The parts of the audit log that are about this registration.

    Audit records name a youth by the pseudonym of its number, and a number is not
    always one child's: a correction gives it up (a mistyped BSN) and another
    registration may get it later. So the log of a registration is, for each number
    it held, the records under that number since the last time another
    registration gave the number up (`_GAVE_UP`: every change is in the log in
    order, and audit ids only grow, whatever the clock said), until this one gave
    it up. A BSN or onderwijsnummer is one child's: the records of an earlier
    registration that was erased (an erasure request, an unjustified signal) are the
    same child's and stay in the inzage (rule 17). A substitute number is
    derived from name, birth date and sex, which twins share: the registration holds
    it from the last youth created with it (`_CREATED_WITH`). So does a number the
    registration held before its current one (its kind is not in the log). A
    registration that got a number by a renumber held the number it came from
    until then; a merge's 'renumber' brings in the number of the registration that
    went up in it, held by that one until the merge.
    """
    spans: list[LogSpan] = []
    seen: set[tuple[str, int | None]] = set()

    def walk(subject: str, before: int | None, one_child: bool) -> None:
        if (subject, before) in seen:
            return
        seen.add((subject, before))
        end = _NO_END if before is None else before
        # the last renumber to this number before `end`: it is in the span if at its start
        took = store.row(_RENUMBERED_TO, {"s": subject, "after": 0, "before": end})
        if youth is None and before is None:
            # a number no registration holds (given up, erased): the records of its last
            # holder, from when that one took it, with the inzages asked with it since
            cuts = [
                store.scalar(_CREATED_WITH, {"s": subject, "before": end}),
                None if took is None else took["id"],
            ]
        else:
            cuts = [store.scalar(_GAVE_UP, {"s": subject, "before": end})]
            if not one_child:
                cuts.append(store.scalar(_CREATED_WITH, {"s": subject, "before": end}))
        start = max((int(c) for c in cuts if c is not None), default=None)
        spans.append((subject, start, before))
        after = start or 0
        for merged in store.rows(_MERGED_IN, {"s": subject, "after": after, "before": end}):
            if merged["previous"]:
                walk(merged["previous"], merged["id"], False)
        if took is not None and took["id"] >= after and took["previous"]:
            walk(took["previous"], took["id"], False)

    kind = youth.id_kind if youth is not None else number_kind(number)
    walk(store.pseudonym(number), None, kind != "substitute")
    return spans


def _spans_where(spans: list[LogSpan]) -> tuple[str, dict[str, Any]]:
    """A WHERE clause on `audit_log a` for these spans, one term each (each an index
    search on the subject)."""
    terms: list[str] = []
    params: dict[str, Any] = {}
    for i, (subject, start, before) in enumerate(spans):
        term = f"a.subject = :s{i}"
        params[f"s{i}"] = subject
        if start is not None:
            term += f" AND a.id >= :from{i}"
            params[f"from{i}"] = start
        if before is not None:
            term += f" AND a.id < :to{i}"
            params[f"to{i}"] = before
        terms.append(f"({term})")
    return " OR ".join(terms), params


def _inzage_log(
    store: Store,
    where: str,
    params: dict[str, Any],
    hide: Callable[[Any], tuple[str, str | None] | None] = lambda r: None,
    keep: Callable[[Any], bool] = lambda r: True,
) -> list[tuple[str, int, InzageRead]]:
    """The audit records `where` selects and `keep` keeps, as lines of the inzage, keyed
    for ordering.

    `hide` gives for an actor who must not be named as logged (the other child's
    professionals in a family match, the regievoerder of its municipality) the
    who and organisation to show instead; None: as logged.
    """
    lines = []
    for r in store.rows(
        "SELECT a.id, a.at, a.action, a.entity, a.entity_id, a.actor_id, p.name, p.role,"
        " p.organisation_id AS org_id, o.name AS org FROM audit_log a"
        " LEFT JOIN professionals p ON p.id = a.actor_id"
        " LEFT JOIN organisations o ON o.id = p.organisation_id"
        f" WHERE {where} ORDER BY a.at, a.id",
        params,
    ):
        if not keep(r):
            continue
        action = ACTION_LABELS.get(r["action"], r["action"])
        if r["entity"] in ENTITY_LABELS:
            action += f": {ENTITY_LABELS[r['entity']]}"
        who, org = hide(r) or (r["name"] or "vix (automatisch)", r["org"])
        read = InzageRead(r["at"], who, org, action)
        lines.append((r["at"], r["id"], read))
    return lines


def _own_in_family(
    professional_id: int | None,
    role: str | None,
    organisation_id: int | None,
    named: set[int],
    own_organisations: set[int],
) -> bool:
    """Whether a professional acting on (or told of) a family match is the youth's own:
    one of the youth's professionals in it (`named`), or an organisation manager or
    coordinator of an organisation with a signal on the youth in the match at the time
    (`own_organisations`: he or she acts for its signaller, a hand-over with `vix
    professional overdragen`, say).
    Anyone else may be the other child's."""
    if professional_id is None:
        return False
    return professional_id in named or (
        role in ORGANISATION_ROLES and organisation_id in own_organisations
    )


def _family_actor(row: Any) -> tuple[str, str | None]:
    """Who to show for an event of a family match by someone not among the youth's own
    professionals, and with which organisation (rule 7: nothing of the other child).

    The inzage hides the family match's municipality (it may be the other
    child's), so the regievoerder who acted on it is not named, nor is a
    coordinator's or administrator's organisation shown (it may be a
    municipality); the other child's professionals are "een professional bij een
    ander lid van het gezin". The recipient of a notice about the match is shown
    alike (`inzage`).
    """
    if row["role"] == "municipal_director":
        return FAMILY_REGIEVOERDER, None
    if row["role"] in ("coordinator", "admin"):
        return row["name"], None
    return OTHER_FAMILY_MEMBER, None


def _withdrawn_by(store: Store, signal_id: int, signaller_id: int) -> str | None:
    """Who withdrew an archived signal, if not its signaller: the organisation manager
    (`signals.withdraw`), as the audit record of its end names him or her."""
    row = store.row(
        "SELECT p.name, json_extract(a.detail, '$.rol') AS role FROM audit_log a"
        " JOIN professionals p ON p.id = a.actor_id"
        " WHERE a.entity = 'signal' AND a.entity_id = ? AND a.action = 'end'"
        " AND json_extract(a.detail, '$.reden') = 'resolved' AND a.actor_id <> ?"
        " ORDER BY a.id DESC LIMIT 1",
        (signal_id, signaller_id),
    )
    if row is None:
        return None
    # the role he or she had then, as the record keeps it (not the role of today); a
    # record from before vix kept it names only the person
    return row["name"] if row["role"] is None else f"{row['name']}, {ROLE_NAMES[row['role']]}"


def _member_periods(rows: list[Any]) -> list[InzageMember]:
    """The periods of each professional in a match, from member rows ordered by start.

    One professional may be in through two signals at once (two children of a
    family), or leave and come back (a family split and joined again): periods
    that overlap or touch are one, a gap makes two. Professionals in the order
    they first joined, each with his or her periods in order.
    """
    periods: dict[tuple[str, str], list[InzageMember]] = {}
    for r in rows:
        mine = periods.setdefault((r["name"], r["org"]), [])
        last = mine[-1] if mine else None
        if last is not None and (last.left_at is None or r["joined_at"] <= last.left_at):
            # still in the match through one signal, or the last to leave
            last.left_at = (
                None
                if last.left_at is None or r["left_at"] is None
                else max(last.left_at, r["left_at"])
            )
        else:
            mine.append(InzageMember(r["name"], r["org"], r["left_at"], r["joined_at"]))
    return [period for mine in periods.values() for period in mine]


@dataclass(frozen=True)
class _Transfer:
    """A signal handed from one professional to a colleague (`transfer.transfer_signals`)."""

    at: str
    source: int
    target: int


def _transfers(store: Store, signal_ids: list[int]) -> dict[int, list[_Transfer]]:
    """Per signal its transfers in order, from the 'transfer' audit records.

    A transfer changes the signal's professional and its open match memberships in
    place (module contract of `vix.transfer`); who had it before is only in these
    records. Only records after the signal's own 'create' count: before migration
    0010 a signal id came back after the signal with the highest id was deleted,
    and the log keeps the records of the first. A transfer that
    ended the signal (rule 5: the colleague signals the youth already) moved
    nothing.
    """
    found: dict[int, list[_Transfer]] = defaultdict(list)
    for r in store.rows(
        "SELECT a.entity_id, a.at, json_extract(a.detail, '$.van') AS source,"
        " json_extract(a.detail, '$.naar') AS target FROM audit_log a"
        " WHERE a.entity = 'signal' AND a.entity_id IN (SELECT value FROM json_each(:ids))"
        " AND a.action = 'transfer' AND json_extract(a.detail, '$.beeindigd') IS NULL"
        " AND a.id > COALESCE((SELECT MAX(c.id) FROM audit_log c WHERE c.entity = 'signal'"
        "  AND c.entity_id = a.entity_id AND c.action = 'create'), 0)"
        " ORDER BY a.id",
        {"ids": json.dumps(signal_ids)},
    ):
        found[int(r["entity_id"])].append(_Transfer(r["at"], int(r["source"]), int(r["target"])))
    return found


def _as_handled(
    rows: list[Any], transfers: dict[int, list[_Transfer]], names: dict[int, str]
) -> list[dict[str, Any]]:
    """Member rows as who was in the match when: a row a transfer changed in place (it
    was open then) becomes one period of the professional who had the signal until the
    transfer and one of the colleague from then on."""
    out = []
    for r in rows:
        row = dict(r)
        for t in transfers.get(row["signal_id"], []):
            if t.at <= row["joined_at"] or (row["left_at"] is not None and row["left_at"] <= t.at):
                continue  # the row was not open then: it kept (or got) its professional
            out.append(
                row
                | {"professional_id": t.source, "name": names.get(t.source, ""), "left_at": t.at}
            )
            row = row | {"joined_at": t.at}
        out.append(row)
    return sorted(out, key=lambda r: (r["joined_at"], r["name"]))


def _youth_periods(own: list[Any]) -> list[tuple[str, str | None]]:
    """The periods the youth was in a match, from his or her member rows (any order):
    (joined, left or None), periods that overlap or touch taken together."""
    spans: list[tuple[str, str | None]] = []
    for r in sorted(own, key=lambda r: r["joined_at"]):
        if spans and (spans[-1][1] is None or r["joined_at"] <= spans[-1][1]):
            end = spans[-1][1]
            spans[-1] = (
                spans[-1][0],
                None if end is None or r["left_at"] is None else max(end, r["left_at"]),
            )
        else:
            spans.append((r["joined_at"], r["left_at"]))
    return spans


def _while_in(at: str, spans: list[tuple[str, str | None]]) -> bool:
    """Whether a time (or a day) of a match's history is the youth's: while he or she
    was in it; not before he or she joined (a family match's history then is a brother's
    or sister's care: review), in a gap between two periods, or after he or she left.
    A founding member joined when the match arose. No periods (no member rows left):
    all of it."""
    width = len(at)
    if not spans:
        return True
    return any(start[:width] <= at and (end is None or at <= end[:width]) for start, end in spans)


def _registrations_asked(
    store: Store, number: str, by_name: SubstituteData | None
) -> tuple[Youth | None, list[Youth]]:
    """The youth the inzage is asked with `number` and the registrations it covers
    (`inzage`): the same youth's, and asked by name those deriving the number."""
    youth = find_youth(store, number)
    registrations = [] if youth is None else same_youth_registrations(store, youth)
    if by_name is not None:
        known = {y.id for y in registrations}
        registrations += [y for y in registrations_deriving(store, by_name) if y.id not in known]
    return youth, registrations


def inzage(
    store: Store,
    by: Professional,
    bsn: str | None = None,
    *,
    number: str | None = None,
    by_name: SubstituteData | None = None,
    apart: bool = False,
) -> Inzage | InzageRefused:
    """Everything the index holds about one youth, for the parents or the youth (rule 17).

    The youth is asked by exactly one of `bsn`, `number` (an onderwijsnummer
    or a substitute number: a youth without a BSN) or `by_name` (the surname,
    birth date and sex the substitute number is derived from, when the parents
    do not know it). Made by a coordinator or administrator who handles the
    request. The inzage itself is a read of personal data and is logged under
    the pseudonym of the same number as every other record about the youth
    (and so appears in its own list of reads). The argued reason for not
    informing parents is not shown (rule 4: signaller, organisation manager
    and auditors only). Parents are counted, never shown: only keyed hashes of
    their BSN are stored, and the youth's own BSN or onderwijsnummer is masked. A
    substitute number is shown whole: the inzage names the data it is derived
    from, and it is the number `vix jeugdige wis` and `corrigeer` take
    (`youths.shown_number`).

    A youth without a BSN may have a second registration that migration 0011
    could not renumber (`youths.registrations_deriving`; `vix jeugdige
    dubbel`). Then no inzage is made, by name or by either number, but an
    `InzageRefused` with the registrations: an inzage of one would silently
    leave out the other, and an inzage of both would show parents another
    child's data when they are twins. Each registration shown is logged as
    a refused inzage (rule 18). Asked by `number`, the registration is shown
    alone, logged as such, once the coordinator judged it another child than
    each other registration (`vix jeugdige apart`, the `kept_apart` table), or
    with `apart`: judged so for this inzage only. By name nothing tells two
    children apart: refused, also when they are kept apart. Asked by name, a
    registration that keeps an older number because the number was taken, and
    is now the only one, is found by its data.
    """
    by.require("coordinator", "admin")
    if (bsn is not None) + (number is not None) + (by_name is not None) != 1:
        raise TypeError("inzage() takes exactly one of bsn, number and by_name")
    if apart and number is None:
        raise TypeError("inzage(apart=True) takes a number")
    if bsn is not None:
        number, kind = clean_bsn(bsn), "bsn"
    elif by_name is not None:
        number, kind = by_name.number(), "substitute"
    else:
        assert number is not None
        number, kind = clean_number_without_bsn(number)
    youth, registrations = _registrations_asked(store, number, by_name)
    if registrations:
        # rule 15 as tonight's `vix onderhoud` would have it: the parents see what the
        # index holds, not a signal, archive entry or registration past its term (a
        # youth of 23 is erased: the inzage then shows the records of the number)
        end_due_of(store, [y.id for y in registrations])
        youth, registrations = _registrations_asked(store, number, by_name)
    detail: dict[str, Any] | None = None
    if len(registrations) > 1:
        judged = kept_apart_pairs(store, [y.id for y in registrations])
        if youth is None or by_name is not None:  # by name nothing tells two children apart
            return _refused_inzage(store, by, registrations, judged)
        others = [y.id for y in registrations if y.id != youth.id]
        if not apart and any(pair_key(youth.id, other) not in judged for other in others):
            return _refused_inzage(store, by, registrations, judged)
        registrations, detail = [youth], {"apart": True}
    if registrations:
        [youth] = registrations
        number = youth.bsn
    store.audit(by.id, "inzage", "youth", None, subject_number=number, detail=detail)
    base: _InzageBase = {
        "number": shown_number(number),
        "made_at": store.stamp,
        "made_by": by.name,
        "region": str(store.setting("regio_naam", "de regio")),
    }
    # only what is about this registration: a number it gave up may be another's now
    log = _inzage_log(store, *_spans_where(_log_spans(store, number, youth)))
    if youth is None:
        # the import renumbers only to a BSN and writes no kind
        replaced = store.scalar(
            "SELECT COALESCE(json_extract(detail, '$.nummer'), 'bsn') FROM audit_log"
            " WHERE action = 'renumber' AND json_extract(detail, '$.vorige_sleutel') = ?"
            " ORDER BY id DESC LIMIT 1",
            (store.pseudonym(number),),
        )
        return Inzage(
            found=False,
            replaced_by=None if replaced is None else NUMBER_KIND_LABELS[str(replaced)],
            number_kind=NUMBER_KIND_LABELS[kind],  # nothing stored: the kind asked
            name=None,
            birth_date=None,
            sex=None,
            municipality=None,
            postcode=None,
            house_number=None,
            created_at=None,
            updated_at=None,
            parents=0,
            schools=[],
            removed_on=None,
            turns_23_on=None,
            signals=[],
            matches=[],
            moves=[],
            notices=[],
            log=[entry for *_, entry in log],
            **base,
        )
    sig_rows = store.rows(
        "SELECT s.*, p.name AS signaller, p.phone, p.email, o.name AS org FROM signals s"
        " JOIN professionals p ON p.id = s.professional_id"
        " JOIN organisations o ON o.id = s.organisation_id"
        " WHERE s.youth_id = ? ORDER BY s.placed_at, s.id",
        (youth.id,),
    )
    transfers = _transfers(store, [int(r["id"]) for r in sig_rows])
    names = {
        int(r["id"]): str(r["name"])
        for r in store.rows(
            "SELECT id, name FROM professionals WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({t.source for ts in transfers.values() for t in ts})),),
        )
    }
    signals = []
    for r in sig_rows:
        active = r["status"] == "active"
        handed = transfers.get(int(r["id"]), [])
        kept = retention(store, youth.birth_date, date.fromisoformat(r["planned_removal"]))
        then = kept.archive_until if active else None
        signals.append(
            InzageSignal(
                id=r["id"],
                organisation=r["org"],
                signaller=r["signaller"],
                signaller_phone=r["phone"],
                signaller_email=r["email"],
                placed_at=r["placed_at"],
                status="actief" if active else "gearchiveerd",
                ended_at=r["ended_at"],
                end_reason=END_LABELS.get(r["end_reason"] or ""),
                planned_removal=r["planned_removal"] if active else None,
                archive_until=r["archive_until"],
                then_archive_until=None if then is None else then.isoformat(),
                removed_on=kept.removed_on.isoformat() if active else r["archive_until"],
                parents_informed_on=r["parents_informed_on"],
                withdrawn_by=None
                if active
                else _withdrawn_by(store, r["id"], r["professional_id"]),
                # the signal is the organisation's: it goes on with the colleague, who did
                # not place it
                taken_over_at=handed[-1].at if handed else None,
                placed_by=names.get(handed[0].source) if handed else None,
            )
        )
    signal_ids = {s.id for s in signals}
    match_rows = store.rows(
        "SELECT DISTINCT m.id, m.kind, m.created_at, m.ended_at, mu.name AS municipality,"
        " d.name AS director, c.name AS care, rv.name AS regievoerder,"
        " m.director_id, m.care_coordinator_id FROM matches m"
        " LEFT JOIN municipalities mu ON mu.id = m.municipality_id"
        " LEFT JOIN professionals d ON d.id = m.director_id"
        " LEFT JOIN professionals c ON c.id = m.care_coordinator_id"
        " LEFT JOIN professionals rv ON rv.id = m.regievoerder_id"
        " WHERE m.youth_id = :y OR m.id IN (SELECT mm.match_id FROM match_members mm"
        "   JOIN signals s ON s.id = mm.signal_id WHERE s.youth_id = :y)"
        " ORDER BY m.created_at, m.id",
        {"y": youth.id},
    )
    matches = []
    # who may be named in the log of a family match: the youth's own professionals
    named: dict[int, set[int]] = {}
    # per match the organisations of the youth's own signals in it, and when
    own_organisations: dict[int, list[tuple[int, str, str | None]]] = {}
    # per match the youth's periods in it (`_youth_periods`)
    periods: dict[int, list[tuple[str, str | None]]] = {}
    for m in match_rows:
        members = store.rows(
            "SELECT mm.signal_id, mm.professional_id, mm.joined_at, mm.left_at, p.name,"
            " o.name AS org, mm.organisation_id FROM match_members mm"
            " JOIN professionals p ON p.id = mm.professional_id"
            " JOIN organisations o ON o.id = mm.organisation_id"
            " WHERE mm.match_id = ? ORDER BY mm.joined_at, p.name",
            (m["id"],),
        )
        # who was in it when: a transfer changed the open memberships in place
        own = _as_handled([r for r in members if r["signal_id"] in signal_ids], transfers, names)
        named[m["id"]] = {r["professional_id"] for r in own}
        own_organisations[m["id"]] = [
            (int(r["organisation_id"]), r["joined_at"], r["left_at"])
            for r in members
            if r["signal_id"] in signal_ids
        ]
        member_list = _member_periods(own)
        # what happened in the match while the youth was not in it (after he or she left a
        # family match that went on, or between two periods in it) is the siblings' care
        periods[m["id"]] = spans = _youth_periods(own)
        left = spans[-1][1] if spans else None
        # a family match never names the other child or its professionals (rule 7)
        is_family = m["kind"] == "family"
        matches.append(
            InzageMatch(
                id=m["id"],
                kind="gezinsmatch" if is_family else "cliëntmatch",
                created_at=m["created_at"],
                # for this youth the match ended when he or she left it
                ended_at=m["ended_at"]
                if left is None or (m["ended_at"] is not None and m["ended_at"] <= left)
                else left,
                municipality=None if is_family else m["municipality"],
                # in a family match only this youth's own professionals are named
                director=m["director"]
                if not is_family or m["director_id"] in named[m["id"]]
                else None,
                care_coordinator=m["care"]
                if not is_family or m["care_coordinator_id"] in named[m["id"]]
                else None,
                regievoerder=None if is_family else m["regievoerder"],
                members=member_list,
                other_family_members=is_family
                and bool({r["professional_id"] for r in members} - named[m["id"]]),
                milestones=[
                    (MILESTONE_LABELS[r["kind"]], r["on_date"])
                    for r in store.rows(
                        "SELECT kind, on_date FROM match_milestones WHERE match_id = ?"
                        " ORDER BY on_date, id",
                        (m["id"],),
                    )
                    if _while_in(r["on_date"], spans)
                ],
                escalations=[
                    (ESCALATION_LABELS.get(r["level"], str(r["level"])), r["on_date"])
                    for r in store.rows(
                        "SELECT level, on_date FROM escalations WHERE match_id = ?"
                        " ORDER BY on_date, level",
                        (m["id"],),
                    )
                    if _while_in(r["on_date"], spans)
                ],
            )
        )
    client_matches = [m.id for m in matches if m.kind == "cliëntmatch"]

    def own_in(
        actor_id: int | None, role: str | None, org_id: int | None, match_id: int, at: str
    ) -> bool:
        # an organisation manager acts for the youth's signaller only while one of the
        # youth's signals of that organisation is in the match: after it left, the same
        # school may be in it for the other child alone
        if match_id not in own_organisations:
            # a match deleted since (an upheld objection): who was in it when is gone
            # with it; the organisations of the youth's own signals stand in
            then = {int(r["organisation_id"]) for r in sig_rows}
        else:
            then = {
                organisation
                for organisation, joined, left in own_organisations[match_id]
                if joined <= at and (left is None or at < left)
            }
        return _own_in_family(actor_id, role, org_id, named.get(match_id, set()), then)

    notice_rows = store.rows(
        "SELECT o.id, o.created_at, o.kind, o.recipient_id, o.recipient_name AS name,"
        " o.status, o.sent_at, o.match_id, m.kind AS match_kind, p.role,"
        " p.organisation_id AS org_id FROM outbox o"
        " LEFT JOIN matches m ON m.id = o.match_id"
        " LEFT JOIN professionals p ON p.id = o.recipient_id"
        " WHERE o.id IN (SELECT outbox_id FROM outbox_youths WHERE youth_id = :y)"
        " OR o.match_id IN (SELECT value FROM json_each(:client))"
        " ORDER BY o.created_at, o.id",
        {"y": youth.id, "client": json.dumps(client_matches)},
    )
    # the notices about a family match (or one an upheld objection deleted): a lead or
    # escalation notice goes to whoever leads it or is told, maybe the other child's
    # professional, its organisation manager or the regievoerder or alderman of its
    # municipality (rule 7); a match notice goes to the youth's own professional
    family_notices = {
        int(r["id"]): r["match_id"]
        for r in notice_rows
        if r["match_kind"] != "youth"
        and r["kind"] not in MATCH_KINDS
        and (r["match_kind"] is not None or r["kind"].startswith(("regie_", "escalatie_")))
    }
    notices = [
        InzageNotice(
            created_at=r["created_at"],
            kind=NOTICE_LABELS.get(r["kind"], r["kind"]),
            recipient=r["name"]  # `_family_actor` reads it so too
            if r["id"] not in family_notices
            or own_in(
                r["recipient_id"], r["role"], r["org_id"], r["match_id"] or 0, r["created_at"]
            )
            # one who is no professional is the alderman of its municipality
            else FAMILY_ALDERMAN
            if r["recipient_id"] is None
            else _family_actor(r)[0],
            status=NOTICE_STATUS_LABELS.get(r["status"], r["status"]),
            sent_at=r["sent_at"],
        )
        for r in notice_rows
    ]
    # the notices of the youth's matches that were withdrawn before they went (a
    # transfer, a change of the match): deleted from the outbox, their audit records
    # stay. Of a client match each; of a family match those about the whole match
    # (lead, escalation) queued while the youth was in it: a match notice there was
    # its recipient's own youths', who cannot be told after it went
    family_ids = {m.id for m in matches if m.kind == "gezinsmatch"}
    withdrawn: list[int] = []
    for r in store.rows(
        "SELECT a.entity_id, a.at, json_extract(a.detail, '$.match') AS match_id,"
        " json_extract(a.detail, '$.soort') AS kind"
        f" FROM audit_log a INDEXED BY {WITHDRAWN_INDEX}"
        " WHERE a.entity = 'notice' AND a.action = 'queue'"
        " AND json_extract(a.detail, '$.match') IN (SELECT value FROM json_each(:matches))"
        " AND a.entity_id NOT IN (SELECT id FROM outbox)",
        {"matches": json.dumps([m.id for m in matches])},
    ):
        if r["match_id"] not in family_ids:
            withdrawn.append(int(r["entity_id"]))
        elif r["kind"] not in MATCH_KINDS and _while_in(r["at"], periods[r["match_id"]]):
            withdrawn.append(int(r["entity_id"]))
            family_notices[int(r["entity_id"])] = r["match_id"]
    # the events of the youth's matches and notices, logged on the match or notice
    # itself (no subject: a match concerns more than one record); in a family match
    # a professional of the other child is not named (rule 7)
    events = _inzage_log(
        store,
        "(a.entity = 'match' AND a.action IN (SELECT value FROM json_each(:actions))"
        "  AND a.entity_id IN (SELECT value FROM json_each(:matches)))"
        " OR (a.entity = 'notice' AND a.entity_id IN (SELECT value FROM json_each(:notices)))",
        {
            "actions": json.dumps(sorted(MATCH_EVENTS)),
            "matches": json.dumps([m.id for m in matches]),
            "notices": json.dumps([*(r["id"] for r in notice_rows), *withdrawn]),
        },
        hide=lambda r: (
            None
            if r["actor_id"] is None
            or (r["entity"] == "match" and r["entity_id"] in client_matches)
            or (r["entity"] == "notice" and r["entity_id"] not in family_notices)
            or own_in(
                r["actor_id"],
                r["role"],
                r["org_id"],
                r["entity_id"] if r["entity"] == "match" else family_notices[r["entity_id"]] or 0,
                r["at"],
            )
            else _family_actor(r)
        ),
        keep=lambda r: (
            r["entity"] != "match" or _while_in(r["at"], periods.get(r["entity_id"], []))
        ),
    )
    # once each: a notice deleted with a record on the youth may be found both ways
    log = sorted({e[1]: e for e in [*log, *events]}.values(), key=lambda e: (e[0], e[1]))
    moves = [
        (r["moved_on"], r["name"])
        for r in store.rows(
            "SELECT mv.moved_on, mu.name FROM youth_moves mv"
            " JOIN municipalities mu ON mu.id = mv.to_municipality_id"
            " WHERE mv.youth_id = ? ORDER BY mv.moved_on, mv.id",
            (youth.id,),
        )
    ]
    # rule 15: not the end of the active signals, but of what the archive keeps of them
    turns_23_on = twenty_third_birthday(youth.birth_date).isoformat()
    removed_on = min(max(s.removed_on for s in signals), turns_23_on) if signals else None
    return Inzage(
        found=True,
        number_kind=NUMBER_KIND_LABELS.get(youth.id_kind, youth.id_kind),
        name=youth.name,
        birth_date=youth.birth_date.isoformat(),
        sex=SEX_LABELS.get(youth.sex) if youth.sex else None,
        municipality=store.scalar(
            "SELECT name FROM municipalities WHERE id = ?", (youth.municipality_id,)
        ),
        postcode=youth.postcode,
        house_number=youth.house_number,
        created_at=youth.created_at,
        updated_at=youth.updated_at,
        parents=int(
            store.scalar("SELECT COUNT(*) FROM youth_parents WHERE youth_id = ?", (youth.id,))
        ),
        schools=_inzage_schools(store, youth.id),
        removed_on=removed_on,
        turns_23_on=turns_23_on,
        signals=signals,
        matches=matches,
        moves=moves,
        notices=notices,
        log=[entry for *_, entry in log],
        **base,
    )


def _refused_inzage(
    store: Store, by: Professional, youths: list[Youth], judged: set[tuple[int, int]]
) -> InzageRefused:
    """The registrations of one surname, birth date and sex, older numbers first, and the
    pairs of them not `judged` two children; each one shown is logged under its own
    pseudonym."""
    held = {y.bsn for y in youths}
    older = []
    for y in youths:
        new = derived_number(y)
        if new is not None and new != y.bsn and new in held:
            older.append(y.bsn)
    youths = sorted(youths, key=lambda y: (y.bsn not in older, y.id))
    undecided = [
        (a.bsn, b.bsn)
        for i, a in enumerate(youths)
        for b in youths[i + 1 :]
        if pair_key(a.id, b.id) not in judged
    ]
    for y in youths:
        store.audit(by.id, "inzage_refused", "youth", y.id, subject_number=y.bsn)
    return InzageRefused([Registration.of(y) for y in youths], older, undecided)


def _inzage_schools(store: Store, youth_id: int) -> list[InzageSchool]:
    """The youth's school registrations, each with who imported the list that wrote it.

    An import writes one audit record per run (action 'import', entity
    'organisation', the school's id) with the run's timestamp, and stamps
    every pupil row it creates or changes with that same timestamp: the run
    that wrote a registration is the record with the school's id at the row's
    `imported_at`. Without such a record (a list imported before runs were
    logged) the importer is "onbekend". Two runs in one second: the later one
    wrote last.
    """
    return [
        InzageSchool(
            organisation=r["org"],
            pupil_number=r["pupil_number"],
            class_name=r["class_name"],
            imported_at=r["imported_at"],
            imported_by=r["importer"] or "onbekend",
            listed_municipality=None
            if r["listed_municipality"] is None
            else r["municipality"] or "",
        )
        for r in store.rows(
            "SELECT o.name AS org, pu.pupil_number, pu.class_name, pu.imported_at,"
            " pu.listed_municipality, m.name AS municipality,"
            " (SELECT p.name FROM audit_log a JOIN professionals p ON p.id = a.actor_id"
            "   WHERE a.at = pu.imported_at AND a.action = 'import'"
            "   AND a.entity = 'organisation' AND a.entity_id = pu.organisation_id"
            "   ORDER BY a.id DESC LIMIT 1) AS importer"
            " FROM pupils pu JOIN organisations o ON o.id = pu.organisation_id"
            " LEFT JOIN municipalities m ON m.id = pu.listed_municipality"
            " WHERE pu.youth_id = ? ORDER BY pu.imported_at, o.name",
            (youth_id,),
        )
    ]


# -- brief aan ouders -----------------------------------------------------------


@dataclass
class ParentLetter:
    region: str
    date: str
    organisation_code: str
    organisation: str
    organisation_phone: str | None
    organisation_email: str | None
    signaller: str
    signaller_phone: str | None
    signaller_email: str
    youth_name: str
    youth_birth_date: str
    addressee: str  # ouders | ouders_en_jeugdige | jeugdige
    placed_at: str
    planned_removal: str  # the signal ends at the latest
    # rule 15, as `signals.retention` (a region's older copy of the letter may use none
    # of these): then in the history archive until this day at the latest, None when it
    # is deleted at once at 23; the archive term in years; the 23rd birthday
    then_archive_until: str | None
    archive_years: int
    turns_23_on: str
    # the day a colleague took the signal over (`vix professional overdragen`); the
    # letter then does not say that he or she placed it
    taken_over_at: str | None = None


def parent_letter(store: Store, by: Professional, signal_id: int) -> ParentLetter:
    """The letter that informs parents (or the youth) of a signal (rule 4).

    It sends the parents to the signal's professional for inzage, correction and
    objection (rule 17): while that is someone who left (`vix professional deactiveer`),
    the organisation manager, who alone can still ask for it, is refused and told to
    hand the signal to a colleague first (`transfer`), whom the letter then names."""
    holder = professional_by_id(store, require_own_signal(store, by, signal_id))
    if not holder.active:
        raise Conflict(
            f"Signaal {signal_id} staat nog op naam van {holder.name} ({holder.email}), die "
            "niet meer actief is; de brief zou de ouders voor inzage, correctie en bezwaar "
            "naar hem of haar verwijzen. Draag het signaal eerst over aan een collega met "
            f"'vix professional overdragen {holder.email} COLLEGA --signaal {signal_id}'; "
            "de brief noemt dan de collega."
        )
    row = store.row(
        f"SELECT s.*, {youth_name_sql('y')} AS youth, y.birth_date, y.bsn,"
        " p.name AS signaller, p.phone AS p_phone, p.email AS p_email,"
        " o.code, o.name AS org, o.phone AS o_phone, o.email AS o_email"
        " FROM signals s JOIN youths y ON y.id = s.youth_id"
        " JOIN professionals p ON p.id = s.professional_id"
        " JOIN organisations o ON o.id = s.organisation_id"
        " WHERE s.id = ? AND s.status = 'active'",
        (signal_id,),
    )
    assert row is not None
    store.audit(by.id, "letter", "signal", signal_id, subject_number=row["bsn"])
    born = date.fromisoformat(row["birth_date"])
    age = relativedelta(store.today, born).years
    addressee = "ouders" if age < 12 else "ouders_en_jeugdige" if age < 16 else "jeugdige"
    kept = retention(store, born, date.fromisoformat(row["planned_removal"]))
    return ParentLetter(
        region=str(store.setting("regio_naam", "de regio")),
        date=store.today.isoformat(),
        organisation_code=row["code"],
        organisation=row["org"],
        organisation_phone=row["o_phone"],
        organisation_email=row["o_email"],
        signaller=row["signaller"],
        signaller_phone=row["p_phone"],
        signaller_email=row["p_email"],
        youth_name=row["youth"],
        youth_birth_date=row["birth_date"],
        addressee=addressee,
        placed_at=row["placed_at"],
        planned_removal=row["planned_removal"],
        then_archive_until=None if kept.archive_until is None else kept.archive_until.isoformat(),
        archive_years=int(store.setting("archief_jaren", ARCHIVE_YEARS_DEFAULT)),
        turns_23_on=twenty_third_birthday(born).isoformat(),
        taken_over_at=store.scalar(
            "SELECT max(at) FROM audit_log WHERE action = 'transfer' AND entity = 'signal'"
            " AND entity_id = ?",
            (signal_id,),
        ),
    )


# -- rendering -------------------------------------------------------------------


def getal(value: Figure | float | None) -> str:
    """Dutch number: 1.234; the marks "<5", "x" and "." pass through, None becomes "-"."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def procent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}".replace(".", ",") + "%"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    pattern: int


@dataclass
class Chart:
    title: str
    width: int
    height: int
    base: float
    series: list[str]
    categories: list[tuple[float, str]]  # (x centre, label)
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label)


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list[Figure]]]) -> Chart:
    """Grouped bars with a value on each bar; series differ by fill pattern, not colour."""
    width, height, left, top, bottom = 720, 260, 44, 30, 40
    plot_h = height - top - bottom
    numbers = [v if isinstance(v, int) else 0 for _, vs in series for v in vs]
    peak = max([*numbers, 1])
    step = max(1, _nice(peak / 4))
    top_value = step * -(-peak // step)
    slot = (width - left - 10) / max(len(categories), 1)
    bar_w = min(28.0, slot * 0.8 / max(len(series), 1))
    bars: list[Bar] = []
    for ci, _ in enumerate(categories):
        group_x = left + ci * slot + (slot - bar_w * len(series)) / 2
        for si, (_, values) in enumerate(series):
            value = values[ci]
            n = value if isinstance(value, int) else 0
            h = plot_h * n / top_value
            bars.append(
                Bar(
                    x=round(group_x + si * bar_w, 1),
                    y=round(top + plot_h - h, 1),
                    width=round(bar_w - 2, 1),
                    height=round(h, 1),
                    label=getal(value),
                    pattern=si,
                )
            )
    ticks = [
        (round(top + plot_h - plot_h * v / top_value, 1), getal(v))
        for v in range(0, top_value + 1, step)
    ]
    return Chart(
        title=title,
        width=width,
        height=height,
        base=top + plot_h,
        series=[name for name, _ in series],
        categories=[(round(left + (i + 0.5) * slot, 1), c) for i, c in enumerate(categories)],
        bars=bars,
        ticks=ticks,
    )


def _nice(raw: float) -> int:
    for unit in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if unit >= raw:
            return unit
    return int(10 ** len(str(int(raw))))


def report_charts(report: Report) -> list[Chart]:
    return [
        bar_chart(
            "Signalen en matches per maand",
            [m.label for m in report.per_month],
            [
                ("signalen afgegeven", [m.signals for m in report.per_month]),
                ("matches ontstaan", [m.matches for m in report.per_month]),
            ],
        ),
        bar_chart(
            f"{report.agreement_unit.capitalize()} van match tot afstemming"
            f" (norm: {report.agreement_days})",
            [b.label for b in report.agreement_distribution],
            [("matches", [b.count for b in report.agreement_distribution])],
        ),
    ]


def template_for(kind: str, fmt: str, override_dir: str | None, variant: str | None) -> Template:
    """`rapport/KIND.txt|html` or `brief/KIND.txt|html`; a `KIND-VARIANT` file wins."""
    if fmt not in FORMATS:
        raise InvalidInput("Kies --formaat tekst of --formaat html.")
    ext = FORMATS[fmt]
    names = [f"{kind}-{variant.lower()}.{ext}"] if variant else []
    names.append(f"{kind}.{ext}")
    return environment(override_dir).select_template(names)


def render_document(
    store: Store, kind: str, fmt: str, *, variant: str | None = None, **context: Any
) -> str:
    """Render a report or letter; the region's override folder (`sjablonen_map`) wins."""
    override = templates_folder(store.setting("sjablonen_map", None))
    with told(f"{kind}.{FORMATS.get(fmt, fmt)}"):
        template = template_for(kind, fmt, override, variant)
    # an error is named as the file that was chosen: an organisation's own letter
    return render_loaded(
        template,
        override,
        getal=getal,
        procent=procent,
        datum=dutch_date,
        maand=month_label,
        **context,
    )
