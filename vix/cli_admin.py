"""Administrator commands: `vix gemeente`, `vix organisatie`, `vix professional`
and `vix instellingsadres` (registered by vix.cli, which calls `register`).

Each command parses, calls one function of `people`, `transfer` or
`corrections` inside one session and renders the result. Who may do what is
decided there, not here: changing is for the functioneel beheerder, handing
over signals also for the organisation's instantiebeheerder.
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import people
from .cli_common import (
    JsonOption,
    err,
    print_handovers,
    print_json,
    print_table,
    record_number,
    session,
)
from .errors import UsageError as VixUsageError
from .followup import ALDERMAN_TITLE
from .text import counted, matches_told

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


def _table(rows: list[list[str]], headers: list[str]) -> None:
    # names may wrap on a narrow terminal; codes and e-mail addresses never (print_table)
    print_table(headers, rows, text=("naam", "wethouder"))


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
    wethouder: Annotated[
        str | None, typer.Option(help='Naam van de wethouder Jeugd ("" voor geen).')
    ] = None,
    wethouder_email: Annotated[
        str | None, typer.Option(help='E-mailadres van de wethouder Jeugd ("" voor geen).')
    ] = None,
) -> None:
    """Leg de regievoerder en de wethouder Jeugd van een gemeente vast.

    Een nieuwe regievoerder neemt de verzoeken om regie bij de matches van de gemeente over
    (ook die wachtten omdat de gemeente er geen had); de vorige krijgt bericht als die het
    verzoek al had. De regievoerder moet actief zijn.

    Vertrekt de wethouder, wis dan naam en e-mailadres met --wethouder "" --wethouder-email
    "": opschaling tot de wethouder (niveau 3) bereikt dan niemand, met een waarschuwing;
    zonder naam begint het bericht met "Geachte Wethouder Jeugd". Een nog niet verstuurd
    opschaalbericht aan het vorige adres gaat naar het nieuwe, of zonder adres naar niemand,
    en noemt de naam van nu. Het e-mailadres dat u vastlegt, krijgt ook het opschaalbericht
    van elke lopende match die tot de wethouder is opgeschaald en daar nog stagneert, als
    dat adres het nog niet had (bijvoorbeeld omdat de stap werd gezet toen er geen adres
    was); vix meldt hoeveel.

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
    err.print(f"Gemeente {updated.municipality.code} bijgewerkt.")
    for r in updated.redirects:
        if not r.withdrawn:
            continue  # owed to the new address: told together below
        notice = f"Het nog niet verstuurde opschaalbericht (niveau 3) bij match {r.match_id}"
        if r.queued and updated.new_address:
            err.print(f"{notice} gaat nu naar het nieuwe e-mailadres van de wethouder Jeugd.")
        elif r.queued and updated.municipality.alderman_name is None:
            err.print(f'{notice} begint nu met "Geachte {ALDERMAN_TITLE}": er is geen naam.')
        elif r.queued:
            err.print(f"{notice} noemt nu de nieuwe naam van de wethouder Jeugd.")
        elif r.warning is None:
            err.print(f"{notice} aan het vorige e-mailadres is ingetrokken; het nieuwe had het al.")
        else:
            err.print(f"Let op: {notice[0].lower()}{notice[1:]} is ingetrokken; {r.warning}.")
    owed = [str(r.match_id) for r in updated.redirects if not r.withdrawn and r.queued]
    if owed:
        err.print(
            "Het e-mailadres van de wethouder Jeugd krijgt nu het opschaalbericht (niveau 3) "
            f"van {_owed_matches(owed)}."
        )


def _owed_matches(numbers: list[str]) -> str:
    if len(numbers) == 1:
        return f"1 match die tot de wethouder is opgeschaald en nog stagneert: match {numbers[0]}"
    return (
        f"{len(numbers)} matches die tot de wethouder zijn opgeschaald en nog stagneren: "
        f"matches {', '.join(numbers[:-1])} en {numbers[-1]}"
    )


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
        str | None, typer.Option("--gemeente", help="Code of naam van de vestigingsgemeente.")
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
        typer.Option("--gemeente", help='Code of naam van de vestigingsgemeente ("" voor geen).'),
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
    print_handovers(done.handovers, me)


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
    print_handovers(done.handovers, me)


@professional.command("toevoegen")
def professional_toevoegen(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-mailadres (ook de inlognaam voor --als).")],
    naam: Annotated[str, typer.Argument(help="Volledige naam.")],
    rol: Annotated[str, typer.Option(help=f"Rol: {people.ROLE_CHOICES}.")],
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
    err.print(f"Professional {added.email} toegevoegd als {added.role_name}.")


@professional.command("wijzig")
def professional_wijzig(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-mailadres van de professional.")],
    naam: Annotated[str | None, typer.Option(help="Juiste volledige naam.")] = None,
    telefoon: Annotated[
        str | None, typer.Option(help='Telefoonnummer voor collega\'s ("" voor geen).')
    ] = None,
    rol: Annotated[str | None, typer.Option(help=f"Rol: {people.ROLE_CHOICES}.")] = None,
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
            parser=record_number,
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
        # the numbers for the organisation manager only: the administrator sees no signals
        numbers = "" if done.signals is None else ": " + ", ".join(map(str, done.signals))
        err.print(
            f"{counted(done.moved, 'signaal', 'signalen')} van {done.source_name} "
            f"({done.source}) overgedragen aan {done.target_name} ({done.target}){numbers}."
        )
    if done.ended_signals is not None:
        for ended in done.ended_signals:
            err.print(
                f"Signaal {ended.signal_id} is beëindigd: {done.target_name} heeft al signaal "
                f"{ended.continues_as} op dezelfde jeugdige (één signaal per jeugdige), dat "
                "doorloopt. Het beëindigde signaal gaat naar het historisch archief, als "
                "overgedragen (niet als ingetrokken)."
            )
    elif done.ended:
        err.print(
            f"{counted(done.ended, 'signaal is', 'signalen zijn')} beëindigd: "
            f"{done.target_name} had al een signaal op dezelfde jeugdige (één signaal per "
            "jeugdige), dat doorloopt. Een beëindigd signaal gaat naar het historisch "
            "archief, als overgedragen (niet als ingetrokken)."
        )
    # which matches: not for the manager nor the administrator, who are not in them; the
    # colleague has the lead notices
    for count, role in (
        (done.director, "matchregisseur"),
        (done.care_coordinator, "zorgcoördinator"),
    ):
        if count:
            err.print(f"{done.target_name} is nu {role} in {counted(count, 'match', 'matches')}.")
    if done.matches:
        err.print(
            f"{counted(done.matches, 'match', 'matches')} bijgewerkt; "
            f"{counted(done.notices, 'bericht', 'berichten')} klaargezet voor de betrokkenen."
        )
    if done.withdrawn:
        unsent = counted(
            done.withdrawn, "nog niet verstuurd bericht", "nog niet verstuurde berichten"
        )
        err.print(f"{unsent} aan {done.source_name} over dit werk ingetrokken.")


@professional.command("deactiveer")
def professional_deactiveer(
    ctx: typer.Context, email: Annotated[str, typer.Argument(help="E-mailadres.")]
) -> None:
    """Zet een professional op niet-actief (vertrokken, andere functie).

    Draag de signalen eerst over met 'vix professional overdragen E-MAIL COLLEGA': wie
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
    print_handovers(handovers, me)


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
    print_handovers(handovers, me)


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
                p.role_name,
                p.organisation_code or "-",
                p.phone or "-",
                "ja" if p.active else "nee",
            ]
            for p in found
        ],
        ["e-mail", "naam", "rol", "organisatie", "telefoon", "actief"],
    )


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
    said = matches_told(changed.new, changed.changed, changed.ended, "gezinsmatch", "gezinsmatches")
    if said:
        err.print(
            f"Op dit adres: {said}; "
            f"{counted(notices, 'bericht', 'berichten')} klaargezet voor de betrokkenen."
        )


def register(app: typer.Typer) -> None:
    """Add the administrator's groups and `instellingsadres` to the vix app."""
    app.add_typer(gemeente, name="gemeente")
    app.add_typer(organisatie, name="organisatie")
    app.add_typer(professional, name="professional")
    app.command("instellingsadres")(instellingsadres)
