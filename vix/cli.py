"""The `vix` command line: parse, open the database, call one domain function, render.

Global options `--db` (VIX_DB) and `--als` (VIX_GEBRUIKER) say which database
and who is acting. All user-facing text is Dutch. Command groups for
follow-up, import and reports live in their own modules and register here.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.exceptions import ClickException, UsageError
from typer.core import TyperGroup
from typer.exceptions import Abort

from . import people
from .cli_common import (
    Globals,
    JsonOption,
    clock,
    dutch,
    err,
    globals_of,
    guarded,
    out,
    print_handovers,
    print_json,
    print_table,
    record_number,
    session,
)
from .cli_dutch import install, translate, usage_error_text
from .db import DEFAULT_DB, key_path_for, open_store, remove_new_database
from .errors import UsageError as VixUsageError
from .errors import file_reason
from .text import visible

install()


class VixGroup(TyperGroup):
    """The root command: Dutch usage errors, and `--ouders-geinformeerd` without a date."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        _output_never_fails()
        given = sys.argv[1:] if args is None else list(args)
        if not all(map(_is_text, given)):
            # bytes that are no UTF-8 (a terminal in Latin-1): Python keeps them as lone
            # surrogates, which SQLite and every output refuse later with an unexpected error
            typer.echo(
                "Fout: een argument bevat tekens die geen geldige tekst (UTF-8) zijn; er is "
                "niets opgeslagen. Zet de terminal op UTF-8 en typ het opnieuw.",
                err=True,
            )
            sys.exit(1)
        for name in ("VIX_GEBRUIKER", "VIX_DB", "VIX_NU"):
            if not _is_text(os.environ.get(name, "")):
                typer.echo(
                    f"Fout: {name} bevat tekens die geen geldige tekst (UTF-8) zijn; er is "
                    f"niets opgeslagen. Zet {name} opnieuw in een terminal op UTF-8.",
                    err=True,
                )
                sys.exit(1)
        try:
            code = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except UsageError as error:
            typer.echo(usage_error_text(error), err=True)
            sys.exit(2)
        except Abort:
            typer.echo("Afgebroken; er is niets opgeslagen.", err=True)
            sys.exit(130)
        except ClickException as error:
            typer.echo(visible(f"Fout: {translate(error.format_message())}"), err=True)
            sys.exit(error.exit_code)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        result: list[str] = super().parse_args(ctx, _normalise(args))
        return result

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # not in a command's transaction (guarded() answers there, "niets opgeslagen"):
            # after it, while the answer is printed. Typer would end with 130 and no word
            if err.is_terminal:
                err.print()  # after the terminal's "^C"
            err.print("Fout: Afgebroken; wat de opdracht vastlegde, is wel opgeslagen.")
            raise typer.Exit(130) from None


def _output_never_fails() -> None:
    """Printing never fails on a character the output's encoding lacks.

    Python already writes UTF-8 under the C or POSIX locale. An ASCII stream
    (PYTHONIOENCODING=ascii, an old cron environment) is taken for a misconfigured
    one and writes UTF-8, as Click does for the messages it prints: ASCII
    characters stay what they were, and a name keeps its ë. Any other encoding
    (a Latin-1 terminal) is kept, and what it cannot show becomes "?" instead
    of an error after the command stored its work. `--json` and HTML on such a
    stream escape instead, losing nothing (`cli_common.stdout_is_utf8`).
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            plain = codecs.lookup(stream.encoding).name == "ascii"
            stream.reconfigure(encoding="utf-8" if plain else None, errors="replace")


GLOBAL_OPTIONS = ("--db", "--als")


def _is_text(arg: str) -> bool:
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _normalise(args: list[str]) -> list[str]:
    """Global options may follow the subcommand; a bare --ouders-geinformeerd means today."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in GLOBAL_OPTIONS and i + 1 < len(args):
            front += [arg, args[i + 1]]
            i += 2
            continue
        if arg.split("=", 1)[0] in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
            nxt = args[i + 1] if i + 1 < len(args) else None
            if arg == "--ouders-geinformeerd" and (nxt is None or nxt.startswith("-")):
                rest.append("vandaag")
        i += 1
    return front + rest


app = typer.Typer(
    cls=VixGroup,
    name="vix",
    help="vix: de verwijsindex risicojongeren van de regio, in één command-line tool.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


@app.callback()
def _globals(
    ctx: typer.Context,
    db: Annotated[
        Path,
        typer.Option("--db", envvar="VIX_DB", help="Pad naar de database.", show_default=True),
    ] = Path(DEFAULT_DB),
    als: Annotated[
        str | None,
        typer.Option(
            "--als", envvar="VIX_GEBRUIKER", help="E-mailadres van wie de opdracht geeft."
        ),
    ] = None,
) -> None:
    """vix: de verwijsindex risicojongeren van de regio, in één command-line tool.

    Voorbeeld: vix --db regio.db --als ib@school.nl signalen
    """
    ctx.obj = Globals(db=db, als=als)


def _table(rows: list[list[str]], headers: list[str]) -> None:
    # names may wrap on a narrow terminal; codes and e-mail addresses never (print_table)
    print_table(headers, rows, text=("naam", "wethouder"))


# -- set-up --------------------------------------------------------------------


@app.command("init")
def init(
    ctx: typer.Context,
    naam: Annotated[str, typer.Option(help="Naam van de eerste functioneel beheerder.")],
    email: Annotated[str, typer.Option(help="E-mailadres van de eerste functioneel beheerder.")],
    regio: Annotated[str, typer.Option(help="Naam van de regio (in berichten).")] = "de regio",
) -> None:
    """Maak een nieuwe, lege database met de eerste functioneel beheerder.

    Maakt ook het sleutelbestand (DATABASE.sleutel, of VIX_SLEUTEL) met modus 0600.

    Voorbeeld: vix --db regio.db init --naam "F. Beheer" --email beheer@regio.nl
    """
    from .settings import region_name

    g = globals_of(ctx)
    key = key_path_for(g.db)  # the file written, named below: VIX_SLEUTEL when it is set
    with guarded(g.db):
        # checked as 'instelling zet regio_naam' checks it, before any file is made: the
        # name stands in every notice, inzage header and 'instelling lijst'
        regio = region_name(regio)
        store = open_store(g.db, clock(), create=True, key_path=key)
        try:
            with store.transaction():
                store.set_setting("regio_naam", regio)
                people.add_professional(
                    store,
                    None,
                    email=email,
                    name=naam,
                    phone=None,
                    organisation=None,
                    role="beheerder",
                )
        except BaseException:
            store.close()
            remove_new_database(g.db, key)
            raise
        store.close()
    err.print(f"Database {g.db} gemaakt; beheerder {email}. Sleutel: {key}.")


# -- municipalities, organisations, professionals --------------------------------

# the lists are for everyone (codes for --gemeente and --organisatie, no persons named
# but the regievoerder and wethouder); adding and changing is for the administrator
gemeente = typer.Typer(
    help="Gemeenten; alleen de functioneel beheerder wijzigt, de lijst is voor iedereen.",
    short_help="Gemeenten; alleen de beheerder wijzigt.",
    no_args_is_help=True,
)
organisatie = typer.Typer(
    help="Organisaties; alleen de functioneel beheerder wijzigt, de lijst is voor iedereen.",
    short_help="Organisaties; alleen de beheerder wijzigt.",
    no_args_is_help=True,
)
professional = typer.Typer(help="Professionals en hun rol.", no_args_is_help=True)
app.add_typer(gemeente, name="gemeente")
app.add_typer(organisatie, name="organisatie")
app.add_typer(professional, name="professional")


@gemeente.command("toevoegen")
def gemeente_toevoegen(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Korte code, bijvoorbeeld HAARLEM.")],
    naam: Annotated[str, typer.Argument(help="Naam van de gemeente.")],
) -> None:
    """Voeg een gemeente toe.

    Voorbeeld: vix gemeente toevoegen HAARLEM Haarlem
    """
    with session(ctx) as (store, me):
        added = people.add_municipality(store, me, code, naam)
    err.print(f"Gemeente {added.code} toegevoegd.")


@gemeente.command("wijzig")
def gemeente_wijzig(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Code van de gemeente.")],
    regievoerder: Annotated[
        str | None, typer.Option(help="E-mailadres van de regievoerder (rol regievoerder).")
    ] = None,
    wethouder: Annotated[str | None, typer.Option(help="Naam van de wethouder Jeugd.")] = None,
    wethouder_email: Annotated[
        str | None, typer.Option(help="E-mailadres van de wethouder Jeugd.")
    ] = None,
) -> None:
    """Leg de regievoerder en de wethouder Jeugd van een gemeente vast.

    Een nieuwe regievoerder neemt de verzoeken om regie bij de matches van de gemeente over
    (ook die wachtten omdat de gemeente er geen had); de vorige krijgt bericht als die het
    verzoek al had. De regievoerder moet actief zijn.

    Voorbeeld: vix gemeente wijzig HAARLEM --regievoerder regie@haarlem.nl
    """
    with session(ctx) as (store, me):
        if regievoerder is None and wethouder is None and wethouder_email is None:
            # nothing to change: said 'bijgewerkt' and logged an update that changed nothing
            raise VixUsageError("Geef --regievoerder, --wethouder of --wethouder-email.")
        updated = people.update_municipality(
            store,
            me,
            code,
            director_email=regievoerder,
            alderman_name=wethouder,
            alderman_email=wethouder_email,
        )
    err.print(f"Gemeente {updated.code} bijgewerkt.")


@gemeente.command("lijst")
def gemeente_lijst(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Toon alle gemeenten, met regievoerder en wethouder Jeugd.

    Voor iedereen: een signaleerder heeft de code nodig bij 'vix signaleer --gemeente'.

    Voorbeeld: vix gemeente lijst --json
    """
    with session(ctx) as (store, me):
        found = people.list_municipalities(store, me)
    if json_:
        print_json(found)
        return
    _table(
        [[m.code, m.name, m.director_email or "-", m.alderman_name or "-"] for m in found],
        ["code", "naam", "regievoerder", "wethouder"],
    )


@organisatie.command("toevoegen")
def organisatie_toevoegen(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Korte code, bijvoorbeeld BS-ZONNEBLOEM.")],
    naam: Annotated[str, typer.Argument(help="Naam van de organisatie.")],
    domein: Annotated[str, typer.Option(help=f"Domein: {', '.join(people.DOMAINS)}.")],
    gemeente_code: Annotated[
        str | None, typer.Option("--gemeente", help="Code van de vestigingsgemeente.")
    ] = None,
    telefoon: Annotated[str | None, typer.Option(help="Algemeen telefoonnummer.")] = None,
    email: Annotated[str | None, typer.Option(help="Algemeen e-mailadres.")] = None,
) -> None:
    """Sluit een organisatie aan.

    Voorbeeld: vix organisatie toevoegen BS-ZON "De Zonnebloem" --domein onderwijs
    """
    with session(ctx) as (store, me):
        added = people.add_organisation(
            store,
            me,
            code=code,
            name=naam,
            domain=domein,
            municipality=gemeente_code,
            phone=telefoon,
            email=email,
        )
    err.print(f"Organisatie {added.code} toegevoegd.")


@organisatie.command("wijzig")
def organisatie_wijzig(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Code van de organisatie.")],
    naam: Annotated[str | None, typer.Option(help="Juiste naam.")] = None,
    telefoon: Annotated[
        str | None, typer.Option(help='Algemeen telefoonnummer ("" voor geen).')
    ] = None,
    email: Annotated[str | None, typer.Option(help='Algemeen e-mailadres ("" voor geen).')] = None,
    gemeente_code: Annotated[
        str | None,
        typer.Option("--gemeente", help='Code van de vestigingsgemeente ("" voor geen).'),
    ] = None,
    domein: Annotated[
        str | None, typer.Option(help=f"Domein: {', '.join(people.DOMAINS)}.")
    ] = None,
) -> None:
    """Wijzig naam, telefoon, e-mail, gemeente of domein van een organisatie.

    De code blijft. Wat vix daarna toont (matches, brieven, lijsten, rapporten), noemt de
    nieuwe gegevens; berichten die al klaarstonden, niet. Het domein telt voor wie een match
    leidt: jeugdbescherming altijd (regel 12). Een domein van of naar jeugdbescherming
    weigert vix daarom zolang de organisatie in een lopende match zit. Een ander domein telt
    vanaf nu, voor een nieuwe matchregisseur en in de rapporten (ook over een voorbije
    periode).

    Voorbeeld: vix organisatie wijzig BS-ZON --telefoon 023-5550100
    """
    with session(ctx) as (store, me):
        done = people.update_organisation(
            store,
            me,
            code,
            name=naam,
            phone=telefoon,
            email=email,
            municipality=gemeente_code,
            domain=domein,
        )
    if not done.changed:
        err.print(f"Niets gewijzigd: de gegevens van {done.organisation.code} waren al zo.")
        return
    err.print(f"Organisatie {done.organisation.code} gewijzigd: {', '.join(done.changed)}.")


@organisatie.command("lijst")
def organisatie_lijst(ctx: typer.Context, json_: JsonOption = False) -> None:
    """Toon alle organisaties: code, naam, domein, gemeente en of ze actief is.

    Voor iedereen: de code is nodig bij 'vix import leerlingen --organisatie', 'vix
    professional lijst --organisatie' en 'vix rapport'. De lijst noemt geen personen.

    Voorbeeld: vix organisatie lijst
    """
    with session(ctx) as (store, me):
        found = people.list_organisations(store, me)
    if json_:
        print_json(found)
        return
    _table(
        [
            [
                o.code,
                o.name,
                people.DOMAIN_LABELS[o.domain],
                o.municipality or "-",
                "ja" if o.active else "nee",
            ]
            for o in found
        ],
        ["code", "naam", "domein", "gemeente", "actief"],
    )


@organisatie.command("deactiveer")
def organisatie_deactiveer(
    ctx: typer.Context, code: Annotated[str, typer.Argument(help="Code van de organisatie.")]
) -> None:
    """Zet een organisatie op niet-actief: haar professionals kunnen niets meer.

    Weigert zolang de organisatie actieve signalen heeft: daarna kan niemand ze nog
    overdragen of intrekken, en zitten haar matches vast. De instantiebeheerder draagt ze
    eerst over aan een collega ('vix professional overdragen') of trekt ze in ('vix
    intrekken'); de melding noemt hoeveel het er zijn. Een verzoek om regie dat een
    regievoerder van de organisatie had, wacht daarna op een (nieuwe) regievoerder van de
    gemeente; de regionaal coördinator krijgt bericht. Terugzetten kan met 'vix
    organisatie activeer'.

    Voorbeeld: vix organisatie deactiveer BS-ZON
    """
    with session(ctx) as (store, me):
        done = people.set_organisation_active(store, me, code, False)
    err.print(f"Organisatie {done.code} is niet meer actief.")
    print_handovers(done.handovers)


@organisatie.command("activeer")
def organisatie_activeer(
    ctx: typer.Context, code: Annotated[str, typer.Argument(help="Code van de organisatie.")]
) -> None:
    """Zet een gedeactiveerde organisatie weer op actief.

    Haar professionals kunnen weer verder, behalve wie apart is gedeactiveerd. Is een
    regievoerder van de organisatie nog regievoerder van een gemeente, dan gaan de
    verzoeken om regie die op een regievoerder van die gemeente wachtten weer naar hem of
    haar, met bericht.

    Voorbeeld: vix organisatie activeer BS-ZON
    """
    with session(ctx) as (store, me):
        done = people.set_organisation_active(store, me, code, True)
        left = sum(not p.active for p in people.list_professionals(store, me, done.code))
    err.print(f"Organisatie {done.code} is weer actief.")
    if left:
        err.print(
            f"Let op: {left} professional{'s' if left > 1 else ''} van {done.code} "
            f"{'blijven' if left > 1 else 'blijft'} niet actief (apart gedeactiveerd); zie "
            f"'vix professional lijst --organisatie {done.code}'."
        )
    print_handovers(done.handovers)


@professional.command("toevoegen")
def professional_toevoegen(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-mailadres (ook de inlognaam voor --als).")],
    naam: Annotated[str, typer.Argument(help="Volledige naam.")],
    rol: Annotated[str, typer.Option(help=f"Rol: {', '.join(people.ROLES)}.")],
    organisatie_code: Annotated[
        str | None, typer.Option("--organisatie", help="Code van de organisatie.")
    ] = None,
    telefoon: Annotated[str | None, typer.Option(help="Telefoonnummer voor collega's.")] = None,
) -> None:
    """Wijs een professional aan met een rol.

    Voorbeeld: vix professional toevoegen ib@zon.nl "Ineke Bos" --rol meldingsbevoegde
    --organisatie BS-ZON
    """
    with session(ctx) as (store, me):
        added = people.add_professional(
            store,
            me,
            email=email,
            name=naam,
            phone=telefoon,
            organisation=organisatie_code,
            role=rol,
        )
    err.print(f"Professional {added.email} toegevoegd als {added.role_label}.")


@professional.command("wijzig")
def professional_wijzig(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-mailadres van de professional.")],
    naam: Annotated[str | None, typer.Option(help="Juiste volledige naam.")] = None,
    telefoon: Annotated[
        str | None, typer.Option(help='Telefoonnummer voor collega\'s ("" voor geen).')
    ] = None,
    rol: Annotated[str | None, typer.Option(help=f"Rol: {', '.join(people.ROLES)}.")] = None,
    organisatie_code: Annotated[
        str | None, typer.Option("--organisatie", hidden=True, metavar="CODE")
    ] = None,
) -> None:
    """Wijzig naam, telefoonnummer of rol van een professional (functioneel beheerder).

    Wat vix daarna toont (matches, brieven, lijsten), noemt de nieuwe gegevens; berichten die
    al klaarstonden, niet. Een andere rol weigert vix zolang de professional iets heeft dat
    bij de oude rol hoort: actieve signalen (draag ze over met 'vix professional
    overdragen'), de regie van een gemeente ('vix gemeente wijzig --regievoerder'). Het
    e-mailadres en de organisatie blijven: wie naar een andere organisatie gaat, zet u op
    niet-actief en voegt u daar toe met het e-mailadres van die organisatie.

    Voorbeeld: vix professional wijzig ib@zon.nl --telefoon 023-5550199
    """
    with session(ctx) as (store, me):
        if organisatie_code is not None:
            raise VixUsageError(
                "Een professional gaat niet mee naar een andere organisatie: signalen en "
                "matches horen bij de organisatie. Draag de signalen over ('vix professional "
                "overdragen'), zet hem of haar op niet-actief ('vix professional deactiveer') "
                "en voeg hem of haar toe bij de nieuwe organisatie met het e-mailadres daar "
                "('vix professional toevoegen')."
            )
        done = people.update_professional(store, me, email, name=naam, phone=telefoon, role=rol)
    who = done.professional
    if not done.changed:
        err.print(f"Niets gewijzigd: de gegevens van {who.email} waren al zo.")
        return
    err.print(f"Professional {who.email} gewijzigd: {', '.join(done.changed)}.")


def _signal_numbers(values: list[int] | None) -> list[int] | None:
    """Callback of --signaal: each a number a signal can have (`record_number`)."""
    return None if not values else [record_number(v) for v in values]


@professional.command("overdragen")
def professional_overdragen(
    ctx: typer.Context,
    van: Annotated[
        str,
        typer.Argument(
            metavar="VAN", help="E-mailadres van wie de signalen had (actief of vertrokken)."
        ),
    ],
    naar: Annotated[
        str,
        typer.Argument(
            metavar="NAAR",
            help="E-mailadres van de collega (meldingsbevoegde, dezelfde organisatie).",
        ),
    ],
    signaal: Annotated[
        list[int] | None,
        typer.Option(
            metavar="N",
            callback=_signal_numbers,
            help="Alleen dit signaal (mag vaker); zonder: alle actieve signalen van VAN.",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Draag de actieve signalen van een professional over aan een collega.

    Voor wie vertrekt of afwezig is (de instantiebeheerder neemt waar): het signaal blijft
    hetzelfde, met zijn datum, verwijderdatum en wat over het informeren van de ouders is
    vastgelegd, en blijft in zijn matches. De andere betrokkenen krijgen bericht van de
    nieuwe contactpersoon, de collega krijgt de matches met alle betrokkenen, en is VAN
    matchregisseur of zorgcoördinator, dan gaat die rol mee. Heeft de collega al een
    signaal op dezelfde jeugdige, dan eindigt dat van VAN (in het historisch archief, als
    overgedragen, niet als ingetrokken) en loopt dat van de collega door. Alleen de
    instantiebeheerder van de organisatie of de functioneel beheerder.

    Voorbeeld: vix professional overdragen ib@zon.nl mentor@zon.nl --signaal 12
    """
    from .transfer import transfer_signals

    with session(ctx) as (store, me):
        done = transfer_signals(store, me, van, naar, signaal)
    if json_:
        print_json(done)
        return
    if done.moved:
        numbers = ", ".join(str(n) for n in done.moved)
        err.print(
            f"{len(done.moved)} signa{'len' if len(done.moved) > 1 else 'al'} van "
            f"{done.source_name} ({done.source}) overgedragen aan {done.target_name} "
            f"({done.target}): {numbers}."
        )
    for ended in done.ended:
        err.print(
            f"Signaal {ended.signal_id} is beëindigd: {done.target_name} heeft al signaal "
            f"{ended.continues_as} op dezelfde jeugdige (één signaal per jeugdige), dat "
            "doorloopt. Het beëindigde signaal gaat naar het historisch archief, als "
            "overgedragen (niet als ingetrokken)."
        )
    for passed in done.roles:
        err.print(f"Match {passed.match_id}: {done.target_name} is nu {' en '.join(passed.roles)}.")
    if done.matches:
        err.print(
            f"{len(done.matches)} match(es) bijgewerkt; {done.notices} bericht(en) klaargezet "
            "voor de betrokkenen."
        )
    if done.withdrawn:
        err.print(
            f"{done.withdrawn} nog niet verstuurd(e) bericht(en) aan {done.source_name} over "
            "dit werk ingetrokken."
        )


@professional.command("deactiveer")
def professional_deactiveer(
    ctx: typer.Context, email: Annotated[str, typer.Argument(help="E-mailadres.")]
) -> None:
    """Zet een professional op niet-actief (vertrokken, andere functie).

    Draag de signalen eerst over met 'vix professional overdragen EMAIL COLLEGA': wie
    vertrokken is, krijgt geen berichten meer, maar de signalen, de matches en een rol als
    matchregisseur blijven anders op zijn of haar naam staan. Zo'n matchregisseur telt als
    geen: tot de overdracht neemt een andere betrokkene de regie met 'vix regie'; de
    melding zegt in hoeveel matches dat speelt en wie de instantiebeheerder is. Een
    verzoek om regie dat hij of zij als regievoerder had, wacht daarna op een nieuwe
    regievoerder van de gemeente; de regionaal coördinator krijgt bericht. Terugzetten
    kan met 'vix professional activeer'.

    Voorbeeld: vix professional deactiveer ib@zon.nl
    """
    from .transfer import active_signal_count, lead_count

    with session(ctx) as (store, me):
        handovers = people.set_professional_active(store, me, email, False)
        left = people.find_professional(store, email)
        assert left is not None
        remaining = active_signal_count(store, left.id)
        leads = lead_count(store, left.id)
        # only a signaller has signals, and a signaller belongs to an organisation
        who = (
            people.signal_keeper(store, left.organisation_id, left.organisation_code)
            if remaining and left.organisation_id is not None and left.organisation_code
            else None
        )
    err.print(f"Professional {left.email} is niet meer actief.")
    if remaining:
        err.print(
            f"Let op: {left.email} heeft nog {remaining} actie"
            f"{'ve signalen' if remaining > 1 else 'f signaal'}; in de matches staat hij of zij "
            "nog als contactpersoon."
        )
    if leads:
        err.print(
            f"{left.email} is matchregisseur of zorgcoördinator in {leads} lopende "
            f"match{'es' if leads > 1 else ''}: daar legt niemand de afstemming vast tot een "
            "andere betrokkene de regie neemt met 'vix regie MATCH --regisseur E-MAIL', of "
            "tot de signalen zijn overgedragen (de rol gaat dan mee naar de collega)."
        )
    if who is not None:
        err.print(
            f"{who} draagt {'ze' if remaining > 1 else 'het'} over aan een collega met "
            "'vix professional overdragen "
            f"{left.email} COLLEGA'."
        )
    print_handovers(handovers)


@professional.command("activeer")
def professional_activeer(
    ctx: typer.Context, email: Annotated[str, typer.Argument(help="E-mailadres.")]
) -> None:
    """Zet een gedeactiveerde professional weer op actief.

    Na een vergissing, of als hij of zij terugkomt. Is hij of zij nog regievoerder van een
    gemeente, dan gaan de verzoeken om regie die op een regievoerder van die gemeente
    wachtten weer naar hem of haar, met bericht. Signalen en matches bleven staan;
    berichten uit de tijd dat hij of zij niet actief was, volgen niet alsnog ('vix matches'
    toont de matches zoals ze nu zijn). Zolang de organisatie niet actief is, kan hij of
    zij nog niets.

    Voorbeeld: vix professional activeer ib@zon.nl
    """
    with session(ctx) as (store, me):
        handovers = people.set_professional_active(store, me, email, True)
        back = people.find_professional(store, email)
    assert back is not None
    err.print(f"Professional {back.email} is weer actief.")
    if not back.organisation_active:
        err.print(
            f"Let op: de organisatie {back.organisation_code} is niet actief; zolang kan "
            f"{back.email} niets doen en krijgt geen berichten. Zet de organisatie terug met "
            f"'vix organisatie activeer {back.organisation_code}'."
        )
    print_handovers(handovers)


@professional.command("lijst")
def professional_lijst(
    ctx: typer.Context,
    organisatie_code: Annotated[
        str | None, typer.Option("--organisatie", help="Alleen deze organisatie.")
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Toon professionals (beheerder: allen; instantiebeheerder en instellingscoördinator:
    eigen organisatie).

    Voorbeeld: vix professional lijst --organisatie BS-ZON
    """
    with session(ctx) as (store, me):
        found = people.list_professionals(store, me, organisatie_code)
    if json_:
        print_json(found)
        return
    _table(
        [
            [
                p.email,
                p.name,
                p.role_label,
                p.organisation_code or "-",
                p.phone or "-",
                "ja" if p.active else "nee",
            ]
            for p in found
        ],
        ["e-mail", "naam", "rol", "organisatie", "telefoon", "actief"],
    )


@app.command("instellingsadres")
def instellingsadres(
    ctx: typer.Context,
    postcode: Annotated[str, typer.Argument(help="Postcode, bijvoorbeeld 2011AB.")],
    huisnummer: Annotated[str, typer.Argument(help="Huisnummer met toevoeging.")],
    naam: Annotated[str | None, typer.Argument(help="Naam van de instelling.")] = None,
    wis: Annotated[
        bool,
        typer.Option("--wis", help="Het adres is geen instellingsadres (meer): neem het terug."),
    ] = False,
) -> None:
    """Markeer een adres als instellingsadres: wie daar woont is geen gezin.

    Gezinsmatches die alleen op dit adres stonden, eindigen of gaan door zonder wie er
    alleen daardoor in zat. Met --wis is het adres weer een gewoon woonadres (een
    vergissing, of de instelling is weg): wie er woont, is weer een gezin, en gezinsmatches
    ontstaan of groeien weer. De betrokkenen krijgen bericht.

    Voorbeeld: vix instellingsadres 2011AB 1 "Leefgroep De Linde"
    """
    from .corrections import mark_institution_address, unmark_institution_address
    from .youths import address_key

    with session(ctx) as (store, me):
        if wis and naam is not None:
            raise VixUsageError(
                "Geef bij --wis alleen postcode en huisnummer, zonder naam: vix "
                "instellingsadres POSTCODE HUISNUMMER --wis."
            )
        if not wis and naam is None:
            raise VixUsageError(
                "Geef de naam van de instelling: vix instellingsadres POSTCODE HUISNUMMER "
                "NAAM; of --wis om het adres terug te nemen."
            )
        key = address_key(postcode, huisnummer)
        if key is None:
            raise VixUsageError("Geef postcode en huisnummer.")
        if wis:
            changed, notices = unmark_institution_address(store, me, key)
        else:
            assert naam is not None
            changed, notices = mark_institution_address(store, me, key, naam)
    err.print(
        f"Instellingsadres {key} teruggenomen: het is weer een woonadres."
        if wis
        else f"Instellingsadres {key} vastgelegd."
    )
    if changed:
        err.print(
            f"{changed} gezinsmatch(es) op dit adres bijgewerkt; {notices} bericht(en)"
            " klaargezet voor de betrokkenen."
        )


@app.command("demo")
def demo(
    bewaar: Annotated[
        Path | None,
        typer.Option(help="Bewaar de demodatabase op dit pad (anders een tijdelijke map)."),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Bouw een demoregio met verzonnen gegevens en toon wat elke professional ziet.

    Voorbeeld: vix demo --bewaar demo.db
    """
    import tempfile

    from .cli_signal import print_match
    from .demo import ADMIN, build_demo

    with guarded(), tempfile.TemporaryDirectory(prefix="vix-demo-") as tmp:
        path = bewaar or Path(tmp) / "demo.db"
        seen = build_demo(path, clock())
        if json_:
            print_json(seen)
            return
        out.print(
            "[bold]vix demo[/]: de fictieve regio Duinstreek, gemeenten Duinwijk en Zeeveld.",
            markup=True,
        )
        out.print(
            "Vijf signalen: Sara (school + JGZ: cliëntmatch), haar broer Tim (andere school: "
            "gezinsmatch), Noor (jeugdhulp + jeugdbescherming: cliëntmatch)."
        )
        for person in seen:
            out.rule(f"{person.professional}, {person.organisation} ({person.role})")
            for s in person.signals:
                out.print(f"Eigen signaal {s.id}: {s.youth_name}, sinds {dutch(s.placed_at)}")
            if not person.matches:
                out.print("Geen matches.")
            for m in person.matches:
                print_match(m)
        if bewaar:
            # the demo's key lies beside it, never at VIX_SLEUTEL (a real key may lie
            # there); with VIX_SLEUTEL set, the hint names the demo's key
            key = f"VIX_SLEUTEL={bewaar}.sleutel " if os.environ.get("VIX_SLEUTEL") else ""
            out.print(
                f"\nDe demodatabase staat in {bewaar}. Probeer: "
                f"{key}vix --db {bewaar} --als {ADMIN} organisatie lijst"
            )


from . import cli_followup, cli_import, cli_reports, cli_signal, cli_youth  # noqa: E402

for _group in (cli_signal, cli_youth, cli_followup, cli_import, cli_reports):
    _group.register(app)


def main() -> None:
    """Console entry point: never a traceback, whatever happens."""
    if sys.stdout is None:  # started with stdout closed (`>&-`): no answer could be given
        if sys.stderr is not None:
            err.print(
                "Fout: de uitvoer (stdout) is gesloten; er is niets gedaan. Stuur de uitvoer "
                "ergens heen, bijvoorbeeld met > /dev/null."
            )
        raise SystemExit(1)
    try:
        app()
    except SystemExit:
        raise
    except BrokenPipeError:
        # the reader of our output stopped (`vix ... | head`): quiet, like other tools;
        # stdout goes to /dev/null so that the flush at exit does not complain
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
    except OSError as error:  # writing the answer failed (a full disk, /dev/full)
        err.print(
            f"Fout: de uitvoer kon niet worden geschreven ({file_reason(error)}); wat de "
            "opdracht vastlegde, is wel opgeslagen."
        )
        raise SystemExit(1) from None
    except BaseException as error:  # pragma: no cover - last resort outside commands
        # outside a command's transaction: it may have committed before this (while
        # printing its answer), so this message does not say that nothing was stored
        err.print(
            f"Fout: onverwachte fout ({type(error).__name__}) bij het schrijven van het "
            "antwoord; wat de opdracht vastlegde, is wel opgeslagen. Meld dit bij de "
            "functioneel beheerder."
        )
        raise SystemExit(1) from None
