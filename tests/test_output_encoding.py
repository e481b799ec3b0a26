"""A real vix process on an output that is not UTF-8, or stopped while it prints its answer.

Printing comes after the command stored its work: it must never fail on a
character (a signal stored while vix said "onverwachte fout", exit 1, which
promises that nothing was stored), and what stops it must say the work is kept.
"""

from __future__ import annotations

import fcntl
import html
import json
import os
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

from conftest import ADMIN, BSN_ANNA, INFORMED, Region, Runner, db_rows, new_youth, ok


def run(args: list[str], als: str, encoding: str) -> subprocess.CompletedProcess[bytes]:
    """`vix ARGS` with its output in `encoding` (PYTHONIOENCODING), as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "vix", *args],
        env={**os.environ, "VIX_GEBRUIKER": als, "PYTHONIOENCODING": encoding},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )


def test_an_ascii_output_gets_utf8_and_a_stored_signal_is_told_as_stored(
    region: Region, vix_env: Path
) -> None:
    args = ["signaleer", *new_youth(BSN_ANNA, "Zoë", "Çelik"), "--geslacht", "V", *INFORMED]
    done = run(args, region.school, "ascii")
    assert done.returncode == 0, done.stderr
    assert "Signaal 1 afgegeven op Zoë Çelik." in done.stdout.decode("utf-8")
    assert done.stderr == b""
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 1
    # a message too: UTF-8, whole
    again = run(args, region.school, "ascii")
    assert again.returncode == 1
    assert "Zoë Çelik" in again.stderr.decode("utf-8")


def test_a_latin1_output_shows_what_it_can_and_escapes_data(
    vix: Runner, region: Region, vix_env: Path
) -> None:
    for who in (region.school, region.jgz):
        ok(vix("signaleer", *new_youth(BSN_ANNA, "Zoë", "Çelik"), *INFORMED, als=who))
    shown = run(["matches"], region.school, "latin-1")
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout.decode("latin-1")
    assert "Match 1 (cliëntmatch" in text and "Jeugdige: Zoë Çelik" in text
    assert "  ? Ineke Bos, Basisschool De Zonnebloem" in text  # no • in Latin-1
    table = run(["signalen"], region.school, "latin-1")
    assert table.returncode == 0 and "Zoë Çelik" in table.stdout.decode("latin-1")
    # data for other tools loses nothing: JSON escapes, HTML uses character references
    data = run(["matches", "--json"], region.school, "latin-1")
    assert data.returncode == 0
    assert json.loads(data.stdout.decode("ascii"))[0]["youths"][0]["name"] == "Zoë Çelik"
    page = run(["inzage", "--bsn", BSN_ANNA, "--formaat", "html"], region.coordinator, "latin-1")
    assert page.returncode == 0, page.stderr
    assert "Zo&#235; &#199;elik" in page.stdout.decode("ascii")
    assert "Zoë Çelik" in html.unescape(page.stdout.decode("ascii"))
    document = run(["inzage", "--bsn", BSN_ANNA, "--json"], region.coordinator, "latin-1")
    assert json.loads(document.stdout.decode("ascii"))["name"] == "Zoë Çelik"


def test_ctrl_c_while_the_answer_is_printed_says_the_work_is_stored(
    vix: Runner, region: Region
) -> None:
    """Typer ended such a run with 130 and no word, which the README reads as "nothing stored"."""
    for i in range(40):
        email = f"mentor{i}@zonnebloem.nl"
        args = ["professional", "toevoegen", email, f"Mentor {i}", "--rol", "meldingsbevoegde"]
        ok(vix(*args, "--organisatie", "ZON", als=ADMIN))
    reader, writer = os.pipe()
    fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, 4096)  # the table is longer: vix waits there
    proc = subprocess.Popen(
        [sys.executable, "-m", "vix", "professional", "lijst"],
        env={**os.environ, "VIX_GEBRUIKER": ADMIN},
        stdin=subprocess.DEVNULL,
        stdout=writer,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(writer)
    try:
        deadline = time.monotonic() + 30
        while _waiting(reader) < 4096 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _waiting(reader) == 4096, "vix did not fill the pipe"
        time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        with os.fdopen(reader) as shown:
            assert "mentor0@zonnebloem.nl" in shown.read()
        err = proc.communicate(timeout=30)[1]
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err.strip() == "Fout: Afgebroken; wat de opdracht vastlegde, is wel opgeslagen."


def _waiting(reader: int) -> int:
    """Bytes in the pipe that nobody has read yet."""
    found = bytearray(4)
    fcntl.ioctl(reader, termios.FIONREAD, found)
    return int.from_bytes(found, sys.byteorder)


def test_a_name_with_colons_is_printed_as_it_is_stored(vix: Runner, region: Region) -> None:
    """rich read ':smile:' in a name as an emoji code: 'Jan 😄 Bos' on the other
    member's screen and in the answer to the signal, not the name stored."""
    name = "Jan :smile: Bos"
    args = ["professional", "toevoegen", "jan@jgz.nl", name, "--rol", "meldingsbevoegde"]
    ok(vix(*args, "--organisatie", "JGZ", als=ADMIN))
    ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als=region.school))
    placed = ok(vix("signaleer", *new_youth(BSN_ANNA, "Anna"), *INFORMED, als="jan@jgz.nl"))
    assert f"{name}, JGZ Kennemerland" in placed.stdout
    shown = ok(vix("match", "1", als=region.school))
    assert f"{name}, JGZ Kennemerland" in shown.stdout
    assert "\N{SMILING FACE WITH OPEN MOUTH AND SMILING EYES}" not in shown.stdout + placed.stdout
