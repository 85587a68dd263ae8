"""Atomic file writing shared by model saving, batch output and reports.

Everything the tool writes goes to a temporary file in the target's
directory and is renamed onto the final name only when complete, so an
interrupted run never leaves a half-written model, result or report under
the name a user (or a later run) trusts.

The temporary file is created with mode ``0o666`` and the kernel applies the
process umask (and a directory's default ACL), so a result gets the
permissions any new file would, without reading the umask: ``os.umask`` can
only be read by setting it, which changes it for every thread of the process
for a moment (a file another thread creates then would get mode 0666).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_writer"]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_ATTEMPTS = 100


def _create_temporary(target: Path) -> tuple[int, str]:
    """Create a new, empty file beside ``target`` with the default permissions; return (fd, path).

    ``O_EXCL`` (and ``O_NOFOLLOW``) make this as safe as :func:`tempfile.mkstemp`, which however
    creates owner-only files.
    """
    for _ in range(_ATTEMPTS):
        tmp = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"{target.parent}: no free temporary name for {target.name}")


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, *, binary: bool = False, encoding: str = "utf-8",
                  newline: str | None = "") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it onto ``path``, on error delete it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(target)
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline)) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
