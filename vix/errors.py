"""The one exception family of vix.

Domain code raises a subclass of `VixError` with a Dutch message that says
what is wrong and how to fix it. The CLI catches it at the edge, prints the
message on stderr and exits with `exit_code`. Messages never contain a BSN.
"""


class VixError(Exception):
    """A problem the user can fix; the message is Dutch and shown as is."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(VixError):
    """Input that does not pass validation (BSN, dates, age, choices)."""


class NotFound(VixError):
    """Something does not exist, or the actor may not know that it exists."""


class Forbidden(VixError):
    """The acting professional's role does not allow this."""


class Conflict(VixError):
    """The change conflicts with what is stored (duplicate, wrong state)."""


class DatabaseProblem(VixError):
    """The file is not a vix database, or the key file does not fit it."""


class UsageError(VixError):
    """Misuse of the command line that Typer cannot see (exit status 2)."""

    exit_code = 2


class Interrupted(VixError):
    """Ctrl-C (SIGINT): the transaction is rolled back; exit status 130, as shells expect."""

    exit_code = 130
