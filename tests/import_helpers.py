"""Pupil list files for the import tests, written as bytes in each encoding and dialect."""

from __future__ import annotations

from pathlib import Path

HEADER = [
    "BSN",
    "Roepnaam",
    "Tussenvoegsel",
    "Achternaam",
    "Geboortedatum",
    "Geslacht",
    "Postcode",
    "Huisnummer",
    "Woonplaats",
    "Groep",
    "Leerlingnummer",
    "BSN ouder 1",
    "BSN ouder 2",
]


def bsn(stem: int) -> str:
    """A valid BSN near 8-digit `stem` (the first stem at or after it with a check digit)."""
    while True:
        digits = f"{stem:08d}"
        check = sum((9 - i) * int(d) for i, d in enumerate(digits)) % 11
        if check < 10:
            return digits + str(check)
        stem += 1


def onderwijsnummer(stem: int) -> str:
    """A valid onderwijsnummer: starts with 10, weighted sum = 5 (mod 11)."""
    while True:
        digits = f"10{stem % 1_000_000:06d}"
        for last in range(10):
            number = digits + str(last)
            total = sum((9 - i) * int(d) for i, d in enumerate(number[:8])) - int(number[8])
            if total % 11 == 5:
                return number
        stem += 1


def pupil(
    number: str,
    given: str = "Anna",
    surname: str = "Vries",
    *,
    infix: str = "",
    born: str = "03-04-2014",
    sex: str = "V",
    postcode: str = "2011 AB",
    house: str = "12",
    town: str = "Haarlem",
    group: str = "5",
    pupil_number: str = "0042",
    parent1: str = "",
    parent2: str = "",
) -> list[str]:
    return [
        number,
        given,
        infix,
        surname,
        born,
        sex,
        postcode,
        house,
        town,
        group,
        pupil_number,
        parent1,
        parent2,
    ]


def quote(value: str, delimiter: str) -> str:
    if any(c in value for c in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_list(
    path: Path,
    rows: list[list[str]],
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8",
    delimiter: str = ";",
    newline: str = "\r\n",
) -> Path:
    """Write the bytes of an export as a school system would."""
    lines = [header or HEADER, *rows]
    text = newline.join(delimiter.join(quote(v, delimiter) for v in line) for line in lines)
    path.write_bytes((text + newline).encode(encoding))
    return path
