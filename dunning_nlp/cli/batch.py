"""``dunning-nlp batch``: argument parsing and the run loop (the work is in readers/ and batch)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO

from .._files import check_output_target, same_file, terminate_cleanly
from ..batch import RowWriter, Summary, classify_rendered
from ..errors import DunningNLPError, InputError
from ..io import Format, Message, expand_inputs, read_messages
from ..io.detect import supported_suffixes
from ..model.prior import DEFAULT_PRIOR

__all__ = ["add_batch_parser", "add_input_arguments", "input_messages", "binary_stdin", "run_batch_command"]


def add_batch_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "batch",
        help="classify every message in SMS dumps (XML, sms.db, mmssms.db, CSV, JSONL, text)",
        description="Read SMS exports (format detected per file), classify every message and write one row per "
        "input record, errors included. A summary goes to stderr.",
    )
    p.add_argument(
        "-o",
        "--output",
        help="output file (default: stdout); written atomically, never over a device, a directory or one of the inputs",
    )
    p.add_argument(
        "--output-format",
        choices=["csv", "jsonl"],
        help="csv or jsonl (default: from the output file's suffix, else csv)",
    )
    add_input_arguments(p)
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default: 1)")
    p.set_defaults(func=run_batch_command)
    return p


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments shared by every command that reads SMS dumps."""
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories, or - for stdin")
    p.add_argument(
        "--format",
        default="auto",
        choices=[f.value for f in Format],
        help="input format for every input (default: detect per file)",
    )
    add_column_arguments(p)
    p.add_argument("--redact", action="store_true", help="mask phone, ID and bank-card numbers in the output")
    p.add_argument("--model", help="model to use (default: the bundled model)")
    add_prior_argument(p)


def add_column_arguments(p: argparse.ArgumentParser) -> None:
    """How to read a table's columns and times: shared by batch, report and spark."""
    p.add_argument("--text-column", help="CSV/JSONL column holding the message text (name or 0-based index)")
    p.add_argument("--sender-column", help="CSV column holding the sender number")
    p.add_argument("--time-column", help="CSV column holding the timestamp")
    p.add_argument("--direction-column", help="CSV column holding sent/received")
    p.add_argument("--tz", default=None, help="time zone for timestamps without one (default: Asia/Shanghai)")


def add_prior_argument(p) -> None:
    """``--prior``: the class prior of the messages (see dunning_nlp.model.prior)."""
    p.add_argument(
        "--prior",
        default=None,
        metavar="P",
        help="share of messages that are not about a debt, between 0 and 1 (default: the model's "
        f"phone-dump prior, {DEFAULT_PRIOR['other']}), 'train' for the training mix, or 'auto' to "
        "estimate it from "
        "these inputs by EM (batch and report; reads the inputs twice, not stdin)",
    )


class _Progress:
    """A one-line counter on stderr, only when stderr is a terminal."""

    def __init__(self, err: TextIO):
        self.err = err
        self.enabled = hasattr(err, "isatty") and err.isatty()
        self.start = time.perf_counter()
        self.last = 0.0

    def update(self, n: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self.last >= 0.2:
            self.last = now
            rate = n / max(now - self.start, 1e-9)
            self.err.write(f"\r{n} messages  {rate:,.0f}/s")
            self.err.flush()

    def close(self) -> None:
        if self.enabled:
            self.err.write("\r\033[K")


def check_output(args, paths: list[str]) -> None:
    """Refuse an output (``-o``) that must not be replaced: not a regular file, or one of the inputs.

    ``paths`` are the expanded inputs; an input named on the command line that is the output is refused
    (``batch sms.db -o sms.db``), while an output found inside a directory being read is only left out of
    the inputs (:func:`input_messages`).
    """
    output = getattr(args, "output", None)
    if output and output != "-":
        check_output_target(output, [p for p in args.inputs if p != "-"])


def _is_output(path: str, args) -> bool:
    """True when ``path`` (found in a directory) is this run's own output (a result of an earlier run)."""
    output = getattr(args, "output", None)
    if not output or output == "-":
        return False
    return path not in args.inputs and same_file(path, output)


def input_messages(paths: list[str], args, stdin) -> Iterator[Message]:
    """Stream the messages of the expanded input paths with the user's reader options.

    The output is checked first (:func:`check_output`) and left out when a directory holds it.  Messages are
    read as they are: ``--redact`` masks where rows are written (:meth:`dunning_nlp.batch.Row.cells`, and the
    report's own writers).
    SIGTERM while reading removes scratch files (:func:`dunning_nlp._files.terminate_cleanly`).
    """
    check_output(args, paths)
    options = dict(
        text_column=args.text_column,
        sender_column=args.sender_column,
        time_column=args.time_column,
        direction_column=args.direction_column,
        tz=args.tz,
    )
    with terminate_cleanly():
        for path in paths:  # one unreadable file gives an error row; the others are still read
            if path != "-" and _is_output(path, args):
                continue
            yield from read_messages(path, args.format, stdin=stdin, strict=False, **options)


def cli_prior(args, paths: list[str], err: TextIO):
    """The ``prior=`` for ``--prior``: as given, or for ``auto`` estimated from the inputs (a first pass)."""
    if args.prior != "auto":
        return args.prior
    if "-" in args.inputs:
        raise InputError("--prior auto reads the inputs twice, so it needs files, not stdin (-)")
    from ..model.classifier import load
    from ..model.prior import adapt_prior

    model = load(args.model, prior="train").model
    texts = (m.text for m in input_messages(paths, args, None) if m.text and not m.error)
    prior = adapt_prior(model, texts)
    err.write("prior estimated from the inputs: " + ", ".join(f"{lab} {p:.3f}" for lab, p in prior.items()) + "\n")
    return prior


def _counted(messages: Iterable[Message], summary: Summary) -> Iterator[Message]:
    for m in messages:
        summary.read += 1
        yield m


def run_batch_command(args, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Run ``batch``; user errors raise DunningNLPError (the CLI prints one line, exit 2)."""
    if args.jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {args.jobs}")
    paths = expand_inputs(args.inputs)
    if not paths:
        raise InputError(f"no supported files in {', '.join(args.inputs)} (looked for {supported_suffixes()})")
    check_output(args, paths)
    fmt = args.output_format or ("jsonl" if (args.output or "").endswith((".jsonl", ".json")) else "csv")
    with terminate_cleanly():
        written = _write_rows(args, paths, fmt, binary_stdin(stdin), out, err)
    if written is None:
        return 1
    summary = written
    err.write(summary.format() + "\n")
    if summary.read != summary.written:  # would be a bug: every record must give one row
        err.write(f"dunning-nlp: internal error: read {summary.read} records but wrote {summary.written} rows\n")
        return 1
    return 0


def _write_rows(args, paths: list[str], fmt: str, raw_stdin, out: TextIO, err: TextIO) -> Summary | None:
    """Classify and write every record; the run's summary, or None after one line saying the output failed."""
    if args.prior not in (None, "auto", "train"):
        from ..model.prior import resolve_prior

        resolve_prior(args.prior)  # a bad --prior is said before anything is written, even to stdout
    prior = cli_prior(args, paths, err)
    # Pull the first record, then classify the first chunk (loading the model), before opening the output:
    # argument errors (bad column, unknown format, a wrong model or prior) surface before anything is written.
    summary = Summary()
    stream = _counted(input_messages(paths, args, raw_stdin), summary)
    first = next(stream, None)
    chunks: Iterator = iter(())
    if first is not None:
        chunks = iter(
            classify_rendered(
                _chain(first, stream), fmt, model_path=args.model, prior=prior, redacted=args.redact, jobs=args.jobs
            )
        )
    head = next(chunks, None)
    progress = _Progress(err)
    try:
        with RowWriter(args.output, fmt, stdout=out) as writer:
            for tallies, text in _chain(head, chunks) if head is not None else ():
                writer.write_text(text)
                for tally in tallies:
                    summary.add(tally)
                progress.update(summary.written)
    except BrokenPipeError:
        raise
    except OSError as exc:
        if isinstance(exc, DunningNLPError):
            raise
        progress.close()
        err.write(
            f"dunning-nlp: error: cannot write {args.output or 'to standard output'}: "
            f"{exc.strerror or exc}; nothing was kept\n"
        )
        _silence(out)
        return None
    progress.close()
    return summary


def _silence(out: TextIO) -> None:
    """After standard output failed (``> /dev/full``), point it at /dev/null so that the exit does not fail
    again on what is still buffered."""
    if out is not sys.stdout:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _chain(first, rest: Iterable) -> Iterator:
    yield first
    yield from rest


def binary_stdin(stdin: TextIO):
    """The byte stream behind a text stdin (tests pass io.StringIO, which has none)."""
    return getattr(stdin, "buffer", None) or _BytesStdin(stdin)


class _BytesStdin:
    """Bytes view of a text stdin (tests pass io.StringIO)."""

    def __init__(self, text: TextIO):
        self.text = text

    def read(self, size: int = -1) -> bytes:
        return self.text.read().encode("utf-8")
