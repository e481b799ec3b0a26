from conftest import BSN_ANNA, INFORMED, Region, new_youth, ok, signal


def test_two_organisations_make_a_match(vix, region: Region) -> None:
    first = signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    assert first["matches"] == []
    second = signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))
    assert [m["kind"] for m in second["matches"]] == ["youth"]
    assert ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.care)).stdout
