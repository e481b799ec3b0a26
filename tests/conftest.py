"""Shared fixtures: every test gets its own real database file under tmp_path.

`VIX_DB` and `VIX_SLEUTEL` point into tmp_path (autouse), `VIX_NU` fixes the
clock, and `vix()` drives the real CLI through Typer's CliRunner. `region`
builds a small region through the CLI itself, the way an administrator would.
`smtp` runs a real SMTP server on loopback (tests/smtp_server.py) and points
the region's mail settings at it.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import typer.main
import typer.testing
from smtp_server import HangingMailbox, Server, free_port
from typer.testing import CliRunner, Result

from vix.cli import app
from vix.db import Store, open_store

# Typer rebuilds the Click command on every invoke (~60 ms of signature
# inspection); the tests reuse one build of the same app.
_COMMAND = typer.main.get_command(app)
_build = typer.testing._get_command
typer.testing._get_command = lambda a: _COMMAND if a is app else _build(a)

# The suite sends Ctrl-C and SIGHUP to vix, in its own process and in the ones it starts,
# which inherit what this one ignores: started in the background by a shell without job
# control (`make test &` in a script) it ignores SIGINT, under nohup SIGHUP, and those
# tests failed. What a user's terminal gives vix is what the tests need.
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGHUP, signal.SIG_DFL)

NOW = "2026-11-23T10:00:00"
ADMIN = "beheer@regio.nl"


@pytest.fixture(autouse=True)
def vix_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "vix.db"
    monkeypatch.setenv("VIX_DB", str(db))
    monkeypatch.setenv("VIX_SLEUTEL", str(tmp_path / "vix.sleutel"))
    monkeypatch.setenv("VIX_NU", NOW)
    monkeypatch.delenv("VIX_GEBRUIKER", raising=False)
    monkeypatch.delenv("VIX_SJABLONEN", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return db


Runner = Callable[..., Result]


@pytest.fixture
def vix() -> Runner:
    """vix(*args, als=EMAIL, input=TEXT, now=ISO) -> Result (stdout and stderr apart)."""
    runner = CliRunner()

    def run(
        *args: str, als: str | None = None, input: str | None = None, now: str | None = None
    ) -> Result:
        env = {"VIX_GEBRUIKER": als} if als else {}
        if now:
            env["VIX_NU"] = now
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return run


def start_vix(*args: str, als: str) -> subprocess.Popen[str]:
    """A real `python -m vix` process (for signals and pipes), no stdin, output captured."""
    return subprocess.Popen(
        [sys.executable, "-m", "vix", *args],
        env={**os.environ, "VIX_GEBRUIKER": als},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def flat(text: object) -> str:
    """The text with its line breaks and runs of spaces as single spaces, as a reader
    takes a wrapped paragraph."""
    return " ".join(str(text).split())


@dataclass
class Region:
    """Emails of the professionals created by the `region` fixture."""

    admin: str = ADMIN
    school: str = "ib@zonnebloem.nl"  # education, HAARLEM
    school2: str = "ib@esdoorn.nl"  # education, ZANDVOORT
    jgz: str = "arts@jgz.nl"  # youth health
    care: str = "hulp@jeugdhulp.nl"  # youth care
    gi: str = "jb@gi.nl"  # youth protection
    manager: str = "directeur@zonnebloem.nl"  # org manager of the school
    coordinator: str = "coordinator@regio.nl"
    regie: str = "regie@haarlem.nl"  # municipal director of HAARLEM
    school_colleague: str = "mentor@zonnebloem.nl"  # second signaller, same school


@pytest.fixture
def region(vix: Runner) -> Region:
    r = Region()
    ok(vix("init", "--naam", "F. Beheer", "--email", ADMIN, "--regio", "Kennemerland"))
    a = ADMIN
    ok(vix("gemeente", "toevoegen", "HAARLEM", "Haarlem", als=a))
    ok(vix("gemeente", "toevoegen", "ZANDVOORT", "Zandvoort", als=a))
    for code, name, domain, town in [
        ("ZON", "Basisschool De Zonnebloem", "onderwijs", "HAARLEM"),
        ("ESD", "Basisschool De Esdoorn", "onderwijs", "ZANDVOORT"),
        ("JGZ", "JGZ Kennemerland", "jgz", "HAARLEM"),
        ("JH", "Jeugdhulp Kennemerland", "jeugdhulp", "HAARLEM"),
        ("GI", "Jeugdbescherming West", "jeugdbescherming", "HAARLEM"),
        ("GEM", "Gemeente Haarlem", "gemeente", "HAARLEM"),
    ]:
        ok(
            vix(
                "organisatie",
                "toevoegen",
                code,
                name,
                "--domein",
                domain,
                "--gemeente",
                town,
                als=a,
            )
        )
    for email, name, role, org in [
        (r.school, "Ineke Bos", "meldingsbevoegde", "ZON"),
        (r.school_colleague, "Mark Mentor", "meldingsbevoegde", "ZON"),
        (r.school2, "Erik Esdoorn", "meldingsbevoegde", "ESD"),
        (r.jgz, "Karin Arts", "meldingsbevoegde", "JGZ"),
        (r.care, "Hans Hulp", "meldingsbevoegde", "JH"),
        (r.gi, "Gea Jansen", "meldingsbevoegde", "GI"),
        (r.manager, "Dirk Directeur", "instantiebeheerder", "ZON"),
        (r.coordinator, "Carla Coördinator", "coordinator", None),
        (r.regie, "Rita Regie", "regievoerder", "GEM"),
    ]:
        args = [
            "professional",
            "toevoegen",
            email,
            name,
            "--rol",
            role,
            "--telefoon",
            "023-5550000",
        ]
        if org:
            args += ["--organisatie", org]
        ok(vix(*args, als=a))
    ok(
        vix(
            "gemeente",
            "wijzig",
            "HAARLEM",
            "--regievoerder",
            r.regie,
            "--wethouder",
            "W. Wethouder",
            "--wethouder-email",
            "wethouder@haarlem.nl",
            als=a,
        )
    )
    return r


SENDER = "verwijsindex@regio.nl"


@pytest.fixture
def smtp(vix: Runner, region: Region, vix_env: Path) -> Iterator[Server]:
    """A running loopback SMTP server (tests/smtp_server.py) and a region configured to
    use it; what it accepted is in `smtp.mailbox.messages`."""
    server = Server(vix_env, free_port()).start()
    configure(vix, region, server.port)
    yield server
    server.stop()


def configure(vix: Runner, region: Region, port: int) -> None:
    """Point the region's mail settings at a server on loopback `port`, without TLS."""
    for key, value in [
        ("smtp_host", "127.0.0.1"),
        ("smtp_poort", str(port)),
        ("smtp_beveiliging", "none"),
        ("smtp_afzender", SENDER),
        ("mail_domein", "regio.nl"),
        ("smtp_time_out", "5"),
    ]:
        ok(vix("instelling", "zet", key, value, als=region.admin))


# Valid BSNs (11-test) for tests; parents use the P_ numbers.
BSN_ANNA = "111222333"
BSN_BRAM = "111222357"
BSN_CAS = "111222370"
BSN_DAAN = "111222382"
P_MOTHER = "123456782"
P_FATHER = "111111110"


def new_youth(
    bsn: str,
    given: str,
    surname: str = "Vries",
    born: str = "03-04-2014",
    town: str = "HAARLEM",
    parents: tuple[str, ...] = (),
    postcode: str | None = None,
    number: str | None = None,
) -> list[str]:
    """Arguments for `vix signaleer` of a youth not yet known."""
    args = [
        bsn,
        "--voornaam",
        given,
        "--achternaam",
        surname,
        "--geboortedatum",
        born,
        "--gemeente",
        town,
    ]
    for p in parents:
        args += ["--ouder", p]
    if postcode:
        args += ["--postcode", postcode, "--huisnummer", number or "1"]
    return args


INFORMED = ["--ouders-geinformeerd", "20-11-2026"]


def signal(vix: Runner, als: str, *args: str, now: str | None = None) -> dict[str, Any]:
    """Place a signal with flags (at `now`) and return its JSON answer."""
    found: dict[str, Any] = as_json(vix("signaleer", *args, *INFORMED, "--json", als=als, now=now))
    return found


def anna_s_match(vix: Runner, region: Region) -> int:
    """The school signals Anna, then JGZ, which makes her match (rule 6); its number."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna"))
    return int(signal(vix, region.jgz, *new_youth(BSN_ANNA, "Anna"))["matches"][0]["id"])


def waiting_for_a_regievoerder(vix: Runner, region: Region) -> int:
    """Anna's match, whose request for regie waits: JGZ asked the municipality, and its
    only regievoerder was deactivated. Its number."""
    match_id = anna_s_match(vix, region)
    ok(vix("regie", str(match_id), "--regievoerder", als=region.jgz))
    ok(vix("professional", "deactiveer", region.regie, als=region.admin))
    return match_id


def family_at_one_address(vix: Runner, region: Region) -> dict[str, Any]:
    """The school signals Anna and JGZ her brother Bram, both at 2011AB 12 and with no
    parent given: a family match by address alone (rule 7). That match."""
    signal(vix, region.school, *new_youth(BSN_ANNA, "Anna", postcode="2011AB", number="12"))
    found = signal(vix, region.jgz, *new_youth(BSN_BRAM, "Bram", postcode="2011AB", number="12"))
    [match] = found["matches"]
    return dict(match)


def stopped_while_the_server_hangs(
    vix: Runner,
    region: Region,
    db: Path,
    signum: int,
    meanwhile: Callable[[], AbstractContextManager[Any]] = nullcontext,
) -> tuple[int, str, str]:
    """A match on Anna (a notice to the school and one to JGZ) and `vix berichten verstuur`
    in a process, against a server that takes the first notice and never answers the DATA
    of the second; stopped there with `signum`, inside `meanwhile()` (another process
    holding the database, say) until the run ended. Its exit status, stdout and stderr."""
    server = Server(db, free_port())
    server.mailbox = server.controller.handler = HangingMailbox(db)
    server.start()
    try:
        configure(vix, region, server.port)
        ok(vix("instelling", "zet", "smtp_time_out", "120", als=region.admin))
        for who in (region.school, region.jgz):
            signal(vix, who, *new_youth(BSN_ANNA, "Anna"))
        proc = start_vix("berichten", "verstuur", als=region.coordinator)
        try:
            assert server.mailbox.hanging.wait(60), "the second message never reached DATA"
            with meanwhile():
                proc.send_signal(signum)
                out, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
    finally:
        server.stop()
    return proc.returncode, out, err


def db_rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    """Reopen the database file and read rows, as an auditor would."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def claimed_by_a_crashed_run(
    conn: sqlite3.Connection,
    outbox_id: int,
    at: str,
    hold: timedelta | None = timedelta(minutes=15),
) -> None:
    """Mark a notice 'sending' as a run that claimed it at `at` (Dutch local time) and
    then died would have left it: its deadline `hold` of real time later, in UTC
    (`mail.claim_hold`; 15 minutes with the default settings); None: no deadline, as
    a vix from before migration 0025 claimed."""
    claimed = datetime.fromisoformat(at).replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
    until = None if hold is None else (claimed.astimezone(UTC) + hold).isoformat("T", "seconds")
    conn.execute(
        "UPDATE outbox SET status = 'sending', attempts = 1, last_attempt_at = ?,"
        " claimed_until = ? WHERE id = ?",
        (at, until, outbox_id),
    )


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder no file can be made in: mode 0555, or for root (who ignores modes)
    the immutable attribute. Skipped where neither holds."""
    folder = tmp_path / "alleen-lezen"
    folder.mkdir()
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
    folder.chmod(0o755)


def make_read_only(folder: Path) -> None:
    """Make `read_only_folder` read-only, once the test put in it what it needs."""
    folder.chmod(0o555)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    try:
        (folder / "probe").touch()
    except OSError:
        return
    (folder / "probe").unlink()
    pytest.skip("this machine cannot make a folder read-only for this user")


@pytest.fixture
def store(region: Region, vix_env: Path) -> Store:
    """The region's database opened through the one way in, for domain tests."""
    s = open_store(vix_env, datetime.fromisoformat(NOW))
    yield s  # type: ignore[misc]
    s.close()


@pytest.fixture
def scenario(
    vix: Runner, vix_env: Path, request: pytest.FixtureRequest, tmp_path_factory: Any
) -> Region:
    """The reports' known scenario (tests/report_scenario.py), built once and copied."""
    from report_scenario import scenario_db

    cache = tmp_path_factory.getbasetemp() / "report-scenario"
    cache.mkdir(exist_ok=True)
    region, _ = scenario_db(
        vix,
        vix_env,
        Path(os.environ["VIX_SLEUTEL"]),
        lambda: request.getfixturevalue("region"),
        cache,
    )
    return region  # type: ignore[no-any-return]


@dataclass
class Terminal:
    """A vix process whose stderr is a pseudo-terminal, and what it showed there so far."""

    proc: subprocess.Popen[bytes]
    screen: bytearray

    def shown(self) -> str:
        """What the terminal showed, with line breaks and wrapping as single spaces."""
        return " ".join(bytes(self.screen).decode(errors="replace").split())


@contextmanager
def stderr_on_a_terminal(args: Sequence[str], env: Mapping[str, str]) -> Iterator[Terminal]:
    """`python -m vix ARGS` with stderr on a pseudo-terminal (stdin /dev/null, stdout a
    pipe), read all along so that vix never blocks on a full terminal. After the body
    the process is waited for (killed if the body failed) and the rest read."""
    main, terminal = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "vix", *args],
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    screen = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the last holder of the terminal ended
                return
            if not chunk:
                return
            screen.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield Terminal(proc, screen)
        proc.wait(timeout=120)
        reader.join(timeout=10)
    finally:
        proc.kill()
        if proc.stdout is not None:
            proc.stdout.close()
        os.close(main)
