"""``dunning-nlp report``: argument parsing and the run loop (the work is in flags, report, report_html)."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..batch import classify_messages
from .batch import add_input_arguments, binary_stdin, cli_prior, input_messages
from ..errors import InputError
from ..report.flags import FlagSettings
from ..io import expand_inputs
from ..report.build import REPORT_FORMATS, build_report, write_report
from ..report.i18n import LANGUAGES

__all__ = ["add_report_parser", "run_report_command"]


def add_report_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "report", help="evidence report for complaints: summary per platform, rule flags, charts (HTML, PDF, CSV or JSON)",
        description="Classify SMS dumps and write one self-contained report: counts by label, charts per day and "
                    "hour, a timeline per sender and the flagged messages with the rule each flag rests on.")
    p.add_argument("-o", "--output", required=True, help="report file to write (atomically)")
    p.add_argument("--report-format", choices=REPORT_FORMATS,
                   help="html, pdf (printed by headless Chromium), csv or json (default: from the output suffix, "
                        "else html)")
    p.add_argument("--lang", choices=LANGUAGES, default="zh",
                   help="language of the report: zh (Chinese, default) or en (English)")
    add_input_arguments(p)
    p.add_argument("--night", default="22-8", help="night hours as START-END, 24h clock (default: 22-8)")
    p.add_argument("--max-per-day", type=int, default=3,
                   help="flag a sender with more collection messages than this on one day (default: 3)")
    p.add_argument("--title", default="", help="report title")
    return p


def _night(value: str) -> tuple[int, int]:
    try:
        start, end = (int(x) for x in value.split("-"))
        if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
            raise ValueError
        return start, end
    except ValueError:
        raise InputError(f"--night must look like 22-8 (two different hours 0-23), got {value!r}") from None


def run_report_command(args, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    start, end = _night(args.night)
    if args.max_per_day < 1:
        raise InputError(f"--max-per-day must be at least 1, got {args.max_per_day}")
    fmt = args.report_format or next((f for f in REPORT_FORMATS if args.output.lower().endswith(f".{f}")), "html")
    if fmt == "pdf":
        from ..report.pdf import find_chromium

        find_chromium()  # say what to install before classifying anything
    paths = expand_inputs(args.inputs)
    if not paths:
        raise InputError(f"no supported files in {', '.join(args.inputs)}")
    from ..model.classifier import load

    classifier = load(args.model, prior=cli_prior(args, paths, err))
    rows = [row.cells() for row in classify_messages(input_messages(paths, args, binary_stdin(stdin)), classifier)]
    # The hash of the file predictions come from: the compiled .npz, not the .joblib pipeline beside it.
    report = build_report(rows, inputs=paths, model_sha256=classifier.manifest.get("compiled_sha256", ""),
                          settings=FlagSettings(start, end, args.max_per_day), redacted=args.redact, title=args.title,
                          lang=args.lang)
    write_report(report, args.output, fmt)
    flagged = sum(1 for m in report["messages"] if m["flags"])
    err.write(f"report: {report['total']} messages, {flagged} flagged, {report['errors']} unreadable -> {args.output}\n")
    return 0
