"""A model-based test: random sequences of real commands on a small region.

A hypothesis `RuleBasedStateMachine` drives the real CLI in-process (CliRunner) on
a real SQLite file in a fresh folder per example. The region (tests/stateful_model.py)
has two municipalities, schools, youth health care, youth care, a social team, youth
protection and the municipality's regievoerder; families of half-siblings, siblings
who share a home, two youths at an institution's address, a youth who turns 23,
and twins without a BSN. The rules place and withdraw signals (with and without
family data, by whoever, on whomever), move youths, correct their parents and
address, erase them, record contact, agreement and action, hand the lead around,
advance the clock by working days or months, escalate stagnation, run the nightly
maintenance, and deactivate, reactivate and replace professionals.

After every command (`Vix.run`): exit status 0, 1 or 2 and never an unexpected
error; no BSN in clear in its output; a refusal changed nothing (but the lookups a
revealing refusal logs). After every step (the invariants): the open matches are
exactly those the active signals make (rules 6-8), every professional's `vix
matches` and `vix signalen` show exactly what need to know allows (rule 16),
notices name only the recipient's own youths (rules 7, 9), and neither the audit
log nor the outbox holds a BSN (rule 18).

CI runs a small, derandomized profile; `VIX_HYPOTHESIS=lang` runs it long:

    VIX_HYPOTHESIS=lang pytest tests/test_stateful.py
"""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from stateful_model import (
    ADDRESSES,
    ADMIN,
    COORDINATOR,
    INSTITUTION,
    MANAGER,
    NAME_WORD,
    PA,
    PB,
    REGIE,
    SIGNALLERS,
    YOUTHS,
    Seen,
    Unexpected,
    Vix,
    Youth,
    build_template,
    check_after_maintenance,
    check_matches,
    check_need_to_know,
    check_notices,
    check_stored_text,
    column,
    copy_template,
    dutch,
    profile_env,
    registered_number,
    scalar,
    twenty_third,
)

settings.register_profile(
    "ci",
    max_examples=20,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "lang",
    max_examples=2000,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# exploring: no shrinking, first failure only, a fresh seed each run
settings.register_profile(
    "verken",
    max_examples=500,
    stateful_step_count=60,
    deadline=None,
    report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

_template = tempfile.TemporaryDirectory(prefix="vix-stateful-")
_built = False


def template() -> Path:
    global _built
    folder = Path(_template.name)
    if not _built:
        build_template(folder)
        _built = True
    return folder


signallers = st.sampled_from(SIGNALLERS)
youths = st.sampled_from(YOUTHS)
# how the signaller gives the youth: all that is known, only what identifies, only the
# number (a youth he or she knows), a birth date that is not the youth's, or the
# family data of another home
VARIANTS = ["full", "bare", "number", "wrong_birth", "other_home"]


class Region(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(prefix="vix-state-")
        self.v: Vix = copy_template(template(), Path(self.folder.name))
        self.seen = Seen(set())
        self._recording = Unexpected.recorded()
        self._recording.__enter__()

    def teardown(self) -> None:
        self._recording.__exit__(None, None, None)
        self.folder.cleanup()

    # -- helpers ----------------------------------------------------------------------

    def tick(self) -> None:
        """Every step is a minute after the one before, as commands are."""
        self.v.now += timedelta(minutes=1)

    def number(self, youth: Youth) -> str | None:
        return youth.bsn if youth.bsn is not None else registered_number(self.v.db, youth)

    def signal_args(self, youth: Youth, variant: str) -> list[str]:
        known = registered_number(self.v.db, youth)
        if variant == "number":
            number = self.number(youth)
            return [number] if number else ["--zonder-bsn"]  # refused: no data
        args = [youth.bsn] if youth.bsn else ["--zonder-bsn"]
        born = youth.born
        # (without a BSN, another birth date is another substitute number: another child)
        if variant == "wrong_birth" and known is not None and youth.bsn is not None:
            born = born.replace(year=born.year + 1)
        args += ["--voornaam", youth.given, "--achternaam", youth.surname]
        args += ["--geboortedatum", dutch(born), "--geslacht", youth.sex]
        args += ["--gemeente", youth.town]
        if variant == "full":
            for p in youth.parents:
                args += ["--ouder", p]
            if youth.address:
                args += ["--postcode", youth.address[0], "--huisnummer", youth.address[1]]
        elif variant == "other_home":
            args += ["--ouder", PB if PA in youth.parents else PA]
            args += ["--postcode", "2041AB", "--huisnummer", "12"]
        return args

    def active_signal(self, email: str, youth: Youth, *, current: bool = False) -> int | None:
        """The professional's active signal on the youth; `current`: not past its term
        (a signal that `vix onderhoud` did not end yet ends when the youth is signalled)."""
        number = registered_number(self.v.db, youth)
        if number is None:
            return None
        found = scalar(
            self.v.db,
            "SELECT s.id FROM signals s JOIN youths y ON y.id = s.youth_id"
            " JOIN professionals p ON p.id = s.professional_id"
            " WHERE y.bsn = ? AND p.email = ? AND s.status = 'active'"
            " AND (NOT ? OR s.planned_removal > ?)",
            (number, email, current, self.v.now.date().isoformat()),
        )
        return None if found is None else int(found)

    def reachable(self, email: str) -> bool:
        return bool(
            scalar(
                self.v.db,
                "SELECT p.active AND coalesce(o.active, 1) FROM professionals p"
                " LEFT JOIN organisations o ON o.id = p.organisation_id WHERE p.email = ?",
                (email,),
            )
        )

    # -- rules ------------------------------------------------------------------------
    # Hypothesis picks a rule uniformly: signalling has three rules (it makes the
    # matches everything else acts on), the rest of the product is grouped by theme.

    @initialize(
        first=st.lists(
            st.tuples(signallers, youths, st.sampled_from(["full", "bare"])),
            min_size=2,
            max_size=6,
        )
    )
    def populate(self, first: list[tuple[str, Youth, str]]) -> None:
        """A region in use: a few signals before anything else happens."""
        for who, youth, variant in first:
            self.signal(who, youth, variant, informed=True)

    @rule(who=signallers, youth=youths, variant=st.sampled_from(VARIANTS), informed=st.booleans())
    def signal(self, who: str, youth: Youth, variant: str, informed: bool) -> None:
        self.tick()
        args = ["signaleer", *self.signal_args(youth, variant)]
        if informed:
            args += ["--ouders-geinformeerd", dutch(self.v.now.date())]
        else:
            args += ["--ouders-niet-geinformeerd", "Informeren brengt de jeugdige in gevaar"]
        had = self.active_signal(who, youth, current=True)
        known = registered_number(self.v.db, youth) is not None
        result = self.v.run(*args, "--json", als=who)
        if had is not None:
            assert result.exit_code == 1, ("a second signal of one professional", result.stdout)
        elif (
            variant in ("full", "bare")
            and not known
            and youth.bsn is not None
            and self.reachable(who)
            and twenty_third(youth.born) > self.v.now.date()
        ):
            # a new youth, given in full by a signaller who can act: nothing to refuse
            assert result.exit_code == 0, (args, result.stderr)
        if result.exit_code == 0:
            assert self.active_signal(who, youth) is not None, args

    @rule(who=signallers, data=st.data(), variant=st.sampled_from(["full", "bare", "number"]))
    def signal_too(self, who: str, data: st.DataObject, variant: str) -> None:
        """Another professional signals a youth (or a sibling of one) someone signals."""
        names = column(
            self.v.db,
            "SELECT DISTINCT y.given_name FROM signals s JOIN youths y ON y.id = s.youth_id"
            " WHERE s.status = 'active' ORDER BY 1",
        )
        family = {"Anna": "Bram", "Bram": "Cas", "Cas": "Anna", "Daan": "Evi", "Evi": "Daan"}
        names += [family[n] for n in names if n in family]
        if not names:
            return
        name = data.draw(st.sampled_from(sorted(set(names))), label="youth")
        youth = next(y for y in YOUTHS if y.given == name)
        self.signal(who, youth, variant, informed=True)

    @rule(who=signallers, data=st.data())
    def signal_again(self, who: str, data: st.DataObject) -> None:
        self.signal_too(who, data, "full")

    @rule(kind=st.sampled_from(["own", "anyone", "manager"]), data=st.data())
    def withdraw(self, kind: str, data: st.DataObject) -> None:
        """A signaller withdraws an own signal (must succeed), the manager one of the
        school's, or anyone any signal number (mostly refused)."""
        self.tick()
        reason = data.draw(st.sampled_from(["weggenomen", "onterecht"]), label="reason")
        if kind == "anyone":
            ids = column(self.v.db, "SELECT id FROM signals ORDER BY id")
            signal = data.draw(st.sampled_from([*ids, 9999]), label="signal")
            who = data.draw(st.sampled_from([*SIGNALLERS, MANAGER, COORDINATOR]), label="who")
            result = self.v.run("intrekken", str(signal), "--reden", reason, als=who)
            if result.exit_code == 0:
                assert not scalar(
                    self.v.db,
                    "SELECT 1 FROM signals WHERE id = ? AND status = 'active'",
                    (signal,),
                )
            return
        rows = column(
            self.v.db,
            "SELECT s.id || ' ' || p.email FROM signals s"
            " JOIN professionals p ON p.id = s.professional_id"
            " JOIN organisations o ON o.id = s.organisation_id"
            " WHERE s.status = 'active' AND p.active = 1 AND o.active = 1"
            + (" AND o.code = 'ZON'" if kind == "manager" else "")
            + " ORDER BY s.id",
        )
        if not rows:
            return
        signal, who = data.draw(st.sampled_from(rows), label="signal").split()
        result = self.v.run(
            "intrekken", signal, "--reden", reason, als=MANAGER if kind == "manager" else who
        )
        assert result.exit_code == 0, result.stderr

    @rule(
        youth=youths,
        change=st.sampled_from(["move", "move", "parents", "no_parents", "address", "no_address"]),
        town=st.sampled_from(["HAARLEM", "ZANDVOORT"]),
        address=st.sampled_from(ADDRESSES),
        parent=st.sampled_from([PA, PB]),
        who=st.sampled_from([COORDINATOR, ADMIN, *SIGNALLERS]),
    )
    def family(
        self,
        youth: Youth,
        change: str,
        town: str,
        address: tuple[str, str] | None,
        parent: str,
        who: str,
    ) -> None:
        """A move (by whoever), or the coordinator corrects parents or address."""
        self.tick()
        number = self.number(youth) or "111222436"  # a number vix does not know
        if change == "move":
            args = ["jeugdige", "verhuis", number, "--gemeente", town]
            if address:
                args += ["--postcode", address[0], "--huisnummer", address[1]]
            self.v.run(*args, als=who)
            return
        args = ["jeugdige", "corrigeer", number]
        if change == "parents":
            args += ["--ouder", parent]
        elif change == "no_parents":
            args += ["--geen-ouders"]
        elif change == "address" and address:
            args += ["--postcode", address[0], "--huisnummer", address[1]]
        else:
            args += ["--geen-adres"]
        self.v.run(*args, als=COORDINATOR)

    @rule(address=st.sampled_from([("2041AB", "12"), INSTITUTION]), remove=st.booleans())
    def institution(self, address: tuple[str, str], remove: bool) -> None:
        self.tick()
        args = ["instellingsadres", *address]
        args += ["--wis"] if remove else ["Leefgroep"]
        self.v.run(*args, als=ADMIN)

    @rule(
        youth=youths,
        reason=st.sampled_from(["bezwaar", "verwijderverzoek", "overlijden"]),
        who=st.sampled_from([COORDINATOR, COORDINATOR, "ib@zon.nl"]),
    )
    def erase(self, youth: Youth, reason: str, who: str) -> None:
        self.tick()
        number = self.number(youth)
        if number is None:
            return
        result = self.v.run("jeugdige", "wis", number, "--reden", reason, als=who)
        if result.exit_code == 0:
            assert not scalar(
                self.v.db,
                "SELECT 1 FROM signals s JOIN youths y ON y.id = s.youth_id"
                " WHERE y.bsn = ? AND s.status = 'active'",
                (number,),
            )

    @rule(
        kind=st.sampled_from(["contact", "afstemming", "actie"]),
        flag=st.sampled_from([None, None, None, "--corrigeer", "--wis"]),
        back=st.sampled_from([0, 0, 0, 1, 3]),
        data=st.data(),
    )
    def milestone(self, kind: str, flag: str | None, back: int, data: st.DataObject) -> None:
        """Contact, agreement or action on a match, mostly by one of its members."""
        self.tick()
        ids = column(self.v.db, "SELECT id FROM matches ORDER BY ended_at IS NOT NULL, id")
        match = data.draw(st.sampled_from([*ids, 9999]), label="match")
        members = column(
            self.v.db,
            "SELECT DISTINCT p.email FROM match_members mm"
            " JOIN professionals p ON p.id = mm.professional_id WHERE mm.match_id = ?"
            " ORDER BY 1",
            (match,),
        )
        director = column(
            self.v.db,
            "SELECT p.email FROM matches m JOIN professionals p ON p.id = m.director_id"
            " WHERE m.id = ?",
            (match,),
        )
        who = data.draw(
            st.sampled_from([*director, *director, *members, COORDINATOR, REGIE, "team@st.nl"]),
            label="who",
        )
        args = [kind, str(match)]
        if flag == "--wis":
            args.append(flag)
        else:
            args += ["--datum", dutch(self.v.now.date() - timedelta(days=back))]
            args += [flag] if flag else []
        self.v.run(*args, als=who)

    @rule(data=st.data())
    def lead(self, data: st.DataObject) -> None:
        """A member or the coordinator names the director or asks the regievoerder; the
        regievoerder appoints a care coordinator."""
        self.tick()
        ids = column(self.v.db, "SELECT id FROM matches WHERE ended_at IS NULL ORDER BY id")
        if not ids:
            return
        match = data.draw(st.sampled_from(ids), label="match")
        members = column(
            self.v.db,
            "SELECT DISTINCT p.email FROM match_members mm JOIN professionals p"
            " ON p.id = mm.professional_id WHERE mm.match_id = ? AND mm.left_at IS NULL"
            " ORDER BY 1",
            (match,),
        )
        who = data.draw(st.sampled_from([*members, COORDINATOR, REGIE]), label="who")
        to = data.draw(st.sampled_from([*members, "team@st.nl", None]), label="to")
        if who == REGIE:
            self.v.run("zorgcoordinator", str(match), to or "team@st.nl", als=who)
        else:
            extra = ["--regievoerder"] if to is None else ["--regisseur", to]
            self.v.run("regie", str(match), *extra, als=who)

    @rule(days=st.sampled_from([1, 1, 2, 3, 5, 8, 30, 200, 400]))
    def advance(self, days: int) -> None:
        """Working days (a weekend does not count), or a leap of months."""
        now = self.v.now
        if days < 30:
            left = days
            while left:
                now += timedelta(days=1)
                if now.weekday() < 5:
                    left -= 1
        else:
            now += timedelta(days=days)
        self.v.now = now.replace(hour=9, minute=0)

    @rule(escalate=st.booleans(), who=st.sampled_from([COORDINATOR, COORDINATOR, MANAGER, REGIE]))
    def stagnation(self, escalate: bool, who: str) -> None:
        self.tick()
        args = ["stagnatie", "--json", *(["--escaleer"] if escalate else [])]
        result = self.v.run(*args, als=who)
        if result.exit_code == 0 and result.stdout.strip():
            for row in json.loads(result.stdout):
                assert row["youths"] == [], ("a process role sees no youth", who, row)

    @rule()
    def maintenance(self) -> None:
        self.tick()
        result = self.v.run("onderhoud", als=COORDINATOR)
        assert result.exit_code == 0, result.stderr
        check_after_maintenance(self.v.db, self.v.now.date())

    @rule(
        action=st.sampled_from(["deactiveer", "deactiveer", "activeer", "overdragen"]),
        who=signallers,
        by=st.sampled_from([ADMIN, MANAGER]),
    )
    def staff(self, action: str, who: str, by: str) -> None:
        """A professional leaves or comes back; the manager (or admin) hands the signals
        of one to a colleague."""
        self.tick()
        if action != "overdragen":
            self.v.run("professional", action, who, als=ADMIN)
            return
        colleague = {
            "ib@zon.nl": "mentor@zon.nl",
            "mentor@zon.nl": "ib@zon.nl",
            "hulp@jh.nl": "hulp2@jh.nl",
            "hulp2@jh.nl": "hulp@jh.nl",
        }.get(who, "ib@zon.nl")
        self.v.run("professional", "overdragen", who, colleague, als=by)

    @rule(who=st.sampled_from([*SIGNALLERS, REGIE, COORDINATOR]), data=st.data())
    def read(self, who: str, data: st.DataObject) -> None:
        """`vix match N` for a match one is not in answers as for one that does not exist;
        the coordinator makes an inzage."""
        self.tick()
        ids = column(self.v.db, "SELECT id FROM matches ORDER BY id")
        match = data.draw(st.sampled_from([*ids, 9999]), label="match")
        # in it (rule 16): active, with an active signal among the open match's members,
        # or its regievoerder
        in_it = column(
            self.v.db,
            "SELECT 1 FROM matches m JOIN professionals p ON p.email = ?"
            " LEFT JOIN organisations o ON o.id = p.organisation_id"
            " WHERE m.id = ? AND m.ended_at IS NULL AND p.active AND coalesce(o.active, 1)"
            " AND (m.regievoerder_id = p.id OR EXISTS (SELECT 1 FROM match_members mm"
            " JOIN signals s ON s.id = mm.signal_id WHERE mm.match_id = m.id"
            " AND mm.left_at IS NULL AND s.status = 'active' AND s.professional_id = p.id))",
            (who, match),
        )
        result = self.v.run("match", str(match), "--json", als=who)
        missing = self.v.run("match", "9999", "--json", als=who)
        assert (result.exit_code == 0) == bool(in_it), (who, match, result.stderr)
        if result.exit_code != 0:
            assert result.stderr.replace(str(match), "N") == missing.stderr.replace("9999", "N")
        # the queue: the coordinator sees match and organisation, the administrator the
        # recipient without the match; neither a list of who is in which match, nor a youth
        for by, hidden in ((COORDINATOR, "recipient_email"), (ADMIN, "match_id")):
            queue = self.v.json("berichten", "--alles", als=by)
            assert all(item[hidden] is None for item in queue["items"]), (by, queue)
            assert not NAME_WORD.search(json.dumps(queue)), (by, queue)
        youth = data.draw(youths, label="inzage")
        if youth.bsn is not None:
            self.v.run("inzage", "--bsn", youth.bsn, als=COORDINATOR)

    # -- invariants -------------------------------------------------------------------

    @invariant()
    def matches_follow_the_signals(self) -> None:
        check_matches(self.v.db)
        for kind in column(self.v.db, "SELECT kind FROM matches WHERE ended_at IS NULL"):
            event(f"open {kind} match")

    @invariant()
    def need_to_know(self) -> None:
        check_need_to_know(self.v)

    @invariant()
    def nothing_in_clear(self) -> None:
        check_stored_text(self.v.db)
        check_notices(self.v.db, self.seen)


# the profile applies to this machine only, not to the session's other property tests
Region.TestCase.settings = settings.get_profile(profile_env())
TestRegion = Region.TestCase
