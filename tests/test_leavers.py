"""People and organisations who leave must not leave a match stuck (rules 12-14).

A deactivated professional, or one of a deactivated organisation, gets no notice and
cannot log in. Named as the match director, he or she would hold the agreement that
nobody else may record. So vix never proposes him or her, a director who left counts
as none (any member takes the lead with `vix regie`, and the messages say so), and the
views and the stagnation list show that the director left.

Scenario: Karin Arts (JGZ) and Ineke Bos (school) signal Anna; Karin leads, then leaves.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from conftest import (
    ADMIN,
    BSN_ANNA,
    BSN_BRAM,
    Region,
    Runner,
    as_json,
    db_rows,
    flat,
    new_youth,
    ok,
)
from test_move_regie import place, show

KARIN = "Karin Arts"
GI2 = "jb2@gi.nl"


def karin_leads_anna(vix: Runner, region: Region) -> int:
    """The school and JGZ signal Anna: JGZ (not education) leads; returns the match."""
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T08:00:00")
    found = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:00:00")
    match_id = int(found["matches"][0]["id"])
    assert show(vix, region.school, match_id)["director"] == KARIN
    return match_id


def members(seen: dict[str, Any]) -> dict[str, tuple[bool, bool]]:
    """name -> (is director, can act)"""
    return {m["name"]: (m["is_director"], m["active"]) for m in seen["members"]}


def test_a_deactivated_signaller_is_never_proposed_as_director(vix: Runner, region: Region) -> None:
    """The auditor's case: Karin signalled Bram before she left; when youth care signals
    Bram, the new match is led by youth care, who can record the agreement."""
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", born="01-01-2012"))
    ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    found = place(vix, region.care, *new_youth(BSN_BRAM, "Bram", born="01-01-2012"))
    match_id = int(found["matches"][0]["id"])
    seen = show(vix, region.care, match_id)
    assert seen["director"] == "Hans Hulp"
    assert not seen["director_left"]
    assert members(seen) == {"Hans Hulp": (True, True), KARIN: (False, False)}
    ok(vix("afstemming", str(match_id), als=region.care))
    text = ok(vix("match", str(match_id), als=region.care)).stdout
    assert f"{region.jgz}  [niet meer actief]" in text


def test_a_director_who_left_counts_as_none_and_another_member_takes_the_lead(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = karin_leads_anna(vix, region)
    ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    m = str(match_id)
    way_out = (
        f"Een andere betrokkene neemt de regie met 'vix regie {m} --regisseur E-MAIL'; de "
        "instantiebeheerder van JGZ draagt de signalen over aan een collega met 'vix "
        f"professional overdragen {region.jgz} COLLEGA' (een rol in de match gaat dan mee)."
    )
    # the agreement: refused, saying why and how the match goes on
    refused = vix("afstemming", m, als=region.school)
    assert refused.exit_code == 1
    assert flat(refused.stderr) == (
        f"Fout: De afstemming van match {m} legt de matchregisseur vast, maar {KARIN} "
        f"({region.jgz}) is niet meer actief. {way_out}"
    )
    # naming her as director again: she is in the match, so say she left, not that she is not
    refused = vix("regie", m, "--regisseur", region.jgz, als=region.coordinator)
    assert refused.exit_code == 1
    assert flat(refused.stderr) == (
        f"Fout: {KARIN} ({region.jgz}) is niet meer actief: hij of zij zit nog in match {m}, "
        f"maar krijgt geen berichten en kan niets doen. {way_out}"
    )
    # someone who is not in the match is still answered as before
    outside = vix("regie", m, "--regisseur", region.care, als=region.coordinator)
    assert f"{region.care} zit niet (met een actief signaal) in match {m}." in outside.stderr
    # the views say that the director left
    seen = show(vix, region.school, match_id)
    assert seen["director"] == KARIN and seen["director_left"]
    assert members(seen) == {"Ineke Bos": (False, True), KARIN: (True, False)}
    text = flat(ok(vix("match", m, als=region.school)).stdout)
    assert f"{region.jgz} [matchregisseur, niet meer actief]" in text
    assert (
        f"De matchregisseur ({KARIN}) is niet meer actief. Een betrokkene neemt de regie met "
        f"'vix regie {m} --regisseur E-MAIL'" in text
    )
    late = "2026-12-07T09:00:00"
    [stuck] = as_json(vix("stagnatie", "--json", als=region.coordinator, now=late))
    assert stuck["director"] == KARIN and stuck["director_left"]
    line = ok(vix("stagnatie", als=region.coordinator, now=late)).stdout
    assert f"regisseur {KARIN} (niet meer actief);" in line
    # the escalation tells the organisation managers as much
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now=late))
    [body] = [
        r["body"] for r in db_rows(vix_env, "SELECT body FROM outbox WHERE kind = 'escalatie_1'")
    ]
    assert f"Matchregisseur: {KARIN} (niet meer actief)" in body
    # a member takes the lead, and records the agreement
    ok(vix("regie", m, "--regisseur", region.school, als=region.school))
    ok(vix("afstemming", m, als=region.school))
    assert not show(vix, region.school, match_id)["director_left"]


def test_a_newcomer_is_told_that_the_director_left(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The stored director stays (the hand-over passes the role on), but a notice does not
    send anyone to a director who cannot act."""
    match_id = karin_leads_anna(vix, region)
    ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    place(vix, region.care, *new_youth(BSN_ANNA, "Anna"), now="2026-11-24T09:00:00")
    assert show(vix, region.care, match_id)["director"] == KARIN
    [body] = [
        r["body"]
        for r in db_rows(
            vix_env,
            "SELECT o.body FROM outbox o JOIN professionals p ON p.id = o.recipient_id"
            " WHERE p.email = ? AND o.kind = 'match_nieuw'",
            (region.care,),
        )
    ]
    text = flat(body)
    assert f"e-mail: {region.jgz}, matchregisseur (niet meer actief)" in text
    assert (
        "De matchregisseur is niet meer actief. Neem als betrokkene de regie met "
        f"'vix regie {match_id} --regisseur E-MAIL' en leg de datum van afstemming vast." in text
    )
    assert "De matchregisseur legt de datum van afstemming vast" not in text


def test_deactivating_a_director_says_so_and_names_who_hands_the_signals_on(
    vix: Runner, region: Region
) -> None:
    karin_leads_anna(vix, region)
    ok(vix("professional", "toevoegen", "beheer@jgz.nl", "Joke Beheer", "--rol",
           "instantiebeheerder", "--organisatie", "JGZ", als=ADMIN))  # fmt: skip
    done = ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    assert flat(done.stderr) == (
        f"Professional {region.jgz} is niet meer actief. Let op: {region.jgz} heeft nog 1 "
        "actief signaal; in de matches staat hij of zij nog als contactpersoon. "
        f"{region.jgz} is matchregisseur of zorgcoördinator in 1 lopende match: daar legt "
        "niemand de afstemming vast tot een andere betrokkene de regie neemt met 'vix regie "
        "MATCH --regisseur E-MAIL', of tot de signalen zijn overgedragen (de rol gaat dan mee "
        "naar de collega). De instantiebeheerder (Joke Beheer, beheer@jgz.nl) draagt het over "
        f"aan een collega met 'vix professional overdragen {region.jgz} COLLEGA'."
    )


def test_without_a_manager_both_deactivations_say_to_appoint_one(
    vix: Runner, region: Region
) -> None:
    """Only an organisation manager sees the organisation's signals and withdraws them:
    deactivating the signaller and deactivating the organisation give the same advice."""
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", born="01-01-2012"))
    appoint = (
        "JGZ heeft geen actieve instantiebeheerder; wijs er een aan met 'vix professional "
        "toevoegen E-MAIL NAAM --rol instantiebeheerder --organisatie JGZ'. Die"
    )
    done = ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    assert flat(done.stderr).endswith(
        f"{appoint} draagt het over aan een collega met 'vix professional overdragen "
        f"{region.jgz} COLLEGA'."
    )
    refused = vix("organisatie", "deactiveer", "JGZ", als=ADMIN)
    assert f"{appoint} ziet het met 'vix signalen --organisatie'" in flat(refused.stderr)


def test_youth_protection_that_left_does_not_block_the_lead_and_its_colleague_takes_it(
    vix: Runner, region: Region
) -> None:
    """Rule 12 holds for youth protection that can act: its deactivated signaller is
    passed over, the others may lead meanwhile, and the colleague who takes over the
    signals leads again, as care coordinator too."""
    place(vix, region.gi, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T08:00:00")
    ok(vix("professional", "deactiveer", region.gi, als=ADMIN))
    found = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:00:00")
    match_id = int(found["matches"][0]["id"])
    seen = show(vix, region.jgz, match_id)
    assert (seen["director"], seen["care_coordinator"]) == (KARIN, None)
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T10:00:00")
    ok(vix("regie", str(match_id), "--regisseur", region.school, als=region.jgz))
    ok(vix("professional", "toevoegen", GI2, "Gijs Jansen", "--rol", "meldingsbevoegde",
           "--organisatie", "GI", als=ADMIN))  # fmt: skip
    ok(vix("professional", "overdragen", region.gi, GI2, als=ADMIN))
    seen = show(vix, GI2, match_id)
    assert (seen["director"], seen["care_coordinator"]) == ("Gijs Jansen", "Gijs Jansen")
    refused = vix("regie", str(match_id), "--regisseur", region.jgz, als=region.jgz)
    assert "die is altijd matchregisseur en zorgcoördinator" in refused.stderr


# -- an organisation that is switched off --------------------------------------------------


def test_an_organisation_with_active_signals_is_not_switched_off(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Switched off, nobody of it could hand its signals on or withdraw them, and its
    matches would be stuck: refused with the count and the way out, nothing written."""
    match_id = karin_leads_anna(vix, region)
    place(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", born="01-01-2012"))
    before = db_rows(vix_env, "SELECT COUNT(*) FROM audit_log")[0][0]
    refused = vix("organisatie", "deactiveer", "JGZ", als=ADMIN)
    assert refused.exit_code == 1
    assert flat(refused.stderr) == (
        "Fout: Organisatie JGZ heeft nog 2 actieve signalen, waarvan 1 in een lopende match; "
        "er is niets gewijzigd. Is de organisatie niet actief, dan kan niemand van JGZ ze nog "
        "overdragen of intrekken, en blijven haar matches zonder iemand van JGZ die iets kan "
        "doen. JGZ heeft geen actieve instantiebeheerder; wijs er een aan met 'vix "
        "professional toevoegen E-MAIL NAAM --rol instantiebeheerder --organisatie JGZ'. Die "
        "ziet ze met 'vix signalen --organisatie' en draagt ze over aan een collega met 'vix "
        "professional overdragen VAN NAAR', of trekt ze in met 'vix intrekken NUMMER --reden "
        "weggenomen'. Deactiveer JGZ daarna opnieuw."
    )
    assert db_rows(vix_env, "SELECT active FROM organisations WHERE code = 'JGZ'")[0][0] == 1
    assert db_rows(vix_env, "SELECT COUNT(*) FROM audit_log")[0][0] == before
    # the manager withdraws them, then the organisation goes
    ok(vix("professional", "toevoegen", "beheer@jgz.nl", "Joke Beheer", "--rol",
           "instantiebeheerder", "--organisatie", "JGZ", als=ADMIN))  # fmt: skip
    [one, two] = as_json(vix("signalen", "--organisatie", "--json", als="beheer@jgz.nl"))
    ok(vix("intrekken", str(one["id"]), "--reden", "weggenomen", als="beheer@jgz.nl"))
    refused = vix("organisatie", "deactiveer", "JGZ", als=ADMIN)
    assert "Organisatie JGZ heeft nog 1 actief signaal; er is niets gewijzigd." in flat(
        refused.stderr
    )
    assert "De instantiebeheerder (Joke Beheer, beheer@jgz.nl) ziet het met" in flat(refused.stderr)
    ok(vix("intrekken", str(two["id"]), "--reden", "weggenomen", als="beheer@jgz.nl"))
    ok(vix("organisatie", "deactiveer", "JGZ", als=ADMIN))
    ended = db_rows(vix_env, "SELECT ended_at FROM matches WHERE id = ?", (match_id,))
    assert ended[0][0] is not None


def test_a_signal_in_two_open_matches_counts_once(vix: Runner, region: Region) -> None:
    """JGZ's one signal on Anna is in her youth match (with the school) and in the family
    match with Bram (youth care, same address): the refusal counts one signal, not two."""
    home = {"postcode": "2011AB", "number": "12"}
    place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna", **home))
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna", **home))
    found = place(vix, region.care, *new_youth(BSN_BRAM, "Bram", born="01-01-2012", **home))
    assert [m["kind"] for m in found["matches"]] == ["family"]
    refused = vix("organisatie", "deactiveer", "JGZ", als=ADMIN)
    assert refused.exit_code == 1
    text = flat(refused.stderr)
    assert text.startswith(
        "Fout: Organisatie JGZ heeft nog 1 actief signaal, in een lopende match; er is niets "
        "gewijzigd. Is de organisatie niet actief, dan kan niemand van JGZ het nog overdragen"
    ), text


def test_youth_protection_of_an_organisation_an_older_vix_switched_off_blocks_no_lead(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """An older vix switched organisations off with their signals: youth protection
    that can no longer act does not keep the others from leading (rule 12)."""
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T08:00:00")
    found = place(vix, region.gi, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:00:00")
    match_id = str(found["matches"][0]["id"])
    assert vix("organisatie", "deactiveer", "GI", als=ADMIN).exit_code == 1
    with sqlite3.connect(vix_env) as conn:
        conn.execute("UPDATE organisations SET active = 0 WHERE code = 'GI'")
    conn.close()
    refused = vix("regie", match_id, "--regisseur", region.gi, als=region.school)
    assert flat(refused.stderr) == (
        f"Fout: De organisatie GI van Gea Jansen ({region.gi}) is niet meer actief: hij of "
        f"zij zit nog in match {match_id}, maar krijgt geen berichten en kan niets doen. Een "
        f"andere betrokkene neemt de regie met 'vix regie {match_id} --regisseur E-MAIL'; de "
        "signalen van GI kunnen pas worden overgedragen of ingetrokken als de functioneel "
        "beheerder de organisatie terugzet met 'vix organisatie activeer GI'."
    )
    ok(vix("regie", match_id, "--regisseur", region.school, als=region.school))
    ok(vix("afstemming", match_id, als=region.school))


# -- the organisation manager withdraws for an absent signaller ----------------------------


def test_the_organisation_manager_withdraws_a_signal_and_is_named_for_it(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Rule 14: the manager substitutes for absent signallers, with either reason; the
    help says so, the audit record names the manager, and so does the inzage."""
    help_text = flat(ok(vix("intrekken", "--help")).stdout)
    assert "Trek een eigen signaal in, of als instantiebeheerder een van uw organisatie." in (
        help_text
    )
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    place(vix, region.school, *new_youth(BSN_BRAM, "Bram", born="01-01-2012"))
    place(vix, region.school_colleague, *new_youth(BSN_ANNA, "Anna"))
    anna, bram = (s["id"] for s in as_json(vix("signalen", "--json", als=region.school)))
    [mark] = as_json(vix("signalen", "--json", als=region.school_colleague))
    ok(vix("intrekken", str(anna), "--reden", "weggenomen", als=region.manager))
    ok(vix("intrekken", str(bram), "--reden", "onterecht", als=region.manager))
    ok(vix("intrekken", str(mark["id"]), "--reden", "weggenomen", als=region.school_colleague))
    manager_id = db_rows(vix_env, "SELECT id FROM professionals WHERE email = ?",
                         (region.manager,))[0][0]  # fmt: skip
    ended = {
        (r["action"], r["entity_id"]): r["actor_id"]
        for r in db_rows(
            vix_env,
            "SELECT action, entity_id, actor_id FROM audit_log WHERE entity = 'signal'"
            " AND action IN ('end', 'delete')",
        )
    }
    assert ended[("end", anna)] == manager_id and ended[("delete", bram)] == manager_id
    # the inzage: at the archived signal, and in the log for the erased one
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    by = {s["signaller"]: s["withdrawn_by"] for s in z["signals"]}
    assert by == {"Ineke Bos": "Dirk Directeur, instantiebeheerder", "Mark Mentor": None}
    text = ok(vix("inzage", "--bsn", BSN_ANNA, als=region.coordinator)).stdout
    assert "(zorg weggenomen; ingetrokken door Dirk Directeur, instantiebeheerder)" in text
    assert text.count("ingetrokken door") == 1  # Mark withdrew his own
    html = ok(vix("inzage", "--bsn", BSN_ANNA, "--formaat", "html", als=region.coordinator))
    assert "ingetrokken door Dirk Directeur, instantiebeheerder" in html.stdout
    # the role he had then, not the one he has now: the inzage must not say that a
    # signaller withdrew a colleague's signal
    ok(vix("professional", "wijzig", region.manager, "--rol", "meldingsbevoegde", als=ADMIN))
    z = as_json(vix("inzage", "--bsn", BSN_ANNA, "--json", als=region.coordinator))
    assert {s["signaller"]: s["withdrawn_by"] for s in z["signals"]} == by
    z = as_json(vix("inzage", "--bsn", BSN_BRAM, "--json", als=region.coordinator))
    assert z["signals"] == []
    assert ("Dirk Directeur", "gewist: signaal") in [(e["who"], e["action"]) for e in z["log"]]


def test_the_escalation_asks_the_leavers_manager_for_the_hand_over(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """Talking to a professional who left moves nothing: his or her manager is asked to
    hand the signals over (which passes the director's role on); the other manager, whose
    own professional still works, is asked to talk to him or her as before."""
    karin_leads_anna(vix, region)
    boss = ["jgz.baas@jgz.nl", "Joost Baas", "--rol", "instantiebeheerder", "--organisatie", "JGZ"]
    ok(vix("professional", "toevoegen", *boss, als=ADMIN))
    ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-12-07T09:00:00"))
    bodies = {
        r["recipient_email"]: flat(r["body"])
        for r in db_rows(
            vix_env, "SELECT recipient_email, body FROM outbox WHERE kind = 'escalatie_1'"
        )
    }
    assert set(bodies) == {"jgz.baas@jgz.nl", region.manager}
    jgz = bodies["jgz.baas@jgz.nl"]
    assert f"Wat nu: {KARIN} ({region.jgz}) is niet meer actief en kan dus niets meer" in jgz
    assert "'vix professional overdragen VAN NAAR'" in jgz
    assert "spreek de professional van uw organisatie" not in jgz
    school = bodies[region.manager]
    assert "Wat nu: spreek de professional van uw organisatie in deze match aan" in school
    assert "overdragen" not in school


def test_the_escalation_names_two_leavers_in_the_plural(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    karin_leads_anna(vix, region)
    piet = ["piet@jgz.nl", "Piet Pols", "--rol", "meldingsbevoegde", "--organisatie", "JGZ"]
    ok(vix("professional", "toevoegen", *piet, als=ADMIN))
    place(vix, "piet@jgz.nl", *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T10:00:00")
    boss = ["jgz.baas@jgz.nl", "Joost Baas", "--rol", "instantiebeheerder", "--organisatie", "JGZ"]
    ok(vix("professional", "toevoegen", *boss, als=ADMIN))
    ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    ok(vix("professional", "deactiveer", "piet@jgz.nl", als=ADMIN))
    ok(vix("stagnatie", "--escaleer", als=region.coordinator, now="2026-12-07T09:00:00"))
    (body,) = [
        flat(r["body"])
        for r in db_rows(
            vix_env,
            "SELECT body FROM outbox WHERE kind = 'escalatie_1' AND recipient_email = ?",
            ("jgz.baas@jgz.nl",),
        )
    ]
    assert (
        f"Wat nu: {KARIN} ({region.jgz}) en Piet Pols (piet@jgz.nl) zijn niet meer actief en "
        "kunnen dus niets meer vastleggen. Draag de signalen over"
    ) in body
