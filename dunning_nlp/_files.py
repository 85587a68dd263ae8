"""Files the tool writes: atomic replacement of results, refusal of unsafe targets, and private scratch space.

Everything the tool writes goes to a temporary file in the target's
directory and is renamed onto the final name only when complete, so an
interrupted run never leaves a half-written model, result or report under
the name a user (or a later run) trusts.

The temporary file is created with mode ``0o666`` and the kernel applies the
process umask (and a directory's default ACL), so a result gets the
permissions any new file would, without reading the umask: ``os.umask`` can
only be read by setting it, which changes it for every thread of the process
for a moment (a file another thread creates then would get mode 0666).

What is never replaced (:func:`check_output_target`): something that is not a
regular file (``-o /dev/full`` would otherwise rename a CSV over the device
node), a directory, and a file that is also one of the run's inputs (``batch
sms.db -o sms.db`` would destroy the evidence).  Each is refused with one
line before anything is read.

Scratch files (a private copy of a SQLite database and its WAL, standard
input spooled to disk) live in one private place: a directory
``dunning-nlp-<uid>`` (mode 0700) in the system's temporary directory, one
sub-directory per use, named after the process.  They are removed when the
use ends, when the process exits or is stopped with SIGTERM (the commands
install :func:`terminate_cleanly`), and, after a SIGKILL, by the next run,
which sweeps what processes that no longer exist left behind — there and
beside the outputs (``.NAME.<pid>-<hex>.part``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import secrets
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

__all__ = [
    "atomic_writer",
    "check_output_target",
    "same_file",
    "file_kind",
    "scratch_dir",
    "remove_scratch",
    "terminate_cleanly",
]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_ATTEMPTS = 100
_PART = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{12}\.part$")


def _pid_alive(pid: int) -> bool:
    """True when a process ``pid`` exists (or may exist: one of another user)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, owned by someone else
        return True
    return True


# ----------------------------------------------------------------- output targets
def file_kind(mode: int) -> str:
    """What a file that is not regular is, in words (``a FIFO (named pipe)``, ``a character device``)."""
    for test, words in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return words
    return "not a regular file"


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when two paths name one existing file (same device and inode, links followed)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_output_target(path: str | os.PathLike, inputs: Iterable[str | os.PathLike] = ()) -> None:
    """Refuse, with one line (:class:`~dunning_nlp.errors.InputError`), an output that must not be replaced.

    Refused: a directory, anything that is not a regular file (a device such as ``/dev/full``, a FIFO, a
    socket), and a file that is one of ``inputs`` (the same file under any name: same inode).  A path that
    does not exist yet, or an ordinary file that is not an input, is fine.
    """
    from .errors import InputError

    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror or exc}); choose another output") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(
            f"{path}: is a directory; give the output a file name (for example "
            f"{os.path.join(str(path), 'results.csv')})"
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"{path}: {file_kind(info.st_mode)}, not a regular file; refusing to replace it with the "
            f"output (choose a file name)"
        )
    for source in inputs:
        if source != "-" and same_file(source, path):
            raise InputError(
                f"{path}: is also an input ({source}); refusing to overwrite what is being read "
                f"(choose another output name)"
            )


def _sweep_parts(target: Path) -> None:
    """Remove ``.NAME.<pid>-<hex>.part`` files beside ``target`` left by processes that no longer exist."""
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        match = _PART.match(entry.name)
        if not match or match.group("name") != target.name or _pid_alive(int(match.group("pid"))):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.geteuid():
                os.unlink(entry.path)


def _create_temporary(target: Path) -> tuple[int, str]:
    """Create a new, empty file beside ``target`` with the default permissions; return (fd, path).

    ``O_EXCL`` (and ``O_NOFOLLOW``) make this as safe as :func:`tempfile.mkstemp`, which however
    creates owner-only files.  The name carries this process's id, so that a later run can remove it
    should this process be killed before it can.
    """
    for _ in range(_ATTEMPTS):
        tmp = str(target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(6)}.part")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"{target.parent}: no free temporary name for {target.name}")


@contextlib.contextmanager
def atomic_writer(
    path: str | os.PathLike, *, binary: bool = False, encoding: str = "utf-8", newline: str | None = ""
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success rename it onto ``path``, on error delete it.

    Refuses (:func:`check_output_target`) a ``path`` that is a directory or not a regular file.
    """
    target = Path(path)
    check_output_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_parts(target)
    fd, tmp = _create_temporary(target)
    _partials.add(tmp)
    try:
        with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline) as fh:
            yield fh
        check_output_target(target)  # nothing became a device or a directory meanwhile
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _partials.discard(tmp)


# ----------------------------------------------------------------- private scratch space
_partials: set[str] = set()  # temporary outputs being written by this process
_lock = threading.Lock()
_owned: set[str] = set()  # scratch directories of this process, removed at exit
_swept: set[str] = set()  # roots already swept by this process


def _private_root() -> Path | None:
    """``$TMPDIR/dunning-nlp-<uid>``, created mode 0700; None when it cannot be trusted (not ours, a link)."""
    uid = os.geteuid() if hasattr(os, "geteuid") else 0
    root = Path(tempfile.gettempdir()) / f"dunning-nlp-{uid}"
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(root)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "geteuid") and info.st_uid != uid) or info.st_mode & 0o077:
        return None
    return root


def _sweep_root(root: Path) -> None:
    """Remove the scratch directories of processes that no longer exist (killed before they could)."""
    key = str(root)
    if key in _swept:
        return
    _swept.add(key)
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        pid = entry.name.split("-", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def scratch_dir(kind: str) -> str:
    """A new private directory for scratch files of one use (``kind``: ``sqlite``, ``stdin``); remove it with
    :func:`remove_scratch`.  It is also removed at exit, and swept by a later run after a SIGKILL."""
    with _lock:
        root = _private_root()
        if root is None:  # fall back to a directory of its own (no sweeping: the name is not ours to trust)
            path = tempfile.mkdtemp(prefix=f"dunning-nlp-{kind}-")
        else:
            _sweep_root(root)
            path = tempfile.mkdtemp(prefix=f"{os.getpid()}-{kind}-", dir=root)
        _owned.add(path)
    return path


def remove_scratch(path: str) -> None:
    """Remove a directory made by :func:`scratch_dir`."""
    shutil.rmtree(path, ignore_errors=True)
    with _lock:
        _owned.discard(path)


_OWNER = os.getpid()


@atexit.register
def _remove_owned() -> None:
    if os.getpid() != _OWNER:  # a forked worker: the directories belong to its parent
        return
    for path in list(_owned):
        shutil.rmtree(path, ignore_errors=True)
    _owned.clear()


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """While inside, SIGTERM removes this process's partial outputs and scratch files, then ends it with exit
    status 143; outside the main thread, or when the process already handles (or ignores) SIGTERM, nothing
    changes.

    The handler cleans up itself and leaves with :func:`os._exit`, rather than raising an exception that
    ``finally`` blocks would have to see through: an exception raised while a finaliser runs is swallowed,
    and the process would go on.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    owner = os.getpid()

    def stop(signum, frame):
        if os.getpid() != owner:  # a worker forked while inside: the default action
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        for path in list(_partials):
            with contextlib.suppress(OSError):
                os.unlink(path)
        _remove_owned()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
