"""`vix import leerlingen`: a school's pupil list into the index (registered by vix.cli).

Parses the options, calls `importer.import_pupils` inside one session and
renders the result: a rich progress bar on stderr when stderr is a terminal
(not with `--stil`), then the summary on stdout (or JSON with `--json`) and the
rejected rows on stderr. Exit status 1 when the list was refused.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from .cli_common import JsonOption, err, guarded, out, print_json, session, to_plain
from .csvsource import FIELD_LABELS, IGNORE, parse_mapping
from .importer import ImportResult, import_pupils, thousands
from .text import visible

import_app = typer.Typer(help="Gegevens importeren (leerlinglijsten van scholen).")

LISTED_ON_SCREEN = 200


def _lines(count: int, kind: str = "") -> str:
    """'1 regel', '2.500 regels'; `kind` before the noun ('1 afgewezen regel')."""
    return f"{thousands(count)} {kind}regel{'' if count == 1 else 's'}"


def _summary(result: ImportResult) -> None:
    if result.dry_run:
        state = "proefimport (--droog), er is niets opgeslagen"
    elif result.written:
        state = "geïmporteerd"
    else:
        state = "NIET geïmporteerd"
    out.print(
        f"Leerlinglijst {visible(result.file)} voor {result.organisation}: {state}.\n"
        f"  bestand: {result.encoding}, {result.delimiter} als scheidingsteken, "
        f"{_lines(result.rows)}\n"
        f"  nieuw: {thousands(result.new)}, bijgewerkt: {thousands(result.updated)}, "
        f"ongewijzigd: {thousands(result.unchanged)}, afgewezen: {thousands(result.rejected)}"
    )
    if result.too_old:
        lines = ", ".join(map(str, result.too_old_lines[:LISTED_ON_SCREEN]))
        more = result.too_old - min(len(result.too_old_lines), LISTED_ON_SCREEN)
        out.print(
            f"  overgeslagen: {_lines(result.too_old)} met een leerling van 23 jaar of ouder "
            f"(de verwijsindex is tot 23 jaar; niet ingeschreven): regel {lines}"
            + (f" en nog {_lines(more)}" if more > 0 else "")
        )
    if result.moved:
        out.print(f"  verhuisd naar een andere gemeente: {thousands(result.moved)}")
    if result.unknown_town_rows:
        out.print(
            f"  woonplaats niet herkend als gemeente ({_lines(result.unknown_town_rows)}, "
            f"gemeente onbekend of ongewijzigd gelaten): {', '.join(result.unknown_towns)}"
        )
    if result.full and result.rejected == 0:
        done = "zou worden verwijderd" if result.dry_run else "verwijderd"
        out.print(f"  {thousands(result.removed)} niet meer op de lijst: inschrijving {done}")
    elif result.not_in_list:
        out.print(
            f"  leerlingen van {result.organisation} die niet (meer) in deze lijst staan: "
            f"{thousands(result.not_in_list)} (niet verwijderd)"
        )
    if result.ignored_columns:
        # column names come from the file: shown as text, a number in them masked
        out.print(f"  genegeerde kolommen: {visible(', '.join(result.ignored_columns))}")
    if result.warned:
        out.print(
            f"  waarschuwing: {_lines(result.warned)} met een groep/klas die vix niet "
            "overneemt (de waarde is geen groeps- of klascode):"
        )
        for w in result.warnings[:LISTED_ON_SCREEN]:
            out.print(f"    regel {w.line}, kolom {visible(w.column)}: {w.reason}")
        if result.warned > min(len(result.warnings), LISTED_ON_SCREEN):
            more = result.warned - min(len(result.warnings), LISTED_ON_SCREEN)
            out.print(f"    ... en nog {_lines(more)}.")


def _errors(result: ImportResult) -> None:
    if not result.rejected:
        return
    for e in result.errors[:LISTED_ON_SCREEN]:
        err.print(f"regel {e.line}, kolom {visible(e.column)}: {e.reason}")
    shown = len({e.line for e in result.errors[:LISTED_ON_SCREEN]})
    if shown < result.rejected:
        more = result.rejected - shown
        where = (
            f"zie {visible(result.error_file)}"
            if result.error_file
            else "gebruik --foutenbestand PAD voor de volledige lijst"
        )
        err.print(f"... en nog {_lines(more, 'afgewezen ')}; {where}.")
    if result.error_file:
        err.print(f"Afgewezen regels met de reden staan in {visible(result.error_file)}.")
    if not result.ok:
        advice = (
            "Geen enkele regel is goed: herstel de regels en importeer opnieuw."
            if result.skip_errors
            else "Herstel de regels en importeer opnieuw, of importeer de goede regels met "
            "--sla-fouten-over."
        )
        err.print(
            f"[bold red]Fout:[/] {_lines(result.rejected)} afgewezen; er is niets "
            f"geïmporteerd. {advice}",
            markup=True,
        )


@import_app.command("leerlingen")
def leerlingen(
    ctx: typer.Context,
    lijst: Annotated[Path, typer.Argument(help="De leerlinglijst als CSV-bestand.")],
    organisatie: Annotated[
        str, typer.Option("--organisatie", help="Code van de school (zie 'vix organisatie lijst').")
    ],
    sla_fouten_over: Annotated[
        bool,
        typer.Option(
            "--sla-fouten-over",
            help="Importeer de goede regels en schrijf de afgewezen regels met de reden naar "
            "het foutenbestand (standaard LIJST-fouten.csv).",
        ),
    ] = False,
    foutenbestand: Annotated[
        Path | None,
        typer.Option(
            "--foutenbestand",
            help="Schrijf afgewezen regels met de reden naar dit CSV-bestand (UTF-8 met BOM).",
        ),
    ] = None,
    droog: Annotated[
        bool, typer.Option("--droog", help="Laat zien wat er zou gebeuren; sla niets op.")
    ] = False,
    volledig: Annotated[
        bool,
        typer.Option(
            "--volledig",
            help="Deze lijst is de volledige leerlinglijst van de organisatie: wie er niet "
            "(meer) op staat, verliest de inschrijving bij deze school. Niet samen met "
            "--sla-fouten-over.",
        ),
    ] = False,
    veel_vertrokken: Annotated[
        bool,
        typer.Option(
            "--veel-vertrokken",
            help="Bij --volledig: ook als meer leerlingen de inschrijving verliezen dan er "
            "blijven (anders weigert vix: vaak de lijst van een andere school).",
        ),
    ] = False,
    stil: Annotated[
        bool, typer.Option("--stil", help="Geen voortgangsbalk, alleen de samenvatting.")
    ] = False,
    kolom: Annotated[
        list[str] | None,
        typer.Option(
            "--kolom",
            help="Wijs een kolom aan een veld toe: 'KOLOMNAAM=VELD' (herhaalbaar). Velden: "
            f"{', '.join([*FIELD_LABELS.values(), IGNORE])}.",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Importeer de leerlinglijst van een school (CSV uit ParnasSys, ESIS, Magister, Somtoday
    of Excel) zodat de intern begeleider een leerling met het leerlingnummer kan signaleren; vix
    toont dan de naam ter bevestiging (zoeken op naam kan niet: er is geen zoekfunctie).

    Herkent zelf het scheidingsteken (; , of tab), de tekenset (UTF-8 of Windows-1252) en de
    gangbare kolomnamen. Alles of niets: is één regel fout, dan wordt niets geïmporteerd en
    staan alle foute regels met regelnummer, kolom en reden in de uitvoer. Opnieuw importeren
    van dezelfde lijst verandert niets: van een eigen leerling neemt vix alleen over wat de
    lijst anders zegt dan de vorige keer (persoon, adres of ouders), zodat een ongewijzigde
    lijst een verhuizing of correctie in vix niet terugdraait. Importeren plaatst nooit een
    signaal. Met --volledig
    verwijdert vix de inschrijving van leerlingen die niet meer op de lijst staan (hun
    signalen blijven); probeer dat eerst met --droog. Zouden er meer inschrijvingen
    verdwijnen dan er blijven (vanaf 10), dan weigert vix zonder --veel-vertrokken.

    Voorbeeld: vix import leerlingen leerlingen.csv --organisatie ZON --volledig --droog
    """
    with guarded():
        mapping = parse_mapping(kolom or [])
    bar = not stil and err.is_terminal
    # a list of 50,000 pupils changes some 60 MB of pages under the import's savepoint
    # the import shows no signal or match, and --droog writes nothing: it ends nothing
    # either (the next command or the night run does), nor would a refused list keep
    # such endings while saying that nothing was imported (review)
    with session(ctx, temp_on_disk=True, overdue_first=False) as (store, me):
        run = partial(
            import_pupils,
            store,
            me,
            lijst,
            organisatie,
            mapping=mapping,
            skip_errors=sla_fouten_over,
            error_file=foutenbestand,
            dry_run=droog,
            full=volledig,
            many_leavers=veel_vertrokken,
        )
        if bar:
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            def show(done: int, total: int) -> None:
                # after the last row come the indexes, family matches and the commit
                label = "afronden (indexen, gezinsmatches)" if done >= total else "importeren"
                progress.update(task, completed=done, total=total, description=label)

            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            ) as progress:
                task = progress.add_task("importeren", total=None)
                result = run(progress=show)
        else:
            result = run()
    if json_:
        shown = {k: v for k, v in to_plain(result).items() if k not in ImportResult.PRIVATE}
        print_json({**shown, "ok": result.ok})
    else:
        _summary(result)
        _errors(result)
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the vix app."""
    app.add_typer(import_app, name="import")
