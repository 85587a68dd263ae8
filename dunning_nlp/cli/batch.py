"""``dunning-nlp batch``: argument parsing and the run loop (the work is in readers/ and batch)."""

from __future__ import annotations

import argparse
import time
from typing import Iterable, Iterator, TextIO

from ..batch import RowWriter, Summary, classify_rendered
from ..errors import InputError
from ..model.prior import DEFAULT_PRIOR
from ..io import Format, Message, expand_inputs, read_messages

__all__ = ["add_batch_parser", "add_input_arguments", "input_messages", "binary_stdin", "run_batch_command"]


def add_batch_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "batch", help="classify every message in SMS dumps (XML, sms.db, mmssms.db, CSV, JSONL, text)",
        description="Read SMS exports (format detected per file), classify every message and write one row per "
                    "input record, errors included. A summary goes to stderr.")
    p.add_argument("-o", "--output", help="output file (default: stdout); written atomically")
    p.add_argument("--output-format", choices=["csv", "jsonl"],
                   help="csv or jsonl (default: from the output file's suffix, else csv)")
    add_input_arguments(p)
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default: 1)")
    return p


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments shared by every command that reads SMS dumps."""
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories, or - for stdin")
    p.add_argument("--format", default="auto", choices=[f.value for f in Format],
                   help="input format for every input (default: detect per file)")
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
    p.add_argument("--prior", default=None, metavar="P",
                   help="share of messages that are not about a debt, between 0 and 1 (default: the model's "
                        f"phone-dump prior, {DEFAULT_PRIOR['other']}), 'train' for the training mix, or 'auto' to "
                        "estimate it from "
                        "these inputs by EM (batch and report; reads the inputs twice, not stdin)")


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


def input_messages(paths: list[str], args, stdin) -> Iterator[Message]:
    """Stream the messages of the expanded input paths with the user's reader options."""
    options = dict(text_column=args.text_column, sender_column=args.sender_column, time_column=args.time_column,
                   direction_column=args.direction_column, tz=args.tz)
    for path in paths:  # one unreadable file gives an error row; the others are still read
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
        raise InputError(f"no supported files in {', '.join(args.inputs)} "
                         f"(looked for .xml .db .sqlite .csv .tsv .jsonl .ndjson .json .txt)")
    fmt = args.output_format or ("jsonl" if (args.output or "").endswith((".jsonl", ".json")) else "csv")
    raw_stdin = binary_stdin(stdin)
    prior = cli_prior(args, paths, err)
    # Pull the first record before opening the output: argument errors (bad column, unknown format) surface
    # before any file is created.
    summary = Summary()
    stream = _counted(input_messages(paths, args, raw_stdin), summary)
    first = next(stream, None)
    progress = _Progress(err)
    with RowWriter(args.output, fmt, stdout=out) as writer:
        if first is not None:
            chunks = classify_rendered(_chain(first, stream), fmt, model_path=args.model, prior=prior,
                                       redacted=args.redact,
                                       jobs=args.jobs)
            for tallies, text in chunks:
                writer.write_text(text)
                for tally in tallies:
                    summary.add(tally)
                progress.update(summary.written)
    progress.close()
    err.write(summary.format() + "\n")
    if summary.read != summary.written:  # would be a bug: every record must give one row
        err.write(f"dunning-nlp: internal error: read {summary.read} records but wrote {summary.written} rows\n")
        return 1
    return 0


def _chain(first: Message, rest: Iterable[Message]) -> Iterator[Message]:
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
