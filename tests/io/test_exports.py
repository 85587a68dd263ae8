"""Real export structures (issue 12): WAL databases on read-only mounts, one bad file in a directory,
suffix before sniffing, Android MMS in ``mmssms.db``, CSV/TSV/XML/SQLite on stdin, call-log backups.

Every fixture is built here, in the structure the real tools write.
"""

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from dunning_nlp.errors import UnknownFormatError
from dunning_nlp.io import Format, detect_format, read_inputs, read_messages
from dunning_nlp.io.json_array import JSONArrayStream

from cli_runner import run_cli as run  # the one CLI runner (tests/cli_runner.py)

ROOT = Path(__file__).resolve().parents[2]


def rows_of(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def leftovers(scratch):
    """What is left in a temporary directory: anything but the tool's (empty) private scratch root."""
    return sorted(str(p.relative_to(scratch)) for p in Path(scratch).rglob("*")
                  if not (p.is_dir() and p.parent == Path(scratch) and p.name.startswith("dunning-nlp-")))


def snapshot(directory):
    """Names and sha256 of every file in ``directory``: what must not change when we read evidence."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(directory).iterdir())}


# ----------------------------------------------------------------- 1. WAL databases, read-only mounts
def make_wal_db(directory, *, keep_wal=True, name="mmssms.db"):
    """An Android-style ``sms`` table in WAL mode: one message checkpointed, one only in the ``-wal`` file.

    The files are copied while the writer is still open, as a live phone dump is taken: the database and
    its ``-wal`` (the ``-shm`` index is not copied, as extraction tools leave it behind).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        live = Path(work) / name
        con = sqlite3.connect(live)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA wal_autocheckpoint=0")
        con.execute("CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, type INTEGER, body TEXT)")
        con.execute("INSERT INTO sms VALUES (1, '10086', 1700000000000, 1, '已写回数据库的短信')")
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("INSERT INTO sms VALUES (2, '95588', 1700000060000, 1, '只在WAL里的催收短信：请今天还款')")
        con.commit()
        assert os.path.getsize(str(live) + "-wal") > 0
        shutil.copyfile(live, directory / name)
        if keep_wal:
            shutil.copyfile(str(live) + "-wal", directory / (name + "-wal"))
        con.close()
    with open(directory / name, "rb") as fh:
        assert fh.read(20)[18:20] == b"\x02\x02"  # the header says WAL mode
    return directory / name


def test_wal_mode_database_without_wal_file_creates_nothing_beside_it(tmp_path):
    path = make_wal_db(tmp_path / "dump", keep_wal=False)
    before = snapshot(path.parent)
    messages = list(read_messages(str(path)))
    assert [m.text for m in messages] == ["已写回数据库的短信"] and not messages[0].error
    assert snapshot(path.parent) == before  # no -shm / -wal created next to the evidence


def test_wal_content_is_read_and_nothing_created_beside_it(tmp_path):
    path = make_wal_db(tmp_path / "dump")
    before = snapshot(path.parent)
    messages = list(read_messages(str(path)))
    assert [m.text for m in messages] == ["已写回数据库的短信", "只在WAL里的催收短信：请今天还款"]
    assert all(not m.error for m in messages)
    assert snapshot(path.parent) == before  # the WAL is read from a private copy, not next to the input


def test_private_copy_of_a_wal_database_is_removed(tmp_path, monkeypatch):
    path = make_wal_db(tmp_path / "dump")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert len(list(read_messages(str(path)))) == 2
    assert leftovers(scratch) == []


_UNPRIVILEGED_READ = """
import json, os, sys
import dunning_nlp.io as readers
from dunning_nlp.io import android_xml, sqlite, tabular
from dunning_nlp.io import message as base
base.get_tz(None)  # load the zone data while still allowed to read it
os.setgroups([]); os.setgid(65534); os.setuid(65534)
print(json.dumps([[m.text, m.error] for m in readers.read_messages(sys.argv[1])], ensure_ascii=False))
"""


def read_as_unprivileged(path):
    """Read ``path`` as a user who cannot write to its directory (root ignores a read-only directory, so
    when the tests run as root the read happens in a child that has dropped to ``nobody``)."""
    if os.geteuid() != 0:
        return [[m.text, m.error] for m in read_messages(str(path))]
    done = subprocess.run([sys.executable, "-c", _UNPRIVILEGED_READ, str(path)], capture_output=True, text=True,
                          cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": "/tmp"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def readonly_dir(tmp_path):
    """A directory like a read-only mount: nobody reading may create files in it."""
    if os.geteuid() == 0:
        base = Path(tempfile.mkdtemp())  # pytest's tmp_path is private to root; nobody must reach the files
        os.chmod(base, 0o755)
    else:
        base = tmp_path
    directory = base / "evidence"
    yield directory
    if directory.exists():
        os.chmod(directory, 0o755)
    if base != tmp_path:
        shutil.rmtree(base, ignore_errors=True)


def _make_readonly(directory):
    for p in directory.iterdir():
        os.chmod(p, 0o444)
    os.chmod(directory, 0o555)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_wal_database_on_read_only_mount_gives_its_messages(readonly_dir):
    path = make_wal_db(readonly_dir)
    _make_readonly(readonly_dir)
    before = snapshot(readonly_dir)
    assert read_as_unprivileged(path) == [["已写回数据库的短信", ""], ["只在WAL里的催收短信：请今天还款", ""]]
    assert snapshot(readonly_dir) == before


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_wal_mode_database_on_read_only_mount_without_wal_file(readonly_dir):
    path = make_wal_db(readonly_dir, keep_wal=False)
    _make_readonly(readonly_dir)
    assert read_as_unprivileged(path) == [["已写回数据库的短信", ""]]
    assert sorted(os.listdir(readonly_dir)) == ["mmssms.db"]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_wal_is_said_in_an_error_record(readonly_dir):
    path = make_wal_db(readonly_dir)
    _make_readonly(readonly_dir)
    os.chmod(str(path) + "-wal", 0o000)
    rows = read_as_unprivileged(path)
    assert rows[0] == ["已写回数据库的短信", ""]
    assert len(rows) == 2 and rows[1][0] == "" and "mmssms.db-wal" in rows[1][1] and "missing" in rows[1][1]


# ----------------------------------------------------------------- 2. one bad file does not stop the run
def _unrelated_sqlite(path, table="t"):
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE {table} (x)")
    con.commit()
    con.close()


def test_directory_with_unrecognised_files_gives_error_rows_and_reads_the_rest(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "a_good.csv").write_text("号码,内容\n10086,您已逾期3天，请还款\n", encoding="utf-8")
    (folder / "b_noheader.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    _unrelated_sqlite(folder / "c_Manifest.db", "Files")
    _unrelated_sqlite(folder / "d_calllog.db", "calls")
    (folder / "e_good.txt").write_text("你好\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    code, _, err = run(["batch", str(folder), "-o", str(out)])
    assert code == 0, err
    rows = rows_of(out)
    by_file = {Path(r["source"]).name: r for r in rows}
    assert [Path(r["source"]).name for r in rows] == ["a_good.csv", "b_noheader.csv", "c_Manifest.db",
                                                       "d_calllog.db", "e_good.txt"]
    assert by_file["a_good.csv"]["label"] and by_file["e_good.txt"]["label"]
    assert "--text-column" in by_file["b_noheader.csv"]["error"] and not by_file["b_noheader.csv"]["label"]
    assert "not a supported SMS database" in by_file["c_Manifest.db"]["error"]
    assert "call log" in by_file["d_calllog.db"]["error"]
    assert "errors: 3" in err


def test_read_inputs_turns_per_file_problems_into_records(tmp_path):
    _unrelated_sqlite(tmp_path / "other.db")
    (tmp_path / "z.txt").write_text("再见\n", encoding="utf-8")
    messages = list(read_inputs([str(tmp_path)]))
    assert [(Path(m.source).name, m.record, bool(m.error)) for m in messages] == [("other.db", 1, True),
                                                                                  ("z.txt", 1, False)]
    with pytest.raises(UnknownFormatError):  # the library's single-file call still raises by default
        list(read_messages(str(tmp_path / "other.db")))


def test_named_column_missing_is_still_a_command_line_error(tmp_path):
    (tmp_path / "a.csv").write_text("号码,内容\n10086,你好\n", encoding="utf-8")
    code, _, err = run(["batch", str(tmp_path), "--text-column", "nope", "-o", str(tmp_path / "o.csv")])
    assert code == 2 and "nope" in err and not (tmp_path / "o.csv").exists()


# ----------------------------------------------------------------- 3. the suffix decides
def test_csv_starting_with_a_quote_is_csv(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('"时间","号码","内容"\n"2026-11-20 10:00:00","10086","您好，请还款"\n', encoding="utf-8")
    assert detect_format(path) is Format.CSV
    (message,) = list(read_messages(str(path)))
    assert (message.text, message.sender, message.error) == ("您好，请还款", "10086", "")


def test_txt_starting_with_a_quote_is_text(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text('"引号开头的短信", 还有逗号\n第二条\n', encoding="utf-8")
    assert detect_format(path) is Format.TEXT
    assert [(m.text, m.error) for m in read_messages(str(path))] == [('"引号开头的短信", 还有逗号', ""), ("第二条", "")]


def test_json_array_is_read_as_an_array(tmp_path):
    path = tmp_path / "messages.json"
    path.write_text(json.dumps([{"body": "您已逾期，请还款", "address": "10086", "date": "2026-11-20 10:00:00"},
                                "裸字符串", 42, {"body": "多行\n正文"}], ensure_ascii=False, indent=2),
                    encoding="utf-8")
    assert detect_format(path) is Format.JSONL
    messages = list(read_messages(str(path)))
    assert [m.record for m in messages] == [1, 2, 3, 4]
    assert [m.text for m in messages] == ["您已逾期，请还款", "裸字符串", "", "多行\n正文"]
    assert messages[0].sender == "10086" and messages[0].timestamp.startswith("2026-11-20T10:00:00")
    assert messages[2].error.startswith("array element 3")
    assert not messages[0].error and not messages[3].error


def test_broken_json_array_keeps_what_came_before(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('[{"body": "一"}, {"body": "二"}, {"body": "三', encoding="utf-8")
    messages = list(read_messages(str(path)))
    assert [m.text for m in messages[:2]] == ["一", "二"]
    assert len(messages) == 3 and messages[2].record == 3 and "after element 2" in messages[2].error


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 64])
def test_json_array_stream_across_chunk_boundaries(size):
    text = json.dumps([{"body": "请还款😀", "n": 12345}, 678, "字符串", [1, 2], None, 3.25], ensure_ascii=False)
    chunks = (text[i:i + size] for i in range(0, len(text), size))
    assert list(JSONArrayStream(chunks)) == json.loads(text)


def test_jsonl_suffix_keeps_one_value_per_line(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('["a", "b"]\n{"body": "好"}\n', encoding="utf-8")
    messages = list(read_messages(str(path)))
    assert [bool(m.error) for m in messages] == [True, False] and messages[1].text == "好"


@pytest.mark.parametrize("content, expected", [
    ('"time","number","text"\n"2026-01-01 08:00","1","hi"\n', Format.CSV),
    ("号码\t内容\n10086\t你好\n", Format.TSV),
    ('"一条 JSON 字符串"\n', Format.JSONL),
    ("Hi, John, your date is set\n", Format.TEXT),  # commas and a column word, but no header
    ("<?xml version='1.0'?><smses/>", Format.ANDROID_XML),
])
def test_content_decides_only_without_a_suffix(tmp_path, content, expected):
    path = tmp_path / "export"
    path.write_text(content, encoding="utf-8")
    assert detect_format(path) is expected


# ----------------------------------------------------------------- 5. Android MMS in mmssms.db
def make_mmssms(path):
    """An ``mmssms.db`` with the Android telephony tables: sms, pdu, part, addr (columns as on a phone)."""
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, date INTEGER,
                          date_sent INTEGER, read INTEGER, type INTEGER, body TEXT);
        CREATE TABLE pdu (_id INTEGER PRIMARY KEY, thread_id INTEGER, date INTEGER, date_sent INTEGER,
                          msg_box INTEGER, read INTEGER, m_id TEXT, sub TEXT, sub_cs INTEGER, ct_t TEXT,
                          m_type INTEGER, text_only INTEGER);
        CREATE TABLE part (_id INTEGER PRIMARY KEY, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT, name TEXT,
                           chset INTEGER, cid TEXT, cl TEXT, _data TEXT, text TEXT);
        CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT,
                           type INTEGER, charset INTEGER);
        INSERT INTO sms VALUES (1, 1, '10086', 1700000000000, 1700000000000, 1, 1, '话费余额不足');
        -- a received MMS: SMIL layout, an image and two text parts
        INSERT INTO pdu VALUES (1, 2, 1700000100, 1700000090, 1, 1, 'id1', NULL, NULL,
                                'application/vnd.wap.multipart.related', 132, 0);
        INSERT INTO part VALUES (1, 1, -1, 'application/smil', 'smil.xml', NULL, '<smil>', 'smil.xml', NULL,
                                 '<smil><body/></smil>');
        INSERT INTO part VALUES (2, 1, 0, 'image/jpeg', 'a.jpg', NULL, '<a>', 'a.jpg', '/data/a.jpg', NULL);
        INSERT INTO part VALUES (3, 1, 1, 'text/plain', 'text_0.txt', 106, '<t0>', 'text_0.txt', NULL,
                                 '您的欠款已逾期30天');
        INSERT INTO part VALUES (4, 1, 2, 'text/plain', 'text_1.txt', 106, '<t1>', 'text_1.txt', NULL,
                                 '今天不还将联系你的家人 😡');
        INSERT INTO addr VALUES (1, 1, NULL, '13800001111', 137, 106);
        INSERT INTO addr VALUES (2, 1, NULL, '13900002222', 151, 106);
        -- a sent group MMS
        INSERT INTO pdu VALUES (2, 3, 1700000200, 0, 2, 1, 'id2', NULL, NULL,
                                'application/vnd.wap.multipart.related', 128, 1);
        INSERT INTO part VALUES (5, 2, 0, 'text/plain', 'text_0.txt', 106, '<t0>', 'text_0.txt', NULL, '周末见');
        INSERT INTO addr VALUES (3, 2, NULL, 'insert-address-token', 137, 106);
        INSERT INTO addr VALUES (4, 2, NULL, '13700003333', 151, 106);
        INSERT INTO addr VALUES (5, 2, NULL, '13600004444', 151, 106);
        -- a delivery report: not a message
        INSERT INTO pdu VALUES (3, 3, 1700000300, 0, 1, 1, 'id2', NULL, NULL, NULL, 134, 0);
        -- a notification of an MMS never downloaded
        INSERT INTO pdu VALUES (4, 2, 1700000400, 0, 1, 0, 'id4', NULL, NULL, NULL, 130, 0);
        INSERT INTO addr VALUES (6, 4, NULL, '13800001111', 137, 106);
    """)
    con.commit()
    con.close()


def test_android_db_reads_mms_text_parts(tmp_path):
    path = tmp_path / "mmssms.db"
    make_mmssms(path)
    messages = list(read_messages(str(path)))
    assert [m.record for m in messages] == [1, 2, 3, 4]
    sms, mms, group, pending = messages
    assert sms.text == "话费余额不足"
    assert mms.text == "您的欠款已逾期30天\n今天不还将联系你的家人 😡" and not mms.error
    assert mms.sender == "13800001111" and mms.direction == "received"
    assert mms.timestamp == "2023-11-15T06:15:00+08:00"  # pdu.date is in seconds, unlike sms.date
    assert group.text == "周末见" and group.sender == "13700003333~13600004444" and group.direction == "sent"
    assert pending.text == "" and "never downloaded" in pending.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mmssms.db"]


# ----------------------------------------------------------------- 8. standard input
def test_csv_on_stdin_is_read_as_csv():
    code, out, err = run(["batch", "-", "--output-format", "jsonl"],
                         stdin="时间,号码,内容\n2026-11-20 10:00:00,10086,您已逾期3天，请还款\n2026-11-20 11:00:00,10010,你好\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0, err
    assert [(r["sender"], r["text"]) for r in rows] == [("10086", "您已逾期3天，请还款"), ("10010", "你好")]
    assert rows[0]["source"] == "<stdin>" and rows[0]["timestamp"].startswith("2026-11-20T10:00:00")


def test_tsv_on_stdin_is_read_as_tsv():
    data = "号码\t内容\n10086\t您已逾期3天，请还款\n".encode()
    messages = list(read_messages("-", stdin=io.BytesIO(data)))
    assert [(m.sender, m.text) for m in messages] == [("10086", "您已逾期3天，请还款")]


def test_xml_on_stdin_is_read():
    xml = ('<?xml version="1.0" encoding="UTF-8"?><smses count="1"><sms address="10086" date="1700000000000" '
           'type="1" body="请还款 &#55357;&#56832;" /></smses>').encode()
    (message,) = list(read_messages("-", stdin=io.BytesIO(xml)))
    assert (message.source, message.text, message.sender, message.error) == ("<stdin>", "请还款 😀", "10086", "")


def test_sqlite_on_stdin_is_read(tmp_path):
    path = tmp_path / "mmssms.db"
    make_mmssms(path)
    messages = list(read_messages("-", stdin=io.BytesIO(path.read_bytes())))
    assert len(messages) == 4 and {m.source for m in messages} == {"<stdin>"}


def test_stdin_spool_is_removed(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert [m.text for m in read_messages("-", stdin=io.BytesIO("你好\n".encode()))] == ["你好"]
    assert leftovers(scratch) == []


def test_plain_text_on_stdin_with_commas_stays_text():
    messages = list(read_messages("-", stdin=io.BytesIO("Hi, John, pay now\n第二条\n".encode())))
    assert [m.text for m in messages] == ["Hi, John, pay now", "第二条"]


# ----------------------------------------------------------------- 12. call-log backups say so
def test_call_log_backup_xml_gives_an_error_row(tmp_path):
    path = tmp_path / "calls-20261120.xml"
    path.write_text("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & "
                    "Restore-->\n<calls count=\"2\"><call number=\"10086\" duration=\"12\" date=\"1700000000000\" "
                    "type=\"1\" /><call number=\"95588\" duration=\"0\" date=\"1700000100000\" type=\"3\" /></calls>",
                    encoding="utf-8")
    out = tmp_path / "o.csv"
    code, _, err = run(["batch", str(path), "-o", str(out)])
    (row,) = rows_of(out)
    assert code == 0 and "call-log backup" in row["error"] and row["source"] == str(path)


def test_other_xml_gives_an_error_row_but_an_empty_backup_does_not(tmp_path):
    other = tmp_path / "plist.xml"
    other.write_text('<?xml version="1.0"?><!DOCTYPE plist><plist><dict/></plist>', encoding="utf-8")
    (message,) = list(read_messages(str(other)))
    assert "<plist>" in message.error
    empty = tmp_path / "sms-empty.xml"
    empty.write_text('<?xml version="1.0"?><smses count="0"></smses>', encoding="utf-8")
    assert list(read_messages(str(empty))) == []
