"""Atomic file writing shared by model saving, batch output and reports.

Everything the tool writes goes to a temporary file in the target's
directory and is renamed onto the final name only when complete, so an
interrupted run never leaves a half-written model, result or report under
the name a user (or a later run) trusts.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_writer"]


def _publish(tmp: str, path: Path) -> None:
    # mkstemp creates owner-only files; results and models get the permissions any new file would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, *, binary: bool = False, encoding: str = "utf-8",
                  newline: str | None = "") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it onto ``path``, on error delete it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline)) as fh:
            yield fh
        _publish(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
