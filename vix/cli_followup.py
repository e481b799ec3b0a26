"""Commands after the match: regie, milestones, stagnation, notices, settings.

`vix stagnatie` is made for cron: nothing on stdout when nothing stagnates,
one line per stagnating match otherwise, messages on stderr. Exit status:
0 it ran; with --controleer (formerly --check) 1 when something stagnates and 3 when
it could not run (so a monitor can tell "stagnation" from "broken"); 2 for misuse.
The failures vix answers before the command runs or after it returned (stdout
closed, an argument that is no UTF-8, an answer that cannot be written) are 3 too:
`cli.failed_status`.

`vix berichten verstuur` does not use `session()`: one transaction around
the whole run would hold the write lock while talking to a mail server.
mail.deliver() commits per message instead (see its module docstring).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from . import followup, mail, settings
from .cli_common import (
    JsonOption,
    clock,
    dutch,
    err,
    guarded,
    out,
    parse_date,
    print_json,
    print_lines,
    record_number,
    session,
    session_without_transaction,
    whole_count,
)
from .errors import UsageError
from .text import counted

DateOption = Annotated[
    str | None, typer.Option("--datum", help="Datum, dd-mm-jjjj (standaard vandaag).")
]
MatchArg = Annotated[
    int, typer.Argument(metavar="MATCH", help="Nummer van de match.", parser=record_number)
]
CorrectOption = Annotated[
    bool,
    typer.Option(
        "--corrigeer", help="Verbeter de datum die al is vastgelegd (met --datum, of vandaag)."
    ),
]
RemoveOption = Annotated[
    bool,
    typer.Option(
        "--wis",
        help="Wis wat bij de verkeerde match is vastgelegd; het auditlog houdt bij wie het "
        "wiste, wanneer en welke datum er stond.",
    ),
]
CHECK_FAILED = 3


def _lead_line(lead: followup.Lead) -> str:
    parts = [f"matchregisseur: {lead.director or 'geen'}"]
    if lead.regievoerder:
        parts.append(f"regievoerder: {lead.regievoerder}")
    elif lead.regievoerder_asked:
        parts.append("regievoerder van de gemeente gevraagd")
    if lead.care_coordinator:
        parts.append(f"zorgcoördinator: {lead.care_coordinator}")
    return f"Match {lead.match_id}: " + ", ".join(parts) + "."


def _stagnation_line(s: followup.Stagnation) -> str:
    what = "geen afstemming" if s.stage == "afstemming" else "geen actie na afstemming"
    line = (
        f"match {s.match_id} {followup.KIND_LABELS[s.kind]}: {what} na {s.age} {s.unit}"
        f" (termijn {s.limit}); {', '.join(s.organisations) or '-'};"
        f" regisseur {s.director or '-'}"
    )
    if s.director_left:
        line += " (niet meer actief)"
    if s.regievoerder:
        line += f", regievoerder {s.regievoerder}"
    elif s.regievoerder_asked:
        # held or waiting, told alike: a family match's municipality is hidden
        line += ", regievoerder van de gemeente gevraagd"
    elif s.director is None:
        # no director and no regievoerder: the request waits for one (followup._hand_over)
        line += ", verzoek om regie wacht op een regievoerder"
    line += f"; gemeente {s.municipality or '-'}"
    if s.youths:
        line += f"; jeugdige {', '.join(s.youths)}"
    if s.escalated_to is not None:
        line += (
            f"; opgeschaald naar niveau {s.escalated_to}"
            f" ({followup.LEVEL_LABELS[s.escalated_to]}, "
            f"{counted(s.notices, 'bericht', 'berichten')})"
        )
    elif s.next_level is None:
        line += f"; hoogste niveau ({s.level}) bereikt"
    else:
        line += f"; volgende stap: niveau {s.next_level} ({s.next_label})"
        if s.next_from and s.level > 0:
            line += f" vanaf {dutch(s.next_from)}"
    return line


def register(app: typer.Typer) -> None:
    """Add this group's commands to the vix app."""

    @app.command("regie")
    def regie(
        ctx: typer.Context,
        match_id: MatchArg,
        regisseur: Annotated[
            str | None, typer.Option(help="E-mailadres van de nieuwe matchregisseur.")
        ] = None,
        regievoerder: Annotated[
            bool,
            typer.Option(
                "--regievoerder",
                help="Niemand kan de regie nemen: vraag de regievoerder van de gemeente.",
            ),
        ] = False,
    ) -> None:
        """Wijs de matchregisseur aan, of draag de regie over aan de regievoerder.

        Mag door betrokkenen van de match en door de regionaal coördinator. Een
        matchregisseur die niet meer actief is (of van wie de organisatie dat niet is),
        telt als geen: een andere betrokkene neemt dan de regie.

        Voorbeeld: vix regie 3 --regisseur hulp@jeugdhulp.nl
        """
        if (regisseur is None) == (not regievoerder):
            with guarded():
                raise UsageError("Geef óf --regisseur E-MAIL óf --regievoerder.")
        with session(ctx) as (store, me):
            if regievoerder:
                lead = followup.hand_to_regievoerder(store, me, match_id)
            else:
                assert regisseur is not None
                lead = followup.set_director(store, me, match_id, regisseur)
        err.print(_lead_line(lead))

    @app.command("zorgcoordinator")
    def zorgcoordinator(
        ctx: typer.Context,
        match_id: MatchArg,
        email: Annotated[str, typer.Argument(help="E-mailadres van een betrokkene.")],
    ) -> None:
        """Regievoerder: wijs een betrokkene aan als zorgcoördinator (en matchregisseur).

        Voorbeeld: vix zorgcoordinator 3 hulp@jeugdhulp.nl
        """
        with session(ctx) as (store, me):
            lead = followup.name_care_coordinator(store, me, match_id, email)
        err.print(_lead_line(lead))

    def _milestone(
        ctx: typer.Context,
        match_id: int,
        kind: str,
        datum: str | None,
        corrigeer: bool,
        wis: bool,
    ) -> None:
        if wis and (corrigeer or datum is not None):
            with guarded():
                raise UsageError("--wis gaat niet samen met --datum of --corrigeer.")
        label = followup.MILESTONE_LABELS[kind].capitalize()
        with session(ctx) as (store, me):
            if wis:
                gone = followup.remove_milestone(store, me, match_id, kind)
            else:
                on = None if datum is None else parse_date(datum)
                done = followup.record_milestone(store, me, match_id, kind, on, correct=corrigeer)
        if wis:
            err.print(f"{label} van match {match_id} gewist (was {dutch(gone.on_date)}).")
        elif corrigeer:
            err.print(f"{label} van match {match_id} gecorrigeerd naar {dutch(done.on_date)}.")
        else:
            err.print(f"{label} van match {match_id} vastgelegd op {dutch(done.on_date)}.")

    def _milestone_command(name: str, kind: str, doc: str) -> None:
        def command(
            ctx: typer.Context,
            match_id: MatchArg,
            datum: DateOption = None,
            corrigeer: CorrectOption = False,
            wis: RemoveOption = False,
        ) -> None:
            _milestone(ctx, match_id, kind, datum, corrigeer, wis)

        command.__doc__ = doc
        app.command(name)(command)

    _milestone_command(
        "contact",
        "contact",
        """Leg vast dat de betrokkenen van een match contact hebben gehad.

        Voorbeeld: vix contact 3 --datum 24-11-2026

        Verkeerde datum: vix contact 3 --datum 23-11-2026 --corrigeer
        """,
    )
    _milestone_command(
        "afstemming",
        "agreement",
        """Matchregisseur (of, zolang er geen is, de regievoerder): leg de datum vast
        waarop is afgesproken wie wat doet.

        Voorbeeld: vix afstemming 3 --datum 26-11-2026
        """,
    )
    _milestone_command(
        "actie",
        "action",
        """Leg vast dat de afgesproken actie is uitgevoerd.

        Voorbeeld: vix actie 3
        """,
    )

    @app.command("stagnatie")
    def stagnatie(
        ctx: typer.Context,
        dagen: Annotated[
            int | None,
            typer.Option(
                help="Termijn voor afstemming na de match (standaard: instelling).",
                min=1,
                max=settings.MAX_DAYS,
                parser=whole_count(1, settings.MAX_DAYS),
            ),
        ] = None,
        actie_dagen: Annotated[
            int | None,
            typer.Option(
                help="Termijn voor actie na de afstemming (standaard: instelling).",
                min=1,
                max=settings.MAX_DAYS,
                parser=whole_count(1, settings.MAX_DAYS),
            ),
        ] = None,
        werkdagen: Annotated[
            bool | None,
            typer.Option(
                "--werkdagen/--kalenderdagen",
                help="Tel werkdagen of kalenderdagen (standaard: instelling 'werkdagen').",
            ),
        ] = None,
        escaleer: Annotated[
            bool, typer.Option("--escaleer", help="Schaal elke stagnerende match één stap op.")
        ] = False,
        controleer: Annotated[
            bool, typer.Option("--controleer", help="Exitstatus 1 als er iets stagneert.")
        ] = False,
        # the English name of --controleer before session 24, kept for crontabs that have it
        check: Annotated[bool, typer.Option("--check", hidden=True)] = False,
        json_: JsonOption = False,
    ) -> None:
        """Toon matches waarvan de volgende stap over tijd is (voor cron).

        Stil als niets stagneert; anders één regel per match. Exitstatus: 0 gelukt;
        met --controleer 1 als er iets stagneert en 3 als de controle niet kon draaien;
        2 bij verkeerd gebruik. Zonder --dagen, --actie-dagen en --werkdagen of
        --kalenderdagen gelden de instellingen van de regio, zoals in de rapporten en de
        berichten; een optie geldt alleen voor deze ene opdracht.

        Voorbeeld: vix --als coordinator@regio.nl stagnatie --escaleer
        """
        check = controleer or check
        try:
            with session(ctx) as (store, me):
                rules = followup.Rules.of(
                    store, days=dagen, action_days=actie_dagen, working=werkdagen
                )
                found = followup.stagnation(store, me, rules, escalate=escaleer)
        except typer.Exit as stop:
            # with --controleer, any failure to run (also a missing VIX_GEBRUIKER or a bad
            # VIX_NU, which are misuse elsewhere) is 3, so cron tells it from "stagnates"
            if check and stop.exit_code in (1, 2):
                raise typer.Exit(CHECK_FAILED) from None
            raise
        for s in found:
            if s.warning:
                err.print(f"Let op, match {s.match_id}: {s.warning}.")
        if json_:
            print_json(found)
        else:
            print_lines([_stagnation_line(s) for s in found])
        if check and found:
            raise typer.Exit(1)

    berichten = typer.Typer(
        help="Berichten (e-mail) in de wachtrij en het versturen ervan.",
        invoke_without_command=True,
    )
    app.add_typer(berichten, name="berichten")

    @berichten.callback()
    def berichten_lijst(
        ctx: typer.Context,
        alles: Annotated[
            bool, typer.Option("--alles", help="Ook verstuurde berichten tonen.")
        ] = False,
        json_: JsonOption = False,
    ) -> None:
        """Toon de wachtrij van berichten en hun toestand (beheerder, coördinator).

        Voorbeeld: vix berichten --json
        """
        if ctx.invoked_subcommand is not None:
            return
        with session(ctx) as (store, me):
            found = mail.list_outbox(store, me, include_sent=alles)
        if json_:
            print_json(found)
            return
        c = found.counts
        err.print(
            f"wachtrij {c['queued']}, bezig {c['sending']}, verstuurd {c['sent']}, "
            f"mislukt {c['failed']}"
        )
        labels = {
            "queued": "wachtrij",
            "sending": "bezig",
            "sent": "verstuurd",
            "failed": "mislukt",
        }
        # rule 16: the administrator sees to whom, the coordinator about which match
        # and to which organisation (mail.list_outbox, OutboxItem.to)
        print_lines(
            f"{item.id} {labels[item.status]} {dutch(item.created_at)} "
            f"{item.to}: {item.about} (pogingen {item.attempts})"
            + (f" fout: {item.last_error}" if item.last_error else "")
            for item in found.items
        )

    @berichten.command("verstuur")
    def verstuur(
        ctx: typer.Context,
        stil: Annotated[
            bool,
            typer.Option("--stil", help="Alleen problemen melden, niet wat verstuurd is (cron)."),
        ] = False,
    ) -> None:
        """Verstuur de berichten in de wachtrij via de mailserver van de regio.

        Wachtwoord uit de omgevingsvariabele VIX_SMTP_WACHTWOORD. Stil als er niets
        te versturen is (met --stil ook als alles is verstuurd). Exitstatus 1 als een
        bericht niet kon worden afgeleverd; 130 na Ctrl-C, 143 of 129 na een stopsignaal
        (SIGTERM, SIGHUP); wat verstuurd is, blijft verstuurd. Weigert de mailserver een
        bericht tijdelijk (4xx, een volle mailbox), dan probeert elke verzendronde het opnieuw en
        meldt vix dat alleen de eerste keer (en als het antwoord verandert); de
        exitstatus blijft 1 zolang het niet is afgeleverd, en 'vix berichten' toont het.

        Voorbeeld: VIX_SMTP_WACHTWOORD=... vix --als coordinator@regio.nl berichten verstuur
        """
        with session_without_transaction(ctx) as (store, me):
            with store.transaction():
                config = mail.config_of(store, me, os.environ)
            if config is None:
                return
            report = mail.deliver(store, config, clock)
            failures = [f.told_to(me) for f in report.errors]
        waiting = report.requeued + report.deferred
        if (report.failed or report.requeued) or ((report.sent or waiting) and not stil):
            out.print(
                f"verstuurd {report.sent}, opnieuw in wachtrij {waiting}, "
                f"mislukt {report.failed}"
                + (f" (waarvan {report.retried} opnieuw verstuurd)" if report.retried else "")
            )
        for line in failures:
            err.print(f"Niet afgeleverd: {line}")
        if report.stopped:
            err.print(
                f"Fout: Versturen gestopt: {report.stopped.rstrip('.')}. "
                "De berichten blijven in de wachtrij.",
            )
        if report.in_flight and not stil:
            # another run's claims, or those of a run that stopped before it recorded what
            # the server said (Ctrl-C, kill -9, a crash): which, vix cannot tell, and nothing
            # is wrong either way (cron mails what --stil prints)
            busy = counted(report.in_flight, "bericht is", "berichten zijn")
            err.print(
                f"{busy} nog in handen van een andere verzendronde, of van een die stopte "
                "voordat ze vastlegde wat de mailserver zei; wat dan nog niet is vastgelegd, "
                f"gaat opnieuw met de eerste verzendronde {report.in_flight_until}."
            )
        if report.withdrawn and not stil:
            dropped = counted(report.withdrawn, "opschaalbericht", "opschaalberichten")
            err.print(
                f"{dropped} van een afgebroken verzendronde niet opnieuw verstuurd: de match is "
                "intussen beëindigd of de organisatie zit er niet meer in (ingetrokken)."
            )
        if report.role_changed and not stil:
            dropped = counted(report.role_changed, "opschaalbericht", "opschaalberichten")
            err.print(
                f"{dropped} niet verstuurd: de ontvanger heeft de rol waarvoor het bestemd "
                "was niet meer (ingetrokken)."
            )
        if report.expired and not stil:
            dropped = counted(report.expired, "opschaalbericht", "opschaalberichten")
            err.print(
                f"{dropped} niet verstuurd: de signalen waarover het ging, zijn over hun "
                "geplande verwijderdatum (2 jaar of de 23e verjaardag) en eindigen met de "
                "volgende 'vix onderhoud' (ingetrokken)."
            )
        if report.taken_back and not stil:
            gone = counted(report.taken_back, "bericht", "berichten")
            err.print(
                f"{gone} niet afgeleverd en ingetrokken: een signaal waarover het ging, is "
                "tijdens het versturen verwijderd."
            )
        if report.stopped or report.failed or waiting:
            # a refusal told before is not told again, but is not delivered either
            raise typer.Exit(1)

    instelling = typer.Typer(help="Instellingen van de regio.", no_args_is_help=True)
    app.add_typer(instelling, name="instelling")

    @instelling.command("lijst")
    def instelling_lijst(ctx: typer.Context, json_: JsonOption = False) -> None:
        """Toon alle instellingen met hun waarde en standaardwaarde.

        Voorbeeld: vix instelling lijst
        """
        with session(ctx) as (store, me):
            found = settings.list_settings(store, me)
        if json_:
            print_json(found)
            return
        for s in found:
            mark = " (standaard)" if s.is_default else ""
            out.print(f"{s.key} = {s.shown}{mark}  # {s.help}")

    @instelling.command("zet")
    def instelling_zet(
        ctx: typer.Context,
        sleutel: Annotated[str, typer.Argument(metavar="NAAM", help="Naam van de instelling.")],
        waarde: Annotated[str, typer.Argument(metavar="WAARDE", help="Nieuwe waarde.")],
    ) -> None:
        """Functioneel beheerder: geef een instelling een waarde.

        Voorbeeld: vix instelling zet stagnatie_dagen 5
        """
        # a setting repairs what may block the rest (a broken template in sjablonen_map
        # that the notices of overdue endings would be written with): it ends nothing
        with session(ctx, overdue_first=False) as (store, me):
            found = settings.set_value(store, me, sleutel, waarde)
        err.print(f"{found.key} = {found.shown}")

    @instelling.command("wis")
    def instelling_wis(
        ctx: typer.Context,
        sleutel: Annotated[str, typer.Argument(metavar="NAAM", help="Naam van de instelling.")],
    ) -> None:
        """Functioneel beheerder: zet een instelling terug op de standaardwaarde.

        Voorbeeld: vix instelling wis actie_dagen
        """
        with session(ctx, overdue_first=False) as (store, me):  # as `zet`
            found = settings.reset(store, me, sleutel)
        err.print(f"{found.key} = {found.shown} (standaard)")
