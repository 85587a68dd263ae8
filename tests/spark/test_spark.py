"""``dunning_nlp.spark.dataframe`` and ``dunning-nlp spark`` on a real local Spark (``local[2]``).

The Spark output must equal ``batch``'s on the sample dumps (labels, scores to
1e-9, evidence, errors), a malformed row must give an error row and never a
failed job, and the model must be loaded once per Python worker process.
Needs Java: ``scripts/setup_java.sh`` installs it; without it these tests are
skipped with a note, except under CI=true, where a missing Java fails.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from dunning_nlp.batch import COLUMNS, classify_messages
from dunning_nlp.io import read_inputs
from dunning_nlp.labels import LABELS

from cli_runner import run_cli as _run  # the one CLI runner (tests/cli_runner.py)
from conftest import DATA, ROOT

pyspark = pytest.importorskip("pyspark", reason="pip install 'dunning-nlp[spark]' to run the Spark tests")
pytestmark = pytest.mark.slow  # a JVM starts: seconds per test

SAMPLES = DATA / "samples"
SCORES = ("score", *(f"score_{lab}" for lab in LABELS))
BATCH_ROWS = 64  # Arrow batch size in these tests: many batches per task, to show the model is loaded once
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %c{1}: %m%n
"""


def _java_or_skip() -> None:
    """Skip without Java, with a note; under CI a missing Java is a failure (setup_java.sh should have run)."""
    if shutil.which("java"):
        return
    message = "no java on PATH: run scripts/setup_java.sh (Debian: apt-get install default-jre-headless)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """One quiet local[2] SparkSession for this module, with small memory settings; stopped afterwards."""
    _java_or_skip()
    from pyspark.sql import SparkSession

    log4j = tmp_path_factory.mktemp("spark") / "log4j2.properties"
    log4j.write_text(_LOG4J, encoding="utf-8")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers import dunning_nlp from this venv
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    session = (SparkSession.builder.master("local[2]").appName("dunning-nlp-tests")
               .config("spark.driver.memory", "1g")
               .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log4j}")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(BATCH_ROWS))
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _text_frame(spark, messages, partitions: int = 3):
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    schema = StructType([StructField("source", StringType()), StructField("record", LongType()),
                         StructField("text", StringType())])
    rows = [(m.source, m.record, m.text) for m in messages]
    return spark.createDataFrame(rows, schema).repartition(partitions)


def _assert_same_prediction(spark_row: dict, batch_row: dict, where: str) -> None:
    assert (spark_row["label"] or "") == batch_row["label"], where
    for column in SCORES:
        if batch_row[column] == "":
            assert spark_row[column] is None, where
        else:
            assert abs(spark_row[column] - float(batch_row[column])) <= 1e-9, (where, column)
    from dunning_nlp.spark.dataframe import PREDICTION_COLUMNS

    for column in set(PREDICTION_COLUMNS) - set(SCORES) - {"label", "error"}:  # secondary, evidence, ...
        assert spark_row[column] == batch_row[column], (where, column)


def test_library_equals_batch_on_every_sample_dump(spark):
    """Every record of every sample (XML, sms.db, mmssms.db, CSV in 3 encodings, TSV, JSONL, text)."""
    from dunning_nlp.spark.dataframe import classify_dataframe

    messages = [m for m in read_inputs([str(SAMPLES)]) if not m.error]
    assert len(messages) > 200
    expected = {(r["source"], r["record"]): r for r in (row.cells() for row in classify_messages(copy.deepcopy(messages)))}
    got = [row.asDict() for row in classify_dataframe(_text_frame(spark, messages)).collect()]
    assert len(got) == len(messages) == len(expected)
    assert {(r["source"], r["record"]) for r in got} == set(expected)
    for row in got:
        want = expected[(row["source"], row["record"])]
        _assert_same_prediction(row, want, f"{row['source']}:{row['record']}")
        # batch's error column also carries reader notes (a guessed encoding); the DataFrame has no reader
        assert row["error"] == ("empty message body" if not want["label"] else None)
    assert {r["label"] for r in got} == set(LABELS)


def test_malformed_rows_give_error_rows_not_a_failed_job(spark):
    from dunning_nlp.spark.dataframe import classify_dataframe
    from pyspark.sql.types import BinaryType, LongType, StringType, StructField, StructType

    huge = "您的借款已逾期3天，请登录APP还款。" + "逾期" * 1_000_000
    texts = [("ok", "您的借款已逾期3天，请登录APP还款"), ("null", None), ("empty", "   "), ("huge", huge),
             ("nul", "你好\x00呀")]
    df = spark.createDataFrame(texts, "id string, text string")
    rows = {r["id"]: r for r in classify_dataframe(df).collect()}
    assert len(rows) == len(texts)
    assert rows["ok"]["label"] == "reminder" and rows["ok"]["error"] is None
    assert rows["null"]["label"] is None and rows["null"]["error"] == "text is null"
    assert rows["null"]["score"] is None
    assert rows["empty"]["error"] == "empty message body" and rows["empty"]["label"] is None
    assert rows["huge"]["label"] == "reminder" and rows["huge"]["error"] is None  # its start is classified, as in batch
    assert len(rows["huge"]["text"]) == len(huge)  # and the text is kept whole
    assert rows["nul"]["label"]

    raw = spark.createDataFrame([(1, "您已逾期".encode()), (2, b"\xff\xfe\x00bad"), (3, None)],
                                StructType([StructField("id", LongType()), StructField("text", BinaryType())]))
    by_id = {r["id"]: r for r in classify_dataframe(raw).collect()}
    assert by_id[1]["label"] and by_id[1]["error"] is None
    assert by_id[2]["label"] is None and by_id[2]["error"].startswith("text bytes are not UTF-8")
    assert by_id[3]["error"] == "text is null"

    numbers = spark.createDataFrame([(7,), (None,)], StructType([StructField("text", LongType())]))
    assert [r["error"] for r in classify_dataframe(numbers).collect()] == ["text is int, not a string", "text is null"]
    strings = spark.createDataFrame([("x",)], StructType([StructField("body", StringType())]))
    with pytest.raises(ValueError, match="no column 'text'"):
        classify_dataframe(strings)


def test_one_text_that_breaks_the_classifier_costs_one_row(monkeypatch, classifier):
    """The per-batch fallback: a text the classifier raises on gets an error row; the others keep their labels."""
    from dunning_nlp.io import Message
    from dunning_nlp.spark.dataframe import classify_texts

    real = type(classifier).predict

    def fragile(self, texts, **kwargs):
        if any("BOOM" in t for t in texts):
            raise RuntimeError("cannot classify this")
        return real(self, texts, **kwargs)

    monkeypatch.setattr(type(classifier), "predict", fragile)
    messages = [Message("", 1, text="您已逾期"), Message("", 2, text="BOOM"), Message("", 3, text="你好")]
    rows = classify_texts(classifier, messages)
    assert [r["record"] for r in rows] == [1, 2, 3]
    assert rows[0]["label"] and rows[2]["label"]
    assert rows[1]["label"] == "" and rows[1]["error"] == "classification failed: RuntimeError: cannot classify this"


def test_model_is_loaded_once_per_worker_process(spark):
    from dunning_nlp.spark.dataframe import classify_dataframe

    texts = [(i, f"第{i}条：您的借款已逾期{i % 30}天，请还款") for i in range(3000)]
    df = spark.createDataFrame(texts, "id long, text string").repartition(6)  # 6 tasks, ~8 Arrow batches each
    for _ in range(2):  # two jobs: the second reuses the workers' models
        assert classify_dataframe(df, check_model=False).filter("label is null").count() == 0

    def report(batches):
        import pandas as pd
        from dunning_nlp.spark.dataframe import loads_in_this_process

        for _ in batches:
            pass
        loads = loads_in_this_process()
        yield pd.DataFrame({"pid": [os.getpid()], "loads": [json.dumps(loads)]})

    seen = spark.range(0, 8, numPartitions=8).mapInPandas(report, "pid long, loads string").collect()
    per_pid = {r["pid"]: json.loads(r["loads"]) for r in seen}
    bundled = {pid: [l for l in loads if l[1] is None] for pid, loads in per_pid.items()}
    assert any(bundled.values()), "no worker process loaded the model?"
    assert all(len(loads) <= 1 for loads in bundled.values()), bundled  # never per batch, task or job
    assert sum(map(len, bundled.values())) <= 2  # local[2]: at most one per worker process


def test_model_shipped_like_files(spark, tmp_path):
    """A model given by the name of a file added with --files / addFile (not a path the executors have)."""
    from dunning_nlp.spark.dataframe import classify_dataframe

    models = ROOT / "models"
    for suffix in (".npz", ".json"):
        shutil.copy(models / f"default{suffix}", tmp_path / f"shipped_model{suffix}")
        spark.sparkContext.addFile(str(tmp_path / f"shipped_model{suffix}"))
    df = spark.createDataFrame([("您的借款已逾期3天，请登录APP还款",), ("你再不还钱就爆你通讯录",)], "text string")
    rows = classify_dataframe(df, model_path="shipped_model.npz").collect()
    assert [r["label"] for r in rows] == ["reminder", "harassment"]
    from dunning_nlp import ModelNotFoundError

    with pytest.raises(ModelNotFoundError):
        classify_dataframe(df, model_path=str(tmp_path / "missing.npz"))


def test_redaction_masks_text_and_evidence(spark):
    from dunning_nlp.spark.dataframe import classify_dataframe

    df = spark.createDataFrame([("你欠的钱再不还，我们就打13812345678找你家人",)], "text string")
    row = classify_dataframe(df, redacted=True).first()
    assert "13812345678" not in row["text"] and "13812345678" not in row["evidence"]
    assert row["label"]


def _parquet_rows(path) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(str(path)).to_pylist()


@pytest.mark.parametrize("names", [("messages.jsonl", "export_utf8.csv", "imazing.csv")])
def test_cli_equals_batch_on_sample_files(spark, tmp_path, names):
    """``dunning-nlp spark`` writes batch's rows, column for column, for the samples Spark can read."""
    inputs = [str(SAMPLES / n) for n in names]
    code, _, err = _run(["batch", *inputs, "-o", str(tmp_path / "batch.jsonl")])
    assert code == 0, err
    expected = [json.loads(line) for line in (tmp_path / "batch.jsonl").read_text(encoding="utf-8").splitlines()]
    code, _, err = _run(["spark", *inputs, "-o", str(tmp_path / "out"), "--master", "local[2]"])
    assert code == 0, err
    assert f"records read: {len(expected)}   rows written: {len(expected)}   errors: 0" in err
    got = {(Path(r["source"]).name, r["record"]): r for r in _parquet_rows(tmp_path / "out")}
    assert len(got) == len(expected)
    for want in expected:
        row = got[(Path(want["source"]).name, want["record"])]
        _assert_same_prediction(row, want, f"{want['source']}:{want['record']}")
        for column in ("sender", "timestamp", "direction", "text"):
            assert row[column] == want[column], (column, want)
        assert (row["error"] or "") == want["error"]
    assert list(_parquet_rows(tmp_path / "out")[0]) == list(COLUMNS)


def test_cli_keeps_every_record_of_a_broken_jsonl(spark, tmp_path):
    """A line that is not JSON, a null body, a number, a huge body: one row each, record numbers as batch's."""
    huge = "逾期" * 300_000
    lines = ['{"body": "您的借款已逾期3天，请还款", "address": "10086", "date": 1790819400000}',
             'not json at all {', '{"body": null, "address": "1"}', '{"body": 12345}', "",
             json.dumps({"body": huge}), '{"address": "2"}', '{"body": "你好", "date": "garbage"}']
    src = tmp_path / "broken.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = _run(["batch", str(src), "-o", str(tmp_path / "batch.jsonl")])
    assert code == 0, err
    expected = [json.loads(line) for line in (tmp_path / "batch.jsonl").read_text(encoding="utf-8").splitlines()]
    code, _, err = _run(["spark", str(src), "-o", str(tmp_path / "out")])
    assert code == 0, err
    rows = sorted(_parquet_rows(tmp_path / "out"), key=lambda r: r["record"])
    assert [r["record"] for r in rows] == [r["record"] for r in expected] == list(range(1, 8))
    assert [bool(r["label"]) for r in rows] == [bool(r["label"]) for r in expected]
    assert rows[1]["error"].startswith("record 2: not valid JSON")
    assert rows[2]["error"] == rows[5]["error"] == "empty message body"
    assert rows[3]["text"] == "12345" and rows[3]["label"]
    assert len(rows[4]["text"]) == len(huge) and rows[4]["label"]
    assert rows[6]["timestamp"] == "" and "not understood" in rows[6]["error"]
    assert "errors: 3" in err


def test_cli_reads_parquet_and_refuses_what_it_cannot(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"号码": ["10086", "1", None], "内容": ["您的借款已逾期3天，请还款", None, "你好"],
                      "时间": ["2026-10-02 09:48:00", "2026-10-02T15:30:00Z", None]})
    (tmp_path / "in").mkdir()
    pq.write_table(table, tmp_path / "in" / "part-0.parquet")
    code, _, err = _run(["spark", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert code == 0, err
    rows = sorted(_parquet_rows(tmp_path / "out"), key=lambda r: r["record"])
    assert [r["record"] for r in rows] == [1, 2, 3]
    assert rows[0]["label"] == "reminder" and rows[0]["sender"] == "10086"
    assert rows[0]["timestamp"] == "2026-10-02T09:48:00+08:00"
    assert rows[1]["error"] == "empty message body" and rows[1]["timestamp"] == "2026-10-02T23:30:00+08:00"

    code, _, err = _run(["spark", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert code == 2 and "already exists" in err and err.count("\n") == 1
    code, _, err = _run(["spark", str(tmp_path / "in"), "-o", str(tmp_path / "o2"), "--text-column", "nope"])
    assert code == 2 and "no column named 'nope'" in err and err.count("\n") == 1
    (tmp_path / "weird.bin").write_bytes(b"x")
    code, _, err = _run(["spark", str(tmp_path / "weird.bin"), "-o", str(tmp_path / "o3")])
    assert code == 2 and "--input-format" in err and err.count("\n") == 1


def test_cli_record_numbers_are_exact_when_a_file_is_split(spark, tmp_path):
    """A file read as many splits (small maxPartitionBytes): record N is still line N, as in batch."""
    src = tmp_path / "many.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(1, 3001):
            fh.write(json.dumps({"body": f"第{i}条：您的借款已逾期，请还款", "address": str(i)}, ensure_ascii=False) + "\n")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "16k")  # about 13 splits of this 200 KB file
    try:
        code, _, err = _run(["spark", str(src), "-o", str(tmp_path / "out")])
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert code == 0, err
    rows = _parquet_rows(tmp_path / "out")
    assert len({r["record"] for r in rows}) == len(rows) == 3000
    assert all(r["sender"] == str(r["record"]) and r["text"].startswith(f"第{r['record']}条") for r in rows)
    assert "records read: 3000   rows written: 3000" in err


def test_cli_missing_input_is_one_line(spark, tmp_path):
    code, _, err = _run(["spark", str(tmp_path / "nowhere.jsonl"), "-o", str(tmp_path / "out")])
    assert code == 2 and "cannot read the input" in err and err.count("\n") == 1
