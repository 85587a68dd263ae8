"""Issue 13 and 21: a complaint-ready report — the platform named only as the messages name it, a complaint summary
per collector, JSON and CSV twins of the page, and PDF (see tests/report/ for truth, wording and layout)."""

import json
import re
import subprocess

import pytest
from conftest import DATA, needs_tools
from cli_runner import run_cli as run  # the one CLI runner (tests/cli_runner.py)
from report.report_rows import numbered, row

from dunning_nlp.model.store import sha256_file
from dunning_nlp.report.build import build_report, report_to_dict
from dunning_nlp.report.html import render_html
from dunning_nlp.report.platforms import find_platforms
from dunning_nlp.report.wording import complaint_text

SAMPLES = DATA / "samples"

ROWS = numbered([
    row("harassment", "【宁波银行】你再不还钱，明天上门找你", sender="13811112222", ts="2026-10-01T23:30:00+08:00",
        signals=("debt", "threat_visit")),
    row("harassment", "【寧波銀行】再不还钱后果自负", sender="13833334444", ts="2026-10-03T10:00:00+08:00",
        signals=("debt", "threat_general")),
    row("reminder", "【宁波银行】您的贷款已逾期7天，请在APP内还款", sender="95574", ts="2026-10-02T10:00:00+08:00",
        signals=("debt", "overdue", "official_channel")),
    row("third_party", "您是王某的紧急联系人，请转告他还款。——诚和信息咨询有限公司", sender="17000000001",
        ts="2026-10-05T12:00:00+08:00", signals=("debt", "third_party_address")),
    row("fraud", "注销校园贷账户，否则影响征信，请把钱转到个人账户6222021234567890123", sender="17100000002",
        ts="2026-10-06T12:00:00+08:00", signals=("cancel_account", "personal_account")),
    row("other", "【京东】您的快递已到", sender="10690000", ts="2026-10-06T23:30:00+08:00"),
])


# ---------------------------------------------------------------------------------------------- who sent it
@pytest.mark.parametrize("text, expected", [
    ("【宁波银行】您的贷款已逾期7天", [("宁波银行", "bank", "signature", "high")]),
    ("您已逾期，请尽快还款。【小鹿钱包】", [("小鹿钱包", "platform", "signature", "high")]),
    ("明天派人去你单位。——诚和信息咨询有限公司", [("诚和信息咨询有限公司", "agency", "sign_off", "high")]),
    ("受招商银行委托，北京某某律师事务所通知您", [("招商银行", "bank", "organisation", "medium"),
                                                  ("北京某某律师事务所", "law_firm", "organisation", "medium")]),
    ("您的马上消费金融账户已逾期", [("马上消费金融", "consumer_finance", "organisation", "medium")]),
    ("您在優品分期的借款已逾期", [("優品分期", "platform", "mention", "low")]),
    ("您在360借条平台的借款已逾期，请打开360借条APP还款", [("360借条", "platform", "mention", "low")]),
    ("您的好友沈女士在我平台的借款已严重逾期", []),  # "我平台" names no one
    ("他在我们这里有笔欠款没还", []),  # not 「们这里有笔」
    ("本平臺將依規向您所在村委會寄送欠款情況說明", []),  # not 「村委會寄送」
    ("以后房租打这个：6225880907474130，农业银行，户名黄杰", []),  # the payee's bank, not the sender
    ("请提供银行卡号", []),
    ("请登录官方APP还款", []),
    ("你再不还钱，明天上门找你", []),
    ("【<script>alert(1)</script>】你欠钱", []),  # markup is never read as a name
])
def test_find_platforms_reads_only_what_the_message_says(text, expected):
    assert [(m.name, m.kind, m.source, m.confidence) for m in find_platforms(text)] == expected


def test_collectors_grouped_by_the_name_they_give_with_dates_and_counts():
    report = build_report(ROWS)
    by_key = {g.key: g for g in report.collectors}
    bank = by_key["name:宁波银行"]  # traditional and simplified spellings are one group
    assert bank.mention.name == "宁波银行" and bank.kind == "bank" and bank.mention.confidence == "high"
    assert len(bank.entries) == 3 and bank.flagged == 2
    assert {f.value: n for f, n in bank.flag_counts.items()} == {"threat": 2, "late_night": 1}
    assert bank.span[0].day == 1 and bank.span[1].day == 3
    assert bank.senders == ("13811112222", "13833334444", "95574")
    assert by_key["name:诚和信息咨询有限公司"].kind == "agency"
    assert [g.senders for g in report.scams] == [("17100000002",)]  # a scam is no collector
    assert "10690000" not in json.dumps(report_to_dict(report)["collectors"])  # "other" messages are no one's


def test_complaint_summary_names_dates_counts_rules_and_channels():
    report = build_report(ROWS)
    texts = {g.key: complaint_text(g, report) for g in report.complaints}
    bank = texts["name:宁波银行"]
    for part in ("署名为【宁波银行】", "2026年10月1日至10月3日", "催收短信 3 条", "其中 2 条", "威胁、恐吓或侮辱 2 条",
                 "夜间发送 1 条", "第二百九十三条之一", "110", "12378", "12321", "可信度高"):
        assert part in bank, part
    agency = texts["name:诚和信息咨询有限公司"]
    assert "《个人信息保护法》第十条" in agency and "12315" in agency and "2026年10月5日，" in agency
    html = render_html(report)
    assert html.index('id="overview"') < html.index('id="complaints"') < html.index('id="flagged"')
    assert all(f'<p class="complaint">{t}</p>' in html for t in texts.values())  # plain paragraphs to copy
    assert "<button" not in html and "<script" not in html


# ---------------------------------------------------------------------------------------------- twins in step
def test_json_and_csv_carry_the_same_collectors_summaries_and_flags(tmp_path):
    """End to end with the bundled model."""
    src = tmp_path / "in.csv"
    src.write_text("号码,时间,内容\n13812345678,2026-10-01 23:10:00,【宁波银行】你再不还钱，明天上门找你\n"
                   "13812345679,2026-10-02 09:10:00,【宁波银行】你再不还钱，后果自负\n", encoding="utf-8")
    paths = {fmt: tmp_path / f"r.{fmt}" for fmt in ("html", "json", "csv")}
    for path in paths.values():
        code, _, err = run(["report", str(src), "-o", str(path)])
        assert code == 0, err
    report = json.loads(paths["json"].read_text(encoding="utf-8"))
    html = paths["html"].read_text(encoding="utf-8")
    assert report["lang"] == "zh" and report["collectors"][0]["name"] == "宁波银行"
    assert report["complaints"] and all(c["text"] in html for c in report["complaints"])
    csv_text = paths["csv"].read_text(encoding="utf-8-sig")
    header = csv_text.splitlines()[0].split(",")
    assert header[4:6] == ["standing", "label"] and "platform" in header and "reason" in header
    assert ",宁波银行,signature,high," in csv_text
    code, _, err = run(["report", str(src), "-o", str(tmp_path / "en.json"), "--lang", "en"])
    en = json.loads((tmp_path / "en.json").read_text(encoding="utf-8"))
    assert code == 0 and en["lang"] == "en" and en["complaints"][0]["text"].startswith("About ")
    assert [g["key"] for g in en["collectors"]] == [g["key"] for g in report["collectors"]]


# ---------------------------------------------------------------------------------------------- PDF
def test_pdf_without_chromium_is_a_one_line_error(tmp_path, monkeypatch):
    import dunning_nlp.report.pdf as report_pdf

    monkeypatch.delenv("DUNNING_NLP_CHROMIUM", raising=False)
    monkeypatch.setattr(report_pdf.shutil, "which", lambda name: None)
    out = tmp_path / "report.pdf"
    code, _, err = run(["report", str(SAMPLES / "messages.txt"), "-o", str(out)])
    assert code == 2 and not out.exists()
    assert len(err.strip().splitlines()) == 1 and "Chromium" in err and "apt-get install chromium" in err


def test_pdf_is_written_atomically_beside_no_fixed_temporary_name(tmp_path, monkeypatch):
    import dunning_nlp.report.pdf as report_pdf

    seen = []
    real = report_pdf.atomic_writer

    def spy(path, **kw):
        seen.append((path, kw))
        return real(path, **kw)

    monkeypatch.setattr(report_pdf, "atomic_writer", spy)
    monkeypatch.setattr(report_pdf, "find_chromium", lambda: "/bin/true")

    def fake_run(command, **kw):
        out = next(a for a in command if a.startswith("--print-to-pdf=")).split("=", 1)[1]
        with open(out, "wb") as fh:
            fh.write(b"%PDF-1.4\n%%EOF\n")
        return subprocess.CompletedProcess(command, 0, b"", b"")

    monkeypatch.setattr(report_pdf.subprocess, "run", fake_run)
    target = tmp_path / "r.pdf"
    report_pdf.html_to_pdf("<html></html>", str(target))
    assert target.read_bytes().startswith(b"%PDF-") and seen == [(str(target), {"binary": True})]
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


@pytest.mark.slow
@needs_tools("chromium", "pdftotext")
def test_report_prints_to_pdf_with_headings_flagged_table_and_hashes(tmp_path):
    """End to end with the bundled model."""
    src = tmp_path / "in.csv"
    lines = ["号码,时间,内容"] + [f"1381234{i:04d},2026-10-{1 + i % 28:02d} 23:{i % 60:02d}:00,"
                                 f"【宁波银行】第{i}次通知：你再不还钱，明天上门找你" for i in range(60)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report.pdf"
    code, _, err = run(["report", str(src), str(SAMPLES / "messages.jsonl"), "-o", str(out)])
    assert code == 0, err
    assert out.read_bytes()[:5] == b"%PDF-"  # a PDF, not HTML with a .pdf name
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, check=True).stdout.decode()
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) > 2
    for heading in ("催收短信证据报告", "投诉摘要", "被标记的短信", "下一步怎么做", "每条输入的说明", "标记及其依据", "来源与校验"):
        assert heading in text, heading
    assert "第0次通知" in text and "第59次通知" in text  # rows of the flagged table, first and last
    flat = re.sub(r"\s+", "", text)
    for path in (src, SAMPLES / "messages.jsonl"):
        digest = sha256_file(path)
        assert digest in flat  # the full hash in the inputs table
        assert all(digest[:12] in page for page in pages)  # and its prefix in every page's footer
    assert all("生成时间" in page for page in pages)
