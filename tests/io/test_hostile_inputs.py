"""Issue 23: hostile and odd inputs, round three — nothing lost, nothing overwritten, nothing left behind.

One test (or a few) per item of the issue, each on a fixture built here in the shape that was reported: a
CSV with one stray quote among 20,000 rows, an ``mmssms.db`` whose ``pdu`` is a recursive view, a phone's
header-less export with a BOM and a tab before the number, an XML backup declaring GBK, and so on.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from dunning_nlp.io import read_inputs, read_messages

from cli_runner import run_cli as run  # the one CLI runner (tests/cli_runner.py)
from conftest import ROOT

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def jsonl_rows(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def summary(err: str) -> tuple[int, int, int]:
    found = re.search(r"records read: (\d+)\s+rows written: (\d+)\s+errors: (\d+)", err)
    assert found, err
    return tuple(int(x) for x in found.groups())


def dead_pid() -> int:
    """A process id no process has now."""
    for pid in range(4_194_000, 4_000_000, -1):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            continue
    pytest.skip("no free process id found")


# ----------------------------------------------------------------- 1. -o never replaces a device or an input
def test_output_over_a_fifo_is_refused_and_the_fifo_kept(tmp_path):
    (tmp_path / "in.txt").write_text("你好\n", encoding="utf-8")
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    code, out, err = run(["batch", str(tmp_path / "in.txt"), "-o", str(fifo)])
    assert code == 2 and "FIFO" in err and "not a regular file" in err and err.count("\n") == 1
    assert fifo.is_fifo() and out == ""


@pytest.mark.parametrize("spelling", ["same", "dot", "hardlink"])
def test_output_that_is_an_input_is_refused_and_the_evidence_kept(tmp_path, spelling):
    db = tmp_path / "sms.db"
    con = sqlite3.connect(db)
    con.executescript("CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text, date, is_from_me, handle_id);"
                      "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id);"
                      "INSERT INTO message VALUES (1, '您已逾期', 0, 0, 0);")
    con.commit()
    con.close()
    before = db.read_bytes()
    target = {"same": str(db), "dot": os.path.join(str(tmp_path), ".", "sms.db"),
              "hardlink": str(tmp_path / "copy.db")}[spelling]
    if spelling == "hardlink":
        os.link(db, target)
    code, _, err = run(["batch", str(db), "-o", target])
    assert code == 2 and "is also an input" in err and "Traceback" not in err
    assert db.read_bytes() == before


def test_report_over_its_own_input_is_refused(tmp_path):
    backup = tmp_path / "b.xml"
    backup.write_text('<smses><sms address="10086" date="1700000000000" type="1" body="请还款"/></smses>',
                      encoding="utf-8")
    before = backup.read_bytes()
    code, _, err = run(["report", str(backup), "-o", str(backup), "--report-format", "html"])
    assert code == 2 and "is also an input" in err and backup.read_bytes() == before


# ----------------------------------------------------------------- 2. one odd record never aborts the run
def _batch_jsonl(path, *extra) -> tuple[int, list[dict], str]:
    code, out, err = run(["batch", str(path), "--output-format", "jsonl", *extra])
    return code, jsonl_rows(out), err


def test_xml_superscript_and_401_digit_dates(tmp_path):
    path = tmp_path / "sms-odd.xml"
    path.write_text('<smses><sms address="10086" date="²" type="1" body="一"/>'
                    f'<sms address="10086" date="{"9" * 401}" type="1" body="二"/>'
                    '<sms address="10086" date="1700000000000" type="²" body="三"/></smses>', encoding="utf-8")
    code, rows, err = _batch_jsonl(path)
    assert code == 0, err
    assert [r["text"] for r in rows] == ["一", "二", "三"] and all(r["label"] for r in rows)
    assert "not a number" in rows[0]["error"] and "out of range" in rows[1]["error"]
    assert rows[2]["timestamp"] == "2023-11-15T06:13:20+08:00" and rows[2]["direction"] == "²"


@pytest.mark.parametrize("encoding, body", [("GBK", "请还款，谢谢"), ("Big5", "請還款，謝謝"), ("GB2312", "请还款")])
def test_xml_declaring_a_chinese_encoding(tmp_path, encoding, body):
    path = tmp_path / "sms.xml"
    xml = (f'<?xml version="1.0" encoding="{encoding}" standalone="yes"?>\n<smses count="2">'
           f'<sms address="10086" date="1700000000000" type="1" body="{body}" />'
           f'<sms address="10010" date="1700000060000" type="2" body="好" /></smses>')
    path.write_bytes(xml.encode(encoding))
    messages = list(read_messages(str(path)))
    assert [(m.text, m.error) for m in messages] == [(body, ""), ("好", "")]


def test_jsonl_lone_surrogates_reach_csv_and_jsonl_output(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"body": "请还款 \\ud83d", "sender": "\\udc00138"}\n{"body": "好"}\n', encoding="utf-8")
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"o.{fmt}"
        code, _, err = run(["batch", str(path), "-o", str(out)])
        assert code == 0 and summary(err)[:2] == (2, 2), err
    rows = csv_rows(tmp_path / "o.csv")
    assert rows[0]["text"] == "请还款 \ufffd" and rows[0]["sender"] == "\ufffd138" and rows[1]["text"] == "好"


@pytest.mark.parametrize("name, content", [
    ("deep.jsonl", "[" * 100_000 + "]" * 100_000 + '\n{"body": "之后"}\n'),
    ("bignum.jsonl", '{"body": "x", "n": ' + "9" * 5000 + '}\n{"body": "之后"}\n'),
    ("deep.json", '[{"body": "之前"}, ' + "[" * 100_000 + "]" * 100_000 + ', {"body": "之后"}]'),
    ("bignum.json", '[{"body": "之前"}, {"n": ' + "9" * 5000 + '}, {"body": "之后"}]'),
])
def test_json_too_deep_or_too_long_costs_one_record(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    messages = list(read_messages(str(path)))
    assert [m.record for m in messages] == list(range(1, len(messages) + 1))
    assert messages[-1].text == "之后" and not messages[-1].error
    bad = [m for m in messages if m.error]
    assert len(bad) == 1 and not bad[0].text


def test_file_name_that_is_not_utf8_in_a_directory(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    (Path(os.fsdecode(bytes(folder) + b"/\xff\xfe-\xb2\xe2\xca\xd4.txt"))).write_text("你好\n", encoding="utf-8")
    (folder / "ok.txt").write_text("再见\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    code, _, err = run(["batch", str(folder), "-o", str(out)])
    assert code == 0, err
    rows = csv_rows(out)
    assert sorted(r["text"] for r in rows) == ["你好", "再见"] and all(r["label"] for r in rows)
    assert any("\ufffd" in r["source"] for r in rows)


def _odd_mmssms(path):
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE sms (_id INTEGER PRIMARY KEY, address, date, type, body);
        INSERT INTO sms VALUES (1, 10086, 1700000000000, 1, 12345);
        INSERT INTO sms VALUES (2, X'3133383132333435363738', '²', '²', X'e8afb7e8bf98e6acbe');
        INSERT INTO sms VALUES (3, '95588', 1700000000000, 1, X'ff');
        INSERT INTO sms VALUES (4, '10010', 1700000000000, '1', '正常的短信');
    """)
    con.commit()
    con.close()


def test_sqlite_integer_and_blob_cells_with_redact(tmp_path):
    path = tmp_path / "mmssms.db"
    _odd_mmssms(path)
    code, rows, err = _batch_jsonl(path, "--redact")
    assert code == 0, err
    assert [r["text"] for r in rows] == ["12345", "请还款", "\ufffd", "正常的短信"]
    assert rows[1]["sender"] == "138****5678" and rows[1]["direction"] == "²" and "not a number" in rows[1]["error"]
    assert rows[0]["sender"] == "10086" and all(r["label"] for r in rows)


# ----------------------------------------------------------------- 3. a crafted mmssms.db never hangs
@pytest.mark.parametrize("view", ["pdu", "part"])
def test_recursive_view_in_mmssms_is_not_read(tmp_path, view):
    path = tmp_path / "mmssms.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE sms (_id INTEGER PRIMARY KEY, address, date, type, body)")
    con.execute("INSERT INTO sms VALUES (1, '10086', 1700000000000, 1, '话费余额不足')")
    loop = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c)"
    if view == "pdu":
        con.execute(f"CREATE VIEW pdu AS {loop} SELECT n AS _id, n AS date, 1 AS msg_box, 132 AS m_type FROM c")
    else:
        con.execute("CREATE TABLE pdu (_id INTEGER PRIMARY KEY, date, msg_box, m_type)")
        con.execute("INSERT INTO pdu VALUES (1, 1700000100, 1, 132)")
        con.execute(f"CREATE VIEW part AS {loop} SELECT n AS mid, 'text/plain' AS ct, 'x' AS text, n AS seq FROM c")
    con.commit()
    con.close()
    start = time.monotonic()
    messages = list(read_messages(str(path)))
    assert time.monotonic() - start < 10
    assert messages[0].text == "话费余额不足"
    assert f"{view} is a view" in messages[-1].error and [m.record for m in messages] == list(
        range(1, len(messages) + 1))


def test_a_query_that_produces_nothing_is_stopped(tmp_path, monkeypatch):
    from dunning_nlp.io import sqlite as reader

    path = tmp_path / "x.db"
    sqlite3.connect(path).close()
    monkeypatch.setattr(reader, "STALL_SECONDS", 0.2)
    con = reader._open_uri(str(path), reader._uri(str(path), "mode=ro&immutable=1"))
    start = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="interrupt"):
        con.execute("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c").fetchall()
    assert time.monotonic() - start < 5
    con.close()


def test_a_crafted_huge_cell_costs_its_row_not_the_memory(tmp_path, monkeypatch):
    from dunning_nlp.io import sqlite as reader

    monkeypatch.setattr(reader, "MAX_VALUE", 10_000)
    path = tmp_path / "mmssms.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE sms (_id INTEGER PRIMARY KEY, address, date, type, body)")
    con.executemany("INSERT INTO sms VALUES (?, '10086', 1700000000000, 1, ?)",
                    [(1, "之前"), (2, "长" * 50_000), (3, "之后")])
    con.commit()
    con.close()
    messages = list(read_messages(str(path)))
    assert [m.text for m in messages] == ["之前", "", "之后"]
    assert "longer than 10,000 bytes" in messages[1].error


# ----------------------------------------------------------------- 4. --redact leaves no number anywhere
def test_redact_covers_errors_file_names_and_every_digit_form(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "Messages - +86 138 1234 5678.jsonl").write_text(
        '{"body": "电话 𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖 或 ¹³⁸¹²³⁴⁵⁶⁷⁸"}\n{"body": "①③⑨①②③④⑤⑥⑦⑧ 或 138\\u200b1234\\u200b5678"}\n'
        "not json 13912345678\n", encoding="utf-8")
    (folder / "noheader.csv").write_text("13712345678,2024-03-01\n13812345678,2024-03-02\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    code, _, err = run(["batch", str(folder), "--redact", "-o", str(out)])
    assert code == 0, err
    rows = jsonl_rows(out.read_text(encoding="utf-8"))
    assert len(rows) == 4 and any(r["error"] for r in rows)
    from dunning_nlp.text.normalize import normalize_text

    for r in rows:
        for column in ("source", "text", "sender", "error", "evidence"):
            as_read = normalize_text(str(r[column]), traditional=False, deobfuscate=False, placeholders=False)
            assert not PHONE.search(as_read.replace(" ", "")), (column, r[column])


def test_redacted_error_column_in_spark_rows(classifier):
    from dunning_nlp.io import Message
    from dunning_nlp.spark.dataframe import classify_texts

    [row] = classify_texts(classifier, [Message("", 1, error="record 1: not valid JSON ('13812345678,x')")], True)
    assert "138****5678" in row["error"] and not PHONE.search(row["error"])


# ----------------------------------------------------------------- 5. CSV formula injection
def test_formula_cells_are_escaped_in_csv_only(tmp_path):
    path = tmp_path / "m.jsonl"
    bodies = ["=HYPERLINK(\"http://x.cn\",\"点我还款\")", "+86 请还款", "-您的借款今天到期，请还款", "@SUM(1)",
              "\t逾期", "正常的短信"]
    path.write_text("".join(json.dumps({"body": b, "address": "+8613800000000"}, ensure_ascii=False) + "\n"
                            for b in bodies), encoding="utf-8")
    assert run(["batch", str(path), "-o", str(tmp_path / "o.csv")])[0] == 0
    assert run(["batch", str(path), "-o", str(tmp_path / "o.jsonl")])[0] == 0
    as_csv, as_jsonl = csv_rows(tmp_path / "o.csv"), jsonl_rows((tmp_path / "o.jsonl").read_text(encoding="utf-8"))
    assert [r["text"] for r in as_jsonl] == bodies  # JSON Lines as is
    assert [r["text"] for r in as_csv] == ["'" + b for b in bodies[:5]] + [bodies[5]]
    assert {r["sender"] for r in as_csv} == {"'+8613800000000"}
    assert [r["label"] for r in as_csv] == [r["label"] for r in as_jsonl]  # the classifier read the same text
    assert [r["score"] for r in as_csv] == [str(r["score"]) for r in as_jsonl]


# ----------------------------------------------------------------- 6. records silently lost
def test_stray_quote_among_20000_csv_rows_loses_nothing(tmp_path):
    lines = ["时间,号码,内容"]
    for i in range(20_000):
        body = f"第{i}条，请还款" if i % 7 else f'"引号里的,逗号 {i}"'
        if i == 5_000:
            body = '"忘了关的引号 ' + body
        lines.append(f"2024-03-01 10:{i % 60:02d}:00,1380000{i:04d},{body}")
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = list(read_messages(str(path)))
    assert len(messages) == 20_000 and not any(m.error for m in messages)
    assert messages[5_000].text.endswith("第5000条，请还款") and "never closed" in messages[5_000].note
    assert messages[5_001].text == "第5001条，请还款" and messages[7].text == "引号里的,逗号 7"
    assert sum(bool(m.note) for m in messages) == 1


def test_quoted_multiline_bodies_are_still_one_record(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('时间,号码,内容\n2024-03-01 10:00,10086,"第一行\n第二行, 还有逗号"\n2024-03-01 11:00,10010,好\n',
                    encoding="utf-8")
    assert [m.text for m in read_messages(str(path))] == ["第一行\n第二行, 还有逗号", "好"]


def test_one_damaged_page_costs_only_its_rows(tmp_path):
    path = tmp_path / "mmssms.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size = 4096")
    con.execute("CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, type INTEGER, body TEXT)")
    con.executemany("INSERT INTO sms VALUES (?, '10086', ?, 1, ?)",
                    [(i, 1700000000000 + i, f"第{i}条：您的账单已出，请按时还款。" * 2) for i in range(1, 3001)])
    con.commit()
    con.close()
    data = bytearray(path.read_bytes())
    page = len(data) // 4096 * 2 // 3
    data[page * 4096:(page + 1) * 4096] = random.Random(1).randbytes(4096)
    path.write_bytes(bytes(data))
    messages = list(read_messages(str(path)))
    read = [m for m in messages if not m.error]
    assert len(read) >= 2_900 and read[-1].text.startswith("第3000条")
    assert [m.record for m in messages] == list(range(1, len(messages) + 1))
    gaps = [m for m in messages if m.error]
    assert len(gaps) == 1 and "cannot be read" in gaps[0].error


@pytest.mark.parametrize("damage", [b"&#1;", b"\xff\xfe", b"\x01", b"AT&T"])
def test_bad_byte_or_forbidden_reference_does_not_end_the_xml(tmp_path, damage):
    path = tmp_path / "sms.xml"
    path.write_bytes(b'<smses><sms address="1" date="1700000000000" type="1" body="a' + damage + b'b"/>'
                     b'<sms address="2" date="1700000000000" type="1" body="after"/></smses>')
    messages = list(read_messages(str(path)))
    assert [m.text for m in messages][1:] == ["after"] and not any(m.error for m in messages)
    assert messages[0].text.startswith("a") and messages[0].text.endswith("b")


# ----------------------------------------------------------------- 7. XML memory stays flat
_PEAK = """
import json, resource, sys
from dunning_nlp.io import read_messages
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
messages = list(read_messages(sys.argv[1]))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps([len(messages), messages[-1].text, messages[-1].error, (after - before) // 1024]))
"""


@pytest.mark.parametrize("shape", ["siblings", "nested"])
def test_xml_memory_does_not_grow_with_other_elements(tmp_path, shape):
    path = tmp_path / "big.xml"
    first = '<sms address="1" date="1700000000000" type="1" body="first"/>'
    last = '<sms address="1" date="1700000000000" type="1" body="last"/>'
    filler = "<x/>" * 1_000_000 if shape == "siblings" else "<x>" * 300_000 + "</x>" * 300_000
    path.write_text(f"<smses>{first}{filler}{last}</smses>", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _PEAK, str(path)], capture_output=True, text=True, cwd=str(ROOT),
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, timeout=120)
    assert done.returncode == 0, done.stderr
    count, text, error, grown_mb = json.loads(done.stdout)
    assert grown_mb < 20, done.stdout  # 4 MB of elements; the tree it used to build took 45 to 85 MB
    if shape == "siblings":
        assert (count, text, error) == (2, "last", "")
    else:
        assert count == 2 and "nested deeper than" in error  # past MAX_DEPTH: said in an error record


# ----------------------------------------------------------------- 8. header-less exports from phones
def _phone_export(path):
    rows = [("sms", "deliver", "\t+8613812345678", "张三", "", "2013. 2.17 23:53", "430",
             "您好，您的借款已逾期3天，请尽快还款"),
            ("sms", "deliver", "\t+8613912345678", "李四", "", "2013. 2.18 9:05", "431", "明天下午三点见"),
            ("sms", "submit", "\t+8613712345678", "王五", "", "2013. 2.19 10:15", "432", "好的，收到，谢谢")]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8"))


@pytest.mark.parametrize("options", [{}, {"text_column": "7"}])
def test_headerless_phone_export_columns_are_inferred(tmp_path, options):
    path = tmp_path / "sms.csv"
    _phone_export(path)
    messages = list(read_messages(str(path), **options))
    assert [m.text for m in messages] == ["您好，您的借款已逾期3天，请尽快还款", "明天下午三点见", "好的，收到，谢谢"]
    assert [m.sender for m in messages] == ["+8613812345678", "+8613912345678", "+8613712345678"]
    assert [m.timestamp for m in messages] == ["2013-02-17T23:53:00+08:00", "2013-02-18T09:05:00+08:00",
                                               "2013-02-19T10:15:00+08:00"]
    assert [m.direction for m in messages] == ["received", "received", "sent"]
    assert not any(m.error or m.note for m in messages)


def test_headerless_cp1252_export_with_multiline_bodies(tmp_path):
    rows = [(f"+1555123{i:04d}", f"2013-02-{1 + i % 28:02d} 23:53:00",
             f"Message {i}: your loan is overdue.\nPay today, or we call your family." if i % 3 == 0 else f"Café {i}")
            for i in range(300)]
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "export.csv"
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    messages = list(read_messages(str(path)))
    assert len(messages) == 300 and [m.text for m in messages] == [r[2] for r in rows]
    assert messages[3].sender == "+15551230003" and messages[3].timestamp == "2013-02-04T23:53:00+08:00"


def test_first_message_is_never_a_header(tmp_path):
    path = tmp_path / "noheader.csv"
    path.write_text("10086,短信,2024-03-01 10:00:00\n10010,您已逾期请还款,2024-03-01 11:00:00\n", encoding="utf-8")
    assert [m.text for m in read_messages(str(path))] == ["短信", "您已逾期请还款"]


# ----------------------------------------------------------------- 9. training never replaces a model by accident
def test_training_refuses_to_replace_a_model_before_training(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    for suffix in (".npz", ".joblib", ".json"):
        (models / f"default{suffix}").write_text("shipped", encoding="utf-8")
    start = time.monotonic()
    code, _, err = run(["train", "-o", str(models)])
    assert code == 2 and "--force" in err and "default.npz exists" in err
    assert time.monotonic() - start < 30  # refused before minutes of training
    assert all((models / f"default{s}").read_text(encoding="utf-8") == "shipped" for s in (".npz", ".joblib", ".json"))


@pytest.mark.slow
def test_training_writes_a_new_directory_and_records_extra_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine.csv"
    mine.write_text("text,label\n您已逾期三天，请今日还款,reminder\n再不还钱就上门找你,harassment\n你好，明天见,other\n",
                    encoding="utf-8")
    code, out, err = run(["train", "--family", "complement_nb", "--limit-per-label", "12", "--folds", "3",
                          "--extra", str(mine)])
    assert code == 0, err
    assert "added 3 labelled rows of your own" in err
    [made] = list((tmp_path / "models").iterdir())
    assert made.name.startswith("trained-") and (made / "default.npz").is_file()
    manifest = json.loads((made / "default.json").read_text(encoding="utf-8"))
    import hashlib

    assert manifest["extra_data"] == [{"file": str(mine), "sha256": hashlib.sha256(mine.read_bytes()).hexdigest(),
                                       "rows": 3}]
    code, _, err = run(["train", "--family", "complement_nb", "--limit-per-label", "12", "--folds", "3",
                        "-o", str(made), "--force"])
    assert code == 0, err
    code, out, err = run(["evaluate", "--model", str(made), "--data", str(mine)])  # 18: no split column
    assert code == 0 and "evaluating on all 3 records" in err and "macro-F1" in out


# ----------------------------------------------------------------- 10. writing fails: one line
def test_output_directory_is_one_line_exit_2(tmp_path):
    (tmp_path / "in.txt").write_text("你好\n", encoding="utf-8")
    code, _, err = run(["batch", str(tmp_path / "in.txt"), "-o", str(tmp_path)])
    assert code == 2 and "is a directory" in err and err.count("\n") == 1


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_full_disk_on_stdout_is_one_line(tmp_path):
    (tmp_path / "in.txt").write_text("你好\n" * 2000, encoding="utf-8")
    full = open("/dev/full", "w", encoding="utf-8")
    try:
        code, _, err = run(["batch", str(tmp_path / "in.txt")], stdout=full)
    finally:
        with contextlib.suppress(OSError):  # what the failed run left in the buffer cannot be written either
            full.close()
    assert code == 1 and "No space left on device" in err and "Traceback" not in err and err.count("\n") == 1


# ----------------------------------------------------------------- 11. nothing left behind
def test_sigterm_removes_the_stdin_spool(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    child = subprocess.Popen([sys.executable, "-m", "dunning_nlp", "batch", "-", "-o", str(tmp_path / "o.csv")],
                             stdin=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=str(ROOT),
                             env={**os.environ, "TMPDIR": str(scratch),
                                  "PYTHONPATH": os.pathsep.join(sys.path)})
    child.stdin.write(b"x" * 5_000_000)
    child.stdin.flush()
    deadline = time.monotonic() + 30
    while not any(p.name == "stdin" for p in scratch.rglob("*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        child.kill()
        child.wait()
        child.stdin.close()
    assert [p for p in scratch.rglob("*") if p.is_file()] == [] and not (tmp_path / "o.csv").exists()


def test_sigterm_while_writing_removes_the_partial_output(tmp_path):
    source = tmp_path / "big.txt"
    source.write_text("".join(f"第{i}条：您的借款已逾期，请今日还款\n" for i in range(200_000)), encoding="utf-8")
    out = tmp_path / "o.csv"
    child = subprocess.Popen([sys.executable, "-m", "dunning_nlp", "batch", str(source), "-o", str(out)],
                             stderr=subprocess.DEVNULL, cwd=str(ROOT),
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".o.csv.*.part")) and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert list(tmp_path.glob(".o.csv.*.part")), "the run ended before its output was being written"
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 128 + signal.SIGTERM
    assert not list(tmp_path.glob(".o.csv.*")) and not out.exists()


def test_what_a_killed_run_left_is_swept_by_the_next(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    pid = dead_pid()
    stale = scratch / f"dunning-nlp-{os.geteuid()}" / f"{pid}-stdin-abcdef"
    stale.mkdir(parents=True, mode=0o700)
    os.chmod(stale.parent, 0o700)
    (stale / "stdin").write_bytes(b"x" * 1000)
    out = tmp_path / "o.csv"
    part = tmp_path / f".o.csv.{pid}-0123456789ab.part"
    part.write_text("half a result", encoding="utf-8")
    code, _, err = run(["batch", "-", "-o", str(out)], stdin="你好\n")
    assert code == 0, err
    assert not stale.exists() and not part.exists() and len(csv_rows(out)) == 1


def test_stdin_spool_is_bounded(monkeypatch):
    from dunning_nlp.io import stdin as spool

    monkeypatch.setattr(spool, "STDIN_LIMIT", 1000)
    [message] = list(read_messages("-", stdin=io.BytesIO(b"x" * 5000), strict=False))
    assert "more than" in message.error and "standard input" in message.error


# ----------------------------------------------------------------- 12. long CSV bodies
def test_csv_body_longer_than_the_csv_module_default(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("号码,内容\n10086," + "逾期请还款" * 40_000 + "\n10010,短的\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    code, _, err = run(["batch", str(path), "-o", str(out)])
    rows = jsonl_rows(out.read_text(encoding="utf-8"))
    assert code == 0 and len(rows[0]["text"]) == 200_000 and rows[0]["label"] and not rows[0]["error"]


# ----------------------------------------------------------------- 14. a second run does not read its own output
def test_output_inside_the_input_directory_is_not_read_again(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "a.csv").write_text("号码,内容\n10086,您已逾期\n10010,你好\n", encoding="utf-8")
    counts = []
    for _ in range(3):
        code, _, err = run(["batch", str(exports), "-o", str(exports / "results.csv")])
        assert code == 0, err
        counts.append(len(csv_rows(exports / "results.csv")))
    assert counts == [2, 2, 2]


# ----------------------------------------------------------------- 15. Traditional headers, BOM-less UTF-16
def test_traditional_headers(tmp_path):
    path = tmp_path / "tw.csv"
    path.write_text("時間,號碼,內容\n2024-03-01 10:00:00,0912345678,您的帳單已逾期，請還款\n", encoding="utf-8")
    [message] = list(read_messages(str(path)))
    assert (message.text, message.sender, message.timestamp, message.error) == (
        "您的帳單已逾期，請還款", "0912345678", "2024-03-01T10:00:00+08:00", "")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_chinese(tmp_path, codec):
    path = tmp_path / "export.csv"
    path.write_bytes(("时间,号码,内容\n2024-03-01 10:00:00,10086,您的账单已逾期，请还款\n"
                      "2024-03-02 10:00:00,10010,明天见\n").encode(codec))
    assert [(m.text, m.sender, m.error) for m in read_messages(str(path))] == [
        ("您的账单已逾期，请还款", "10086", ""), ("明天见", "10010", "")]


# ----------------------------------------------------------------- 17. command-line edges
def test_bad_prior_prints_nothing_on_stdout(tmp_path):
    (tmp_path / "in.txt").write_text("你好\n", encoding="utf-8")
    code, out, err = run(["batch", str(tmp_path / "in.txt"), "--prior", "1.5"])
    assert code == 2 and out == "" and "between 0 and 1" in err


def test_fifo_in_a_directory_gets_a_row(tmp_path):
    (tmp_path / "a.txt").write_text("你好\n", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.csv")
    messages = list(read_inputs([str(tmp_path)]))
    assert [(Path(m.source).name, bool(m.error)) for m in messages] == [("a.txt", False), ("pipe.csv", True)]
    assert "FIFO" in messages[1].error
