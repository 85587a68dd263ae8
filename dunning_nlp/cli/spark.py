"""``dunning-nlp spark``: classify Parquet, CSV/TSV or JSON Lines on Spark and write Parquet with ``batch``'s rows.

For people who do not write Spark code::

    dunning-nlp spark s3a://bucket/sms/*.parquet -o s3a://bucket/sms-labelled --master yarn
    spark-submit --master yarn --archives env.tar.gz#env --conf spark.pyspark.python=./env/bin/python \
        "$(env/bin/python -m dunning_nlp.cli.spark --path)" IN -o OUT

(``env.tar.gz``: a venv-pack'ed environment with ``dunning-nlp[spark]``; see benchmarks/SPARK.md.)

The output has :data:`dunning_nlp.batch.COLUMNS` (``source``, ``record``,
``sender``, ``timestamp``, ``direction``, ``text``, the prediction columns,
``error``), one row per input record: a record Spark cannot parse (a line
that is not JSON, a CSV row with too many fields) and a record without text
become rows with ``error`` set and no label, as in ``batch``.  ``record`` is
the 1-based position of the record in its file (header excluded), computed
from the file split each row was read from, so it is exact however the file
was split.  Timestamps go through the same parser as ``batch`` (ISO 8601 in
``--tz``); columns are found by the same header names as ``batch``'s CSV
reader, or named with ``--text-column`` and friends.

Limits, unlike ``batch``: one encoding per file (``--encoding``, default
UTF-8); CSV fields spanning lines need ``--csv-multiline`` (which makes each
file one task); a JSON line that is a bare string, not an object, is an error
row; separate ``Date`` and ``Time`` columns are not joined (name one with
``--time-column``).

This file is also a ``spark-submit`` script: ``python -m dunning_nlp.cli.spark
--path`` prints its location.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote

from dunning_nlp.batch import COLUMNS
from dunning_nlp.cli.batch import add_column_arguments, add_prior_argument
from dunning_nlp.errors import ColumnError, InputError, UnknownFormatError
from dunning_nlp.io.columns import column_key, find_column
from dunning_nlp.io.detect import SUFFIXES, Format
from dunning_nlp.io.message import direction_of, get_tz, parse_timestamp
from dunning_nlp.labels import LABELS
from dunning_nlp.spark.dataframe import _classifier, _message, _require_pyspark, classify_texts, prediction_fields

__all__ = ["add_spark_parser", "run_spark_command", "classify_files", "input_frame", "output_schema", "main"]

FORMATS = ("auto", "parquet", "csv", "tsv", "jsonl")
#: What a suffix says an input is: the readers' table (:data:`dunning_nlp.io.detect.SUFFIXES`) for the formats
#: Spark reads (``.json`` is read as JSON Lines), plus Parquet, which only Spark reads.
_SUFFIXES = {
    ".parquet": "parquet",
    ".pq": "parquet",
    **{suffix: fmt.value for suffix, fmt in SUFFIXES.items() if fmt in (Format.CSV, Format.TSV, Format.JSONL)},
}
_CORRUPT = "_corrupt_record"
_ROLES = ("sender", "timestamp", "direction")


def add_spark_parser(sub) -> argparse.ArgumentParser:
    """Register ``spark`` on the CLI's sub-parsers (or on a parser of its own for spark-submit)."""
    p = sub.add_parser(
        "spark",
        help="classify Parquet/CSV/JSON Lines on Apache Spark, writing Parquet (pip install dunning-nlp[spark])",
        description="Read Parquet, CSV/TSV or JSON Lines from any path Spark reads, classify every record with the "
        "same model as batch and write Parquet with batch's columns, one row per input record, errors "
        "included. A summary goes to stderr.",
    )
    _add_arguments(p)
    p.set_defaults(func=run_spark_command)
    return p


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="files, directories or globs Spark reads (file:, hdfs:, s3a: ...)"
    )
    p.add_argument("-o", "--output", required=True, help="output Parquet directory")
    p.add_argument("--overwrite", action="store_true", help="replace the output directory if it exists")
    p.add_argument(
        "--input-format",
        default="auto",
        choices=FORMATS,
        help="format of every input (default: from each input's suffix, or of the files in a local directory)",
    )
    add_column_arguments(p)
    p.add_argument("--encoding", default="UTF-8", help="CSV/JSON encoding (default: UTF-8)")
    p.add_argument(
        "--csv-multiline", action="store_true", help="CSV fields may span lines (each file is then one task)"
    )
    p.add_argument("--redact", action="store_true", help="mask phone, ID and bank-card numbers in the output")
    p.add_argument(
        "--model",
        help="model .npz on a path the driver and every executor read, or the name of one "
        "shipped with --files MODEL.npz,MODEL.json (default: the bundled model)",
    )
    add_prior_argument(p)
    p.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="Spark setting (repeatable)")


def output_schema():
    """The Spark schema of the output: :data:`dunning_nlp.batch.COLUMNS` with Spark types."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    fields = {c: StructField(c, LongType() if c == "record" else StringType(), True) for c in COLUMNS}
    fields.update((f.name, f) for f in prediction_fields())
    return StructType([fields[c] for c in COLUMNS])


def _format_of(path: str, given: str) -> str:
    """The input format: given, from the suffix, or from the suffix of the files in a local directory."""
    if given != "auto":
        return given
    suffix = Path(path.rstrip("/")).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    local = Path(path[len("file:") :] if path.startswith("file:") else path)
    if local.is_dir():
        found = {_SUFFIXES[f.suffix.lower()] for f in local.rglob("*") if f.is_file() and f.suffix.lower() in _SUFFIXES}
        if len(found) == 1:
            return found.pop()
    raise UnknownFormatError(
        f"{path}: cannot tell the input format from its name; give --input-format parquet, csv, tsv or jsonl"
    )


def _pick(columns: list[str], role: str, override: str | None, path: str) -> str | None:
    """The column playing ``role``: named (or indexed) by the user, else the first header name ``batch`` knows
    (:mod:`dunning_nlp.io.columns`, the same names and spellings)."""
    keys = [column_key(c) for c in columns]
    if override:
        if override in columns:
            return override
        if override.isdigit() and int(override) < len(columns):
            return columns[int(override)]
        if column_key(override) in keys:
            return columns[keys.index(column_key(override))]
        flag = f"--{role.replace('timestamp', 'time')}-column"
        raise ColumnError(
            f"{path}: no column named {override!r} (columns: {', '.join(columns)}); give {flag} a "
            f"name from them or a 0-based index"
        )
    found = find_column(columns, role)
    if found is not None:
        return columns[found]
    if role == "text":
        if len(columns) == 1:
            return columns[0]
        raise UnknownFormatError(
            f"{path}: cannot tell which column holds the message text (columns: "
            f"{', '.join(columns)}); name it with --text-column"
        )
    return None


def _read(spark, path: str, fmt: str, args):
    """Read one input with Spark, keeping unparsable records (in ``_corrupt_record``)."""
    reader = spark.read
    if fmt == "parquet":
        return reader.parquet(path)
    if fmt == "jsonl":
        return (
            reader.option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", _CORRUPT)
            .option("encoding", args.encoding)
            .json(path)
        )
    from pyspark.sql.types import StringType, StructField, StructType

    options = {
        "header": "true",
        "sep": "\t" if fmt == "tsv" else ",",
        "encoding": args.encoding,
        "multiLine": "true" if args.csv_multiline else "false",
    }
    if fmt == "tsv":
        options["quote"] = ""  # plain TSV exports do not quote (as batch reads them)
    header = reader.options(**options).csv(path).columns
    names = [c.lstrip("\ufeff") for c in header]
    schema = StructType(
        [StructField(c, StringType(), True) for c in names] + [StructField(_CORRUPT, StringType(), True)]
    )
    return (
        spark.read.options(**options)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", _CORRUPT)
        .option("enforceSchema", "true")
        .schema(schema)
        .csv(path)
    )


def input_frame(spark, path: str, args):
    """One input as a DataFrame of (source, record, text, sender, time, direction, corrupt) before classifying.

    ``record`` is the 1-based position in the file: each row's offset in its file split plus the rows of the
    file's earlier splits (a small aggregate over (file, split), broadcast back), so no shuffle of the data.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    fmt = _format_of(path, args.input_format)
    df = _read(spark, path, fmt, args)
    columns = [c for c in df.columns if c != _CORRUPT]
    text = _pick(columns, "text", args.text_column, path)
    roles = {
        role: _pick(columns, role, getattr(args, f"{role.replace('timestamp', 'time')}_column"), path)
        for role in _ROLES
    }
    none = F.lit(None).cast("string")
    base = df.select(
        F.input_file_name().alias("_file"),
        F.input_file_block_start().alias("_block"),
        F.monotonically_increasing_id().alias("_id"),
        F.col(f"`{text}`").alias("_text"),
        *[(F.col(f"`{c}`").cast("string") if c else none).alias(f"_{role}") for role, c in roles.items()],
        (F.col(_CORRUPT) if _CORRUPT in df.columns else none).alias("_corrupt"),
    )
    splits = base.groupBy("_file", "_block").agg(F.min("_id").alias("_first"), F.count(F.lit(1)).alias("_n"))
    earlier = Window.partitionBy("_file").orderBy("_block").rowsBetween(Window.unboundedPreceding, -1)
    splits = splits.select(
        "_file", "_block", "_first", F.coalesce(F.sum("_n").over(earlier), F.lit(0)).alias("_before")
    )
    numbered = base.join(F.broadcast(splits), ["_file", "_block"])
    return numbered.select(
        F.col("_file").alias("source"),
        (F.col("_id") - F.col("_first") + F.col("_before") + 1).alias("record"),
        "_text",
        "_sender",
        "_timestamp",
        "_direction",
        "_corrupt",
    ), fmt


def _source(uri: str) -> str:
    """A local file as a plain path, anything else as the URI Spark read."""
    return unquote(uri[len("file:") :].replace("///", "/", 1) if uri.startswith("file:") else uri)


def _records(frame, fmt: str, zone) -> list:
    """The Messages of one pandas batch (a corrupt record or a record without text becomes an error row).

    Read as they are: ``--redact`` masks every text cell where the row is made (``Row.cells``).
    """
    messages = []
    for source, record, text, sender, stamp, direction, corrupt in zip(
        *(frame[c].tolist() for c in ("source", "record", "_text", "_sender", "_timestamp", "_direction", "_corrupt"))
    ):
        m = _message(int(record), "" if text is None else text)  # a missing cell is an empty body, as in batch
        error = m.error
        if corrupt is not None:
            kind = "JSON" if fmt == "jsonl" else fmt.upper()
            error = f"record {int(record)}: not valid {kind} ({str(corrupt).strip()[:80]!r})"
        timestamp, problem = parse_timestamp(stamp, zone)
        m = replace(
            m,
            source=_source(source),
            text="" if corrupt is not None else m.text,
            error=error,
            sender=(sender or "").strip(),
            timestamp=timestamp,
            direction=direction_of(direction),
            note=problem and f"record {int(record)}: {problem}",
        )
        messages.append(m)
    return messages


def _rows_batches(
    batches: Iterable, fmt: str, tz: str | None, model_path: str | None, prior, redacted: bool
) -> Iterator:
    """mapInPandas body: ``batch``'s output rows for every pandas batch of input records."""
    import pandas as pd

    classifier = _classifier(model_path, prior)
    zone = get_tz(tz)
    floats = [c for c in COLUMNS if c == "score" or c.startswith("score_")]
    for frame in batches:
        rows = classify_texts(classifier, _records(frame, fmt, zone), redacted)
        out = pd.DataFrame(rows, columns=list(COLUMNS))
        for column in floats:
            out[column] = pd.to_numeric(out[column].replace("", None), errors="coerce").astype("float64")
        for column in ("label", "error"):
            out[column] = out[column].where(out[column] != "", None)
        out["record"] = out["record"].astype("int64")
        yield out


def classify_files(spark, inputs: list[str], output: str, args) -> None:
    """Classify every input and write one Parquet directory with ``batch``'s columns (one row per record)."""
    schema = output_schema()
    result: Any = None  # the union of every input's Spark DataFrame (pyspark is untyped here)
    model, prior, tz, redacted = args.model, args.prior, args.tz, args.redact
    _classifier(model, prior)  # a wrong model fails here, once, with the loader's message, before any task
    spark.conf.set("spark.sql.session.timeZone", str(get_tz(tz)))  # Parquet timestamps cast to text in --tz
    for path in inputs:
        frame, fmt = input_frame(spark, path, args)

        def run(batches, fmt=fmt):
            return _rows_batches(batches, fmt, tz, model, prior, redacted)

        part = frame.mapInPandas(run, schema)
        result = part if result is None else result.unionByName(part)
    writer = result.write.mode("overwrite" if args.overwrite else "errorifexists")
    try:
        writer.parquet(output)
    except Exception as exc:  # AnalysisException: the path exists
        if "already exists" in str(exc) and not args.overwrite:
            raise InputError(f"{output}: already exists; choose another -o or add --overwrite") from None
        raise


def summarise(spark, output: str) -> dict:
    """Counts read back from the written Parquet: rows, errors, labels, and records per file (from ``record``).

    ``records`` is the sum over files of the last record number; ``gaps`` counts the files whose row count
    differs from it (a lost or doubled record).  Both come from small per-file aggregates, not a shuffle of rows.
    """
    from pyspark.sql import functions as F

    df = spark.read.parquet(output)
    failed = F.col("label").isNull() & F.col("error").isNotNull()
    per_file = df.groupBy("source").agg(
        F.count(F.lit(1)).alias("rows"),
        F.max("record").alias("last"),
        F.sum(F.when(failed, 1).otherwise(0)).alias("errors"),
    )
    totals = per_file.agg(
        F.sum("rows").alias("rows"),
        F.sum("last").alias("records"),
        F.sum("errors").alias("errors"),
        F.sum(F.when(F.col("rows") != F.col("last"), 1).otherwise(0)).alias("gaps"),
    ).first()
    labels = {r["label"] or "(error)": r["count"] for r in df.groupBy("label").count().collect()}
    return {
        "rows": totals["rows"] or 0,
        "records": totals["records"] or 0,
        "errors": totals["errors"] or 0,
        "gaps": totals["gaps"] or 0,
        "by_label": labels,
    }


def _format_summary(s: dict) -> str:
    labels = ", ".join(f"{lab} {s['by_label'][lab]}" for lab in (*LABELS, "(error)") if s["by_label"].get(lab))
    return (
        f"records read: {s['records']}   rows written: {s['rows']}   errors: {s['errors']}\nby label: {labels or '-'}"
    )


def session(master: str | None = None, conf: Iterable[str] = ()):
    """The active SparkSession (spark-submit's), or a new one: ``master``, else local[*]; quiet logs."""
    _require_pyspark()
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    settings = SparkConf()
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--conf {item!r}: expected KEY=VALUE")
        settings.set(key.strip(), value)
    if master:
        settings.setMaster(master)
    elif not settings.contains("spark.master"):
        settings.setMaster("local[*]")
    if settings.get("spark.master", "").startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers import dunning_nlp from this install
        settings.setIfMissing("spark.ui.showConsoleProgress", "false")
    spark = SparkSession.builder.config(conf=settings).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark_command(args, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Run ``spark``; user errors raise DunningNLPError (the CLI prints one line, exit 2)."""
    for path in args.inputs:
        _format_of(path, args.input_format)  # fail on the command line, before Spark starts
    spark = session(args.master, args.conf)
    from pyspark.errors import AnalysisException

    try:
        classify_files(spark, args.inputs, args.output, args)
    except AnalysisException as exc:  # a missing input path, an unreadable file: one line, not a JVM trace
        raise InputError(f"Spark cannot read the input: {str(exc).strip().splitlines()[0][:300]}") from None
    summary = summarise(spark, args.output)
    err.write(_format_summary(summary) + "\n")
    if summary["records"] != summary["rows"] or summary["gaps"]:  # would be a bug: one row per record
        err.write(
            f"dunning-nlp: internal error: {summary['records']} records but {summary['rows']} rows "
            f"({summary['gaps']} files with missing or doubled records)\n"
        )
        return 1
    return 0


def main(argv=None) -> int:
    """Entry point for ``spark-submit spark_cli.py INPUT -o OUTPUT`` (the same options as ``dunning-nlp spark``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--path"]:
        print(Path(__file__).resolve())
        return 0
    from dunning_nlp.cli.app import main as cli_main

    return cli_main(["spark", *argv])


if __name__ == "__main__":  # pragma: no cover - spark-submit / python -m
    sys.exit(main())
