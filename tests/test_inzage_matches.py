"""What an inzage (rule 17/18) says about the youth's matches, built with the real follow-up.

The milestones, the hand-off to the regievoerder and the notices are logged on the
match or the notice, not under the youth's pseudonym; the inzage must still list
them, and in a family match without naming the other child's professionals.
"""

from __future__ import annotations

import html.parser
from pathlib import Path
from typing import Any

from conftest import (
    BSN_ANNA,
    BSN_BRAM,
    BSN_CAS,
    P_FATHER,
    P_MOTHER,
    Region,
    Runner,
    as_json,
    db_rows,
    new_youth,
    ok,
)
from conftest import signal as place

from vix.db import Store
from vix.notices import members_at

MONDAY = "2026-11-23T09:00:00"


def inzage(vix: Runner, region: Region, bsn: str) -> dict[str, Any]:
    found: dict[str, Any] = as_json(vix("inzage", "--bsn", bsn, "--json", als=region.coordinator))
    return found


def client_match_with_history(vix: Runner, region: Region) -> int:
    """School, JGZ and youth care on Anna; contact, a hand-off, the school withdraws."""
    first = place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T08:00:00")
    place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T09:00:00")
    match_id = int(
        place(vix, region.care, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T10:00:00")["matches"][
            0
        ]["id"]
    )
    m = str(match_id)
    ok(vix("contact", m, "--datum", "23-11-2026", als=region.school, now="2026-11-23T11:00:00"))
    ok(vix("regie", m, "--regievoerder", als=region.jgz, now="2026-11-23T12:00:00"))
    ok(
        vix(
            "intrekken",
            str(first["signal_id"]),
            "--reden",
            "weggenomen",
            als=region.school,
            now="2026-11-24T08:00:00",
        )
    )
    return match_id


def test_inzage_lists_match_events_notices_leavers_and_the_regievoerder(
    vix: Runner, region: Region
) -> None:
    client_match_with_history(vix, region)
    z = inzage(vix, region, BSN_ANNA)
    (m,) = z["matches"]
    assert m["regievoerder"] == "Rita Regie" and m["director"] is None
    assert [(p["name"], p["left_at"]) for p in m["members"]] == [
        ("Ineke Bos", "2026-11-24T08:00:00"),
        ("Karin Arts", None),
        ("Hans Hulp", None),
    ]
    events = [(e["at"], e["who"], e["action"]) for e in z["log"]]
    assert ("2026-11-20T09:00:00", "vix (automatisch)", "vastgelegd: match") in events
    assert ("2026-11-23T11:00:00", "Ineke Bos", "mijlpaal vastgelegd: match") in events
    assert (
        "2026-11-23T12:00:00",
        "Karin Arts",
        "regie gevraagd aan de regievoerder: match",
    ) in events
    assert [at for at, *_ in events] == sorted(at for at, *_ in events)
    notices = [(n["created_at"][:10], n["recipient"], n["kind"]) for n in z["notices"]]
    # not sent by then, they named Karin as director: renewed when she asked the
    # regievoerder (test_director_notices.py)
    assert ("2026-11-23", "Ineke Bos", "nieuwe match") in notices
    assert ("2026-11-23", "Hans Hulp", "nieuwe match") in notices
    assert ("2026-11-23", "Rita Regie", "verzoek om regie aan de regievoerder") in notices
    assert all(n["status"] == "nog te versturen" and n["sent_at"] is None for n in z["notices"])
    queued = sum(1 for _, who, action in events if action == "klaargezet: bericht")
    # and those renewed: queued, then withdrawn before they went (still in the log)
    withdrawn = sum(1 for _, who, action in events if action == "ingetrokken: bericht")
    assert withdrawn > 0 and queued == len(z["notices"]) + withdrawn


def test_inzage_text_and_html_show_the_same(vix: Runner, region: Region, tmp_path: Path) -> None:
    client_match_with_history(vix, region)
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator)).stdout
    for line in [
        "  betrokken: Ineke Bos, Basisschool De Zonnebloem (tot 24-11-2026)",
        "  betrokken: Karin Arts, JGZ Kennemerland",
        "  regievoerder van de gemeente (gevraagd een zorgcoördinator te benoemen): Rita Regie",
        "BERICHTEN AAN PROFESSIONALS",
        "* 23-11-2026 12:00 aan Rita Regie: verzoek om regie aan de regievoerder; nog te versturen",
        "* 23-11-2026 11:00  Ineke Bos (Basisschool De Zonnebloem): mijlpaal vastgelegd: match",
    ]:
        assert line in text, line
    out = tmp_path / "inzage.html"
    ok(
        vix(
            "inzage",
            "--bsn",
            BSN_ANNA,
            "--formaat",
            "html",
            "--uitvoer",
            str(out),
            als=region.coordinator,
        )
    )
    table = _Table("berichten")
    table.feed(out.read_text(encoding="utf-8"))
    shown = [row[:3] for row in table.rows if row]  # the header row has no td
    assert ["23-11-2026 12:00", "Rita Regie", "verzoek om regie aan de regievoerder"] in shown
    assert ["24-11-2026 08:00", "Karin Arts", "wijziging in de match"] in shown
    assert len(shown) == len(inzage(vix, region, BSN_ANNA)["notices"])


class _Table(html.parser.HTMLParser):
    """The body rows of the table with one id, as lists of cell texts."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows = table_id, False, []  # type: list[list[str]]
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.inside = dict(attrs).get("id") == self.table_id
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def test_family_match_events_do_not_name_the_other_childs_professional(
    vix: Runner, region: Region
) -> None:
    parents = ("--ouder", P_MOTHER)
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), *parents, now="2026-11-20T08:00:00")
    bram = place(
        vix, region.care, *new_youth(BSN_BRAM, "Bram"), *parents, now="2026-11-20T09:00:00"
    )
    match_id = str(bram["matches"][0]["id"])
    ok(vix("contact", match_id, "--datum", "23-11-2026", als=region.school, now="2026-11-23T11:00"))
    z = inzage(vix, region, BSN_BRAM)
    (m,) = z["matches"]
    assert m["kind"] == "gezinsmatch" and m["other_family_members"] is True
    assert [p["name"] for p in m["members"]] == ["Hans Hulp"]
    assert m["director"] == "Hans Hulp"  # his own professional leads: named in his inzage
    contact = [e for e in z["log"] if e["action"] == "mijlpaal vastgelegd: match"]
    assert [(e["who"], e["organisation"]) for e in contact] == [
        ("een professional bij een ander lid van het gezin", None)
    ]
    # only the notices that name Bram: those to his own professional
    assert {n["recipient"] for n in z["notices"]} == {"Hans Hulp"}
    shown = ok(vix("inzage", "--bsn", BSN_BRAM, "--json", als=region.coordinator)).stdout
    text = ok(vix("inzage", "--bsn", BSN_BRAM, als=region.coordinator)).stdout
    for other in ("Ineke Bos", "Zonnebloem", "Anna", BSN_ANNA):
        assert other not in shown and other not in text
    # Anna's own inzage names her professional's milestone, not Bram's director
    anna = inzage(vix, region, BSN_ANNA)
    assert anna["matches"][0]["director"] is None
    assert any(
        e["who"] == "Ineke Bos" and e["action"] == "mijlpaal vastgelegd: match" for e in anna["log"]
    )


def test_the_manager_of_the_youth_s_own_organisation_is_named_in_a_family_match(
    vix: Runner, region: Region
) -> None:
    """The school's organisation manager hands Ineke's signal on Anna, and with it her lead
    of the family match, to a colleague (`vix professional overdragen`). In Anna's inzage
    he acts for her own school, as the client match would name him: by name and
    organisation, not as "a professional of another family member" (before, anyone not
    among her signallers was). Bram's inzage keeps him hidden: the school is Anna's."""
    parents = ("--ouder", P_MOTHER)
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), *parents, now="2026-11-20T08:00:00")
    bram = place(
        vix, region.care, *new_youth(BSN_BRAM, "Bram"), *parents, now="2026-11-20T09:00:00"
    )
    match_id = str(bram["matches"][0]["id"])
    ok(vix("regie", match_id, "--regisseur", region.school, als=region.care, now=MONDAY))
    ok(
        vix(
            "professional",
            "overdragen",
            region.school,
            region.school_colleague,
            als=region.manager,
            now="2026-11-24T10:00:00",
        )
    )

    def lead_chosen(bsn: str) -> list[tuple[str, str | None]]:
        log = inzage(vix, region, bsn)["log"]
        return [
            (e["who"], e["organisation"])
            for e in log
            if e["action"] == "matchregisseur gekozen: match" and e["at"].startswith("2026-11-24")
        ]

    assert lead_chosen(BSN_ANNA) == [("Dirk Directeur", "Basisschool De Zonnebloem")]
    assert lead_chosen(BSN_BRAM) == [("een professional bij een ander lid van het gezin", None)]


def test_notices_withdrawn_before_they_went_stay_in_the_log(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The school's manager hands Ineke's signals to a colleague: her unsent notices about
    Anna's client match and the family match's lead go from the outbox. Their audit
    records stay, and Anna's inzage lists them ("ingetrokken: bericht", by the manager of
    her own school); Bram's lists the lead notice's only, which was about the whole
    family match, without naming the manager of his sister's school. Before, the inzage
    looked only for notices still in the outbox."""
    parents = ("--ouder", P_MOTHER)
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), *parents, now="2026-11-20T08:00:00")
    place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-20T08:30:00")
    bram = place(
        vix, region.care, *new_youth(BSN_BRAM, "Bram"), *parents, now="2026-11-20T09:00:00"
    )
    [family] = [str(m["id"]) for m in bram["matches"] if m["kind"] == "family"]
    ok(vix("regie", family, "--regisseur", region.school, als=region.care, now=MONDAY))
    ok(
        vix(
            "professional",
            "overdragen",
            region.school,
            region.school_colleague,
            als=region.manager,
            now="2026-11-24T10:00:00",
        )
    )
    withdrawn = db_rows(
        vix_env,
        "SELECT json_extract(q.detail, '$.soort') FROM audit_log q JOIN audit_log w"
        " ON w.entity = 'notice' AND w.entity_id = q.entity_id AND w.action = 'withdraw'"
        " WHERE q.entity = 'notice' AND q.action = 'queue' ORDER BY q.id",
    )
    assert "regie_regisseur" in [r[0] for r in withdrawn]

    def withdrawals(bsn: str) -> list[tuple[str, str | None]]:
        log = inzage(vix, region, bsn)["log"]
        return [(e["who"], e["organisation"]) for e in log if e["action"] == "ingetrokken: bericht"]

    anna = withdrawals(BSN_ANNA)
    assert len(anna) >= 2 and set(anna) == {("Dirk Directeur", "Basisschool De Zonnebloem")}
    assert withdrawals(BSN_BRAM) == [("een professional bij een ander lid van het gezin", None)]


def test_a_youth_who_rejoins_a_family_match_shows_both_periods(
    vix: Runner, region: Region, vix_env: Path, store: Store
) -> None:
    """Bram leaves his family's match when a corrected parent takes him out of the family,
    and comes back when it is put right: the time he was out stays on record, in the
    inzage, in `vix match` and for whoever asks who was in the match then."""
    mother = (P_MOTHER,)
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=mother), now=MONDAY)
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=mother), now=MONDAY)
    found = place(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=mother), now=MONDAY)
    [match_id] = [m["id"] for m in found["matches"] if m["kind"] == "family"]
    for parent, now in ((P_FATHER, "2026-11-24T09:00:00"), (P_MOTHER, "2026-11-26T09:00:00")):
        ok(
            vix(
                "jeugdige",
                "corrigeer",
                BSN_BRAM,
                "--ouder",
                parent,
                als=region.coordinator,
                now=now,
            )
        )
        if parent == P_FATHER:  # while Bram is out: his sister's and brother's care
            ok(
                vix(
                    "contact",
                    str(match_id),
                    "--datum",
                    "25-11-2026",
                    als=region.school,
                    now="2026-11-25T09:00:00",
                )
            )

    periods = (
        "SELECT mm.joined_at, mm.left_at FROM match_members mm"
        " JOIN signals s ON s.id = mm.signal_id JOIN youths y ON y.id = s.youth_id"
        " WHERE mm.match_id = ? AND y.bsn = ? ORDER BY mm.joined_at"
    )
    assert [tuple(r) for r in db_rows(vix_env, periods, (match_id, BSN_BRAM))] == [
        (MONDAY, "2026-11-24T09:00:00"),
        ("2026-11-26T09:00:00", None),
    ]
    (m,) = inzage(vix, region, BSN_BRAM)["matches"]
    assert [(p["name"], p["joined_at"], p["left_at"]) for p in m["members"]] == [
        ("Karin Arts", MONDAY, "2026-11-24T09:00:00"),
        ("Karin Arts", "2026-11-26T09:00:00", None),
    ]
    assert m["milestones"] == []
    assert "mijlpaal vastgelegd: match" not in [
        e["action"] for e in inzage(vix, region, BSN_BRAM)["log"]
    ]
    text = ok(vix("inzage", "--bsn", BSN_BRAM, als=region.coordinator)).stdout
    assert "  betrokken: Karin Arts, JGZ Kennemerland (tot 24-11-2026)\n" in text
    assert "  betrokken: Karin Arts, JGZ Kennemerland (vanaf 26-11-2026)\n" in text
    shown = as_json(vix("match", str(match_id), "--json", als=region.school))
    assert {p["name"]: p["since"] for p in shown["members"]}["Karin Arts"] == (
        "2026-11-26T09:00:00"
    )
    listed = ok(vix("match", str(match_id), als=region.school)).stdout
    assert "Karin Arts, JGZ Kennemerland" in listed and "[sinds 26-11-2026 09:00]" in listed
    jgz = int(db_rows(vix_env, "SELECT id FROM professionals WHERE email = ?", (region.jgz,))[0][0])
    assert jgz not in members_at(store, match_id, "2026-11-25T09:00:00")
    assert jgz in members_at(store, match_id, "2026-11-27T09:00:00")
    # coming back, Karin is told of the match as a newcomer, the others that she is new
    told = db_rows(
        vix_env,
        "SELECT recipient_email, kind, body FROM outbox WHERE match_id = ? AND created_at = ?",
        (match_id, "2026-11-26T09:00:00"),
    )
    kinds = {r["recipient_email"]: r["kind"] for r in told}
    assert kinds == {
        region.jgz: "match_nieuw",
        region.school: "match_gewijzigd",
        region.care: "match_gewijzigd",
    }
    assert all(
        "Nieuw betrokken: Karin Arts" in r["body"] for r in told if r["kind"] == "match_gewijzigd"
    )


def test_the_regievoerder_of_a_family_match_does_not_give_away_its_municipality(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """Anna lives in Zandvoort, her brother Bram in Haarlem; their family match has
    Zandvoort's regie, which Bram's inzage does not show (it may be the other child's
    municipality). Nor may its log, through the regievoerder who acted on the match:
    not her name, not her organisation."""
    parents = ("--ouder", P_MOTHER)
    place(
        vix,
        region.school2,
        *new_youth(BSN_ANNA, "Anna", town="ZANDVOORT"),
        *parents,
        now="2026-11-20T08:00:00",
    )
    bram = place(
        vix, region.care, *new_youth(BSN_BRAM, "Bram"), *parents, now="2026-11-20T09:00:00"
    )
    match_id = str(bram["matches"][0]["id"])
    a = region.admin
    ok(
        vix(
            "organisatie",
            "toevoegen",
            "GEM-ZV",
            "Gemeente Zandvoort",
            "--domein",
            "gemeente",
            "--gemeente",
            "ZANDVOORT",
            als=a,
        )
    )
    ok(
        vix(
            "professional",
            "toevoegen",
            "regie@zandvoort.nl",
            "Zara Zeeman",
            "--rol",
            "regievoerder",
            "--organisatie",
            "GEM-ZV",
            als=a,
        )
    )
    ok(vix("gemeente", "wijzig", "ZANDVOORT", "--regievoerder", "regie@zandvoort.nl", als=a))
    ok(vix("regie", match_id, "--regievoerder", als=region.care, now="2026-11-23T09:00:00"))
    ok(
        vix(
            "zorgcoordinator",
            match_id,
            region.care,
            als="regie@zandvoort.nl",
            now="2026-11-23T10:00:00",
        )
    )
    z = inzage(vix, region, BSN_BRAM)
    (m,) = z["matches"]
    assert (m["municipality"], m["regievoerder"], m["care_coordinator"]) == (
        None,
        None,
        "Hans Hulp",
    )
    [appointed] = [e for e in z["log"] if e["action"] == "zorgcoördinator benoemd: match"]
    assert (appointed["who"], appointed["organisation"]) == (
        "de regievoerder van een gemeente",
        None,
    )
    out = tmp_path / "inzage.html"
    ok(
        vix(
            "inzage",
            "--bsn",
            BSN_BRAM,
            "--formaat",
            "html",
            "--uitvoer",
            str(out),
            als=region.coordinator,
        )
    )
    shown = {
        "json": ok(vix("inzage", "--bsn", BSN_BRAM, "--json", als=region.coordinator)).stdout,
        "text": ok(vix("inzage", "--bsn", BSN_BRAM, als=region.coordinator)).stdout,
        "html": out.read_text(encoding="utf-8"),
    }
    for form, document in shown.items():
        for other in ("Zandvoort", "Zara Zeeman", "Anna", "Esdoorn"):
            assert other not in document, (form, other)


def test_a_youth_who_left_a_family_match_sees_nothing_of_it_after_he_left(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """Anna, Bram and Cas share a mother. The school withdraws its signal on Anna on
    05-01: she has none left in the family match, which goes on for Bram and Cas. What
    happens in it after that (an escalation, the agreement, the events in the log) is about
    their care: Anna's inzage shows the match until she left it, not '(lopend)'."""
    mother = (P_MOTHER,)
    anna = place(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=mother), now=MONDAY)
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=mother), now=MONDAY)
    found = place(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=mother), now=MONDAY)
    [match_id] = [str(m["id"]) for m in found["matches"] if m["kind"] == "family"]
    ok(vix("contact", match_id, "--datum", "24-11-2026", als=region.care, now="2026-11-24T09:00"))
    left = "2027-01-05T10:00:00"
    ok(
        vix(
            "intrekken",
            str(anna["signal_id"]),
            "--reden",
            "weggenomen",
            als=region.school,
            now=left,
        )
    )
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2027-01-12T10:00:00"))
    ok(vix("afstemming", match_id, "--datum", "20-01-2027", als=region.jgz, now="2027-01-20T10:00"))
    bram = as_json(vix("inzage", "--bsn", BSN_BRAM, "--json", als=region.coordinator))
    assert bram["matches"][0]["ended_at"] is None  # it goes on for Bram
    assert ("afstemming", "2027-01-20") in [tuple(x) for x in bram["matches"][0]["milestones"]]
    assert bram["matches"][0]["escalations"]
    z = as_json(
        vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now="2027-03-21T10:00")
    )
    (m,) = z["matches"]
    assert m["ended_at"] == left
    assert [tuple(x) for x in m["milestones"]] == [("contact gelegd", "2026-11-24")]
    assert m["escalations"] == []
    match_events = [e for e in z["log"] if e["action"].endswith(": match")]
    assert match_events and all(e["at"] <= left for e in match_events)
    text = ok(
        vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator, now="2027-03-21T10:00")
    ).stdout
    assert "* gezinsmatch van 23-11-2026 tot 05-01-2027\n" in text
    for later in ("(lopend)", "afstemming", "opgeschaald", "12-01-2027", "20-01-2027"):
        assert later not in text, later
    out = tmp_path / "inzage.html"
    ok(
        vix(
            "inzage",
            "--bsn",
            BSN_ANNA,
            "--formaat",
            "html",
            "--uitvoer",
            str(out),
            als=region.coordinator,
            now="2027-03-21T10:00",
        )
    )
    page = out.read_text(encoding="utf-8")
    assert "Gezinsmatch van 23-11-2026 tot 05-01-2027" in page
    for later in ("(lopend)", "12-01-2027", "20-01-2027"):
        assert later not in page, later


def test_a_youth_who_joins_a_family_match_later_sees_nothing_of_it_from_before(
    vix: Runner, region: Region
) -> None:
    """Anna and Bram share a mother: a family match on 23-11, contact and an escalation
    in it. Cas, their brother, is signalled on 01-02 and joins. What happened before is
    his brother's and sister's care: his inzage showed the contact, the escalation and
    their log lines (review)."""
    mother = (P_MOTHER,)
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna", parents=mother), now=MONDAY)
    found = place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", parents=mother), now=MONDAY)
    [match_id] = [str(m["id"]) for m in found["matches"] if m["kind"] == "family"]
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-12-07T10:00:00"))
    ok(vix("contact", match_id, "--datum", "08-12-2026", als=region.jgz, now="2026-12-08T09:00"))
    joined = "2027-02-01T09:00:00"
    place(vix, region.care, *new_youth(BSN_CAS, "Cas", parents=mother), now=joined)
    cas = as_json(
        vix("inzage", "--bsn", BSN_CAS, "--json", als=region.coordinator, now="2027-02-02T09:00")
    )
    (m,) = cas["matches"]
    assert m["milestones"] == [] and m["escalations"] == []
    match_events = [e for e in cas["log"] if e["action"].endswith(": match")]
    assert all(e["at"] >= joined for e in match_events), match_events
    anna = as_json(
        vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator, now="2027-02-02T09:00")
    )
    (m,) = anna["matches"]
    assert [tuple(x) for x in m["milestones"]] == [("contact gelegd", "2026-12-08")]
    assert m["escalations"]
