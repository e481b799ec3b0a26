"""Commands for reports and documents: `vix rapport ...`, `vix inzage`, `vix brief`.

Each command parses, calls one function of `vix.reports` inside one session
and renders the context it returns as text (default), HTML or JSON. Without
`--uitvoer` the document goes to stdout, so that cron can mail it; with it,
the file is written (mode 0600: some documents name youths) under a
temporary name before the session commits, so a report that could not be
written is not logged as made, and put in its place after COMMIT, so a
report whose audit record did not commit is not left behind (`files.Draft`).
`--json` is one more form of the same document and goes the same way: to
the file when `--uitvoer` is given, never to stdout instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import reports
from .cli_common import (
    JsonOption,
    described,
    err,
    fail,
    guarded,
    json_text,
    parse_date,
    record_number,
    session,
    stdout_is_utf8,
)
from .db import Store
from .errors import Conflict, UsageError, VixError, file_reason
from .files import Draft
from .text import visible
from .youths import SubstituteData, clean_sex


class Formaat(StrEnum):
    tekst = "tekst"
    html = "html"


FormaatOption = Annotated[
    Formaat, typer.Option("--formaat", help="tekst (terminal, e-mail) of html (scherm, papier).")
]
UitvoerOption = Annotated[
    Path | None,
    typer.Option(
        "--uitvoer",
        metavar="BESTAND",
        help="Schrijf naar dit bestand in plaats van naar het scherm (ook met --json).",
    ),
]


def _emit(store: Store, text: str, target: Path | None, *, html: bool = False) -> None:
    """The document to stdout or to `target`; either comes out when the session commits."""
    if target is None:
        if html and not stdout_is_utf8():
            # the page says it is UTF-8 (<meta charset>): in ASCII with character
            # references it is, whatever the output's encoding, and nothing is lost
            text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        # the session removes it if the command fails
        draft = Draft(target, store.drafts, own=store.own_files())
        draft.handle.write(text)
        draft.close()
    except OSError as problem:
        raise VixError(
            f"Kan {target} niet schrijven ({file_reason(problem)}); er is niets vastgelegd. "
            "Kies een ander pad bij --uitvoer."
        ) from None


def _escaped(target: Path | None) -> bool:
    """JSON escapes what is not ASCII on a stdout that is not UTF-8 (a file is UTF-8)."""
    return target is None and not stdout_is_utf8()


def _emit_document(
    store: Store,
    found: Any,
    render: Callable[[], str],
    *,
    json_: bool,
    formaat: Formaat,
    target: Path | None,
) -> None:
    """The document `found` as JSON with `--json`, else as `render` makes it (called only
    then), to stdout or `target` (`_emit`)."""
    text = json_text(found, ascii_only=_escaped(target)) if json_ else render()
    _emit(store, text, target, html=not json_ and formaat is Formaat.html)


def _render(store: Store, kind: str, fmt: Formaat, **context: Any) -> str:
    return reports.render_document(store, kind, fmt.value, **context)


def _refused(refused: reports.InzageRefused) -> typer.Exit:
    """Say why no inzage was made and what to do; the exit status of a conflict (1)."""
    count = len(refused.registrations)
    if not refused.undecided:  # all kept apart: asked by name, which names any of them
        stop = fail(
            Conflict(
                f"Met deze achternaam, geboortedatum en dit geslacht zijn {count} jeugdigen "
                "zonder BSN geregistreerd, die de regionaal coördinator apart houdt als "
                "verschillende jeugdigen; op naam is niet te zeggen wie bedoeld is. Er is geen "
                "inzage gemaakt."
            )
        )
    else:
        stop = fail(
            Conflict(
                "Deze jeugdige zonder BSN is mogelijk twee keer geregistreerd: "
                f"{count} registraties met dezelfde achternaam, "
                "geboortedatum en hetzelfde geslacht. Een inzage van één ervan laat de andere "
                "weg; er is geen inzage gemaakt."
            )
        )
    for r in refused.registrations:
        mark = " (oud nummer)" if r.number in refused.older else ""
        err.print(f"  {r.number}  {described(r)}{mark}")
    if not refused.undecided:
        err.print(
            "Maak de inzage van de juiste registratie met --nummer NUMMER, of leg zo mogelijk "
            "het BSN vast met 'vix jeugdige corrigeer NUMMER --bsn BSN'."
        )
        return stop
    err.print("Dezelfde jeugdige? Voeg de registraties samen en maak de inzage opnieuw:")
    for first, second in refused.undecided:
        err.print(f"  vix jeugdige samenvoegen {first} {second}")
    err.print(
        "Twee jeugdigen (een tweeling)? Leg dat vast en maak de inzage per registratie met "
        "--nummer NUMMER:"
    )
    for first, second in refused.undecided:
        err.print(f"  vix jeugdige apart {first} {second}")
    err.print(
        "Of leg zo mogelijk het BSN vast met 'vix jeugdige corrigeer NUMMER --bsn BSN'. "
        "Alleen voor deze inzage, zonder het oordeel vast te leggen: --nummer NUMMER --apart."
    )
    return stop


def register(app: typer.Typer) -> None:
    """Add `rapport`, `inzage` and `brief` to the vix app."""
    rapport = typer.Typer(help="Rapporten: jaarverslag en evaluatielijst.", no_args_is_help=True)
    app.add_typer(rapport, name="rapport")

    @rapport.command("jaarverslag")
    def jaarverslag(
        ctx: typer.Context,
        regio: Annotated[bool, typer.Option("--regio", help="De hele regio.")] = False,
        gemeente: Annotated[
            str | None,
            typer.Option(
                metavar="CODE", help="Jeugdigen en matches van deze gemeente (code of naam)."
            ),
        ] = None,
        organisatie: Annotated[
            list[str] | None,
            typer.Option(
                metavar="CODE", help="Deze organisatie (code); vaker voor een schoolbestuur."
            ),
        ] = None,
        van: Annotated[
            str | None, typer.Option(metavar="DATUM", help="Begin van de periode, dd-mm-jjjj.")
        ] = None,
        tot: Annotated[
            str | None,
            typer.Option(metavar="DATUM", help="Einde van de periode (tot en met), dd-mm-jjjj."),
        ] = None,
        formaat: FormaatOption = Formaat.tekst,
        uitvoer: UitvoerOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Jaarverslag (of periodiek rapport): alleen aantallen, kleine aantallen als '<5'.

        Zonder --van/--tot: de laatste twaalf hele maanden; met alleen --tot de twaalf
        maanden tot en met die dag; met alleen --van tot en met de laatste hele maand. Een
        rapport met afgeschermde aantallen beslaat hele kalendermaanden (--van de eerste, --tot
        de laatste dag van een maand); alleen het interne rapport van de eigen organisatie mag
        op andere dagen beginnen of eindigen. Zonder --regio, --gemeente of --organisatie: het
        eigen bereik (coördinator: regio; regievoerder: eigen gemeente;
        instantiebeheerder/instellingscoördinator: eigen organisatie). Een
        instellingscoördinator maakt ook het rapport over het hele bestuur van de eigen
        organisatie, niet over een deel ervan.

        Voorbeeld: vix rapport jaarverslag --regio --van 01-01-2026 --tot 31-12-2026 --formaat html
        """
        with session(ctx) as (store, me):
            start, end = reports.asked_period(
                store.today,
                None if van is None else parse_date(van, "begindatum (--van)"),
                None if tot is None else parse_date(tot, "einddatum (--tot)"),
            )
            scope = reports.resolve_scope(
                store, me, region=regio, municipality=gemeente, organisations=organisatie
            )
            found = reports.jaarverslag(store, me, scope, start, end)
            _emit_document(
                store,
                found,
                lambda: _render(
                    store,
                    "rapport/jaarverslag",
                    formaat,
                    rapport=found,
                    grafieken=reports.report_charts(found),
                ),
                json_=json_,
                formaat=formaat,
                target=uitvoer,
            )
        if uitvoer is not None:
            err.print(f"Rapport geschreven naar {visible(str(uitvoer))}.")

    @rapport.command("evaluatielijst")
    def evaluatielijst(
        ctx: typer.Context,
        organisatie: Annotated[
            str | None,
            typer.Option(metavar="CODE", help="Code van de eigen organisatie (standaard)."),
        ] = None,
        formaat: FormaatOption = Formaat.tekst,
        uitvoer: UitvoerOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Evaluatielijst voor de instantiebeheerder: alle actieve signalen van de organisatie.

        Per signaal: leeftijd, geplande verwijderdatum, ouders geïnformeerd, in een match.
        Bevat namen van jeugdigen: alleen voor de instantiebeheerder van de eigen organisatie.

        Voorbeeld: vix rapport evaluatielijst --formaat html --uitvoer evaluatie.html
        """
        with session(ctx) as (store, me):
            found = reports.evaluatielijst(store, me, organisatie)
            _emit_document(
                store,
                found,
                lambda: _render(store, "rapport/evaluatielijst", formaat, lijst=found),
                json_=json_,
                formaat=formaat,
                target=uitvoer,
            )
        if uitvoer is not None:
            err.print(f"Evaluatielijst geschreven naar {visible(str(uitvoer))}.")

    @rapport.command("bestuur")
    def bestuur(
        ctx: typer.Context,
        naam: Annotated[str, typer.Argument(help="Naam van het schoolbestuur of SWV.")],
        organisatie: Annotated[
            list[str],
            typer.Option(metavar="CODE", help="Code van een organisatie van het bestuur (vaker)."),
        ],
    ) -> None:
        """Leg vast welke organisaties samen een bestuur vormen (functioneel beheerder).

        Een instellingscoördinator van een van die organisaties mag daarna het
        jaarverslag over het hele bestuur maken. Een organisatie hoort bij één bestuur.

        Voorbeeld: vix rapport bestuur "Kennemer Scholen" --organisatie ZON --organisatie ESD
        """
        with session(ctx) as (store, me):
            codes = reports.set_board(store, me, naam, organisatie)
        err.print(f"Bestuur {naam}: {', '.join(codes)}.")

    @app.command("inzage")
    def inzage(
        ctx: typer.Context,
        bsn: Annotated[
            str | None, typer.Option("--bsn", metavar="BSN", help="BSN van de jeugdige.")
        ] = None,
        nummer: Annotated[
            str | None,
            typer.Option(
                "--nummer",
                metavar="NUMMER",
                help="Jeugdige zonder BSN: onderwijsnummer (begint met 10) of vervangend "
                "nummer (VN...).",
            ),
        ] = None,
        tussenvoegsel: Annotated[
            str | None,
            typer.Option(
                metavar="WOORD",
                help="Tussenvoegsel bij --achternaam, als de ouders het apart noemen.",
            ),
        ] = None,
        achternaam: Annotated[
            str | None,
            typer.Option(
                metavar="NAAM",
                help="Jeugdige zonder BSN of onderwijsnummer: achternaam (met of zonder "
                "tussenvoegsel), met --geboortedatum en --geslacht (vix leidt het vervangend "
                "nummer af).",
            ),
        ] = None,
        geboortedatum: Annotated[
            str | None, typer.Option(metavar="DATUM", help="Geboortedatum, dd-mm-jjjj.")
        ] = None,
        geslacht: Annotated[str | None, typer.Option(metavar="M|V|X", help="M, V of X.")] = None,
        apart: Annotated[
            bool,
            typer.Option(
                "--apart",
                help="Alleen met --nummer: de tweede registratie met dezelfde achternaam, "
                "geboortedatum en hetzelfde geslacht is een andere jeugdige (een tweeling); "
                "maak de inzage van deze registratie alleen, zonder dat oordeel vast te "
                "leggen (dat doet 'vix jeugdige apart').",
            ),
        ] = False,
        formaat: FormaatOption = Formaat.tekst,
        uitvoer: UitvoerOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Inzage voor ouders of jeugdige: alles wat de verwijsindex over de jeugdige bevat.

        Signalen (actief en gearchiveerd), matches en hun mijlpalen, verwijderdatums en
        wie de gegevens wanneer inzag. Voor de coördinator of beheerder die het verzoek
        behandelt; de inzage zelf wordt vastgelegd.

        Geef de jeugdige op één manier aan: --bsn; of zonder BSN --nummer met het
        onderwijsnummer of het vervangend nummer; of, als de ouders het vervangend
        nummer niet kennen, --achternaam, --geboortedatum en --geslacht zoals bij het
        signaal (vix signaleer --zonder-bsn). Het tussenvoegsel mag in --achternaam
        staan of apart in --tussenvoegsel: "de Vries" en "de" + "Vries" geven hetzelfde
        nummer.

        Heeft een jeugdige zonder BSN een tweede registratie die migratie 0011 niet kon
        hernummeren ('vix jeugdige dubbel'), dan maakt vix geen inzage (exitstatus 1): die
        zou de andere registratie weglaten. vix toont de nummers; voeg de registraties
        samen met 'vix jeugdige samenvoegen' en maak de inzage opnieuw. Zijn het twee
        jeugdigen (een tweeling van één geslacht), leg dat dan vast met 'vix jeugdige
        apart': daarna maakt --nummer de inzage van die ene registratie. Op naam weigert
        vix dan nog steeds: naam, geboortedatum en geslacht houden een tweeling niet uit
        elkaar. --apart maakt de inzage van één registratie zonder het oordeel vast te
        leggen.

        Voorbeeld: vix inzage --bsn 111222333 --formaat html --uitvoer inzage.html

        Voorbeeld: vix inzage --nummer 101234503

        Voorbeeld: vix inzage --achternaam Bos --geboortedatum 03-04-2014 --geslacht V
        """
        derive = (achternaam, geboortedatum, geslacht)
        with guarded():
            named = any(v is not None for v in (*derive, tussenvoegsel))
            ways = (bsn is not None) + (nummer is not None) + named
            if ways != 1:
                raise UsageError(
                    "Geef de jeugdige op één manier aan: --bsn, --nummer, of --achternaam met "
                    "--geboortedatum en --geslacht."
                )
            missing = [
                name
                for name, value in zip(
                    ("--achternaam", "--geboortedatum", "--geslacht"), derive, strict=True
                )
                if value is None
            ]
            if bsn is None and nummer is None and missing:
                raise UsageError(
                    "Voor het vervangend nummer zijn ook nodig: " + ", ".join(missing) + "."
                )
            if apart and nummer is None:
                raise UsageError(
                    "--apart hoort bij --nummer: kies de registratie van de jeugdige met het "
                    "nummer ('vix jeugdige dubbel' toont de nummers)."
                )
        with session(ctx) as (store, me):
            asked = None
            if achternaam is not None:
                assert geboortedatum is not None
                asked = SubstituteData(
                    infix=tussenvoegsel or "",
                    surname=achternaam,
                    birth_date=parse_date(geboortedatum, "geboortedatum"),
                    sex=clean_sex(geslacht),
                )
            found = reports.inzage(store, me, bsn, number=nummer, by_name=asked, apart=apart)
            if isinstance(found, reports.Inzage):
                _emit_document(
                    store,
                    found,
                    lambda: _render(store, "rapport/inzage", formaat, inzage=found),
                    json_=json_,
                    formaat=formaat,
                    target=uitvoer,
                )
        # refused: the session has committed the records of what the coordinator was shown
        if isinstance(found, reports.InzageRefused):
            raise _refused(found)
        if achternaam is not None and not found.found:
            err.print(
                "Niets gevonden op het afgeleide vervangend nummer. Controleer de spelling van "
                "de achternaam (met tussenvoegsel), de geboortedatum en het geslacht zoals "
                "bij het signaal, of vraag naar een BSN of onderwijsnummer."
            )
        if uitvoer is not None:
            err.print(f"Inzage geschreven naar {visible(str(uitvoer))}.")

    @app.command("brief")
    def brief(
        ctx: typer.Context,
        signaal: Annotated[
            int,
            typer.Argument(
                help="Nummer van het signaal (zie 'vix signalen').", parser=record_number
            ),
        ],
        formaat: FormaatOption = Formaat.tekst,
        uitvoer: UitvoerOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Brief aan ouders (of jeugdige) over een signaal, met de contactgegevens.

        De brief verwijst de ouders naar de professional van het signaal. Staat het nog op
        naam van iemand die niet meer actief is, dan weigert vix: de instantiebeheerder
        draagt het eerst over aan een collega ('vix professional overdragen').

        Het sjabloon brief/ouders.txt|html kan de organisatie vervangen: zet een bestand
        brief/ouders-code.txt|html (de organisatiecode in kleine letters; anders
        brief/ouders.txt|html) in de sjablonenmap (VIX_SJABLONEN).

        Voorbeeld: vix brief 12 --formaat html --uitvoer brief.html
        """
        with session(ctx) as (store, me):
            found = reports.parent_letter(store, me, signaal)
            _emit_document(
                store,
                found,
                lambda: reports.render_document(
                    store,
                    "brief/ouders",
                    formaat.value,
                    variant=found.organisation_code,
                    brief=found,
                ),
                json_=json_,
                formaat=formaat,
                target=uitvoer,
            )
        if uitvoer is not None:
            err.print(f"Brief geschreven naar {visible(str(uitvoer))}.")
