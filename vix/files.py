"""Files vix writes with personal data in them: reports, letters, rejected rows."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def create_private(path: Path) -> int:
    """Open `path` as a new file only its owner may read (mode 0600); returns the descriptor.

    A regular file at `path` is replaced: kept, it would keep its mode and whoever
    could read it before. Anything else there (a symbolic link, a device, a named
    pipe) is refused with EEXIST rather than replaced or written through.
    """
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        pass
    else:
        if not stat.S_ISREG(found.st_mode):
            code = errno.EISDIR if stat.S_ISDIR(found.st_mode) else errno.EEXIST
            raise OSError(code, os.strerror(code), str(path))
        path.unlink()
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
