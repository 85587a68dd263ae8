"""The invariant every reader keeps, on random and mutated bytes (issue 23).

For each format (Android XML, SQLite pages of ``mmssms.db`` and ``sms.db``, CSV, TSV, JSON Lines, JSON
arrays, text), a valid file built here is mutated — bytes replaced, inserted, deleted, the file cut — and
read.  Whatever the bytes: the read finishes and raises nothing (``strict=False``), the records are numbered
1..n with no gap (every record counted is one row), every field can be written as UTF-8, and the input is
left as it was with nothing created beside it.  A directory holding one mutated file still gives every other
file's rows, and ``batch`` writes one row per record read.

Hypothesis replays the same cases every run (a fixed seed per test, no example database); the numbers of
cases are bounded so the file runs in well under a minute on two cores.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zlib
from pathlib import Path

from dunning_nlp.cli.app import main
from dunning_nlp.io import read_inputs, read_messages
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

CASES = 100  # mutated files per format (each read takes a few milliseconds)
FAST = settings(max_examples=CASES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# ----------------------------------------------------------------- valid files, as the real tools write them
def _xml() -> bytes:
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore-->\n"
            '<smses count="4">\n'
            '  <sms protocol="0" address="10086" date="1700000000000" type="1" '
            'body="您的账单已逾期，请还款 &#55357;&#56832;" '
            'read="1" status="-1" contact_name="(Unknown)" />\n'
            '  <sms protocol="0" address="+86 138 1234 5678" date="1700000060000" type="2" body="好的" />\n'
            '  <mms date="1700000120000" msg_box="1" m_type="132"><parts>'
            '<part seq="-1" ct="application/smil" text="&lt;smil/&gt;" />'
            '<part seq="0" ct="text/plain" text="今天不还就联系你家人" /></parts>'
            '<addrs><addr address="13800001111" type="137" /></addrs></mms>\n'
            '  <sms protocol="0" address="95588" date="1700000180000" type="1" body="null" />\n'
            "</smses>\n").encode()


def _android_db(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, date INTEGER, type INTEGER,
                          body TEXT);
        CREATE TABLE pdu (_id INTEGER PRIMARY KEY, date INTEGER, msg_box INTEGER, m_type INTEGER);
        CREATE TABLE part (_id INTEGER PRIMARY KEY, mid INTEGER, seq INTEGER, ct TEXT, text TEXT);
        CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, address TEXT, type INTEGER);
        INSERT INTO pdu VALUES (1, 1700000100, 1, 132);
        INSERT INTO part VALUES (1, 1, 0, 'text/plain', '您的欠款已逾期');
        INSERT INTO addr VALUES (1, 1, '13800001111', 137);
    """)
    con.executemany("INSERT INTO sms VALUES (?, 1, ?, ?, ?, ?)",
                    [(i, f"1069{i:04d}", 1700000000000 + i * 1000, 1 + i % 2,
                      f"第{i}条：您的账单已出，请按时还款" * (1 + i % 3))
                     for i in range(1, 121)])
    con.commit()
    con.close()


def _ios_db(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);
        CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT, attributedBody BLOB, date INTEGER,
                              is_from_me INTEGER, handle_id INTEGER, associated_message_type INTEGER);
        INSERT INTO handle VALUES (1, '+8613800001111');
    """)
    con.executemany("INSERT INTO message VALUES (?, ?, NULL, ?, ?, 1, 0)",
                    [(i, f"第{i}条：请今日还款" * (1 + i % 4), 700000000 + i * 60, i % 2) for i in range(1, 101)])
    con.commit()
    con.close()


def _csv() -> bytes:
    rows = [("时间", "号码", "内容", "类型")] + [
        (f"2024-03-01 10:{i:02d}:00", f"1380000{i:04d}", f"第{i}条, 请还款" if i % 4 else f"多行\n正文 {i}", "接收")
        for i in range(30)]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _tsv() -> bytes:
    return ("date\taddress\tbody\n"
            + "".join(f"2024-03-01 10:{i:02d}:00\t10086\t第{i}条 \"请\"还款\n" for i in range(30))
            ).encode("utf-16")


def _jsonl() -> bytes:
    return "".join(json.dumps({"address": "10086", "date": 1700000000000 + i, "type": 1, "body": f"第{i}条：请还款"},
                              ensure_ascii=False) + "\n" for i in range(30)).encode("utf-8")


def _json_array() -> bytes:
    return json.dumps([{"body": f"第{i}条：请还款", "sender": "10086", "date": "2024-03-01 10:00"} for i in range(30)]
                      + ["裸字符串", 42, None], ensure_ascii=False, indent=1).encode("utf-8")


def _text() -> bytes:
    return "".join(f"第{i}条，请还款\n" for i in range(30)).encode("gbk")


def _bytes_of(builder) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.db"
        builder(path)
        return path.read_bytes()


SEEDS: dict[str, bytes] = {
    "backup.xml": _xml(), "mmssms.db": _bytes_of(_android_db), "sms.db": _bytes_of(_ios_db), "export.csv": _csv(),
    "export.tsv": _tsv(), "messages.jsonl": _jsonl(), "messages.json": _json_array(), "notes.txt": _text(),
}
NAMES = sorted(SEEDS)


# ----------------------------------------------------------------- mutations
_EDIT = st.tuples(st.sampled_from(["replace", "insert", "delete", "cut"]), st.floats(0, 1, allow_nan=False),
                  st.binary(min_size=1, max_size=16))


def mutate(data: bytes, edits, *, keep: int = 0) -> bytes:
    """Apply the edits at relative positions (after the first ``keep`` bytes, a SQLite file's header)."""
    out = bytearray(data)
    for op, where, payload in edits:
        room = len(out) - keep
        if room <= 0:
            break
        at = keep + min(int(where * room), room - 1)
        if op == "replace":
            out[at:at + len(payload)] = payload
        elif op == "insert":
            out[at:at] = payload
        elif op == "delete":
            del out[at:at + len(payload) * 64]
        else:
            del out[at:]
    return bytes(out)


def check_read(path: Path):
    """Read ``path`` and check the invariant; return the messages."""
    before = sorted(p.name for p in path.parent.iterdir())
    data = path.read_bytes()
    messages = list(read_messages(str(path), strict=False))
    assert [m.record for m in messages] == list(range(1, len(messages) + 1))
    for m in messages:
        for value in (m.source, m.text, m.sender, m.timestamp, m.direction, m.error, m.note):
            assert isinstance(value, str)
            value.encode("utf-8")
    assert path.read_bytes() == data and sorted(p.name for p in path.parent.iterdir()) == before
    return messages


# ----------------------------------------------------------------- one reader at a time
def test_every_seed_reads_cleanly(tmp_path):
    for name in NAMES:
        path = tmp_path / name
        path.write_bytes(SEEDS[name])
        messages = check_read(path)
        assert messages and not any(m.error for m in messages if m.text), name


def _mutated_reader_test(name: str, keep: int = 0):
    """The invariant test for one format, with its own fixed seed (the same cases every run)."""

    @seed(zlib.crc32(name.encode()))
    @FAST
    @given(edits=st.lists(_EDIT, min_size=1, max_size=6))
    def test(tmp_path_factory, edits):
        path = tmp_path_factory.mktemp("m") / name
        path.write_bytes(mutate(SEEDS[name], edits, keep=keep))
        check_read(path)

    return test


test_mutated_xml = _mutated_reader_test("backup.xml")
test_mutated_android_db_pages = _mutated_reader_test("mmssms.db", keep=100)
test_mutated_ios_db_pages = _mutated_reader_test("sms.db", keep=100)
test_mutated_csv = _mutated_reader_test("export.csv")
test_mutated_tsv = _mutated_reader_test("export.tsv")
test_mutated_jsonl = _mutated_reader_test("messages.jsonl")
test_mutated_json_array = _mutated_reader_test("messages.json")
test_mutated_text = _mutated_reader_test("notes.txt")


@seed(23)
@FAST
@given(name=st.sampled_from(NAMES), data=st.binary(max_size=3000))
def test_random_bytes_under_every_name_keep_the_invariant(tmp_path_factory, name, data):
    path = tmp_path_factory.mktemp("r") / name
    path.write_bytes(data)
    check_read(path)


# ----------------------------------------------------------------- a directory with one bad file
@seed(2323)
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(bad=st.sampled_from(NAMES), edits=st.lists(_EDIT, min_size=1, max_size=4))
def test_one_bad_file_in_a_directory_costs_only_its_own_rows(tmp_path_factory, bad, edits):
    folder = tmp_path_factory.mktemp("dump")
    for name in NAMES:
        data = SEEDS[name]
        (folder / name).write_bytes(mutate(data, edits, keep=100 if name.endswith(".db") else 0)
                                    if name == bad else data)
    by_file: dict[str, list] = {}
    for m in read_inputs([str(folder)]):
        by_file.setdefault(Path(m.source).name, []).append(m)
    for name in NAMES:
        if name != bad:
            alone = [(m.text, m.error) for m in read_messages(str(folder / name))]
            assert [(m.text, m.error) for m in by_file[name]] == alone, name
    assert [m.record for m in by_file.get(bad, [])] == list(range(1, len(by_file.get(bad, [])) + 1))


@seed(232323)
@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(bad=st.sampled_from(NAMES), edits=st.lists(_EDIT, min_size=1, max_size=4))
def test_batch_writes_one_row_per_record_of_a_damaged_directory(tmp_path_factory, bad, edits):
    folder = tmp_path_factory.mktemp("dump")
    for name in NAMES:
        data = SEEDS[name]
        (folder / name).write_bytes(mutate(data, edits, keep=100 if name.endswith(".db") else 0)
                                    if name == bad else data)
    expected = {name: len(list(read_messages(str(folder / name), strict=False))) for name in NAMES}
    out, err = io.StringIO(), io.StringIO()
    assert main(["batch", str(folder), "--output-format", "jsonl", "--redact"], stdout=out, stderr=err) == 0, \
        err.getvalue()
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    read, written = (int(x) for x in re.search(r"records read: (\d+)\s+rows written: (\d+)", err.getvalue()).groups())
    assert read == written == len(rows) == sum(expected.values())
    for name in NAMES:
        assert sum(1 for r in rows if Path(r["source"]).name == name) == expected[name], name
