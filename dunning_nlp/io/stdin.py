"""Standard input, spooled to a private file so that every reader (XML and SQLite included) can read it.

The spool lives in the tool's private scratch space (:func:`dunning_nlp._files.scratch_dir`), is removed as
soon as the input has been read (and on exit or SIGTERM; a later run sweeps what a SIGKILL left), and is
bounded: more than :data:`STDIN_LIMIT` bytes, or a disk that fills up, stops with one clear error instead of
filling the disk.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
from collections.abc import Iterator
from typing import BinaryIO

from .._files import remove_scratch, scratch_dir
from ..errors import InputFileError

__all__ = ["STDIN_LIMIT", "spooled"]

#: Largest standard input spooled, in bytes (4 GiB): pass a larger dump as a file.
STDIN_LIMIT = 4 << 30
_CHUNK = 1 << 20


@contextlib.contextmanager
def spooled(stream: BinaryIO, limit: int | None = None) -> Iterator[str]:
    """Copy ``stream`` into a private file; yield its path; remove it afterwards.

    Raises :class:`~dunning_nlp.errors.InputFileError` when more than ``limit`` bytes (default
    :data:`STDIN_LIMIT`) arrive or the copy cannot be written; nothing is left behind.
    """
    limit = STDIN_LIMIT if limit is None else limit
    directory = scratch_dir("stdin")
    try:
        spool = os.path.join(directory, "stdin")
        copied = 0
        try:
            with open(spool, "wb") as out:
                for chunk in _chunks(stream):
                    copied += len(chunk)
                    if copied > limit:
                        raise InputFileError(
                            f"<stdin>: more than {_size(limit)} on standard input; save the "
                            f"dump to a file and name the file instead of -"
                        )
                    out.write(chunk)
        except OSError as exc:
            if isinstance(exc, InputFileError):
                raise
            raise InputFileError(
                f"<stdin>: cannot spool standard input to {directory} "
                f"({exc.strerror or exc}); save the dump to a file and name the file"
            ) from None
        yield spool
    finally:
        remove_scratch(directory)


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    """The bytes of ``stream`` in chunks.

    A pipe is waited on with :func:`select.select` in short steps, never in one blocking read: a signal
    delivered to another thread of the process (numpy's, say) does not interrupt a read in the main thread,
    so SIGTERM's handler would otherwise wait for the next byte, which may never come.
    """
    try:
        fd = stream.fileno()
        select.select([fd], [], [], 0)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        fd = None
    while True:
        if fd is not None:
            ready, _, _ = select.select([fd], [], [], 0.25)
            if not ready:
                continue  # a signal handler that is due runs here
            chunk = os.read(fd, _CHUNK)
        else:
            chunk = stream.read(_CHUNK)
        if not chunk:
            return
        yield chunk


def _size(limit: int) -> str:
    n: float = limit
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:g} {unit}" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1024
    return f"{n} bytes"
