"""Atomic file publication shared by model saving and batch output."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["publish"]


def publish(tmp: str | os.PathLike, path: str | os.PathLike) -> None:
    """Give a finished temporary file ordinary permissions (0666 less umask) and rename it onto ``path``.

    ``tempfile.mkstemp`` creates files readable by the owner only; results
    and models should get the permissions any new file would.
    """
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, Path(path))
