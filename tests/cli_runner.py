"""The one way tests run the command line: in process, with captured standard streams.

Imported by test modules (``from cli_runner import run_cli``) and offered as the ``cli`` fixture by
``conftest.py``.  Running :func:`dunning_nlp.cli.app.main` in process, not in a subprocess, keeps the bundled model
loaded once per test session.
"""

from __future__ import annotations

import io
from typing import IO, NamedTuple


class CliResult(NamedTuple):
    """Exit code and what the command wrote (``out`` is empty when the caller passed its own ``stdout``)."""

    code: int
    out: str
    err: str


def run_cli(argv: list[str], stdin: str | IO[str] = "", stdout: IO[str] | None = None) -> CliResult:
    """Run ``dunning-nlp ARGV`` with ``stdin`` (a string or a stream) as standard input."""
    from dunning_nlp.cli.app import main

    out, err = stdout or io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin) if isinstance(stdin, str) else stdin, stdout=out, stderr=err)
    return CliResult(code, out.getvalue() if stdout is None else "", err.getvalue())
