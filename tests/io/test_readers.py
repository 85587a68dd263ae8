"""Every reader on the bundled samples and on damaged input: one record per message, nothing lost."""

import hashlib
import os
import re
import sqlite3

import pytest
from dunning_nlp.errors import ColumnError, InputFileError, UnknownFormatError
from dunning_nlp.io import Format, detect_format, expand_inputs, read_messages
from dunning_nlp.io.encoding import detect_encoding
from dunning_nlp.io.sqlite import attributed_body_text

from conftest import DATA

SAMPLES = DATA / "samples"
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")

EXPECTED = {
    "android_backup.xml": (Format.ANDROID_XML, 26),
    "ios_sms.db": (Format.IOS_DB, 25),
    "android_mmssms.db": (Format.ANDROID_DB, 25),
    "export_utf8.csv": (Format.CSV, 25),
    "export_gbk.csv": (Format.CSV, 25),
    "export_big5.csv": (Format.CSV, 25),
    "imazing.csv": (Format.CSV, 25),
    "export_utf16.tsv": (Format.TSV, 25),
    "messages.jsonl": (Format.JSONL, 25),
    "messages.txt": (Format.TEXT, 25),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_samples_detect_and_read(name):
    fmt, count = EXPECTED[name]
    path = SAMPLES / name
    assert detect_format(path) is fmt
    messages = list(read_messages(str(path)))
    assert len(messages) == count
    assert [m.record for m in messages] == list(range(1, count + 1))
    assert all(m.text.strip() and not m.error for m in messages), [m for m in messages if m.error]
    assert all("\ufffd" not in m.text for m in messages)
    if name != "messages.txt":
        assert all(ISO.match(m.timestamp) for m in messages), messages[0].timestamp
        assert all(m.sender for m in messages)


def test_every_sample_format_is_covered():
    assert {fmt for fmt, _ in EXPECTED.values()} == set(Format) - {Format.AUTO}
    assert sorted(p.name for p in SAMPLES.iterdir()) == sorted(EXPECTED)


def test_xml_surrogate_pairs_repaired_and_mms_read():
    messages = list(read_messages(str(SAMPLES / "android_backup.xml")))
    assert any("😀" in m.text for m in messages)
    mms = messages[-1]
    assert mms.text == "周末聚会的照片发你了，看看 🎉" and mms.sender == "13900001111 (老同学)"


def test_ios_attributed_body_and_reactions():
    messages = list(read_messages(str(SAMPLES / "ios_sms.db")))
    con = sqlite3.connect(SAMPLES / "ios_sms.db")
    null_text = con.execute("SELECT COUNT(*) FROM message WHERE text IS NULL").fetchone()[0]
    reactions = con.execute("SELECT COUNT(*) FROM message WHERE associated_message_type != 0").fetchone()[0]
    con.close()
    assert null_text > 0 and reactions == 1
    assert len(messages) == 25  # 26 rows less the reaction, attributedBody rows included


def test_attributed_body_long_string():
    text = "长" * 200
    data = text.encode()
    blob = b"\x84\x84\x08NSString\x01\x94\x84\x01+\x81" + len(data).to_bytes(2, "little") + data + b"\x86"
    assert attributed_body_text(blob) == text
    assert attributed_body_text(None) == "" and attributed_body_text(b"junk") == ""


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ["ios_sms.db", "android_mmssms.db"])
def test_sqlite_opened_read_only_and_left_untouched(name, tmp_path):
    path = tmp_path / name
    path.write_bytes((SAMPLES / name).read_bytes())
    before, mtime = _sha(path), os.stat(path).st_mtime_ns
    list(read_messages(str(path)))
    assert _sha(path) == before and os.stat(path).st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no -journal / -wal left behind


# ----------------------------------------------------------------- damaged input
def test_truncated_xml_keeps_what_came_before_and_reports_position(tmp_path):
    data = (SAMPLES / "android_backup.xml").read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(data[: len(data) // 2])
    messages = list(read_messages(str(path)))
    good, last = messages[:-1], messages[-1]
    assert good and all(not m.error for m in good)
    assert "line" in last.error and last.record == len(good) + 1 and last.text == ""


def test_xml_entity_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><smses><sms body="&b;" /></smses>', encoding="utf-8")
    messages = list(read_messages(str(path)))
    assert len(messages) == 1 and "refused" in messages[0].error and messages[0].text == ""


def test_xml_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    path = tmp_path / "xxe.xml"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY x SYSTEM "file://{secret}">]>'
                    '<smses><sms body="&x;" /></smses>', encoding="utf-8")
    messages = list(read_messages(str(path)))
    assert all("TOPSECRET" not in m.text for m in messages) and messages[0].error


def test_lone_surrogate_reference_becomes_replacement_char(tmp_path):
    path = tmp_path / "lone.xml"
    path.write_text('<smses><sms address="1" date="0" type="1" body="a&#55357;b" /></smses>', encoding="utf-8")
    assert [m.text for m in read_messages(str(path))] == ["a\ufffdb"]


def test_corrupt_sqlite_gives_one_error_record(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    messages = list(read_messages(str(path)))
    assert len(messages) == 1 and messages[0].error and messages[0].source == str(path)


def test_truncated_sqlite_reports_instead_of_crashing(tmp_path):
    data = (SAMPLES / "android_mmssms.db").read_bytes()
    path = tmp_path / "half.db"
    path.write_bytes(data[: len(data) // 2])
    messages = list(read_messages(str(path)))
    # what can be read is kept, and the damage is said in exactly one error record naming the file
    assert len(messages) <= 25 and [m for m in messages if m.error] == messages[-1:]
    assert "malformed" in messages[-1].error and messages[-1].source == str(path)


def test_mixed_encodings_csv_loses_no_line(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes("号码,内容\n".encode() + "10086,您的话费余额不足\n".encode()
                     + "95588,您尾号1234的卡消费100元\n".encode("gbk") + b"95555,\xff\xfe\xfa bad\n")
    messages = list(read_messages(str(path)))
    assert [m.text[:4] for m in messages[:2]] == ["您的话费", "您尾号1"]
    assert len(messages) == 3 and messages[2].sender == "95555"


def test_nul_bytes_and_empty_bodies(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes("号码,内容\n10086,你好\x00呀\n10010,\n".encode())
    messages = list(read_messages(str(path)))
    assert [m.text for m in messages] == ["你好呀", ""]
    text = tmp_path / "nul.txt"
    text.write_bytes("第一条\x00\n\n第二条\n".encode())
    assert [m.text for m in read_messages(str(text))] == ["第一条", "第二条"]


def test_megabyte_body(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text('{"body": "' + "很" * 1_000_000 + '"}\n{"body": "短"}\n', encoding="utf-8")
    messages = list(read_messages(str(path)))
    assert len(messages[0].text) == 1_000_000 and messages[1].text == "短"


def test_bad_jsonl_lines_are_records_with_errors(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"body": "好"}\nnot json\n[1, 2]\n"裸字符串"\n', encoding="utf-8")
    messages = list(read_messages(str(path)))
    assert [bool(m.error) for m in messages] == [False, True, True, False]
    assert "line 2" in messages[1].error


# ----------------------------------------------------------------- user errors
def test_missing_file_and_directory_expansion(tmp_path):
    with pytest.raises(InputFileError, match="nope.csv"):
        expand_inputs([str(tmp_path / "nope.csv")])
    (tmp_path / "a.csv").write_text("内容\n你好\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("再见\n", encoding="utf-8")
    (tmp_path / "ignored.bin").write_bytes(b"\0")
    assert [os.path.basename(p) for p in expand_inputs([str(tmp_path)])] == ["a.csv", "b.txt"]


def test_directory_symlink_outside_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("不该读\n", encoding="utf-8")
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "ok.txt").write_text("可以读\n", encoding="utf-8")
    (inside / "link.txt").symlink_to(outside / "secret.txt")
    assert [os.path.basename(p) for p in expand_inputs([str(inside)])] == ["ok.txt"]


def test_bad_column_name_is_column_error():
    with pytest.raises(ColumnError, match="no column named 'nope'"):
        list(read_messages(str(SAMPLES / "export_utf8.csv"), text_column="nope"))


def test_unknown_text_column_asks_for_override(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="--text-column"):
        list(read_messages(str(path), Format.CSV))


def test_explicit_text_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,请还款\n", encoding="utf-8")
    assert [m.text for m in read_messages(str(path), text_column="b")] == ["请还款"]


def test_sqlite_without_sms_tables_is_unknown_format(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(UnknownFormatError):
        list(read_messages(str(path)))


@pytest.mark.parametrize("encoding, text", [
    ("utf-8", "您的借款已逾期，请尽快还款"),
    ("gb18030", "您的借款已逾期，请尽快还款，否则影响征信"),
    ("big5", "您的貸款已逾期，請儘速繳款，以免影響信用紀錄"),
    ("utf-16", "您的借款已逾期"),
])
def test_detect_encoding(encoding, text):
    data = (text * 20).encode(encoding)
    assert data.decode(detect_encoding(data)) .lstrip("\ufeff") == text * 20
