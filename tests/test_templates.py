"""A region's own templates (`sjablonen_map`): a broken file is named, never 'Onverwachte fout',
and a value that is absent is printed as nothing, never as "None"."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BSN_ANNA, INFORMED, Region, Runner, db_rows, new_youth, ok
from test_notice_withdrawal import T3, lead, three_on_anna, withdraw
from typer.testing import Result

from vix.errors import InvalidInput
from vix.render import render


def own_templates(vix: Runner, region: Region, tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "sjablonen"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    ok(vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin))
    return folder


def match_on_anna(vix: Runner, region: Region) -> Result:
    """The school signals Anna, then JGZ: the second signal makes the match whose notices
    render berichten/match.txt. Its result."""
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.school))
    return vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz)


def test_a_syntax_error_in_an_own_notice_names_file_and_line(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path
) -> None:
    folder = own_templates(
        vix, region, tmp_path, {"berichten/match.txt": "Beste {{ ontvanger }},\n{% if %}\n"}
    )
    matched = match_on_anna(vix, region)
    assert matched.exit_code == 1
    assert f"Het sjabloon {folder}/berichten/match.txt, regel 2 bevat een fout" in matched.stderr
    assert "er is niets opgeslagen" in matched.stderr and "Onverwachte" not in matched.stderr
    # one transaction: the second signal, its match and its notices are not stored
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 1
    assert db_rows(vix_env, "SELECT COUNT(*) FROM matches")[0][0] == 0
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 0
    # removing the own file: vix's own template applies again
    (folder / "berichten" / "match.txt").unlink()
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz))
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 2


def test_an_unknown_value_in_an_own_report_is_named(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    own_templates(vix, region, tmp_path, {"rapport/jaarverslag.txt": "{{ bestaat_niet }}\n"})
    result = vix("rapport", "jaarverslag", "--regio", als=region.coordinator)
    assert result.exit_code == 1 and result.stdout == ""
    told = (
        "Het sjabloon rapport/jaarverslag.txt, regel 1 bevat een fout (onbekende naam "
        "'bestaat_niet')"
    )
    assert told in result.stderr


def test_the_folder_must_exist_and_be_absolute(vix: Runner, region: Region, tmp_path: Path) -> None:
    missing = vix("instelling", "zet", "sjablonen_map", str(tmp_path / "nee"), als=region.admin)
    assert missing.exit_code == 1 and "bestaat niet of is geen map" in missing.stderr
    relative = vix("instelling", "zet", "sjablonen_map", "sjablonen", als=region.admin)
    assert relative.exit_code == 1 and "volledig pad" in relative.stderr
    file = tmp_path / "bestand"
    file.write_text("")
    not_a_folder = vix("instelling", "zet", "sjablonen_map", str(file), als=region.admin)
    assert not_a_folder.exit_code == 1 and "geen map" in not_a_folder.stderr
    assert ok(vix("instelling", "zet", "sjablonen_map", "geen", als=region.admin))


def test_an_own_notice_that_prints_a_missing_value_prints_nothing(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path
) -> None:
    """A region's older regie.txt prints who asked straight, without the `{% if %}` of
    vix's own. The school asks the regievoerder and its signal then goes as unjustified:
    the renewed request may not name the school, so who asked is None, and a mail to a
    professional must not say "None vraagt u"."""
    own_templates(
        vix,
        region,
        tmp_path,
        {"berichten/regie.txt": "Beste {{ ontvanger }},\n{{ door }} vraagt u om regie.\n"},
    )
    signal_id, match_id = three_on_anna(vix, region)
    lead(vix, match_id, region.school, "--regievoerder")
    withdraw(vix, signal_id, region.school, T3)
    [renewed] = db_rows(
        vix_env,
        "SELECT body FROM outbox WHERE kind = 'regie_regievoerder' AND recipient_email = ?",
        (region.regie,),
    )
    assert renewed["body"] == "Beste Rita Regie,\n vraagt u om regie.\n"
    assert "None" not in renewed["body"]


@pytest.mark.parametrize(
    ("name", "source", "context", "printed"),
    [
        ("x.txt", "[{{ door }}]", {"door": None}, "[]"),
        ("x.txt", "[{{ door | datum }}]", {"door": None}, "[]"),
        ("x.txt", "[{{ door | datum }}]", {"door": "2026-11-23T10:00:00"}, "[23-11-2026]"),
        # the fallbacks of vix's own templates still see None
        ("x.txt", '{{ door or "Een betrokkene" }}', {"door": None}, "Een betrokkene"),
        ("x.txt", "{{ 'geen' if door is none else door }}", {"door": None}, "geen"),
        ("x.txt", "{{ n }}", {"n": 0}, "0"),
        ("x.html", "<p>{{ door }}</p>", {"door": None}, "<p></p>"),
        ("x.html", "<p>{{ door }}</p>", {"door": "<b>"}, "<p>&lt;b&gt;</p>"),
    ],
)
def test_none_is_printed_as_nothing_and_html_is_still_escaped(
    tmp_path: Path, name: str, source: str, context: dict[str, object], printed: str
) -> None:
    """Through the one environment of notices, reports and letters (`render`)."""
    (tmp_path / name).write_text(source)
    assert render(name, str(tmp_path), **context) == printed


def test_an_own_template_cannot_reach_beyond_its_values(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path
) -> None:
    """A template sees the values it is given, not Python: through a function's globals an
    own file could print the key and every youth in the index (rule 16)."""
    probe = "{{ ontvanger.__class__.__mro__[1].__subclasses__() }}\n"
    folder = own_templates(vix, region, tmp_path, {"berichten/match.txt": probe})
    matched = match_on_anna(vix, region)
    assert matched.exit_code == 1
    assert "<class" not in matched.stdout + matched.stderr
    told = "Het sjabloon berichten/match.txt, regel 1 bevat een fout ('__class__' is in een"
    assert told in matched.stderr, matched.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 0
    assert folder.is_dir()


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("{{ 1 / 0 }}", "deling door nul"),
        # a filter given text where it wants a mapping: 'Onverwachte fout (AttributeError)'
        ("{{ ontvanger|xmlattr }}", "een waarde van de verkeerde soort"),
        ("{{ ontvanger|dictsort }}", "een waarde van de verkeerde soort"),
    ],
)
def test_a_python_error_in_an_own_notice_names_file_and_line(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path, line: str, kind: str
) -> None:
    folder = own_templates(
        vix, region, tmp_path, {"berichten/match.txt": f"Beste {{{{ ontvanger }}}},\n{line}\n"}
    )
    matched = match_on_anna(vix, region)
    assert matched.exit_code == 1
    told = f"Het sjabloon berichten/match.txt, regel 2 bevat een fout ({kind})"
    assert told in matched.stderr, matched.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 0
    assert folder.is_dir()


def test_an_own_notice_saved_as_windows_1252_is_named(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path
) -> None:
    """Saved by Kladblok in Windows-1252, the region's match notice stopped every signal
    that made a match with 'Onverwachte fout (UnicodeDecodeError)', naming no file."""
    folder = own_templates(vix, region, tmp_path, {"berichten/match.txt": ""})
    (folder / "berichten" / "match.txt").write_bytes(
        "Beste {{ ontvanger }}, één match\n".encode("cp1252")
    )
    matched = match_on_anna(vix, region)
    assert matched.exit_code == 1
    assert "Het sjabloon berichten/match.txt is geen UTF-8-tekst; er is niets opgeslagen." in (
        matched.stderr
    )
    assert "Onverwachte" not in matched.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM matches")[0][0] == 0


def test_an_own_letter_that_extends_itself_is_named(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    own_templates(
        vix,
        region,
        tmp_path,
        {"rapport/jaarverslag.txt": "{% extends 'rapport/jaarverslag.txt' %}\n"},
    )
    result = vix("rapport", "jaarverslag", "--regio", als=region.coordinator)
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        "Het sjabloon rapport/jaarverslag.txt bevat een fout (het verwijst, via extends of "
        "include, naar zichzelf)" in " ".join(result.stderr.split())
    )


def test_a_templates_folder_in_the_environment_that_does_not_exist_is_refused(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VIX_SJABLONEN with a typo was passed over: every notice and letter went out with
    the default text, unnoticed (the setting sjablonen_map is checked when set). Now
    the command says so, and writes nothing (review)."""
    monkeypatch.setenv("VIX_SJABLONEN", str(tmp_path / "typfout"))
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.school))
    # the second signal makes a match, whose notices are written from the templates
    refused = vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz)
    assert refused.exit_code == 1
    assert "VIX_SJABLONEN=" in refused.stderr and "bestaat niet of is geen map" in refused.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 1
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 0
    letter = vix("brief", "1", als=region.school)
    assert letter.exit_code == 1 and "VIX_SJABLONEN=" in letter.stderr
    (tmp_path / "typfout").mkdir()
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz))


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        # Jinja's message named the key: "'dict object' has no attribute 'Anna de Vries'"
        (
            '{% for j in jeugdigen %}{{ {"Tim van Dijk": 1}[j.naam] }}{% endfor %}\n',
            "een naam of onderdeel dat er niet is",
        ),
        # and the template to include: "Het sjabloon Anna de Vries ontbreekt"
        (
            "Beste {{ ontvanger }},\n{% for j in jeugdigen %}{% include j.naam %}{% endfor %}\n",
            "het voegt een sjabloon in dat er niet is",
        ),
    ],
)
def test_an_error_while_an_own_notice_is_filled_in_names_no_value(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path, source: str, kind: str
) -> None:
    """An error raised while a template is filled in carried the values in Jinja's message,
    and vix printed it: the name of the youth (of a sibling, in a family match) to the
    signaller whose signal made the match (rule 7). Now only file, line and kind (review)."""
    own_templates(vix, region, tmp_path, {"berichten/match.txt": source})
    matched = match_on_anna(vix, region)
    assert matched.exit_code == 1
    assert "Anna" not in matched.stderr + matched.stdout, matched.stderr
    line = source.count("\n", 0, source.index("{% for")) + 1
    told = f"Het sjabloon berichten/match.txt, regel {line} bevat een fout ({kind}"
    assert told in matched.stderr, matched.stderr
    assert "Error" not in matched.stderr and "Onverwachte" not in matched.stderr
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 0


def test_a_syntax_error_in_an_included_own_file_keeps_its_detail(
    vix: Runner, region: Region, tmp_path: Path
) -> None:
    """What the compiler finds is the template's own text, also in a file that a template
    includes while it is filled in: named with its line and what is wrong."""
    folder = own_templates(
        vix,
        region,
        tmp_path,
        {
            "berichten/match.txt": "Beste {{ ontvanger }},\n{% include 'berichten/voet.txt' %}\n",
            "berichten/voet.txt": "Groet,\n{{ regio }\n",
        },
    )
    matched = match_on_anna(vix, region)
    assert matched.exit_code == 1
    told = f"Het sjabloon {folder}/berichten/voet.txt, regel 2 bevat een fout (unexpected '}}'"
    assert told in matched.stderr, matched.stderr


OTHER_UID = 2002  # an account that is not the one running vix (the tests run as root or not)


def setting_stored(vix_env: Path) -> bool:
    return bool(db_rows(vix_env, "SELECT 1 FROM settings WHERE key = 'sjablonen_map'"))


def hand_to_another(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another account")
    os.chown(path, OTHER_UID, OTHER_UID)


@pytest.mark.parametrize(
    ("change", "told"),
    [
        (lambda f: f.chmod(0o777), "iedereen kan {f} wijzigen. "),
        (lambda f: f.chmod(0o1777), "iedereen kan {f} wijzigen. "),  # /tmp: the sticky bit
        (lambda f: (f / "berichten").chmod(0o777), "iedereen kan {f}/berichten wijzigen"),
        (lambda f: (f / "berichten" / "match.txt").chmod(0o666), "iedereen kan {f}/berichten/"),
        (lambda f: hand_to_another(f), f"{{f}} is van gebruiker {OTHER_UID}, niet van"),
        (lambda f: hand_to_another(f / "berichten" / "match.txt"), "match.txt is van gebruiker"),
    ],
)
def test_a_templates_folder_others_can_change_is_refused(
    vix: Runner,
    region: Region,
    tmp_path: Path,
    vix_env: Path,
    change: Callable[[Path], object],
    told: str,
) -> None:
    """`vix instelling zet sjablonen_map /tmp` was taken: another account put
    berichten/match.txt there and wrote the text of every match notice, or included a link
    to the key file in it (review). A folder, or a file or folder under it, that others
    can write to or that belongs to another account is refused, and nothing is stored."""
    folder = tmp_path / "sjablonen"
    (folder / "berichten").mkdir(parents=True)
    (folder / "berichten" / "match.txt").write_text("Beste {{ ontvanger }},\n")
    change(folder)
    refused = vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin)
    assert refused.exit_code == 1, refused.stderr
    said = " ".join(refused.stderr.split())
    assert f"De sjablonenmap {folder} is niet veilig: " in said
    assert told.format(f=folder) in said, said
    assert "er is niets opgeslagen" in said and "in een eigen map" in said
    # the command that mends it, but not for a folder everyone shares (chmod o-w /tmp)
    sticky = folder.stat().st_mode & 0o1000
    assert sticky or "Herstel dat (chmod o-w" in said or "Herstel dat (chown" in said
    assert not setting_stored(vix_env)


def test_tmp_is_no_templates_folder(vix: Runner, region: Region, vix_env: Path) -> None:
    refused = vix("instelling", "zet", "sjablonen_map", "/tmp", als=region.admin)
    assert refused.exit_code == 1
    assert "iedereen kan /tmp wijzigen" in " ".join(refused.stderr.split())
    assert not setting_stored(vix_env)


def test_a_folder_above_that_anyone_can_change_is_refused_unless_sticky(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path
) -> None:
    """Whoever can write to the folder above can rename the templates folder and put
    their own in its place; with the sticky bit (as /tmp) only its owner can."""
    above = tmp_path / "open"
    (above / "sjablonen").mkdir(parents=True)
    above.chmod(0o777)
    refused = vix("instelling", "zet", "sjablonen_map", str(above / "sjablonen"), als=region.admin)
    assert refused.exit_code == 1
    assert f"iedereen kan de map {above} erboven wijzigen" in " ".join(refused.stderr.split())
    assert not setting_stored(vix_env)
    above.chmod(0o1777)
    ok(vix("instelling", "zet", "sjablonen_map", str(above / "sjablonen"), als=region.admin))


def test_a_folder_the_group_can_change_is_taken(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path
) -> None:
    """A team of administrators may share the folder through a group of their own."""
    folder = own_templates(
        vix, region, tmp_path, {"berichten/match.txt": "Eigen tekst voor {{ ontvanger }}\n"}
    )
    for path in (folder, folder / "berichten"):
        path.chmod(0o2775)
    (folder / "berichten" / "match.txt").chmod(0o664)
    ok(vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin))
    ok(match_on_anna(vix, region))
    bodies = [r["body"] for r in db_rows(vix_env, "SELECT body FROM outbox")]
    assert bodies and all(b.startswith("Eigen tekst voor ") for b in bodies)


def test_a_template_that_links_out_of_the_folder_is_not_read(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path
) -> None:
    """berichten/k.txt a symbolic link to the key file or smtp.env, included by match.txt:
    the secret went out in clear in every match notice (review)."""
    secret = tmp_path / "smtp.env"
    secret.write_text("VIX_SMTP_WACHTWOORD=geheim-wachtwoord\n")
    folder = own_templates(
        vix, region, tmp_path, {"berichten/match.txt": "Beste {{ ontvanger }}\n"}
    )
    # the link made after the setting: found when a template would read it
    (folder / "berichten" / "match.txt").write_text("{% include 'berichten/k.txt' %}\n")
    (folder / "berichten" / "k.txt").symlink_to(secret)
    matched = match_on_anna(vix, region)
    assert matched.exit_code == 1
    said = " ".join(matched.stderr.split())
    assert f"berichten/k.txt in de sjablonenmap {folder} verwijst (een symbolische" in said
    assert "vix instelling wis sjablonen_map" in said
    assert "geheim" not in matched.stderr + matched.stdout
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 0
    assert db_rows(vix_env, "SELECT COUNT(*) FROM matches")[0][0] == 0
    # and when it is set: the whole folder is looked at
    ok(vix("instelling", "wis", "sjablonen_map", als=region.admin))
    refused = vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin)
    assert refused.exit_code == 1 and "berichten/k.txt in de sjablonenmap" in refused.stderr
    # the template itself a link out of the folder
    (folder / "berichten" / "k.txt").unlink()
    (folder / "berichten" / "match.txt").unlink()
    (folder / "berichten" / "match.txt").symlink_to(secret)
    refused = vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin)
    assert refused.exit_code == 1 and "berichten/match.txt in de sjablonenmap" in refused.stderr
    # a link inside the folder is a template like any other
    (folder / "berichten" / "echt.txt").write_text("Eigen tekst\n")
    (folder / "berichten" / "match.txt").unlink()
    (folder / "berichten" / "match.txt").symlink_to(folder / "berichten" / "echt.txt")
    ok(vix("instelling", "zet", "sjablonen_map", str(folder), als=region.admin))
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz))
    assert [r["body"] for r in db_rows(vix_env, "SELECT body FROM outbox")] == ["Eigen tekst\n"] * 2


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.chmod(0o777),
        lambda f: (f / "berichten").chmod(0o777),
        lambda f: (f / "berichten" / "match.txt").chmod(0o666),
        lambda f: hand_to_another(f / "berichten" / "match.txt"),
    ],
)
def test_a_folder_opened_to_others_after_it_was_set_stops_the_notices(
    vix: Runner, region: Region, tmp_path: Path, vix_env: Path, change: Callable[[Path], object]
) -> None:
    """Checked when a template is read, not only when the setting is set; `vix instelling
    wis` still switches the folder off (it renders nothing)."""
    folder = own_templates(vix, region, tmp_path, {"berichten/match.txt": "Eigen tekst\n"})
    change(folder)
    matched = match_on_anna(vix, region)
    assert matched.exit_code == 1
    said = " ".join(matched.stderr.split())
    assert f"De sjablonenmap {folder} is niet veilig" in said and "Onverwachte" not in said
    assert "Of zet de eigen sjablonen uit met 'vix instelling wis sjablonen_map'." in said
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 0
    ok(vix("instelling", "wis", "sjablonen_map", als=region.admin))
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz))
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 2


def test_a_templates_folder_in_the_environment_that_others_can_change_is_refused(
    vix: Runner, region: Region, vix_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "sjablonen"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv("VIX_SJABLONEN", str(folder))
    matched = match_on_anna(vix, region)
    assert matched.exit_code == 1
    said = " ".join(matched.stderr.split())
    assert f"De sjablonenmap {folder} is niet veilig: iedereen kan {folder} wijzigen" in said
    assert "Of laat VIX_SJABLONEN leeg voor de standaardteksten." in said
    assert db_rows(vix_env, "SELECT COUNT(*) FROM outbox")[0][0] == 0
    letter = vix("brief", "1", als=region.school)
    assert letter.exit_code == 1 and "is niet veilig" in letter.stderr
    folder.chmod(0o755)
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.jgz))


def test_a_template_opened_to_others_after_it_was_read_is_read_again_and_refused(
    tmp_path: Path,
) -> None:
    """Jinja keeps a loaded template while its file is unchanged; a chmod does not change
    it. One process that renders twice (a long run, the tests) checks again."""
    (tmp_path / "x.txt").write_text("Eigen tekst\n")
    assert render("x.txt", str(tmp_path)) == "Eigen tekst\n"
    (tmp_path / "x.txt").chmod(0o666)
    with pytest.raises(InvalidInput, match=r"iedereen kan .*x\.txt wijzigen"):
        render("x.txt", str(tmp_path))
