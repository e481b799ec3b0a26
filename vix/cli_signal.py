"""Commands of the index itself: signaleer, intrekken, signalen, matches, match, jeugdige.

`vix signaleer` is typed by a school's internal supervisor between two lessons:
on a terminal it asks for what is missing, in Dutch, shows the name that
belongs to a known BSN and asks for confirmation before anything is stored.
With flags, or without a terminal, it never prompts.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Annotated, Any

import typer
from rich.markup import escape

from . import people, settings, signals, views
from .cli_common import (
    JsonOption,
    check_in_store,
    clock,
    dutch,
    err,
    globals_of,
    guarded,
    out,
    parse_date,
    print_json,
    print_lines,
    print_table,
    record_number,
    session,
    stdin_is_terminal,
)
from .db import Store
from .errors import Conflict, InvalidInput, NotFound, UsageError, VixError
from .notices import action_late, agreement_late
from .people import Professional, municipality_id
from .text import (
    bsn_shaped,
    counted,
    is_text,
    not_text,
    one_line,
    only_digits,
    required_name,
    typed_bytes,
    visible,
)
from .youths import (
    NUMBER_KIND_LABELS,
    Home,
    Youth,
    YouthData,
    check_age,
    clean_house_number,
    clean_parents,
    clean_postcode,
    clean_sex,
    clean_youth_number,
    find_pupil,
    find_youth,
    number_kind,
    substitute_number,
)


@dataclass
class _Answers:
    """What the signaller gave, by flag or prompt."""

    number: str | None = None  # BSN, onderwijsnummer or substitute number
    pupil: str | None = None
    without_bsn: bool = False
    given_name: str | None = None
    infix: str = ""
    surname: str | None = None
    birth_date: str | None = None
    sex: str | None = None
    municipality: str | None = None
    parents: list[str] = field(default_factory=list)
    postcode: str | None = None
    house_number: str | None = None
    informed: str | None = None
    not_informed: str | None = None
    # the youth the signaller confirmed by name at the prompt (`_interactive`), and when
    # its registration was made (`_listed_youth`): a youth erased meanwhile may leave its
    # id to a new one
    confirmed: Youth | None = None
    confirmed_made: str | None = None


def _prompt(question: str, default: str | None, show_default: bool) -> str | None:
    """typer.prompt, with the answer read as the bytes typed: as UTF-8 when the locale
    or PYTHONIOENCODING says ASCII (the output is UTF-8 then too: `cli._output_never_fails`),
    as the stream's encoding otherwise; None for bytes that are no text (told why).

    Python decoded the answer with the stream's codec before any check, and an ASCII
    stdin (PYTHONIOENCODING=ascii) or a UTF-8 one under a locale other than C (strict
    errors) ended 'Zoë', or 'Zoë' from a Latin-1 terminal, in "Onverwachte fout
    (UnicodeDecodeError)", all answers lost. With surrogateescape the bytes reach us.
    """
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper) and stdin.errors != "surrogateescape":
        stdin.reconfigure(errors="surrogateescape")
    answer: str = typer.prompt(question, default=default, show_default=show_default, err=True)
    if is_text(answer):
        return answer
    encoding = getattr(stdin, "encoding", None) or "utf-8"
    raw = typed_bytes(answer, encoding)
    if codecs.lookup(encoding).name == "ascii":
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode("utf-8")
    # asked at once, not after every question: 'Zoë' from a terminal in Latin-1
    # passed each check and failed the command at the end, all answers lost
    err.print(f"Het antwoord bevat {not_text(raw, encoding)}")
    return None


def _ask(question: str, default: str | None = None) -> str:
    while True:
        answer = _prompt(question, default, bool(default))
        if answer is not None:
            return answer.strip()


def _ask_until_valid(question: str, check: object, default: str | None = None) -> str:
    """Ask until `check` passes; without a default the answer is required.

    A required question left empty is asked again with a word about it: typer
    would ask again without one, which looks like vix did not hear.
    """
    while True:
        answer = _ask(question, "" if default is None else default)
        if default is None and not answer:
            err.print(REQUIRED_ANSWER)
            continue
        try:
            check(answer)  # type: ignore[operator]
            return answer
        except VixError as problem:
            # asked again at once: "nothing was stored" would only puzzle here
            message = _NOTHING_STORED.sub(".", problem.message)
            err.print(f"[red]{escape(visible(message))}[/]", markup=True)


REQUIRED_ANSWER = (
    "Dit is nodig om te signaleren: typ een antwoord (Ctrl-C stopt zonder iets op te slaan)."
)
_NOTHING_STORED = re.compile(r"[;.] [Ee]r is niets opgeslagen\.$")


def _ask_name(question: str, what: str, default: str | None = None) -> str:
    """A person's name (required unless it has a default), asked again until vix.text
    accepts it."""
    if default is None:
        return _ask_until_valid(question, lambda v: required_name(v, what))
    return _ask_until_valid(question, lambda v: one_line(v, what, name=True), default)


def _ask_optional(question: str, check: Callable[[str], object]) -> str | None:
    """An answer that may be left empty (None); a given one is asked again until `check` passes."""
    return _ask_until_valid(question, lambda v: v and check(v), default="") or None


def _yes(question: str, default: bool | None = True) -> bool:
    """A Dutch yes/no question: j/ja or n/nee (y/yes/no also work). Without a `default`
    an empty answer is asked again: for a statement that is recorded (rule 4), not one
    that an Enter too many makes."""
    hint = {True: "[J/n]", False: "[j/N]", None: "[j/n]"}[default]
    while True:
        answer = _prompt(f"{question} {hint}", "", False)
        if answer is None:
            continue
        word = answer.strip().lower()
        if not word and default is not None:
            return default
        if word in ("j", "ja", "y", "yes"):
            return True
        if word in ("n", "nee", "no"):
            return False
        err.print("Antwoord met j (ja) of n (nee).")


def _listed_youth(ctx: typer.Context, answers: _Answers) -> Youth | None:
    """The youth on the signaller's own record that the answers name, audited: the name
    and birth date are shown to confirm.

    Own record: a pupil of the signaller's organisation (pupil number or BSN), or
    a youth the signaller signalled before. Any other youth, known to the index
    or not, gets the same prompts: showing a name for any BSN would be a search,
    and rule 9 says there is none. Runs in its own short transaction: the prompts
    that follow may take minutes, and the write lock is not held meanwhile.
    """
    with session(ctx) as (store, me):
        assert me.organisation_id is not None  # a signaller (`_interactive` checked)
        if answers.pupil:
            youth = find_pupil(store, me.organisation_id, answers.pupil)
            answers.number = youth.bsn
        else:
            assert answers.number is not None
            found = find_youth(store, answers.number)
            if found is None or not signals.on_own_record(store, me, found.id):
                return None
            youth = found
        store.lookup(me.id, youth.id, youth.bsn)
        # read with the name shown: the registration she confirms (`_still_confirmed`)
        answers.confirmed_made = store.scalar(
            "SELECT created_at FROM youths WHERE id = ?", (youth.id,)
        )
        return youth


def _still_confirmed(store: Store, confirmed: Youth, made: str | None) -> str:
    """The number, as stored now, of the youth the signaller confirmed by name.

    The prompts take minutes and hold no lock. Meanwhile a coordinator may correct
    a number (two pupils' BSNs swapped, an onderwijsnummer that became a BSN): the
    number given at the first question then named another child, or none, and the
    signal went on a youth nobody confirmed, or was refused as unknown. The signal
    goes on the confirmed youth; one erased or merged away meanwhile is refused, also
    when a youth registered since took its id (SQLite gives a freed highest id again:
    the registration's moment, `made`, tells them apart).
    """
    number = store.scalar(
        "SELECT bsn FROM youths WHERE id = ? AND created_at = ?", (confirmed.id, made)
    )
    if number is None:
        raise Conflict(
            f"De gegevens van {confirmed.name} zijn intussen gewist of samengevoegd met een "
            "andere registratie; er is niets opgeslagen. Begin opnieuw met 'vix signaleer' "
            "en controleer de naam die vix dan toont."
        )
    return str(number)


def _youth_number(answer: str) -> str | None:
    """A BSN or onderwijsnummer (nine digits) or a substitute number (VN...), checked;
    None for anything else, which is a pupil number."""
    compact = answer.replace(" ", "").replace(".", "")
    if compact.upper().startswith("VN"):
        return clean_youth_number(compact)
    if len(compact) == 9 and compact.isdigit():
        return clean_youth_number(compact)
    # nine digits as pasted from a word processor, web page or spreadsheet: grouped as a
    # BSN is, with a non-breaking space, a comma, _, / or a dash between (a pupil number
    # such as 2024-00123 stays one)
    digits = bsn_shaped(answer)
    return None if digits is None else clean_youth_number(digits)


def _signaller(ctx: typer.Context) -> Professional:
    """The acting professional, refused at once unless he or she may signal: not after
    ten answers (--zonder-bsn asked them all before place_signal said no)."""
    with session(ctx) as (_, me):
        me.require("signaller")
    return me


# answers to the first question that mean "this youth has no number": the --zonder-bsn way
_NO_NUMBER = ("", "geen", "onbekend", "-")
# what became of a match of a withdrawn signal (`signals.Withdrawal`), told to its signaller
WITHDRAWN_MATCH = {
    "beëindigd": "beëindigd.",
    "vervallen": "vervallen; zonder dit signaal was die nooit ontstaan.",
    "loopt door": "loopt door zonder u.",
    "loopt door met u": "loopt door zonder dit signaal; u zit er nog in via een ander signaal.",
}


def _check_first_answer(ctx: typer.Context, me: Professional, answer: str) -> None:
    """A number that passes its check, a pupil number of `me`'s organisation, or no number.

    Anything else is taken for a pupil number (a name too: there is no search,
    rule 9), and one the school did not list is asked again with the way on.
    """
    if answer.lower() in _NO_NUMBER or _youth_number(answer) is not None:
        return
    assert me.organisation_id is not None
    organisation = me.organisation_id
    try:
        check_in_store(ctx, lambda store: find_pupil(store, organisation, answer))
    except NotFound:
        digits = only_digits(answer)
        near = (
            # a BSN with a digit too few or too many is the likelier slip
            f" Een BSN of onderwijsnummer heeft 9 cijfers; dit zijn er {len(digits)}."
            if digits is not None and len(digits) in (8, 10)
            else ""
        )
        raise NotFound(
            f"Leerlingnummer {answer} is niet bekend bij uw organisatie (vix zoekt niet op "
            f"naam).{near} Typ het BSN, onderwijsnummer of vervangend nummer, of laat het "
            "antwoord leeg als de jeugdige geen nummer heeft."
        ) from None


def _interactive(ctx: typer.Context, a: _Answers) -> None:
    """Ask for what is missing, the way an internal supervisor would answer."""
    me = _signaller(ctx)
    if not (a.number or a.pupil or a.without_bsn):
        answer = _ask_until_valid(
            "BSN, onderwijsnummer, vervangend nummer (VN...) of leerlingnummer (leeg als er "
            "geen is)",
            partial(_check_first_answer, ctx, me),
            default="",
        )
        if answer.lower() in _NO_NUMBER:
            a.without_bsn = True
        else:
            a.number = _youth_number(answer)
            if a.number is None:
                a.pupil = answer
    listed = None if a.without_bsn else _listed_youth(ctx, a)
    if listed is not None:
        birth_date = listed.birth_date
        question = (
            f"Gevonden: {listed.name}, geboren {dutch(birth_date)}. Is dit de juiste jeugdige?"
        )
        if not _yes(question):
            raise VixError(
                "Afgebroken: er is geen signaal opgeslagen. Controleer het nummer of "
                "leerlingnummer."
            )
        a.confirmed = listed
        # the youth is known: a second signal of hers is refused now, before the parents
        # questions and the reason (it names the youth just confirmed, nobody else)
        with session(ctx) as (store, me):
            signals.check_no_active_signal(store, me, listed)
        if listed.municipality_id is None and a.municipality is None:
            # an own pupil whose list named a town vix does not know: without a
            # municipality a match has no regievoerder (the signal fills it in)
            a.municipality = _ask_optional(
                "Gemeente waar de jeugdige woont (code of naam; leeg als onbekend)",
                lambda v: check_in_store(ctx, lambda store: municipality_id(store, v)),
            )
    else:
        if a.without_bsn:
            err.print(
                "Jeugdige zonder nummer: vix maakt een vervangend nummer uit achternaam, "
                "geboortedatum en geslacht. Heeft de jeugdige wel een BSN, gebruik dat dan: een "
                "signaal op een vervangend nummer matcht niet met signalen op het BSN."
            )
        else:
            err.print(
                "Vul de gegevens van de jeugdige in (kent de verwijsindex het nummer al, dan "
                "moeten naam en geboortedatum kloppen)."
            )
        a.given_name = a.given_name or _ask_name("Voornaam (roepnaam)", "De voornaam")
        if not a.infix:
            a.infix = _ask_name("Tussenvoegsel (leeg als er geen is)", "Het tussenvoegsel", "")
        a.surname = a.surname or _ask_name("Achternaam", "De achternaam")
        a.birth_date = a.birth_date or _ask_until_valid(
            "Geboortedatum (dd-mm-jjjj)",
            lambda v: check_age(parse_date(v, "geboortedatum"), clock().date()),
        )
        # given by flag, it was not checked yet: a wrong one ends here, before more questions
        birth_date = parse_date(a.birth_date, "geboortedatum")
        derived = a.without_bsn or (a.number is not None and number_kind(a.number) == "substitute")
        if a.sex is None and derived:  # a substitute number is derived from the sex too
            a.sex = _ask_until_valid("Geslacht (M/V/X)", clean_sex)
        # the youth is known now: what place_signal would refuse on these data alone is
        # refused before the rest is asked (`signals.check_youth`: the same refusals, which
        # tell what they told at the end, and nothing for a youth they fit or nobody knows)
        data = _youth_data(a)
        with session(ctx) as (store, me):
            signals.check_youth(store, me, data)
        # each answer is checked as it is given: a typo must not cost the answers before it
        a.municipality = a.municipality or _ask_until_valid(
            "Gemeente waar de jeugdige woont (code of naam)",
            lambda v: check_in_store(ctx, lambda store: municipality_id(store, v)),
        )
        if not a.parents:
            answer = _ask_until_valid(
                "BSN's van de ouders, met komma's (leeg als onbekend)",
                lambda v: clean_parents(_listed(v), a.number),
                default="",
            )
            a.parents = _listed(answer)
        if a.postcode is None:
            a.postcode = _ask_optional("Postcode (leeg als onbekend)", clean_postcode)
        if a.postcode and a.house_number is None:
            a.house_number = _ask_optional("Huisnummer (leeg als onbekend)", clean_house_number)
        name = " ".join(p for p in (a.given_name, a.infix, a.surname) if p)
        # as typed it may be 3-4-2015 or 2015-04-03: echoed the way vix writes every date
        if not _yes(f"Signaal afgeven op {name}, geboren {dutch(birth_date)}?"):
            raise VixError("Afgebroken: er is niets opgeslagen.")
    if a.informed is None and a.not_informed is None:
        # what is answered is recorded as a statement (rule 4): no default
        informed = "Zijn de ouders/verzorgers (of de jeugdige zelf, vanaf 16) geïnformeerd?"
        if _yes(informed, default=None):
            a.informed = _ask_until_valid(
                "Op welke datum (dd-mm-jjjj)",
                partial(_check_informed_answer, born=birth_date),
                default="vandaag",
            )
        else:
            a.not_informed = _ask_until_valid(
                "Waarom niet? Dit wordt vastgelegd (alleen voor u en uw instantiebeheerder)",
                signals.check_not_informed_reason,
                # an empty answer reaches the check, which says what is wanted: typer would
                # ask again without a word
                default="",
            )


def _listed(answer: str) -> list[str]:
    """'123, 456' -> ['123', '456']."""
    return [p.strip() for p in answer.split(",") if p.strip()]


def _check_informed_answer(answer: str, *, born: date) -> None:
    """The domain's check (`signals.check_informed_on`), so that a date place_signal
    would refuse is asked again instead of costing every answer before it."""
    if answer != "vandaag":
        signals.check_informed_on(parse_date(answer), clock().date(), born)


def _request(a: _Answers, today: date) -> signals.SignalRequest:
    informed = None
    if a.informed is not None:
        informed = today if a.informed == "vandaag" else parse_date(a.informed)
    new_youth = None
    number = a.number
    if a.without_bsn or a.given_name or a.surname or a.birth_date:
        missing = [
            label
            for label, value in (
                ("--voornaam", a.given_name),
                ("--achternaam", a.surname),
                ("--geboortedatum", a.birth_date),
                ("--gemeente", a.municipality),
            )
            if not value
        ]
        if missing:
            # the CLI has looked nothing up: words true whether or not the index, or the
            # signaller, knows the youth (rule 9: a refusal never tells which)
            lacking = f"{', '.join(missing[:-1])} en {missing[-1]}" if missing[1:] else missing[0]
            raise UsageError(
                "Een jeugdige die u nog niet kent (geen leerling van uw organisatie en niet "
                "eerder door u gesignaleerd) geeft u op met --voornaam, --achternaam, "
                f"--geboortedatum en --gemeente; nu {'ontbreken' if missing[1:] else 'ontbreekt'} "
                f"{lacking}. Kent u de jeugdige al, geef dan alleen het nummer of --leerling. "
                "Er is niets opgeslagen."
            )
        new_youth = _youth_data(a)
        number = new_youth.number
    return signals.SignalRequest(
        youth_number=number,
        new_youth=new_youth,
        parents_informed_on=informed,
        parents_not_informed_reason=a.not_informed,
        # by number alone (a pupil, a youth signalled before): --ouder, --postcode,
        # --huisnummer and --gemeente still count (`youths.complete_youth`)
        home=Home(a.municipality, a.postcode, a.house_number, list(a.parents)),
    )


def _youth_data(a: _Answers) -> YouthData:
    """The youth as given: the number typed, or derived with --zonder-bsn; a typed substitute
    number must be the one these data derive."""
    assert a.surname and a.birth_date and a.given_name
    born = parse_date(a.birth_date, "geboortedatum")
    sex = clean_sex(a.sex)
    # the surname with its infix: "de Vries" is infix "de" + "Vries" (`substitute_number`)
    derive = partial(substitute_number, infix=a.infix, surname=a.surname, birth_date=born, sex=sex)
    if a.without_bsn:
        number, kind = derive(), "substitute"
    elif a.number is None:
        raise UsageError("Geef het BSN van de jeugdige, of --zonder-bsn.")
    else:
        number, kind = a.number, number_kind(a.number)
    if kind == "substitute" and number != derive():
        # the number is derived from these three: another one is another youth
        raise InvalidInput(
            "Het vervangend nummer hoort niet bij deze achternaam, geboortedatum en dit "
            "geslacht. Controleer ze, of laat het nummer weg en geef --zonder-bsn; er is "
            "niets opgeslagen."
        )
    return YouthData(
        number=number,
        id_kind=kind,
        given_name=a.given_name,
        infix=a.infix,
        surname=a.surname,
        birth_date=born,
        sex=sex,
        municipality=a.municipality,
        postcode=a.postcode,
        house_number=a.house_number,
        parents=a.parents,
    )


def _and(words: list[str]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} en {words[-1]}"


def _tell_completion(result: signals.SignalResult) -> None:
    """Parents, address or municipality given for a registered youth that already held
    them, and so not used.

    Those that filled an empty field are not mentioned. Whether a given value is
    the stored one is never said, nor what is stored (rule 16): that would
    confirm a guessed address or parent.
    """
    if result.not_used:
        err.print(
            f"Niet overgenomen: {_and(result.not_used)}. vix vult bij een jeugdige die al "
            "bekend is alleen aan wat nog nooit is vastgelegd, en overschrijft of herstelt "
            "niets; wat er al vastligt en of het gelijk is aan uw gegeven, zegt vix niet. "
            "Het signaal is wel afgegeven. Is een gegeven veranderd, "
            "dan kan de regionaal coördinator het op verzoek van ouders of jeugdige "
            "vastleggen met 'vix jeugdige corrigeer'; is de jeugdige verhuisd, met 'vix "
            "jeugdige verhuis'."
        )


def print_match(m: views.MatchView) -> None:
    print_matches([m])


def print_matches(found: Iterable[views.MatchView]) -> None:
    """Each match after an empty line: its number (bold on a terminal), the youths, the
    members with their contact details, and what was recorded.

    Off a terminal the lines go out without rich (`print_lines`): a coordinator's
    hundreds of matches took rich seconds."""
    if out.is_terminal:
        for m in found:
            out.print(f"\n[bold]Match {m.id}[/] {_kind_since(m)}", markup=True)
            for line in _match_lines(m):
                out.print(line)
        return
    print_lines(
        line for m in found for line in ("", f"Match {m.id} {_kind_since(m)}", *_match_lines(m))
    )


def _kind_since(m: views.MatchView) -> str:
    kind = "cliëntmatch" if m.kind == "youth" else "gezinsmatch"
    return f"({kind}, sinds {dutch(m.since)})"


def _match_lines(m: views.MatchView) -> Iterator[str]:
    if m.kind == "family":
        yield "Een collega van een andere organisatie is betrokken bij een lid van het gezin."
    for y in m.youths:
        yield f"Jeugdige: {y.name}, geboren {dutch(y.birth_date)} ({y.number_kind} {y.number})"
    for p in m.members:
        tags = [
            t
            for t, on in (
                ("u", p.is_viewer),
                ("matchregisseur", p.is_director),
                ("niet meer actief", not p.active),
            )
            if on
        ]
        # who came in later (or came back: the period before is in the inzage) says since when
        if p.since > m.since:
            tags.append(f"sinds {dutch(p.since)}")
        suffix = f"  [{', '.join(tags)}]" if tags else ""
        yield (
            f"  • {p.name}, {p.organisation} ({p.domain}); tel. {p.phone or 'onbekend'}, "
            f"{p.email}{suffix}"
        )
    if m.regievoerder:
        yield f"  Regievoerder gemeente: {m.regievoerder}"
    elif m.regievoerder_asked:
        # a family match's municipality, and so its regievoerder, is hidden (views.family_hides)
        yield "  Regievoerder gemeente: gevraagd"
    if m.care_coordinator:
        gone = " (niet meer actief)" if m.care_coordinator_left else ""
        yield f"  Zorgcoördinator: {m.care_coordinator}{gone}"
    if m.director_left and m.status == "lopend":
        # counts as no director (followup._milestone_access): say how the match goes on
        yield (
            f"  De matchregisseur ({m.director}) is niet meer actief. Een betrokkene neemt "
            f"de regie met 'vix regie {m.id} --regisseur E-MAIL'; de instantiebeheerder kan "
            "de signalen overdragen aan een collega."
        )
    labels = {"contact": "contact", "agreement": "afstemming", "action": "actie"}
    for ms in m.milestones:
        # who recorded it, unless a signaller who left the match (`matching.named_sql`)
        by = f" ({ms.recorded_by})" if ms.recorded_by else ""
        yield f"  {labels[ms.kind]}: {dutch(ms.on_date)}{by}"


def _next_step(
    m: views.MatchView, late: dict[str, Any] | None, action: dict[str, Any] | None
) -> str | None:
    """What a newcomer does next in match `m` when it is not the fresh term of a new
    match: the agreement is recorded already (its action over tijd: `action`, as the
    match notice says), or over tijd (`late`); None otherwise."""
    agreed = next((ms.on_date for ms in m.milestones if ms.kind == "agreement"), None)
    if agreed is not None and action is not None:
        return (
            f"de afgesproken actie is over tijd ({action['leeftijd']} {action['eenheid']} "
            f"sinds de afstemming van {dutch(agreed)}, termijn {action['termijn']}); neem nu "
            "contact op met de andere betrokkenen over de afspraken en wat ieder daarin doet, "
            f"en leg de actie vast met 'vix actie {m.id}' als ze is uitgevoerd."
        )
    if agreed is not None:
        return (
            f"de afstemming is al vastgelegd ({dutch(agreed)}); neem contact op met de andere "
            "betrokkenen over de afspraken en wat ieder daarin doet."
        )
    if late is not None:
        return (
            f"de afstemming is over tijd ({late['leeftijd']} {late['eenheid']} sinds het "
            f"ontstaan van de match, termijn {late['termijn']}); neem nu contact op met de "
            "andere betrokkenen en spreek af wie wat doet."
        )
    return None


def register(app: typer.Typer) -> None:
    @app.command("signaleer")
    def signaleer(
        ctx: typer.Context,
        nummer: Annotated[
            str | None,
            typer.Argument(
                help="BSN van de jeugdige; of het onderwijsnummer of vervangend nummer (VN...)."
            ),
        ] = None,
        leerling: Annotated[
            str | None, typer.Option(help="Leerlingnummer (na 'vix import leerlingen').")
        ] = None,
        zonder_bsn: Annotated[
            bool, typer.Option("--zonder-bsn", help="Jeugdige zonder BSN: vervangend nummer.")
        ] = False,
        voornaam: Annotated[str | None, typer.Option(help="Voornaam (nieuwe jeugdige).")] = None,
        tussenvoegsel: Annotated[str, typer.Option(help="Tussenvoegsel.")] = "",
        achternaam: Annotated[str | None, typer.Option(help="Achternaam.")] = None,
        geboortedatum: Annotated[
            str | None, typer.Option(help="Geboortedatum, dd-mm-jjjj.")
        ] = None,
        geslacht: Annotated[str | None, typer.Option(help="M, V of X.")] = None,
        gemeente: Annotated[
            str | None, typer.Option(help="Code of naam van de woongemeente.")
        ] = None,
        ouder: Annotated[
            list[str] | None, typer.Option(help="BSN van een ouder (mag vaker).")
        ] = None,
        postcode: Annotated[str | None, typer.Option(help="Postcode woonadres.")] = None,
        huisnummer: Annotated[str | None, typer.Option(help="Huisnummer woonadres.")] = None,
        ouders_geinformeerd: Annotated[
            str | None,
            typer.Option(
                "--ouders-geinformeerd",
                metavar="[DATUM]",
                help="Ouders/jeugdige zijn geïnformeerd (op DATUM, standaard vandaag).",
            ),
        ] = None,
        ouders_niet_geinformeerd: Annotated[
            str | None,
            typer.Option(
                "--ouders-niet-geinformeerd",
                metavar="REDEN",
                help="Ouders/jeugdige zijn niet geïnformeerd, met de onderbouwing.",
            ),
        ] = None,
        json_: JsonOption = False,
    ) -> None:
        """Geef een signaal af: 'ik ben betrokken bij deze jeugdige'. Geen inhoud.

        Op een terminal vraagt vix wat ontbreekt en laat de naam bevestigen.

        Voorbeeld: vix signaleer 111222333 --ouders-geinformeerd 20-11-2026
        """
        a = _Answers(
            number=nummer,
            pupil=leerling,
            without_bsn=zonder_bsn,
            given_name=voornaam,
            infix=tussenvoegsel,
            surname=achternaam,
            birth_date=geboortedatum,
            sex=geslacht,
            municipality=gemeente,
            parents=list(ouder or []),
            postcode=postcode,
            house_number=huisnummer,
            informed=ouders_geinformeerd,
            not_informed=ouders_niet_geinformeerd,
        )
        with guarded():
            if a.number is not None:
                if a.without_bsn:
                    raise UsageError(
                        "Geef een nummer of --zonder-bsn, niet beide: met --zonder-bsn maakt vix "
                        "het vervangend nummer zelf."
                    )
                typed = a.number.strip()
                try:
                    a.number = clean_youth_number(a.number)
                except InvalidInput as exc:
                    if typed.isdigit() and len(typed) < 8:
                        # a short number is most likely a pupil number given in its place
                        raise InvalidInput(
                            f"{exc} Is {typed} een leerlingnummer, geef het dan met "
                            f"--leerling {typed}."
                        ) from None
                    raise
            complete = (a.number or a.pupil or a.without_bsn) and (
                a.informed is not None or a.not_informed is not None
            )
            if not complete and stdin_is_terminal() and not json_:
                if not globals_of(ctx).als:
                    raise UsageError("Geef aan wie u bent met --als E-MAIL of VIX_GEBRUIKER.")
                _interactive(ctx, a)
            elif not (a.number or a.pupil or a.without_bsn):
                raise UsageError(
                    "Geef het BSN (of onderwijsnummer of vervangend nummer) van de jeugdige, "
                    "--leerling NUMMER of --zonder-bsn."
                )
        with session(ctx) as (store, me):
            me.require("signaller")  # first, as at the prompts: before any other refusal
            if a.confirmed is not None:
                a.number = _still_confirmed(store, a.confirmed, a.confirmed_made)
            elif a.pupil and not a.number:
                assert me.organisation_id is not None
                a.number = find_pupil(store, me.organisation_id, a.pupil).bsn
            result = signals.place_signal(store, me, _request(a, store.today))
            contact_days = settings.get(store, "contact_dagen")
            # what to do next in each match, as its notice says (`notices.agreement_late`,
            # `notices.action_late`)
            recorded = {m.id: {ms.kind: ms.on_date for ms in m.milestones} for m in result.matches}
            late = {m.id: agreement_late(store, m.id, recorded[m.id]) for m in result.matches}
            action = {m.id: action_late(store, m.id, recorded[m.id]) for m in result.matches}
        if json_:
            print_json(result)
            return
        # rule 15: the signal's end is not the end of what the index keeps of it
        if result.then_archive_until is None:
            kept = " (23e verjaardag), dan gewist zonder archief"
        else:
            kept = f", daarna tot uiterlijk {dutch(result.then_archive_until)} in het archief"
        # the number a youth without a BSN is known by: the coordinator's `vix jeugdige`
        # commands take it (a BSN or onderwijsnummer the signaller typed or has on file)
        known_by = ""
        if result.youth_number_kind == NUMBER_KIND_LABELS["substitute"]:
            known_by = f" (vervangend nummer {result.youth_number})"
        out.print(
            f"[green]Signaal {result.signal_id} afgegeven[/] op {escape(result.youth_name)}"
            f"{known_by}. Actief tot uiterlijk {dutch(result.planned_removal)}{kept}.",
            markup=True,
        )
        _tell_completion(result)
        if not result.matches:
            out.print("Geen match: er is (nog) geen andere organisatie betrokken.")
        for m in result.matches:
            print_match(m)
        steps = [_next_step(m, late[m.id], action[m.id]) for m in result.matches]
        if result.matches and not any(steps):
            out.print(
                f"\nNeem binnen {contact_days} werkdagen contact op met de andere betrokkenen "
                "en spreek af wie wat doet."
            )
        elif result.matches:
            out.print()
            for m, step in zip(result.matches, steps, strict=True):
                said = step or (
                    f"neem binnen {contact_days} werkdagen contact op met de andere betrokkenen "
                    "en spreek af wie wat doet."
                )
                out.print(f"Match {m.id}: {said}")
        if result.earlier:
            out.print(
                "\n[bold]Eerder betrokken[/] (historische match, eenmalig getoond):", markup=True
            )
            for e in result.earlier:
                out.print(
                    f"  • {e.professional}, {e.organisation}; tel. {e.phone or 'onbekend'}, "
                    f"{e.email} (signaal {dutch(e.placed)} tot {dutch(e.ended)})",
                )

    @app.command("intrekken")
    def intrekken(
        ctx: typer.Context,
        signaal: Annotated[
            int,
            typer.Argument(
                help="Nummer van het signaal (zie 'vix signalen').", parser=record_number
            ),
        ],
        reden: Annotated[
            str, typer.Option(help="weggenomen (de zorg is weg) of onterecht (wordt gewist).")
        ],
    ) -> None:
        """Trek een eigen signaal in, of als instantiebeheerder een van uw organisatie.

        'weggenomen' bewaart het signaal in het historisch archief (instelling archief_jaren,
        standaard 5 jaar, hooguit tot de 23e verjaardag); 'onterecht' wist het, met de
        berichten erover die nog niet zijn verstuurd en een match die zonder dit signaal
        nooit was ontstaan. Wie zijn of haar eigen signaal intrekt, hoort per match of die
        doorloopt, eindigde of verviel.

        De instantiebeheerder neemt waar voor een afwezige signaleerder en beoordeelt de
        signalen met de signaleerders (regel 14): hij of zij trekt elk actief signaal van de
        organisatie in ('vix signalen --organisatie'), met beide redenen. Het logboek legt
        vast wie het introk, en de inzage noemt de instantiebeheerder bij het signaal.

        Voorbeeld: vix intrekken 12 --reden weggenomen
        """
        with session(ctx) as (store, me):
            done = signals.withdraw(store, me, signaal, reden)
        err.print(f"Signaal {signaal} ingetrokken ({done.outcome}).")
        for match_id, became in done.matches:
            err.print(f"Match {match_id}: {WITHDRAWN_MATCH[became]}")

    @app.command("signalen")
    def signalen(
        ctx: typer.Context,
        organisatie: Annotated[
            bool,
            typer.Option(
                "--organisatie",
                help="Alle actieve signalen van uw organisatie (instantiebeheerder).",
            ),
        ] = False,
        json_: JsonOption = False,
    ) -> None:
        """Toon uw eigen actieve signalen.

        Voorbeeld: vix signalen --json
        """
        with session(ctx) as (store, me):
            found = signals.list_signals(store, me, organisation=organisatie)
        if json_:
            print_json(found)
            return
        if not found:
            err.print("Geen actieve signalen.")
            return
        headers = ["nr", "jeugdige", "geboren", "sinds", "actief tot", "ouders", "match"]
        rows = []
        for s in found:
            parents = dutch(s.parents_informed_on) if s.parents_informed_on else "niet geïnformeerd"
            rows.append(
                [
                    str(s.id),
                    s.youth_name,
                    dutch(s.youth_birth_date),
                    dutch(s.placed_at[:10]),
                    dutch(s.planned_removal),
                    parents,
                    "ja" if s.in_match else "nee",
                    *([s.signaller] if organisatie else []),
                ]
            )
        if organisatie:
            headers.append("signaleerder")
        print_table(headers, rows, text=("jeugdige", "signaleerder"))

    @app.command("matches")
    def matches(ctx: typer.Context, json_: JsonOption = False) -> None:
        """Toon de lopende matches waarin u zit.

        Voorbeeld: vix matches
        """
        with session(ctx) as (store, me):
            found = views.my_matches(store, me)
        if json_:
            print_json(found)
            return
        if not found:
            err.print("U zit in geen lopende match.")
            return
        print_matches(found)

    @app.command("match")
    def match(
        ctx: typer.Context,
        match_id: Annotated[
            int, typer.Argument(metavar="MATCH", help="Nummer van de match.", parser=record_number)
        ],
        json_: JsonOption = False,
    ) -> None:
        """Toon één match: soort, sinds wanneer, betrokkenen met contactgegevens, status.

        Voorbeeld: vix match 3
        """
        with session(ctx) as (store, me):
            found = views.show_match(store, me, match_id)
        if json_:
            print_json(found)
            return
        print_match(found)
        out.print(f"Status: {found.status}" + (f" ({dutch(found.ended)})" if found.ended else ""))

    @app.command("onderhoud")
    def onderhoud(ctx: typer.Context) -> None:
        """Beëindig verlopen signalen (2 jaar, 23 jaar), wis verlopen archiefregels en de
        schoolinschrijvingen van wie 23 werd.

        Voor cron, dagelijks. Stil als er niets te doen is. Een jeugdige zonder signaal en
        zonder schoolinschrijving wordt gewist. Een opgeslagen groep/klas die geen
        groeps- of klascode is (uit een oudere vix), wordt gewist; een telefoonnummer of
        e-mailadres (ook dat van een wethouder) dat vix nu zou weigeren, wordt genoemd (niet
        gewijzigd) tot de functioneel beheerder het corrigeert.

        Voorbeeld: vix --als coordinator@regio.nl onderhoud
        """
        # ends the signals past their planned removal itself, as this user, to count them
        with session(ctx, overdue_first=False) as (store, me):
            me.require("admin", "coordinator")
            archived, deleted, purged = signals.expire_signals(store, me)
            # after the signals: at 23 they are gone, so the youth is erased with the last one
            pupils = signals.end_registrations_at_23(store, me)
            classes = signals.clear_unfit_classes(store, me)
            unfit = people.unfit_contacts(store)
        if archived or deleted or purged or pupils:
            out.print(
                f"verlopen: {archived} gearchiveerd, {deleted} gewist (23 jaar), "
                f"{counted(purged, 'archiefregel', 'archiefregels')} gewist, "
                f"{counted(pupils, 'schoolinschrijving', 'schoolinschrijvingen')} gewist (23 jaar)"
            )
        if classes:
            out.print(
                f"groep/klas gewist bij "
                f"{counted(classes, 'schoolinschrijving', 'schoolinschrijvingen')}: het was geen "
                "groeps- of klascode"
            )
        if unfit:
            # rule 3: a note or a BSN in a contact field reaches every colleague in a match
            # only the functioneel beheerder may change them; cron runs this as the
            # coordinator (README), who passes the list on
            fix = (
                "de functioneel beheerder corrigeert of wist {} met 'vix professional wijzig "
                "E-MAIL --telefoon ...', 'vix organisatie wijzig CODE --telefoon ... --email ...' "
                "of 'vix gemeente wijzig CODE --wethouder-email ...' (bent u dat niet, geef deze "
                "lijst dan aan de functioneel beheerder):"
            )
            err.print(
                "Let op: dit telefoonnummer of e-mailadres is geen telefoonnummer of "
                "e-mailadres, of bevat een BSN, en staat voluit in lijsten en berichten; "
                + fix.format("het")
                if len(unfit) == 1
                else f"Let op: deze {len(unfit)} telefoonnummers of e-mailadressen zijn geen "
                "telefoonnummer of e-mailadres, of bevatten een BSN, en staan voluit in lijsten "
                "en berichten; " + fix.format("ze")
            )
            for line in unfit:
                err.print(f"  {line}")
