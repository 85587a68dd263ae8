"""Where the report says its records came from, and how its own files are written.

File names that are not UTF-8, masked file names under ``--redact``, rows batch left unread because their body
is a blob, formula-like CSV cells, and the write phase under SIGTERM.
"""

import csv
import io
import json
import os
import signal

import pytest
from cli_runner import run_cli as run  # the one CLI runner (tests/cli_runner.py)
from report_rows import row

from dunning_nlp.batch import UNREADABLE_BODY
from dunning_nlp.report.build import build_report, report_to_dict, shown_source, write_report
from dunning_nlp.report.flags import Reason, Standing, assess, read_time
from dunning_nlp.report.html import render_html

CSV = "sender,text\n13800138000,您好，您的借款已逾期，请尽快还款\n"


def _bad_name_dir(tmp_path) -> str:
    """A directory holding one CSV whose name has the byte 0xff (not UTF-8) and a phone number."""
    folder = tmp_path / "dumps"
    folder.mkdir()
    name = os.fsencode(str(folder)) + b"/\xff13812345678.csv"
    try:
        with open(name, "wb") as fh:
            fh.write(CSV.encode("utf-8"))
    except OSError:  # a file system that only takes UTF-8 names
        pytest.skip("this file system refuses names that are not UTF-8")
    return str(folder)


def test_shown_source_replaces_undecodable_bytes_and_masks_numbers():
    raw = os.fsdecode(b"/dumps/\xff13812345678.csv")
    assert shown_source(raw) == "/dumps/\ufffd13812345678.csv"
    assert shown_source(raw, redacted=True) == "/dumps/\ufffd138****5678.csv"
    assert shown_source("-") == "-"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "json", "csv"])
def test_report_on_a_file_name_that_is_not_utf8(tmp_path, fmt):
    folder = _bad_name_dir(tmp_path)
    out = tmp_path / f"r.{fmt}"
    code, _, err = run(["report", folder, "-o", str(out)])
    assert code == 0, err
    text = out.read_text(encoding="utf-8-sig")
    assert "\ufffd13812345678.csv" in text
    if fmt == "json":
        data = json.loads(text)
        assert data["meta"]["inputs"][0]["records"] == 1  # the file and its rows are matched, whatever the bytes
        assert data["messages"][0]["source"].endswith("\ufffd13812345678.csv")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "json", "csv"])
def test_redact_masks_numbers_in_file_names(tmp_path, fmt):
    folder = _bad_name_dir(tmp_path)
    out = tmp_path / f"r.{fmt}"
    code, _, err = run(["report", folder, "-o", str(out), "--redact"])
    assert code == 0, err
    text = out.read_text(encoding="utf-8-sig")
    assert "13812345678" not in text and "\ufffd138****5678.csv" in text
    if fmt == "json":
        data = json.loads(text)
        assert data["meta"]["inputs"][0]["path"].endswith("\ufffd138****5678.csv")
        assert data["meta"]["inputs"][0]["records"] == 1
        assert data["messages"][0]["source"].endswith("\ufffd138****5678.csv")  # masked once, not twice


def test_redacted_report_masks_file_names_of_rows_given_unmasked():
    source = "/dumps/13812345678.csv"
    report = build_report([row("reminder", "请尽快还款", source=source)], inputs=[source], redacted=True)
    data = report_to_dict(report)
    assert data["meta"]["inputs"][0] == {**data["meta"]["inputs"][0], "path": "/dumps/138****5678.csv",
                                         "records": 1}
    assert data["messages"][0]["source"] == "/dumps/138****5678.csv"
    assert "13812345678" not in render_html(report)
    plain = report_to_dict(build_report([row("reminder", "请尽快还款", source=source)], inputs=[source]))
    assert plain["meta"]["inputs"][0]["path"] == source and plain["messages"][0]["source"] == source


@pytest.mark.parametrize("error", [UNREADABLE_BODY, UNREADABLE_BODY + "; encoding guessed: gb18030"])
def test_a_body_batch_found_unreadable_is_unreadable_not_unread(error):
    rows = [row("", "U2FsdGVkX1+abc", error=error)]
    (verdict,) = assess(rows)
    assert verdict.standing is Standing.UNREADABLE and verdict.reason is Reason.BLOB and not verdict.flags
    report = build_report(rows)
    assert report.standings == {Standing.UNREADABLE: 1} and len(report.not_analysed) == 1


def test_other_unread_rows_stay_unread():
    (verdict,) = assess([row("", "", error="empty message body")])
    assert verdict.standing is Standing.UNREAD and verdict.reason is Reason.EMPTY


def test_report_csv_escapes_formula_like_cells(tmp_path):
    rows = [row("reminder", "=HYPERLINK(\"http://x\",\"还款\")", source="@evil.csv"),
            row("other", "-1 元红包", sender="+8613800138000", record=2)]
    out = tmp_path / "r.csv"
    write_report(build_report(rows), str(out), "csv")
    cells = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert cells[0]["text"] == "'=HYPERLINK(\"http://x\",\"还款\")" and cells[0]["source"] == "'@evil.csv"
    assert cells[1]["text"] == "'-1 元红包" and cells[1]["sender"] == "'+8613800138000"
    assert cells[0]["score"] == "0.9"  # numbers are not text: never escaped
    data = report_to_dict(build_report(rows))  # JSON is written as is
    assert data["messages"][0]["text"].startswith("=HYPERLINK")


@pytest.mark.parametrize("timestamp, clock", [
    ("2026-10-01T23:10:00+08:00", True), ("2026-10-01 23:10:00", True), ("2026-10-01", False), ("", False),
])
def test_read_time_says_whether_there_is_a_time_of_day(timestamp, clock):
    assert read_time(timestamp)[1] is clock


@pytest.mark.slow
def test_report_write_runs_under_terminate_cleanly(tmp_path, monkeypatch):
    """SIGTERM while the report is written removes the partial file (the handler of _files.terminate_cleanly)."""
    import dunning_nlp.cli.report as cli_report

    seen = []

    def fake_write(report, path, fmt):
        seen.append(signal.getsignal(signal.SIGTERM))

    monkeypatch.setattr(cli_report, "write_report", fake_write)
    src = tmp_path / "sms.csv"
    src.write_text(CSV, encoding="utf-8")
    code, _, err = run(["report", str(src), "-o", str(tmp_path / "r.json")])
    assert code == 0, err
    assert len(seen) == 1 and seen[0] not in (signal.SIG_DFL, signal.SIG_IGN, None)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # restored after the write
