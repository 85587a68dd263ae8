"""Issue 12, text and time: TSV quoting, BOMs, surrogate pairs at chunk boundaries, headerless column options,
guessed encodings said in the row, plain text named ``.csv``, unreadable / zoned / date-only timestamps.

Every fixture is built here, with the structure real exports have (a BOM'd CSV, an unquoted TSV with a stray
quote, an XML backup with emoji as UTF-16 surrogate references straddling the parser's read size, split
``Date`` + ``Time`` columns, ``Z`` offsets).
"""

from __future__ import annotations

import codecs
import csv
import io
import json

import pytest
from dunning_nlp.batch import Row, _classify_chunk
from dunning_nlp.errors import ColumnError
from dunning_nlp.io import read_messages
from dunning_nlp.io.android_xml import _RefRepair
from dunning_nlp.io.encoding import detect_encoding
from dunning_nlp.io.message import Message, combine_date_time, get_tz, parse_timestamp
from dunning_nlp.io.tabular import read_csv, read_jsonl, read_text
from dunning_nlp.report.build import build_report
from dunning_nlp.report.flags import assess

SHANGHAI = get_tz("Asia/Shanghai")


def _read(path, **options):
    return list(read_messages(str(path), **options))


def _direct(reader, path, **options):
    """Call one reader function on an open file (closed afterwards: warnings are errors)."""
    with open(path, "rb") as fh:
        return list(reader(str(path), fh, **options))


def _row(msg: Message, label: str = "reminder") -> Row:
    """A classified row as batch makes it (for flags and the report), with a fixed prediction."""
    from dunning_nlp.labels import LABELS
    from dunning_nlp.model.classifier import Prediction

    scores = {lab: 0.9 if lab == label else 0.025 for lab in LABELS}
    return Row(msg, Prediction(msg.text, label, scores))


def flag_codes(rows: list[Row]) -> list[list[str]]:
    """The codes of the report's flags on each row."""
    return [[flag.value for flag in verdict.flags] for verdict in assess(rows)]


# ------------------------------------------------------------------ 4. TSV is read without quote processing
def test_tsv_unbalanced_quote_does_not_swallow_following_lines(tmp_path):
    path = tmp_path / "spam.tsv"
    lines = ["label\tmessage", 'ham\t"Sorry, I\'ll call later', "spam\tWINNER!! claim your prize",
             'ham\tHe said "ok" and left', 'ham\t""quoted twice""', "spam\tlast one"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    messages = _read(path, format="tsv")
    assert [m.text for m in messages] == ['"Sorry, I\'ll call later', "WINNER!! claim your prize",
                                          'He said "ok" and left', '""quoted twice""', "last one"]
    assert [m.record for m in messages] == [1, 2, 3, 4, 5] and not any(m.error for m in messages)


def test_tab_delimited_content_sniffed_as_tsv_keeps_quotes(tmp_path):
    path = tmp_path / "export.csv"  # a tab-separated export saved under a .csv name
    path.write_text('号码\t内容\n10086\t"请还款\n10010\t第二条\n', encoding="utf-8")
    messages = _direct(read_csv, path)
    assert [(m.sender, m.text) for m in messages] == [("10086", '"请还款'), ("10010", "第二条")]


# ------------------------------------------------------------------ 6. a UTF-8 BOM never survives
def test_bom_csv_with_quoted_header_is_recognised(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + '"号码","内容"\r\n"10086","请今日还款"\r\n'.encode())
    messages = _read(path, format="csv")
    assert [(m.sender, m.text, m.error) for m in messages] == [("10086", "请今日还款", "")]


def test_bom_tsv_header_recognised(tmp_path):
    path = tmp_path / "bom.tsv"
    path.write_bytes(codecs.BOM_UTF8 + "内容\t号码\n请还款\t10086\n".encode())
    messages = _read(path, format="tsv")
    assert [(m.sender, m.text) for m in messages] == [("10086", "请还款")]


def test_bom_jsonl_first_line_is_read(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + '{"body": "请还款", "address": "10086"}\n{"body": "第二条"}\n'.encode())
    messages = _read(path, format="jsonl")
    assert [(m.text, m.error) for m in messages] == [("请还款", ""), ("第二条", "")]


@pytest.mark.parametrize("first", ["", "第一条"])
def test_bom_text_gives_no_fake_record(tmp_path, first):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + f"{first}\n第二条\n".encode())
    messages = _read(path, format="text")
    assert [m.text for m in messages] == [t for t in (first, "第二条") if t]
    assert not any("\ufeff" in m.text for m in messages)


def test_bom_in_the_middle_of_concatenated_csv(tmp_path):
    part = "号码,内容\n10086,请还款\n"
    path = tmp_path / "cat.csv"
    path.write_bytes(codecs.BOM_UTF8 + part.encode("utf-8") + codecs.BOM_UTF8 + "10010,第二条\n".encode())
    messages = _read(path, format="csv")
    assert [m.sender for m in messages] == ["10086", "10010"]


# ------------------------------------------------------------------ 7. surrogate pairs across read chunks
EMOJI = "😀"
PAIRS = (b"&#55357;&#56832;", b"&#xD83D;&#xDE00;", b"&#xd83d;&#xde00;")


def _xml(bodies: list[bytes], prefix: bytes = b"") -> bytes:
    sms = b"".join(b'<sms address="10086" date="1700000000000" type="1" body="%s" />\n' % b for b in bodies)
    return b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--" + prefix + b"-->\n<smses>\n" + sms + b"</smses>\n"


@pytest.mark.parametrize("shift", range(40))
def test_surrogate_pair_at_every_offset_of_the_parser_chunk(tmp_path, shift):
    """The parser reads 16 KiB at a time: put pairs at every byte offset around that boundary."""
    start = _xml([b""]).index(b'body="') + len(b'body="')
    pad = 16384 - 20 + shift - start
    body = b"a" * pad + b"".join(PAIRS) + b"z"
    path = tmp_path / "backup.xml"
    path.write_bytes(_xml([body]))
    [message] = _read(path)
    assert message.text == "a" * pad + EMOJI * 3 + "z" and not message.error


def test_large_backup_with_pairs_everywhere_keeps_every_emoji(tmp_path):
    bodies = [b"\xe8\xaf\xb7" * (i % 37) + PAIRS[i % 3] * (1 + i % 4) + b"x" * (i % 13) for i in range(7000)]
    path = tmp_path / "large.xml"
    path.write_bytes(_xml(bodies))
    assert path.stat().st_size > 1_000_000
    messages = _read(path)
    assert len(messages) == 7000 and not any(m.error for m in messages)
    assert [m.text.count(EMOJI) for m in messages] == [1 + i % 4 for i in range(7000)]
    assert not any("\ufffd" in m.text for m in messages)


@pytest.mark.parametrize("size", range(64, 64 + 50))
def test_ref_repair_any_read_size(size):
    data = (b"ab" + b"".join(PAIRS) + b"&amp;&#55296;&#56320;" + b"&#55357;") * 40
    repair, out = _RefRepair(io.BytesIO(data)), b""
    while chunk := repair.read(size):
        out += chunk
    assert out.count(b"&#128512;") == 120 and out.count(b"&#65536;") == 40
    assert out.count(b"&#65533;") == 40  # only the genuinely lone high surrogate at the end of each unit


# ------------------------------------------------------------------ 9. headerless CSV honours column options
def test_headerless_csv_honours_time_and_sender_columns(tmp_path):
    path = tmp_path / "noheader.csv"
    path.write_text("请今日还款,2024-03-01 23:30:00,95188\n第二条,2024-03-02 10:00:00,10086\n", encoding="utf-8")
    messages = _read(path, format="csv", text_column="0", time_column="1", sender_column="2")
    assert [(m.text, m.timestamp, m.sender) for m in messages] == [
        ("请今日还款", "2024-03-01T23:30:00+08:00", "95188"), ("第二条", "2024-03-02T10:00:00+08:00", "10086")]


def test_headerless_csv_column_name_is_a_clear_error(tmp_path):
    path = tmp_path / "noheader.csv"
    path.write_text("请今日还款,2024-03-01 23:30:00,95188\n", encoding="utf-8")
    with pytest.raises(ColumnError, match="no header row.*--time-column"):
        _read(path, format="csv", text_column="0", time_column="date")


# ------------------------------------------------------------------ 10. encodings: GB wins a tie, guesses said
def test_short_gbk_file_is_not_big5(tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes("请还款\n".encode("gbk"))
    [message] = _read(path, format="text")
    assert message.text == "请还款" and not message.error
    assert "guessed" in message.note and "GB18030" in message.note


def test_short_gbk_csv_row_says_the_encoding_was_guessed(tmp_path):
    path = tmp_path / "short.csv"
    path.write_bytes("号码,内容\n10086,请还款\n".encode("gbk"))
    [message] = _read(path, format="csv")
    assert message.text == "请还款" and message.sender == "10086" and "GB18030" in message.note


def test_cp1252_bytes_do_not_become_chinese(tmp_path):
    path = tmp_path / "western.txt"
    path.write_bytes("Votre prêt est échu, réglez 50€ avant vendredi. Café Müller\n".encode("cp1252"))
    [message] = _read(path, format="text")
    assert message.text == "Votre prêt est échu, réglez 50€ avant vendredi. Café Müller"
    assert "cp1252" in message.note
    assert detect_encoding("résumé".encode("cp1252")) == "cp1252"


def test_utf8_rows_carry_no_encoding_note(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("号码,内容\n10086,请还款\n", encoding="utf-8")
    assert [m.note for m in _read(path, format="csv")] == [""]


def test_short_big5_with_an_explicit_encoding_is_read_and_not_a_guess(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes("請還款\n".encode("big5"))
    [guessed] = _read(path, format="text")
    assert "guessed" in guessed.note  # wrong without the flag, but it says so
    [message] = _direct(read_text, path, encoding="big5")
    assert message.text == "請還款" and message.note == ""


class Fixed:
    """A classifier that calls everything a reminder."""

    def predict(self, texts):
        from types import SimpleNamespace

        return [SimpleNamespace(label="reminder", score=0.9, scores={lab: 0.2 for lab in
                ("reminder", "harassment", "third_party", "fraud", "other")}, secondary=(), signals=(), evidence=())
                for _ in texts]


def _cells(message: Message) -> dict:
    """The output cells batch writes for one message."""
    [row] = _classify_chunk(Fixed(), [message])
    assert isinstance(row, Row)
    return row.cells()


def test_guess_note_reaches_the_row_and_the_row_is_still_classified():
    msg = Message("f.txt", 1, text="请还款", note="encoding guessed as GB18030 (GBK) (the file is not UTF-8)")
    row = _cells(msg)
    assert row["label"] == "reminder" and "GB18030" in row["error"]
    assert _cells(Message("f.txt", 2, error="broken", note="n"))["error"] == "broken; n"


# ------------------------------------------------------------------ 11. plain text named .csv
def test_plain_text_named_csv_keeps_text_after_commas(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("您好\n您在XX借款已逾期, 请今日还款, 否则上报征信\n第三条,只有一个逗号\n", encoding="utf-8")
    messages = _read(path, format="csv")
    assert [m.text for m in messages] == ["您好", "您在XX借款已逾期, 请今日还款, 否则上报征信", "第三条,只有一个逗号"]


def test_plain_text_csv_with_ragged_commas_is_read_whole_and_says_so(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("Dear customer, please pay\nOverdue, pay today, or else\nthird, line\n", encoding="utf-8")
    messages = _read(path, format="csv")
    assert [m.text for m in messages] == ["Dear customer, please pay", "Overdue, pay today, or else", "third, line"]
    assert all("plain text" in m.note for m in messages)


def test_one_column_csv_with_header_keeps_unquoted_commas(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text('内容\n请还款,谢谢\n"引号里的,逗号"\n', encoding="utf-8")
    assert [m.text for m in _read(path, format="csv")] == ["请还款,谢谢", "引号里的,逗号"]


# ------------------------------------------------------------------ 12. unreadable timestamps are not copied
def test_unparsable_timestamp_left_empty_with_a_note(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("时间,号码,内容\n昨天 下午,10086,请还款\n2024-03-01 10:00,10010,第二条\n", encoding="utf-8")
    first, second = _read(path, format="csv")
    assert first.timestamp == "" and "line 2" in first.note and "昨天 下午" in first.note and not first.error
    assert second.timestamp == "2024-03-01T10:00:00+08:00" and second.note == ""
    assert "not understood" in _cells(first)["error"]


def test_unparsable_jsonl_timestamp_left_empty(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"body": "请还款", "date": "someday"}) + "\n", encoding="utf-8")
    [message] = _read(path, format="jsonl")
    assert message.timestamp == "" and "someday" in message.note


# ------------------------------------------------------------------ 13. zoned times converted to the report's zone
@pytest.mark.parametrize("value, expected, night", [
    ("2024-03-01T15:30:00Z", "2024-03-01T23:30:00+08:00", True),
    ("2024-03-01T01:30:00Z", "2024-03-01T09:30:00+08:00", False),
    ("2024-03-01T15:30:00+00:00", "2024-03-01T23:30:00+08:00", True),
    ("2024-03-01 07:30:00 -0800", "2024-03-01T23:30:00+08:00", True),
    ("2024-03-01T23:30:00", "2024-03-01T23:30:00+08:00", True),
])
def test_zoned_times_converted_then_flagged(tmp_path, value, expected, night):
    path = tmp_path / "z.csv"
    path.write_text(f"timestamp,sender,text\n{value},10086,您已逾期请还款\n", encoding="utf-8")
    [message] = _read(path, format="csv")
    assert message.timestamp == expected
    assert ("late_night" in flag_codes([_row(message)])[0]) is night


def test_zoned_jsonl_time_converted_to_tz_option(tmp_path):
    path = tmp_path / "z.jsonl"
    path.write_text(json.dumps({"body": "请还款", "timestamp": "2024-03-01T15:30:00Z"}) + "\n", encoding="utf-8")
    [message] = _read(path, format="jsonl", tz="Europe/Berlin")
    assert message.timestamp == "2024-03-01T16:30:00+01:00"


# ------------------------------------------------------------------ 14. dates stay dates; Date + Time combined
def test_separate_date_and_time_columns_are_combined(tmp_path):
    path = tmp_path / "split.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows([["Date", "Time", "Sender", "Text"], ["2024-03-01", "14:05:09", "10086", "您已逾期请还款"],
                          ["2024/03/02", "11:30 PM", "10086", "您已逾期请还款"], ["2024-03-03", "", "10086", "请还款"]])
    first, second, third = _read(path, format="csv")
    assert first.timestamp == "2024-03-01T14:05:09+08:00"
    assert second.timestamp == "2024-03-02T23:30:00+08:00"
    assert third.timestamp == "2024-03-03"
    flags = flag_codes([_row(m) for m in (first, second, third)])
    assert ["late_night" in f for f in flags] == [False, True, False]


def test_chinese_date_and_time_columns_are_combined(tmp_path):
    path = tmp_path / "cn.csv"
    path.write_text("日期,时间,号码,内容\n2024年3月1日,08:30,10086,请还款\n", encoding="utf-8")
    [message] = _read(path, format="csv")
    assert message.timestamp == "2024-03-01T08:30:00+08:00"


def test_date_only_is_not_midnight_and_skips_night_and_hour_chart(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("日期,号码,内容\n2024-03-01,10086,您已逾期请还款\n2024-03-01,10086,您已逾期请还款\n",
                    encoding="utf-8")
    messages = _read(path, format="csv")
    assert [m.timestamp for m in messages] == ["2024-03-01", "2024-03-01"]
    rows = [_row(m) for m in messages]
    assert flag_codes(rows) == [[], []]
    report = build_report(rows)
    assert sum(sum(hour.values()) for hour in report.per_hour()) == 0
    assert report.per_day()["2024-03-01"]["reminder"] == 2


@pytest.mark.parametrize("day, clock, expected", [
    ("2024-03-01", "23:00", ("2024-03-01T23:00:00+08:00", "")),
    ("2024-03-01 22:10:00", "ignored", ("2024-03-01T22:10:00+08:00", "")),
    ("", "2024-03-01 22:10", ("2024-03-01T22:10:00+08:00", "")),
    ("2024-03-01", "", ("2024-03-01", "")),
])
def test_combine_date_time(day, clock, expected):
    assert combine_date_time(day, clock, SHANGHAI) == expected


def test_parse_timestamp_dates_and_problems():
    assert parse_timestamp("2024年3月1日", SHANGHAI) == ("2024-03-01", "")
    assert parse_timestamp("1700000000000", SHANGHAI) == ("2023-11-15T06:13:20+08:00", "")
    iso, problem = parse_timestamp("next tuesday", SHANGHAI)
    assert iso == "" and "not understood" in problem


def test_jsonl_date_and_time_fields_are_combined(tmp_path):
    path = tmp_path / "dt.jsonl"
    path.write_text(json.dumps({"body": "请还款", "date": "2024-03-01", "time": "23:15"}) + "\n", encoding="utf-8")
    [message] = _direct(read_jsonl, path)
    assert message.timestamp == "2024-03-01T23:15:00+08:00"
