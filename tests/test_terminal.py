"""`vix signaleer` in a real pseudo-terminal: what no test runner's stdin can send.

test_prompts.py makes vix believe stdin is a terminal and types text. A terminal
set to Latin-1 (PuTTY, an old ssh client) sends bytes that are no UTF-8: Python
reads them as lone surrogates, which passed every check and failed the command at
the end with "Onverwachte fout", all answers lost. Here a real `python -m vix`
runs on a pty and gets those bytes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import BSN_ANNA, Region, db_rows


class Terminal:
    """A `python -m vix` process on a pseudo-terminal; `answer` waits for a question."""

    def __init__(self, *args: str, als: str, env: dict[str, str] | None = None) -> None:
        self.main, terminal = os.openpty()
        env = {**os.environ, "VIX_GEBRUIKER": als, "LC_ALL": "C.UTF-8", "COLUMNS": "200",
               **(env or {})}  # fmt: skip
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vix", *args],
            env=env,
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            start_new_session=True,
        )
        os.close(terminal)
        self.screen = bytearray()
        self.answered: dict[bytes, int] = {}
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.main, 65536)
            except OSError:  # EIO: the process ended
                return
            if not chunk:
                return
            self.screen.extend(chunk)

    def answer(self, question: bytes, typed: bytes) -> None:
        """Wait until `question` is asked once more than it was answered, then type `typed`."""
        answered = self.answered.get(question, 0)
        deadline = time.monotonic() + 60
        while self.screen.count(question) <= answered or not self.screen.endswith(b": "):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"not asked {question!r}: {bytes(self.screen)!r}")
            time.sleep(0.01)
        self.answered[question] = answered + 1
        os.write(self.main, typed + b"\r")

    def end(self) -> tuple[int, str]:
        try:
            code = self.proc.wait(timeout=60)
            self.reader.join(timeout=10)
        finally:
            self.proc.kill()
            os.close(self.main)
        shown = bytes(self.screen).decode("utf-8", "replace")
        return code, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)  # without colours


def the_details(term: Terminal, sex: bytes | None = None) -> None:
    """The questions after the given name up to the confirmation, for a Jansen of Haarlem
    born 01-02-2015 (`sex` asked only of a youth without a BSN)."""
    term.answer(b"Tussenvoegsel", b"")
    term.answer(b"Achternaam", b"Jansen")
    term.answer(b"Geboortedatum", b"01-02-2015")
    if sex is not None:
        term.answer(b"Geslacht", sex)
    term.answer(b"Gemeente waar", b"Haarlem")
    term.answer(b"BSN's van de ouders", b"")
    term.answer(b"Postcode", b"")


def placed_and_informed(term: Terminal, shown_in: str = "utf-8") -> None:
    """Yes to the signal and to the parents informed, today, on a terminal that shows
    vix's output in `shown_in`."""
    term.answer(b"Signaal afgeven op", b"j")
    term.answer("geïnformeerd?".encode(shown_in), b"j")
    term.answer(b"Op welke datum", b"")


def test_a_latin_1_name_is_asked_again_not_fatal_at_the_end(region: Region, vix_env: Path) -> None:
    term = Terminal("signaleer", als=region.school)
    term.answer(b"leerlingnummer (leeg als er geen is)", BSN_ANNA.encode())
    term.answer(b"Voornaam (roepnaam)", b"Zo\xeb")  # 'Zoe' with diaeresis, in Latin-1
    term.answer(b"Voornaam (roepnaam)", "Zoë".encode())
    the_details(term)
    placed_and_informed(term)
    code, shown = term.end()
    assert code == 0, shown
    assert "geen geldige tekst (UTF-8) zijn: de terminal stuurt een andere tekenset" in shown
    assert "Zet de terminal op UTF-8 en typ het opnieuw" in shown
    assert "Onverwachte fout" not in shown
    assert "Signaal 1 afgegeven op Zoë Jansen" in shown
    assert db_rows(vix_env, "SELECT given_name FROM youths")[0][0] == "Zoë"


def the_rest_of_zoe(term: Terminal, shown_in: str = "utf-8") -> None:
    """The questions after the given name, for Zoë Jansen of Haarlem (no BSN known), on
    a terminal that shows vix's output in `shown_in`."""
    the_details(term, sex=b"V")
    placed_and_informed(term, shown_in)


def test_utf8_typed_under_an_ascii_stdin_is_read_as_utf8(region: Region, vix_env: Path) -> None:
    """PYTHONIOENCODING=ascii (the README names it: the output gets UTF-8) made Python
    decode 'Zoë' with the strict ASCII codec inside the prompt: "Onverwachte fout
    (UnicodeDecodeError)", every answer lost. The answer is read as UTF-8 now, as the
    output is written; a yes/no question too."""
    term = Terminal("signaleer", als=region.school, env={"PYTHONIOENCODING": "ascii"})
    term.answer(b"leerlingnummer (leeg als er geen is)", b"")
    term.answer(b"Voornaam (roepnaam)", "Zoë".encode())
    the_rest_of_zoe(term)
    code, shown = term.end()
    assert code == 0, shown
    assert "Onverwachte fout" not in shown
    assert "Signaal 1 afgegeven op Zoë Jansen" in shown
    assert [r[0] for r in db_rows(vix_env, "SELECT given_name FROM youths")] == ["Zoë"]


def test_a_yes_no_answer_in_utf8_under_an_ascii_stdin_is_asked_again(
    region: Region, vix_env: Path
) -> None:
    term = Terminal("signaleer", als=region.school, env={"PYTHONIOENCODING": "ascii"})
    term.answer(b"leerlingnummer (leeg als er geen is)", BSN_ANNA.encode())
    term.answer(b"Voornaam (roepnaam)", b"Anna")
    the_details(term)
    term.answer(b"Signaal afgeven op", "jä".encode())
    term.answer(b"Signaal afgeven op", b"n")
    code, shown = term.end()
    assert code == 1, shown
    assert "Antwoord met j (ja) of n (nee)." in shown and "Onverwachte fout" not in shown
    assert db_rows(vix_env, "SELECT COUNT(*) FROM signals")[0][0] == 0


def test_utf8_under_the_c_locale_without_utf8_mode_is_read_as_utf8(
    region: Region, vix_env: Path
) -> None:
    """LC_ALL=C with PYTHONUTF8=0: the bytes are UTF-8 and the locale says ASCII. At the
    prompt they are read as UTF-8 (said before: "geen geldige tekst (UTF-8)", "Zet de
    terminal op UTF-8", of a terminal that was right)."""
    env = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    term = Terminal("signaleer", als=region.school, env=env)
    term.answer(b"leerlingnummer (leeg als er geen is)", b"")
    term.answer(b"Voornaam (roepnaam)", "Zoë".encode())
    the_rest_of_zoe(term)
    code, shown = term.end()
    assert code == 0, shown
    assert "geen geldige tekst" not in shown
    assert [r[0] for r in db_rows(vix_env, "SELECT given_name FROM youths")] == ["Zoë"]


def test_utf8_misread_as_latin_1_is_asked_again(region: Region, vix_env: Path) -> None:
    """A terminal in UTF-8 with an input read as Latin-1 (PYTHONIOENCODING=latin-1, or a
    locale such as nl_NL.ISO-8859-1): 'Zoë' arrived as 'ZoÃ«' and was stored so, with a
    substitute number that the same child typed well never has. Asked again, with what
    to put right; the Latin-1 byte of a terminal that is in Latin-1 is read as it is."""
    env = {"PYTHONIOENCODING": "latin-1"}
    term = Terminal("signaleer", als=region.school, env=env)
    term.answer(b"leerlingnummer (leeg als er geen is)", b"")
    term.answer(b"Voornaam (roepnaam)", "Zoë".encode())  # C3 AB: 'Ã«' in Latin-1
    term.answer(b"Voornaam (roepnaam)", b"Zo\xeb")  # the same name from a Latin-1 terminal
    the_rest_of_zoe(term, "latin-1")
    code, _ = term.end()
    shown = bytes(term.screen).decode("latin-1")  # what this terminal shows
    assert code == 0, shown
    assert "De voornaam is verminkt: de terminal stuurt UTF-8, maar de taalinstelling" in shown
    assert "export LANG=nl_NL.UTF-8" in shown
    assert [r[0] for r in db_rows(vix_env, "SELECT given_name FROM youths")] == ["Zoë"]
