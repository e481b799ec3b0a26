"""A professional or organisation deactivated by mistake is put back (rules 1, 12, 16).

`vix professional activeer` and `vix organisatie activeer` undo `deactiveer`: the
professional can act again and is reachable by notice. A regievoerder who is back
and still the municipality's regievoerder holds the requests for regie that waited
for one (as when the administrator records a regievoerder, test_move_regie.py).
Signals and matches stayed while he or she was away; nothing is sent again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN, BSN_ANNA, Region, Runner, as_json, db_rows, flat, new_youth, ok
from smtp_server import Server
from test_move_regie import REGIE_H2, held_by_haarlem, pid, place, second_haarlem_regievoerder
from test_notice_withdrawal import mail_to, send
from test_regie_notices import lead_of


def audit_count(db: Path) -> int:
    return int(db_rows(db, "SELECT COUNT(*) FROM audit_log")[0][0])


def is_active(vix: Runner, email: str) -> bool:
    pros = {p["email"]: p for p in as_json(vix("professional", "lijst", "--json", als=ADMIN))}
    return bool(pros[email]["active"])


def org_is_active(vix: Runner, code: str) -> bool:
    orgs = {o["code"]: o for o in as_json(vix("organisatie", "lijst", "--json", als=ADMIN))}
    return bool(orgs[code]["active"])


def status_records(db: Path, entity: str) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in db_rows(
            db,
            "SELECT actor_id, action, entity_id FROM audit_log WHERE entity = ?"
            " AND action IN ('activate', 'deactivate') ORDER BY id",
            (entity,),
        )
    ]


# -- round trip --------------------------------------------------------------------------


def test_a_professional_deactivated_by_mistake_can_act_again(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    mine = place(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    found = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    match_id = int(found["matches"][0]["id"])
    ok(vix("professional", "deactiveer", region.school, als=ADMIN))
    assert vix("signalen", als=region.school).exit_code == 1

    back = ok(vix("professional", "activeer", region.school, als=ADMIN))
    assert back.stderr.strip() == f"Professional {region.school} is weer actief."
    assert back.stdout == ""
    assert is_active(vix, region.school)
    # the signal and the match stayed while she was away: she sees both again
    [own] = as_json(vix("signalen", "--json", als=region.school))
    assert (own["id"], own["status"]) == (mine["signal_id"], "actief")
    assert [m["id"] for m in as_json(vix("matches", "--json", als=region.school))] == [match_id]
    ok(vix("contact", str(match_id), als=region.school))

    # the audit log holds both steps, by the administrator, on her record
    me, admin = pid(vix_env, region.school), pid(vix_env, ADMIN)
    assert status_records(vix_env, "professional") == [
        (admin, "deactivate", me),
        (admin, "activate", me),
    ]


def test_an_organisation_deactivated_by_mistake_can_act_again(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ok(vix("organisatie", "deactiveer", "JGZ", als=ADMIN))
    assert vix("signalen", als=region.jgz).exit_code == 1

    back = ok(vix("organisatie", "activeer", "JGZ", als=ADMIN))
    assert back.stderr.strip() == "Organisatie JGZ is weer actief."
    assert org_is_active(vix, "JGZ")
    ok(vix("signalen", als=region.jgz))
    place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))

    jgz = int(db_rows(vix_env, "SELECT id FROM organisations WHERE code = 'JGZ'")[0][0])
    admin = pid(vix_env, ADMIN)
    assert status_records(vix_env, "organisation") == [
        (admin, "deactivate", jgz),
        (admin, "activate", jgz),
    ]


def test_a_professional_back_in_an_organisation_that_is_not_says_so(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ok(vix("professional", "deactiveer", region.school, als=ADMIN))
    ok(vix("professional", "deactiveer", region.school_colleague, als=ADMIN))
    ok(vix("organisatie", "deactiveer", "ZON", als=ADMIN))

    back = ok(vix("professional", "activeer", region.school, als=ADMIN))
    assert flat(back.stderr) == (
        f"Professional {region.school} is weer actief. Let op: de organisatie ZON is niet "
        f"actief; zolang kan {region.school} niets doen en krijgt geen berichten. Zet de "
        "organisatie terug met 'vix organisatie activeer ZON'."
    )
    assert vix("signalen", als=region.school).exit_code == 1

    # the organisation back: she can act; her colleague, who left on his own, stays out
    org = ok(vix("organisatie", "activeer", "ZON", als=ADMIN))
    assert flat(org.stderr) == (
        "Organisatie ZON is weer actief. Let op: 1 professional van ZON blijft niet actief "
        "(apart gedeactiveerd); zie 'vix professional lijst --organisatie ZON'."
    )
    ok(vix("signalen", als=region.school))
    assert vix("signalen", als=region.school_colleague).exit_code == 1
    ok(vix("signalen", als=region.manager))


# -- refused: nothing written ------------------------------------------------------------


@pytest.mark.parametrize("who", ["school", "coordinator", "manager", "regie"])
@pytest.mark.parametrize(
    "command", [("professional", "activeer", "arts@jgz.nl"), ("organisatie", "activeer", "JH")]
)
def test_only_administrators_put_back(
    vix: Runner, region: Region, vix_env: Path, who: str, command: tuple[str, ...]
) -> None:
    ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    ok(vix("organisatie", "deactiveer", "JH", als=ADMIN))
    before = audit_count(vix_env)
    refused = vix(*command, als=getattr(region, who))
    assert refused.exit_code == 1
    assert "mag alleen met de rol functioneel beheerder" in refused.stderr
    assert "Traceback" not in refused.output
    assert audit_count(vix_env) == before
    assert not is_active(vix, region.jgz) and not org_is_active(vix, "JH")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["professional", "activeer", "niemand@nergens.nl"],
            "Fout: Er is geen professional met e-mailadres niemand@nergens.nl. Controleer het "
            "adres; bekijk de professionals met 'vix professional lijst'.",
        ),
        (
            ["organisatie", "activeer", "NERGENS"],
            "Fout: Organisatie 'NERGENS' bestaat niet. Bekijk de codes met "
            "'vix organisatie lijst'.",
        ),
        # switching to the state it is in said it did, and logged a change that was none
        (
            ["professional", "activeer", "ib@zonnebloem.nl"],
            "Fout: Professional ib@zonnebloem.nl is al actief.",
        ),
        (["organisatie", "activeer", "ZON"], "Fout: Organisatie ZON is al actief."),
        (
            ["professional", "deactiveer", "hulp@jeugdhulp.nl"],
            "Fout: Professional hulp@jeugdhulp.nl is al niet meer actief.",
        ),
        (["organisatie", "deactiveer", "GI"], "Fout: Organisatie GI is al niet meer actief."),
    ],
)
def test_unknown_or_unchanged_is_refused_in_dutch(
    vix: Runner, region: Region, vix_env: Path, args: list[str], message: str
) -> None:
    ok(vix("professional", "deactiveer", region.care, als=ADMIN))
    ok(vix("organisatie", "deactiveer", "GI", als=ADMIN))
    before = audit_count(vix_env)
    result = vix(*args, als=ADMIN)
    assert result.exit_code == 1
    assert flat(result.stderr) == message
    assert audit_count(vix_env) == before


def test_messages_name_the_code_and_address_as_stored_not_as_typed(
    vix: Runner, region: Region
) -> None:
    """Spaces and case around a code or address found it, and were echoed back as typed."""
    done = ok(vix("professional", "deactiveer", "  HULP@jeugdhulp.nl ", als=ADMIN))
    assert flat(done.stderr) == f"Professional {region.care} is niet meer actief."
    done = ok(vix("organisatie", "deactiveer", " jh ", als=ADMIN))
    assert flat(done.stderr) == "Organisatie JH is niet meer actief."
    again = vix("organisatie", "deactiveer", " jh ", als=ADMIN)
    assert flat(again.stderr) == "Fout: Organisatie JH is al niet meer actief."
    done = ok(vix("organisatie", "activeer", " jh ", als=ADMIN))
    assert flat(done.stderr) == (
        "Organisatie JH is weer actief. Let op: 1 professional van JH blijft niet actief "
        "(apart gedeactiveerd); zie 'vix professional lijst --organisatie JH'."
    )
    again = vix("organisatie", "activeer", " jh ", als=ADMIN)
    assert flat(again.stderr) == "Fout: Organisatie JH is al actief."


def test_a_professional_already_active_in_an_inactive_organisation_is_pointed_there(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    ok(vix("organisatie", "deactiveer", "JGZ", als=ADMIN))
    before = audit_count(vix_env)
    result = vix("professional", "activeer", region.jgz, als=ADMIN)
    assert result.exit_code == 1
    assert flat(result.stderr) == (
        f"Fout: Professional {region.jgz} is al actief, maar de organisatie JGZ niet; zet "
        "die terug met 'vix organisatie activeer JGZ'."
    )
    assert audit_count(vix_env) == before


# -- rule 12: the regievoerder who is back holds the waiting requests ----------------------


@pytest.mark.parametrize("how", ["professional", "organisatie"])
def test_a_regievoerder_who_is_back_holds_the_requests_that_waited(
    vix: Runner, region: Region, vix_env: Path, smtp: Server, how: str
) -> None:
    match_id = held_by_haarlem(vix, region)
    send(vix, region, "2026-11-23T10:00:00")  # Rita has the request
    target = region.regie if how == "professional" else "GEM"
    left = ok(vix(how, "deactiveer", target, als=ADMIN))
    assert f"het verzoek om regie bij match {match_id} wacht" in flat(left.stderr)
    assert lead_of(vix, region.jgz, match_id) == (None, None)

    back = ok(vix(how, "activeer", target, als=ADMIN, now="2026-11-23T11:00:00"))
    assert (
        f"Het verzoek om regie bij match {match_id} ligt nu bij Rita Regie "
        "(regievoerder van Haarlem)." in flat(back.stderr)
    )
    assert lead_of(vix, region.jgz, match_id) == (None, "Rita Regie")
    assert [m["id"] for m in as_json(vix("matches", "--json", als=region.regie))] == [match_id]

    # the regievoerder is told, with the members; the coordinators' notice that the
    # request waits was not sent yet and goes: it would send them to the administrator
    send(vix, region, "2026-11-23T12:00:00")
    assert mail_to(smtp, region.coordinator) == []
    subject, body = mail_to(smtp, region.regie)[-1]
    assert subject == f"Verwijsindex: verzoek om regie bij match {match_id}"
    assert "U bent weer actief in de verwijsindex" in flat(body)
    assert "Karin Arts" in body and "Ineke Bos" in body
    assert "Anna" not in body and BSN_ANNA not in body
    [audit] = db_rows(
        vix_env,
        "SELECT actor_id, detail FROM audit_log WHERE action = 'regie_handed_over'"
        " AND entity_id = ? ORDER BY id DESC LIMIT 1",
        (match_id,),
    )
    assert audit["actor_id"] == pid(vix_env, ADMIN)
    assert json.loads(audit["detail"]) == {
        "van": None,
        "naar": pid(vix_env, region.regie),
        "gemeente": "HAARLEM",
        "reden": "weer actief",
    }
    # and she does what she was asked
    ok(vix("zorgcoordinator", str(match_id), region.jgz, als=region.regie))
    assert as_json(vix("match", str(match_id), "--json", als=region.jgz))["care_coordinator"] == (
        "Karin Arts"
    )


def test_a_regievoerder_back_in_an_inactive_organisation_holds_nothing_until_it_is_back(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    match_id = held_by_haarlem(vix, region)
    ok(vix("professional", "deactiveer", region.regie, als=ADMIN))
    ok(vix("organisatie", "deactiveer", "GEM", als=ADMIN))

    back = ok(vix("professional", "activeer", region.regie, als=ADMIN))
    assert "ligt nu bij" not in back.stderr
    assert "de organisatie GEM is niet actief" in flat(back.stderr)
    assert lead_of(vix, region.jgz, match_id) == (None, None)
    assert db_rows(vix_env, "SELECT * FROM outbox WHERE kind = 'regie_overgenomen'") == []

    org = ok(vix("organisatie", "activeer", "GEM", als=ADMIN))
    assert f"Het verzoek om regie bij match {match_id} ligt nu bij Rita Regie" in flat(org.stderr)
    assert lead_of(vix, region.jgz, match_id) == (None, "Rita Regie")
    [taken] = db_rows(
        vix_env, "SELECT recipient_email FROM outbox WHERE kind = 'regie_overgenomen'"
    )
    assert taken["recipient_email"] == region.regie


def test_a_regievoerder_who_is_back_does_not_take_requests_from_the_one_who_followed(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    """The municipality recorded another regievoerder meanwhile: it has regie, and keeps him."""
    match_id = held_by_haarlem(vix, region)
    ok(vix("professional", "deactiveer", region.regie, als=ADMIN))
    second_haarlem_regievoerder(vix)
    ok(vix("gemeente", "wijzig", "HAARLEM", "--regievoerder", REGIE_H2, als=ADMIN))
    before = db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0]

    back = ok(vix("professional", "activeer", region.regie, als=ADMIN))
    assert back.stderr.strip() == f"Professional {region.regie} is weer actief."
    assert lead_of(vix, REGIE_H2, match_id) == (None, "Roos Regie")
    assert as_json(vix("matches", "--json", als=region.regie)) == []
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == before


# -- a signaller who is back: reachable again, nothing sent again --------------------------


def test_a_signaller_who_is_back_sees_the_match_as_it_is_and_gets_no_old_news(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T08:00:00")
    found = place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:00:00")
    match_id = int(found["matches"][0]["id"])
    ok(vix("professional", "deactiveer", region.school, als=ADMIN))
    # youth care joins while she is away: she is not told (rule 16)
    place(vix, region.care, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T11:00:00")

    def to_school() -> int:
        return int(
            db_rows(
                vix_env,
                "SELECT COUNT(*) FROM outbox WHERE recipient_email = ?",
                (region.school,),
            )[0][0]
        )

    before = to_school()
    ok(vix("professional", "activeer", region.school, als=ADMIN, now="2026-11-23T12:00:00"))
    assert to_school() == before
    members = as_json(vix("match", str(match_id), "--json", als=region.school))["members"]
    assert {m["email"] for m in members} == {region.school, region.jgz, region.care}
    # and from now on she hears of changes like any member (the match as it is now: her
    # first notice, not sent yet, named Karin as director, test_director_notices.py)
    place(vix, region.gi, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T13:00:00")
    [told] = db_rows(
        vix_env,
        "SELECT created_at, body FROM outbox WHERE recipient_email = ? ORDER BY id DESC",
        (region.school,),
    )
    assert told["created_at"] == "2026-11-23T13:00:00"
    assert "Gea Jansen" in told["body"]


def test_what_a_mail_run_held_back_stays_failed_and_what_still_waited_goes(
    vix: Runner, region: Region, vix_env: Path, smtp: Server
) -> None:
    """Reachable again is not sent again: only a notice no mail run has looked at yet goes."""
    place(vix, region.school, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T08:00:00")
    place(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T09:00:00")
    ok(vix("professional", "deactiveer", region.jgz, als=ADMIN))
    # the school's notice goes, JGZ's is held back (exit 1: one failed)
    run = vix("berichten", "verstuur", als=region.coordinator, now="2026-11-23T10:00:00")
    assert run.exit_code == 1
    assert "(match 1, JGZ Kennemerland): de ontvanger is niet meer actief" in run.stderr
    [held_back] = db_rows(
        vix_env, "SELECT id, status FROM outbox WHERE recipient_email = ?", (region.jgz,)
    )
    assert held_back["status"] == "failed"
    ok(vix("professional", "activeer", region.jgz, als=ADMIN, now="2026-11-23T11:00:00"))
    # youth care joins: all three are told, JGZ too now that she is back
    place(vix, region.care, *new_youth(BSN_ANNA, "Anna"), now="2026-11-23T12:00:00")
    # the school leaves and comes back before any mail run: her notice waited, and goes
    ok(vix("professional", "deactiveer", region.school, als=ADMIN, now="2026-11-23T13:00:00"))
    ok(vix("professional", "activeer", region.school, als=ADMIN, now="2026-11-23T14:00:00"))
    send(vix, region, "2026-11-23T15:00:00")
    assert len(mail_to(smtp, region.school)) == 2
    assert len(mail_to(smtp, region.care)) == 1
    assert len(mail_to(smtp, region.jgz)) == 1  # the new one, not the one held back
    [still] = db_rows(vix_env, "SELECT status FROM outbox WHERE id = ?", (held_back["id"],))
    assert still["status"] == "failed"


# -- the last administrator --------------------------------------------------------------


def test_the_last_administrator_cannot_be_switched_off(vix: Runner, region: Region) -> None:
    """Nobody could put anyone back, nor add a new administrator: refused, and
    nothing written. With a second administrator it is allowed."""
    db = Path(os.environ["VIX_DB"])
    before = audit_count(db)
    result = vix("professional", "deactiveer", ADMIN, als=ADMIN)
    assert result.exit_code == 1
    assert "geen actieve functioneel beheerder meer" in result.stderr
    assert "--rol beheerder" in result.stderr and "Traceback" not in result.stderr
    assert is_active(vix, ADMIN) and audit_count(db) == before

    ok(
        vix(
            "organisatie",
            "toevoegen",
            "REG",
            "Regiobureau",
            "--domein",
            "gemeente",
            "--gemeente",
            "HAARLEM",
            als=ADMIN,
        )
    )
    ok(
        vix(
            "professional",
            "toevoegen",
            "tweede@regio.nl",
            "Tweede Beheerder",
            "--rol",
            "beheerder",
            "--organisatie",
            "REG",
            als=ADMIN,
        )
    )
    # the second one's organisation off, then the first: none left who can act
    ok(vix("organisatie", "deactiveer", "REG", als=ADMIN))
    assert vix("professional", "deactiveer", ADMIN, als=ADMIN).exit_code == 1
    ok(vix("organisatie", "activeer", "REG", als=ADMIN))
    ok(vix("professional", "deactiveer", ADMIN, als="tweede@regio.nl"))
    assert db_rows(db, "SELECT active FROM professionals WHERE email = ?", (ADMIN,))[0][0] == 0
    refused = vix("organisatie", "deactiveer", "REG", als="tweede@regio.nl")
    assert refused.exit_code == 1 and "geen actieve functioneel beheerder" in refused.stderr
