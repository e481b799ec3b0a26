"""`vix jeugdige`: move, correct, merge and erase what the index holds about a youth,
list the registrations without a BSN that may be one youth twice, and keep such a
pair apart as two children.

Each names the youth by the number he or she is registered under: a BSN, an
onderwijsnummer or a substitute number (VN...), told apart by their form.
"""

from __future__ import annotations

from shlex import quote
from typing import Annotated

import typer

from . import signals
from .cli_common import (
    JsonOption,
    described,
    dutch,
    err,
    out,
    parse_date,
    print_handovers,
    print_json,
    print_redirects,
    session,
)
from .corrections import (
    Correction,
    CorrectionResult,
    MergeResult,
    correct_youth,
    keep_apart,
    merge_youths,
    stop_keeping_apart,
    substitute_duplicates,
)
from .text import counted, matches_told
from .youths import clean_sex, clean_youth_number

NumberArgument = Annotated[
    str,
    typer.Argument(
        metavar="NUMMER",
        help="BSN, onderwijsnummer of vervangend nummer (VN...) van de jeugdige. Het "
        "vervangend nummer van een jeugdige zonder BSN toont 'vix inzage' voluit, ook op naam.",
    ),
]


def _tell_matches(done: CorrectionResult | MergeResult | signals.MoveResult) -> None:
    """What the command did to matches, made, changed and ended counted apart: "1 match
    bijgewerkt" of a match it had just made contradicted the notices ("nieuwe match")."""
    said = matches_told(done.matches_new, done.matches_changed, done.matches_ended)
    if said:
        err.print(
            f"{said}; "
            f"{counted(done.notices, 'bericht', 'berichten')} klaargezet voor de betrokkenen."
        )


def register(app: typer.Typer) -> None:
    jeugdige = typer.Typer(help="Gegevens van jeugdigen.", no_args_is_help=True)
    app.add_typer(jeugdige, name="jeugdige")

    @jeugdige.command("verhuis")
    def verhuis(
        ctx: typer.Context,
        nummer: NumberArgument,
        gemeente: Annotated[str, typer.Option(help="Code of naam van de nieuwe woongemeente.")],
        datum: Annotated[str | None, typer.Option(help="Verhuisdatum, dd-mm-jjjj.")] = None,
        postcode: Annotated[
            str | None, typer.Option(help="Postcode van het nieuwe woonadres.")
        ] = None,
        huisnummer: Annotated[
            str | None, typer.Option(help="Huisnummer van het nieuwe woonadres.")
        ] = None,
    ) -> None:
        """Leg een verhuizing vast; de signaleerders en de nieuwe regievoerder krijgen bericht.

        De jeugdige woont niet meer op het oude adres: geef het nieuwe met --postcode en
        --huisnummer; zonder die twee wist vix het oude adres. Een gezinsmatch die alleen
        op het oude adres stond, eindigt dan, en het nieuwe adres kan er een maken; de
        betrokkenen krijgen bericht. Het nieuwe adres later geven, of een verhuizing binnen
        de gemeente: dezelfde opdracht met de gemeente waar de jeugdige woont en het nieuwe
        adres (het gezin volgt, maar er gaat geen verhuisbericht). De match op de jeugdige
        hoort na een verhuizing bij de nieuwe gemeente. Ligt de regie bij de regievoerder,
        dan gaat het verzoek naar de regievoerder van de nieuwe gemeente (de vorige hoort dat
        het niet meer bij hem of haar ligt, als die het al had); heeft die gemeente er geen
        (actieve), dan wacht het verzoek en krijgt de regionaal coördinator bericht. Een nog
        niet verstuurd opschaalbericht aan de wethouder Jeugd gaat naar de wethouder van de
        nieuwe gemeente; had de vorige het al en stagneert de match nog, dan krijgt de nieuwe
        het ook.

        Voorbeeld: vix jeugdige verhuis 111222333 --gemeente ZANDVOORT --postcode 2042AB
        --huisnummer 7
        """
        with session(ctx) as (store, me):
            number = clean_youth_number(nummer)
            moved = store.today if datum is None else parse_date(datum, "verhuisdatum")
            moved_to = signals.move_youth(
                store, me, number, gemeente, moved, postcode=postcode, house_number=huisnummer
            )
        if moved_to.moved:
            err.print(
                f"Verhuizing van {moved_to.youth_name} naar {moved_to.municipality} vastgelegd."
            )
        else:
            # also when a signaller gave the address stored: the same words, true for
            # both, so that they do not confirm it (`signals.move_youth`)
            err.print(
                f"Woonadres van {moved_to.youth_name} in {moved_to.municipality} vastgelegd; "
                "dezelfde gemeente, dus geen verhuisbericht."
            )
        if moved_to.address == "cleared":
            err.print(
                "Het oude woonadres is gewist: er is geen nieuw gegeven (--postcode en "
                "--huisnummer). Leg het nieuwe vast zodra het bekend is, met 'vix jeugdige "
                f"verhuis NUMMER --gemeente {moved_to.municipality_code} --postcode ... "
                "--huisnummer ...'."
            )
        _tell_matches(moved_to)
        print_handovers(moved_to.handovers, me)
        print_redirects(moved_to.redirects)

    @jeugdige.command("corrigeer")
    def corrigeer(
        ctx: typer.Context,
        nummer: NumberArgument,
        bsn: Annotated[
            str | None,
            typer.Option(
                help="Het juiste BSN; ook om het BSN vast te leggen van een jeugdige die vix "
                "zonder BSN kent."
            ),
        ] = None,
        voornaam: Annotated[str | None, typer.Option(help="De juiste voornaam.")] = None,
        tussenvoegsel: Annotated[
            str | None, typer.Option(help='Het juiste tussenvoegsel; "" (leeg) voor geen.')
        ] = None,
        achternaam: Annotated[str | None, typer.Option(help="De juiste achternaam.")] = None,
        geboortedatum: Annotated[
            str | None, typer.Option(help="De juiste geboortedatum, dd-mm-jjjj.")
        ] = None,
        geslacht: Annotated[
            str | None, typer.Option(help="Het juiste geslacht: M, V of X.")
        ] = None,
        postcode: Annotated[
            str | None, typer.Option(help="De juiste postcode van het woonadres.")
        ] = None,
        huisnummer: Annotated[
            str | None, typer.Option(help="Het juiste huisnummer van het woonadres.")
        ] = None,
        geen_adres: Annotated[
            bool, typer.Option("--geen-adres", help="Wis het woonadres.")
        ] = False,
        ouder: Annotated[
            list[str] | None,
            typer.Option(
                help="BSN van een ouder; herhaal de optie voor elke ouder. Vervangt alle "
                "vastgelegde ouders."
            ),
        ] = None,
        geen_ouders: Annotated[
            bool, typer.Option("--geen-ouders", help="Wis de vastgelegde ouders.")
        ] = False,
        ouder_dan_23: Annotated[
            bool,
            typer.Option(
                "--ouder-dan-23",
                help="Alleen met --geboortedatum: bevestig dat de jeugdige met die datum 23 "
                "jaar of ouder is; vix wist dan alle signalen en schoolinschrijvingen.",
            ),
        ] = False,
        json_: JsonOption = False,
    ) -> None:
        """Corrigeer de gegevens van een jeugdige op verzoek van de ouders of de jeugdige.

        Ouders en jeugdige mogen om correctie vragen (regel 17: inzage, correctie en bezwaar).
        Alleen de regionaal coördinator en de functioneel beheerder corrigeren; geef alleen
        de gegevens die veranderen. Een gecorrigeerde geboortedatum verschuift de
        verwijderdatum van de signalen. Andere ouders of een ander adres kunnen een
        gezinsmatch laten ontstaan of beëindigen; de betrokkenen krijgen dan bericht. Is de
        jeugdige verhuisd, gebruik dan 'vix jeugdige verhuis'.

        Leest een school daarna een ongewijzigde leerlinglijst in, dan blijft de correctie
        staan. Verandert de school in haar lijst iets aan de persoonsgegevens (naam,
        geboortedatum, geslacht), het adres of de ouders, dan neemt vix dat hele onderdeel uit
        de lijst over, ook wat u corrigeerde. Vraag de school daarom de correctie ook in haar
        eigen administratie door te voeren.

        Voorbeeld: vix jeugdige corrigeer VN3F2A9C01B2D4 --bsn 111222333
        """
        with session(ctx) as (store, me):
            correction = Correction(
                bsn=bsn,
                given_name=voornaam,
                infix=tussenvoegsel,
                surname=achternaam,
                birth_date=None
                if geboortedatum is None
                else parse_date(geboortedatum, "geboortedatum"),
                sex=clean_sex(geslacht),
                postcode=postcode,
                house_number=huisnummer,
                no_address=geen_adres,
                parents=ouder,
                no_parents=geen_ouders,
                over_23=ouder_dan_23,
            )
            done = correct_youth(store, me, clean_youth_number(nummer), correction)
        if json_:
            print_json(done)
            return
        if not done.corrected:
            err.print(f"Niets gewijzigd: de gegevens van {done.name} waren al zo.")
            return
        err.print(f"Gecorrigeerd voor {done.name}: {', '.join(done.corrected)}.")
        if done.signals_ended:
            err.print(
                f"{counted(done.signals_ended, 'signaal', 'signalen')} beëindigd: de jeugdige "
                "is volgens de gecorrigeerde geboortedatum 23 jaar of het signaal was over tijd."
            )
        if done.registrations_ended:
            err.print(
                f"{done.registrations_ended} schoolinschrijving"
                f"{'' if done.registrations_ended == 1 else 'en'} gewist: de jeugdige is volgens "
                "de gecorrigeerde geboortedatum 23 jaar."
            )
        if done.forgotten:
            err.print("Er staat nu niets meer over deze jeugdige in de verwijsindex.")
        _tell_matches(done)

    @jeugdige.command("samenvoegen")
    def samenvoegen(
        ctx: typer.Context,
        dubbel: Annotated[
            str,
            typer.Argument(
                metavar="DUBBEL",
                help="Nummer van de registratie die opgaat in de andere (vaak een VN-nummer).",
            ),
        ],
        blijft: Annotated[
            str, typer.Argument(metavar="BLIJFT", help="Nummer van de registratie die blijft.")
        ],
        json_: JsonOption = False,
    ) -> None:
        """Voeg twee registraties van dezelfde jeugdige samen (bijvoorbeeld VN-nummer en BSN).

        Signalen, schoolinschrijvingen, ouders en matches van DUBBEL gaan naar BLIJFT; wie op
        beide een signaal had, houdt het eerste. Signaleerders die nu samen in een match zitten,
        krijgen bericht. Beide moeten dezelfde geboortedatum hebben. Alleen regionaal
        coördinator of functioneel beheerder.

        Voorbeeld: vix jeugdige samenvoegen VN3F2A9C01B2D4 111222333
        """
        with session(ctx) as (store, me):
            done = merge_youths(store, me, clean_youth_number(dubbel), clean_youth_number(blijft))
        if json_:
            print_json(done)
            return
        err.print(
            f"Samengevoegd in de registratie van {done.name}: "
            f"{counted(done.signals_moved, 'signaal', 'signalen')} overgezet"
            + (
                f", {counted(done.duplicates, 'dubbel signaal', 'dubbele signalen')} verwijderd"
                if done.duplicates
                else ""
            )
            + "."
        )
        if done.was_kept_apart:
            err.print(
                "De twee registraties werden apart gehouden als twee jeugdigen; dat oordeel "
                "vervalt met het samenvoegen."
            )
        _tell_matches(done)

    @jeugdige.command("dubbel")
    def dubbel(
        ctx: typer.Context,
        alle: Annotated[
            bool,
            typer.Option(
                "--alle", help="Toon ook de paren die als twee jeugdigen apart worden gehouden."
            ),
        ] = False,
        json_: JsonOption = False,
    ) -> None:
        """Toon jeugdigen zonder BSN die mogelijk twee keer geregistreerd zijn.

        Het vervangend nummer telt het tussenvoegsel mee ("de" + "Vries" is "de Vries");
        vóór migratie 0011 niet. Bij het bijwerken kreeg elke registratie het nieuwe nummer,
        behalve als een andere registratie dat nummer al had: meestal dezelfde jeugdige, door
        een tweede signaleerder anders gesplitst. vix voegt die niet zelf samen; beoordeel elk paar
        (een andere voornaam kan een tweeling zijn) en voeg samen met 'vix jeugdige
        samenvoegen', het oude nummer eerst, of leg met 'vix jeugdige apart' vast dat het
        twee jeugdigen zijn: dan verdwijnt het paar uit deze lijst (--alle toont het nog).
        Tot dan maakt 'vix inzage' van geen van beide een inzage. Hebben drie of meer
        registraties dezelfde gegevens, dan staat elk paar ervan in de lijst, ook twee met
        een oud nummer. Alleen regionaal coördinator of functioneel beheerder; het inzien
        wordt vastgelegd.

        Voorbeeld: vix jeugdige dubbel
        """
        with session(ctx) as (store, me):
            found, kept_apart = substitute_duplicates(store, me, with_kept_apart=alle)
        if json_:
            print_json(found)
            return
        if not found and not kept_apart:
            err.print("Geen jeugdigen zonder BSN met een verouderd vervangend nummer.")
            return
        for i, d in enumerate(found):
            old = d.registration
            if i:
                out.print()
            out.print(f"{old.number}  {described(old)} (oud nummer)")
            if d.holder is None:
                out.print(
                    "  Het nieuwe nummer is vrij; een correctie geeft het: "
                    f"vix jeugdige corrigeer {old.number} --achternaam {quote(old.surname)}"
                )
                continue
            pair = f"{old.number} {d.holder.number}"
            also_old = " (oud nummer)" if d.also_old else ""
            out.print(f"{d.holder.number}  {described(d.holder)}{also_old}")
            if d.kept_apart is not None:
                out.print(
                    f"  Apart gehouden als twee jeugdigen sinds {dutch(d.kept_apart.judged_at)}"
                    f" ({d.kept_apart.judged_by})."
                )
                out.print(f"  Toch dezelfde jeugdige? vix jeugdige samenvoegen {pair}")
                out.print(f"  Oordeel terugnemen: vix jeugdige apart {pair} --wis")
                continue
            out.print(f"  Dezelfde jeugdige? vix jeugdige samenvoegen {pair}")
            out.print(f"  Twee jeugdigen? vix jeugdige apart {pair}")
        if kept_apart:
            paren = "paar" if kept_apart == 1 else "paren"
            err.print(
                f"{kept_apart} {paren} apart gehouden als twee jeugdigen; "
                "'vix jeugdige dubbel --alle' toont ook die."
            )

    @jeugdige.command("apart")
    def apart(
        ctx: typer.Context,
        nummer: Annotated[
            str,
            typer.Argument(
                metavar="NUMMER", help="Nummer van de ene registratie (vaak het oude VN-nummer)."
            ),
        ],
        ander: Annotated[
            str,
            typer.Argument(metavar="ANDER", help="Nummer van de andere registratie van het paar."),
        ],
        wis: Annotated[
            bool,
            typer.Option(
                "--wis", help="Neem een verkeerd oordeel terug: het paar is weer te beoordelen."
            ),
        ] = False,
    ) -> None:
        """Leg vast dat twee registraties uit 'vix jeugdige dubbel' twee jeugdigen zijn.

        Voor een tweeling van één geslacht, of twee kinderen met dezelfde achternaam,
        geboortedatum en hetzelfde geslacht, die het vervangend nummer niet uit elkaar
        houdt. 'vix jeugdige dubbel' toont het paar daarna niet meer, en 'vix inzage
        --nummer' van een van beide toont die ene registratie, zonder --apart. Alleen twee
        registraties die 'vix jeugdige dubbel' of een geweigerde inzage samen toont. Blijkt
        het toch één jeugdige, voeg dan samen met 'vix jeugdige samenvoegen' (het oordeel
        vervalt dan); --wis neemt het oordeel terug. Alleen regionaal coördinator of
        functioneel beheerder; het oordeel wordt vastgelegd.

        Voorbeeld: vix jeugdige apart VN3F2A9C01B2D4 VN8E1D0B7A6C55
        """
        with session(ctx) as (store, me):
            first, second = clean_youth_number(nummer), clean_youth_number(ander)
            if wis:
                done = stop_keeping_apart(store, me, first, second)
            else:
                done = keep_apart(store, me, first, second)
        pair = (
            f"{done.first.name} ({done.first.number}) en {done.second.name} ({done.second.number})"
        )
        if wis:
            err.print(
                f"Oordeel teruggenomen: {pair} worden niet meer apart gehouden. 'vix jeugdige "
                "dubbel' toont het paar weer; een inzage van een van beide wacht weer op "
                "samenvoegen of --apart."
            )
        elif not done.changed:
            err.print(
                "Niets gewijzigd: deze twee registraties worden al apart gehouden sinds "
                f"{dutch(done.judged_at)}."
            )
        else:
            err.print(
                f"Apart gehouden als twee jeugdigen: {pair}. 'vix jeugdige dubbel' toont het "
                "paar niet meer; 'vix inzage --nummer' toont van elk alleen die registratie."
            )

    @jeugdige.command("wis")
    def wis(
        ctx: typer.Context,
        nummer: NumberArgument,
        reden: Annotated[
            str, typer.Option(help="bezwaar (toegekend), verwijderverzoek of overlijden.")
        ],
    ) -> None:
        """Wis alle signalen op een jeugdige direct, zonder archief.

        Voor een toegekend bezwaar, een verzoek tot verwijdering of bij overlijden: dan
        gaan de signalen niet naar het archief (regel 15: einde van een signaal; regel 17:
        bezwaar en verwijdering). Berichten over deze signalen die nog niet zijn verstuurd,
        gaan niet meer uit. Een match eindigt als er te weinig signalen overblijft; bij een
        bezwaar gaat een match die zonder deze signalen nooit was ontstaan helemaal, en
        begint een match die overblijft pas toen die zonder deze signalen ontstond. Bij een
        bezwaar of verwijderverzoek krijgt de signaleerder van elk actief signaal een bericht
        dat zijn of haar signaal (met nummer) op verzoek is gewist; het noemt de jeugdige
        niet. Bij overlijden gaan ook de schoolinschrijvingen (leerlinglijsten), en
        krijgen de signaleerders geen bericht.
        Alleen regionaal coördinator of functioneel beheerder.

        Voorbeeld: vix jeugdige wis 111222333 --reden bezwaar
        """
        with session(ctx) as (store, me):
            done = signals.erase_signals(store, me, clean_youth_number(nummer), reden)
        said = matches_told(0, done.changed, done.ended)
        if done.voided:
            voided = f"{counted(done.voided, 'match', 'matches')} vervallen"
            voided += " (zonder deze signalen nooit ontstaan)"
            said = f"{said}, {voided}" if said else voided
        if said:
            where = f"; {said}"
        elif done.signals:
            where = "; het zat in geen match" if done.signals == 1 else "; ze zaten in geen match"
        else:
            where = ""
        err.print(f"{counted(done.signals, 'signaal', 'signalen')} gewist{where}.")
        if done.told:
            told = counted(done.told, "signaleerder krijgt", "signaleerders krijgen")
            err.print(
                f"{told} bericht dat het signaal op verzoek is gewist (met het signaalnummer, "
                "zonder de jeugdige te noemen); 'vix berichten verstuur' verstuurt het."
            )
        if reden != "overlijden" and done.active > done.told:
            left = done.active - done.told
            gone = "is" if left == 1 else "zijn"
            err.print(
                f"{counted(left, 'signaleerder', 'signaleerders')} {gone} niet meer actief "
                "(of de organisatie niet) en "
                f"{'krijgt' if left == 1 else 'krijgen'} geen bericht."
            )
        elif reden == "overlijden" and done.active:
            err.print(
                "Bij overlijden krijgen de signaleerders geen bericht van vix; hun signaal staat "
                "niet meer bij 'vix signalen'."
            )
        if done.forgotten:
            err.print("Er is niets meer over deze jeugdige opgeslagen.")
        elif done.schools:
            err.print(
                "De jeugdige blijft geregistreerd via de leerlinglijst van "
                f"{', '.join(done.schools)} (naam, geboortedatum, adres, ouders): die "
                "inschrijving is van de school en valt niet onder deze opdracht. Verwijderen "
                "kan alleen de school, met een nieuwe lijst zonder deze leerling "
                "('vix import leerlingen ... --volledig')."
            )
