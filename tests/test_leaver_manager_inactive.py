"""When a signaller with active signals is deactivated, vix names the organisation's
active instantiebeheerder as the one who hands them on (`people.signal_keeper`): a
manager who was deactivated too can no longer act, so vix says to appoint one instead
of sending the administrator to someone who left."""

from __future__ import annotations

from conftest import ADMIN, BSN_ANNA, Region, Runner, new_youth, ok, signal


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_deactivated_manager_is_not_named_to_hand_the_signals_on(
    vix: Runner, region: Region
) -> None:
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    ok(vix("professional", "deactiveer", region.manager, als=ADMIN))
    done = flat(ok(vix("professional", "deactiveer", region.school, als=ADMIN)).stderr)
    assert "Dirk Directeur" not in done and region.manager not in done
    assert (
        "ZON heeft geen actieve instantiebeheerder; wijs er een aan met 'vix professional "
        "toevoegen E-MAIL NAAM --rol instantiebeheerder --organisatie ZON'. Die draagt het "
        f"over aan een collega met 'vix professional overdragen {region.school} COLLEGA'."
    ) in done
