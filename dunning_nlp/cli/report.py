"""``dunning-nlp report``: argument parsing only; the work is in :mod:`dunning_nlp.report`.

Defaults for the night window and the per-day limit come from
:class:`~dunning_nlp.report.flags.FlagSettings`, never repeated here.  The
output format is the ``-o`` suffix (or ``--report-format``); an unknown suffix
is a command-line error, never HTML under another name.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TextIO

from .._files import terminate_cleanly
from ..batch import classify_messages
from ..errors import InputError
from ..io import expand_inputs
from ..io.message import DEFAULT_TZ, get_tz
from ..report.build import REPORT_FORMATS, build_report, write_report
from ..report.flags import DEFAULT_SETTINGS, FlagSettings, Standing
from ..report.i18n import LANGUAGES
from .batch import add_input_arguments, binary_stdin, cli_prior, input_messages

__all__ = ["add_report_parser", "report_format", "run_report_command"]

_DEFAULTS = DEFAULT_SETTINGS


def add_report_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "report",
        help="evidence report for complaints: summaries per collector, scams apart, rule flags, charts "
        "(HTML, PDF, CSV or JSON)",
        description="Classify SMS dumps and write one self-contained report: a complaint summary per collector, "
        "suspected scams in their own section, what to do next, the flagged messages in time order "
        "with the rule each flag rests on, charts, and every input record explained.",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        help=f"report file to write (atomically); its suffix picks the format: "
        f"{', '.join('.' + f for f in REPORT_FORMATS)}",
    )
    p.add_argument(
        "--report-format",
        choices=REPORT_FORMATS,
        help="html, pdf (printed by headless Chromium), csv or json, whatever the output suffix",
    )
    p.add_argument(
        "--lang", choices=LANGUAGES, default="zh", help="language of the report: zh (Chinese, default) or en (English)"
    )
    add_input_arguments(p)
    p.add_argument(
        "--night",
        default=None,
        metavar="START-END",
        help=f"night hours as START-END on the 24-hour clock (default: {_DEFAULTS.night_start}-{_DEFAULTS.night_end})",
    )
    p.add_argument(
        "--max-per-day",
        type=int,
        default=None,
        metavar="N",
        help=f"flag a sender with more collection messages than this on one day (default: {_DEFAULTS.max_per_day})",
    )
    p.add_argument("--title", default="", help="report title")
    p.set_defaults(func=run_report_command)
    return p


def _night(value: str | None) -> tuple[int, int]:
    if value is None:
        return _DEFAULTS.night_start, _DEFAULTS.night_end
    try:
        start, end = (int(x) for x in value.split("-"))
        if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
            raise ValueError
        return start, end
    except ValueError:
        raise InputError(
            f"--night must look like {_DEFAULTS.night_start}-{_DEFAULTS.night_end} "
            f"(two different hours 0-23), got {value!r}"
        ) from None


def report_format(output: str, explicit: str | None) -> str:
    """The report's format: ``--report-format``, else the output's suffix; anything else is an InputError."""
    if explicit:
        return explicit
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix in REPORT_FORMATS:
        return suffix
    raise InputError(
        f"cannot tell the report format from {output!r}: use a name ending in "
        f"{', '.join('.' + f for f in REPORT_FORMATS)}, or --report-format"
    )


def run_report_command(args, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    fmt = report_format(args.output, args.report_format)
    start, end = _night(args.night)
    max_per_day = _DEFAULTS.max_per_day if args.max_per_day is None else args.max_per_day
    if max_per_day < 1:
        raise InputError(f"--max-per-day must be at least 1, got {max_per_day}")
    zone = args.tz or DEFAULT_TZ
    get_tz(zone)  # an unknown zone is a command-line error before anything is read
    if fmt == "pdf":
        from ..report.pdf import find_chromium

        find_chromium()  # say what to install before classifying anything
    paths = expand_inputs(args.inputs)
    if not paths:
        raise InputError(f"no supported files in {', '.join(args.inputs)}")
    from ..model.classifier import load

    classifier = load(args.model, prior=cli_prior(args, paths, err))
    rows = list(classify_messages(input_messages(paths, args, binary_stdin(stdin)), classifier))
    # The hash of the file predictions come from: the compiled .npz, not the .joblib pipeline beside it.
    report = build_report(
        rows,
        inputs=paths,
        model_sha256=classifier.manifest.get("compiled_sha256", ""),
        settings=FlagSettings(start, end, max_per_day),
        redacted=args.redact,
        title=args.title,
        lang=args.lang,
        tz=zone,
        generated_at=datetime.now(get_tz(zone)),
    )
    with terminate_cleanly():  # SIGTERM while writing removes the partial file, as in batch
        write_report(report, args.output, fmt)
    flagged = sum(1 for e in report.entries if e.flags)
    scams = report.standings.get(Standing.SCAM, 0)
    err.write(
        f"report: {len(report.entries)} messages, {flagged} flagged, {scams} suspected scam(s), "
        f"{len(report.not_analysed)} not analysed -> {args.output}\n"
    )
    return 0
