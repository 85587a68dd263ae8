"""Issue 13: a complaint-ready report — Chinese by default, the platform named, a complaint summary, PDF, phones."""

import io
import json
import os
import re
import shutil
import string
import subprocess

import pytest

from dunning_nlp.cli.app import main
from dunning_nlp.model.store import sha256_file
from dunning_nlp.report.platforms import find_platforms
from dunning_nlp.report.build import build_report
from dunning_nlp.report.html import render_html
from dunning_nlp.report.i18n import CATALOGUES, format_time

from conftest import DATA, needs_tools

SAMPLES = DATA / "samples"


def row(label, text, sender="13800000000", ts="2026-10-01T12:00:00+08:00", secondary=""):
    return {"source": "t", "record": 1, "sender": sender, "timestamp": ts, "label": label, "score": 0.9,
            "secondary": secondary, "evidence": "", "text": text, "error": ""}


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    return main(argv, stdin=io.StringIO(""), stdout=out, stderr=err), out.getvalue(), err.getvalue()


ROWS = [
    row("harassment", "【宁波银行】你再不还钱，明天上门找你", sender="13811112222", ts="2026-10-01T23:30:00+08:00"),
    row("harassment", "【寧波銀行】再不还钱后果自负", sender="13833334444", ts="2026-10-03T10:00:00+08:00"),
    row("reminder", "【宁波银行】您的贷款已逾期7天，请在APP内还款", sender="95574", ts="2026-10-02T10:00:00+08:00"),
    row("third_party", "您是王某的紧急联系人，请转告他还款。——诚和信息咨询有限公司", sender="17000000001",
        ts="2026-10-05T12:00:00+08:00"),
    row("fraud", "注销校园贷账户，否则影响征信，请把钱转到个人账户6222021234567890123", sender="17100000002",
        ts="2026-10-06T12:00:00+08:00"),
    row("other", "【京东】您的快递已到", sender="10690000", ts="2026-10-06T23:30:00+08:00"),
]


# ---------------------------------------------------------------------------------------------- 1. catalogues
def _shape(value, path=""):
    """Every key path of a catalogue with the placeholders of its text."""
    if isinstance(value, dict):
        return {k: v for key, sub in value.items() for k, v in _shape(sub, f"{path}.{key}").items()}
    if isinstance(value, list):
        return {f"{path}[{i}]": frozenset() for i in range(len(value))}
    return {path: frozenset(name for _, name, _, _ in string.Formatter().parse(value) if name)}


def test_catalogues_have_the_same_keys_and_placeholders():
    assert _shape(CATALOGUES["zh"]) == _shape(CATALOGUES["en"])


def test_chinese_is_the_default_and_english_keeps_english():
    zh = render_html(build_report(ROWS))
    assert '<html lang="zh-CN">' in zh
    for word in ("投诉摘要", "被标记的短信", "骚扰威胁", "正常催收提醒", "疑似诈骗", "威胁、恐吓或侮辱", "夜间催收",
                 "第二百九十三条之一", "2026年10月1日 23:30", "每日短信数"):
        assert word in zh, word
    assert "Flagged messages" not in zh and "Complaint summary" not in zh
    en = render_html(build_report(ROWS, lang="en"))
    assert '<html lang="en">' in en and "Complaint summary" in en and "Flagged messages" in en
    assert "投诉摘要" not in en
    assert 'class="msg" lang="zh-CN"' in en  # the messages stay marked as Chinese on the English page


@pytest.mark.parametrize("ts, lang, expected", [
    ("2026-10-01T23:10:00+08:00", "zh", "2026年10月1日 23:10"),
    ("2026-03-01", "zh", "2026年3月1日"),
    ("2026-10-01T23:10:00+08:00", "en", "2026-10-01 23:10"),
    ("", "zh", ""),
    ("not a time", "zh", "not a time"),
])
def test_dates_in_the_readers_form(ts, lang, expected):
    assert format_time(ts, lang) == expected


# ---------------------------------------------------------------------------------------------- 2. who sent it
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
    ("请提供银行卡号", []),
    ("请登录官方APP还款", []),
    ("你再不还钱，明天上门找你", []),
    ("【<script>alert(1)</script>】你欠钱", []),  # markup is never read as a name
])
def test_find_platforms_reads_only_what_the_message_says(text, expected):
    assert [(m.name, m.kind, m.source, m.confidence) for m in find_platforms(text)] == expected


def test_messages_grouped_by_platform_with_dates_and_counts():
    report = build_report(ROWS)
    by_key = {p["key"]: p for p in report["platforms"]}
    bank = by_key["宁波银行"]  # traditional and simplified spellings are one group
    assert bank["name"] == "宁波银行" and bank["kind"] == "bank" and bank["confidence"] == "high"
    assert bank["messages"] == 3 and bank["flagged"] == 2
    assert bank["flags"]["threat"] == 2 and bank["flags"]["late_night"] == 1
    assert bank["first"].startswith("2026-10-01") and bank["last"].startswith("2026-10-03")
    assert bank["senders"] == ["13811112222", "13833334444", "95574"]
    assert by_key["诚和信息咨询有限公司"]["kind"] == "agency"
    unnamed = by_key["sender:17100000002"]  # names no one: grouped by number, never given a name
    assert unnamed["name"] == "" and unnamed["confidence"] == "none" and unnamed["labels"]["fraud"] == 1
    assert "10690000" not in json.dumps(report["platforms"])  # "other" messages are no one's collection


# ---------------------------------------------------------------------------------------------- 3. complaint summary
def test_complaint_summary_names_dates_counts_rules_and_channels():
    report = build_report(ROWS)
    texts = {c["key"]: c["text"] for c in report["complaints"]}
    bank = texts["宁波银行"]
    for part in ("「宁波银行」", "2026年10月1日至2026年10月3日", "催收相关短信 3 条", "其中 2 条", "“威胁、恐吓或侮辱”2 条",
                 "“夜间催收”1 条", "第二百九十三条之一", "110", "12378", "12321", "识别把握：高"):
        assert part in bank, part
    agency = texts["诚和信息咨询有限公司"]
    assert "《个人信息保护法》第十条" in agency and "委托其催收的放贷机构" in agency and "2026年10月5日，" in agency
    scam = texts["sender:17100000002"]
    assert "96110" in scam and "未找到机构名称" in scam and "17100000002" in scam
    html = render_html(report)
    top = html.index('id="complaints"')
    assert top < html.index('id="flagged"') < html.index('id="summary"')  # the summary comes first
    assert all(f'<p class="complaint">{t}</p>' in html for t in texts.values())  # plain paragraphs to copy
    assert "<button" not in html and "<script" not in html


def test_redacted_report_names_platforms_but_no_numbers():
    report = build_report(ROWS, redacted=True)
    data = json.dumps(report, ensure_ascii=False)
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", data)
    assert any(p["name"] == "宁波银行" for p in report["platforms"])


# ---------------------------------------------------------------------------------------------- 6. twins in step
def test_json_and_csv_carry_the_same_platforms_summaries_and_flags(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("号码,时间,内容\n13812345678,2026-10-01 23:10:00,【宁波银行】你再不还钱，明天上门找你\n"
                   "13812345679,2026-10-02 09:10:00,【宁波银行】你再不还钱，后果自负\n", encoding="utf-8")
    paths = {fmt: tmp_path / f"r.{fmt}" for fmt in ("html", "json", "csv")}
    for path in paths.values():
        code, _, err = run(["report", str(src), "-o", str(path)])
        assert code == 0, err
    report = json.loads(paths["json"].read_text(encoding="utf-8"))
    html = paths["html"].read_text(encoding="utf-8")
    assert report["lang"] == "zh" and report["platforms"][0]["name"] == "宁波银行"
    assert report["complaints"] and all(c["text"] in html for c in report["complaints"])
    assert all(f["title"] in html for f in report["flags"].values() if f["count"])
    csv_text = paths["csv"].read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].split(",")[8:10] == ["platform", "platform_confidence"]
    assert ",宁波银行,high," in csv_text
    code, _, err = run(["report", str(src), "-o", str(tmp_path / "en.json"), "--lang", "en"])
    en = json.loads((tmp_path / "en.json").read_text(encoding="utf-8"))
    assert code == 0 and en["lang"] == "en" and en["complaints"][0]["text"].startswith("About ")
    assert [p["key"] for p in en["platforms"]] == [p["key"] for p in report["platforms"]]


# ---------------------------------------------------------------------------------------------- 4. PDF
def test_pdf_without_chromium_is_a_one_line_error(tmp_path, monkeypatch):
    import dunning_nlp.report.pdf as report_pdf

    monkeypatch.delenv("DUNNING_NLP_CHROMIUM", raising=False)
    monkeypatch.setattr(report_pdf.shutil, "which", lambda name: None)
    out = tmp_path / "report.pdf"
    code, _, err = run(["report", str(SAMPLES / "messages.txt"), "-o", str(out)])
    assert code == 2 and not out.exists()
    assert len(err.strip().splitlines()) == 1 and "Chromium" in err and "apt-get install chromium" in err



@pytest.mark.slow
@needs_tools("chromium", "pdftotext")
def test_report_prints_to_pdf_with_headings_flagged_table_and_hashes(tmp_path):
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
    for heading in ("催收短信证据报告", "投诉摘要", "被标记的短信", "发送方（平台、机构）", "标记及其依据", "来源与校验"):
        assert heading in text, heading
    assert "第0次通知" in text and "第59次通知" in text  # rows of the flagged table, first and last
    flat = re.sub(r"\s+", "", text)
    for path in (src, SAMPLES / "messages.jsonl"):
        digest = sha256_file(path)
        assert digest in flat  # the full hash in the provenance table
        assert all(digest[:12] in page for page in pages)  # and its prefix in every page's footer
    assert all("生成时间" in page for page in pages)


# ---------------------------------------------------------------------------------------------- 5. phones

@pytest.mark.slow
@needs_tools("chromium", "chromedriver")
def test_report_reads_on_a_phone_and_a_desktop(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    page = tmp_path / "report.html"
    code, _, err = run(["report", str(SAMPLES), "-o", str(page)])
    assert code == 0, err
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    shots = os.environ.get("DNLP_SCREENSHOTS")  # set to keep the screenshots for a person to look at
    try:
        for width, mobile in ((390, True), (1280, False)):
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": 844 if mobile else 900, "deviceScaleFactor": 1,
                                    "mobile": mobile})
            driver.get(page.as_uri())
            geometry = driver.execute_script("""
                const box = sel => { const r = document.querySelector(sel).getBoundingClientRect();
                                     return [r.left, r.right, r.width, r.height]; };
                return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
                        complaints: box('#complaints .complaint'), flagged: box('#flagged tbody tr td.msg')};""")
            assert geometry["inner"] == width
            assert geometry["scroll"] <= width, geometry  # no horizontal scrolling of the page
            for part in ("complaints", "flagged"):
                left, right, w, h = geometry[part]
                assert 0 <= left and right <= width and w > 100 and h > 0, (width, part, geometry)
            shot = tmp_path / f"report-{width}.png"
            assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
            if shots:
                os.makedirs(shots, exist_ok=True)
                shutil.copy(shot, os.path.join(shots, shot.name))
                driver.execute_script("document.querySelector('#flagged').scrollIntoView()")
                driver.save_screenshot(os.path.join(shots, f"report-{width}-flagged.png"))
    finally:
        driver.quit()
