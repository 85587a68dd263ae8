"""Evidence report: flags, provenance, escaping of hostile text, redaction, and a real headless browser."""

import io
import json
import re
import shutil

import pytest

from dunning_nlp.text.normalize import normalize_text
from dunning_nlp.text.signals import find_signals

from dunning_nlp.cli.app import main
from dunning_nlp.report.flags import FLAGS, FlagSettings, flag_messages
from dunning_nlp.model.store import sha256_file
from dunning_nlp.report.build import build_report
from dunning_nlp.report.html import render_html

from conftest import DATA, needs_tools

SAMPLES = DATA / "samples"
HOSTILE = ('<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=2">'
           '</td></table><iframe src="https://evil.example/"></iframe>你再不还钱就上门找你')


def row(label, text="x", sender="1380000", ts="2026-10-01T12:00:00+08:00", secondary=""):
    # A batch row carries the signals the model found (Prediction.signals); flags read them, not the text.
    signals = ";".join(s.name for s in find_signals(normalize_text(text, compact=True)))
    return {"source": "t", "record": 1, "sender": sender, "timestamp": ts, "label": label, "score": 0.9,
            "secondary": secondary, "signals": signals, "evidence": "", "text": text, "error": ""}


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    return main(argv, stdin=io.StringIO(""), stdout=out, stderr=err), out.getvalue(), err.getvalue()


@pytest.mark.parametrize("r, expected", [
    (row("harassment", "明天上门找你"), ["threat"]),
    (row("third_party", "请转告他还款"), ["third_party"]),
    (row("third_party", "你是他紧急联系人，不还就去你家", secondary="harassment"), ["threat", "third_party"]),
    (row("reminder", "您已逾期", ts="2026-10-01T23:30:00+08:00"), ["late_night"]),
    (row("reminder", "您已逾期", ts="2026-10-01T07:59:00+08:00"), ["late_night"]),
    (row("reminder", "您已逾期", ts="2026-10-01T08:00:00+08:00"), []),
    (row("other", "验证码123456", ts="2026-10-01T23:30:00+08:00"), []),
    (row("harassment", "你的案件已立案，派出所将上门拘留"), ["threat", "impersonation"]),
    (row("fraud", "请把欠款转到个人账户6222021234567890123"), ["personal_account"]),
    (row("fraud", "点击 http://t.cn/abc 处理，加微信zx123"), ["unofficial_channel"]),
    (row("reminder", "请在APP内还款，依法起诉"), []),
])
def test_single_message_flags(r, expected):
    assert flag_messages([r])[0] == expected


def test_flags_read_the_models_signals_not_the_text():
    # The same text with and without the signal the model reported: only the reported signal counts.
    r = row("harassment", "你的案件已立案，派出所将上门拘留")
    assert "impersonation" in flag_messages([r])[0]
    assert "impersonation" not in flag_messages([{**r, "signals": "debt"}])[0]


def test_high_frequency_counts_per_sender_and_day():
    rows = [row("reminder", f"您已逾期{i}", ts=f"2026-10-01T1{i}:00:00+08:00") for i in range(4)]
    rows += [row("reminder", "您已逾期", sender="other", ts="2026-10-01T10:00:00+08:00"),
             row("reminder", "您已逾期", ts="2026-10-02T10:00:00+08:00")]
    flags = flag_messages(rows, FlagSettings(max_per_day=3))
    assert [("high_frequency" in f) for f in flags] == [True] * 4 + [False, False]
    assert not any("high_frequency" in f for f in flag_messages(rows, FlagSettings(max_per_day=4)))


def test_threat_without_debt_words_is_flagged_for_a_collection_sender():
    # The gate calls a threat that names no debt `other`; from a number that sent overdue notices the report
    # still flags it, and only then.
    notice = row("reminder", "您的借款已逾期3天，请尽快还款", sender="+86 138 0013 8000")
    threat = row("other", "有种你就一直别接，明天就去你家楼下等你", sender="13800138000")
    quarrel = row("other", "有种你就一直别接，明天就去你家楼下等你", sender="13900000000")
    plain = row("other", "晚上一起吃饭吗", sender="13800138000")
    assert "threat_visit" in threat["signals"].split(";")
    assert flag_messages([notice, threat, quarrel, plain]) == [[], ["thread_threat"], [], []]
    assert flag_messages([threat]) == [[]]  # no collection message from that number: nothing to flag


def test_flagged_threat_joins_its_senders_complaint():
    notice = row("reminder", "【安心借】您的借款已逾期3天，请尽快还款", sender="13800138000")
    threat = row("other", "有种你就一直别接，明天就去你家楼下等你", sender="13800138000")
    report = build_report([notice, threat], lang="en")
    assert report["flags"]["thread_threat"]["count"] == 1
    groups = [g for g in report["platforms"] if g["flags"]["thread_threat"]]
    assert len(groups) == 1 and groups[0]["messages"] == 2
    assert "Threat without debt words" in groups[0]["complaint"] and "110" in groups[0]["complaint"]
    assert [m["label"] for m in report["senders"]["13800138000"]] == ["reminder", "other"]


def test_custom_night_window():
    r = row("reminder", ts="2026-10-01T21:30:00+08:00")
    assert flag_messages([r], FlagSettings(21, 7)) == [["late_night"]]
    assert flag_messages([r]) == [[]]


def test_every_flag_cites_a_rule():
    assert all(f.rule and f.title for f in FLAGS.values())


def test_hostile_text_is_escaped():
    report = build_report([row("harassment", HOSTILE)], inputs=[])
    html = render_html(report)
    assert "<script" not in html.lower() and "<iframe" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.attrs = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.attrs += [name for name, _ in attrs]

    parser = Tags()
    parser.feed(html)
    assert not {"script", "img", "iframe", "link", "object", "embed"} & set(parser.tags)
    assert not {"src", "href", "onerror", "onload"} & set(parser.attrs)  # the page references no resource


def test_report_formats_provenance_and_redaction(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("号码,时间,内容\n13812345678,2026-10-01 23:10:00,你再不还钱，明天上门找你，速回电13912345678\n",
                   encoding="utf-8")
    for fmt in ("html", "csv", "json"):
        out = tmp_path / f"r.{fmt}"
        code, _, err = run(["report", str(src), str(SAMPLES / "messages.jsonl"), "-o", str(out), "--redact"])
        assert code == 0, err
        data = out.read_text(encoding="utf-8-sig")
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", data), fmt
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    from importlib.resources import files

    manifest = json.loads((files("dunning_nlp.models") / "default.json").read_text(encoding="utf-8"))
    assert report["meta"]["model_sha256"] == manifest["compiled_sha256"]  # the .npz predictions come from
    assert report["meta"]["inputs"][0] == {"path": str(src), "sha256": sha256_file(src)}
    assert report["meta"]["tool"].startswith("dunning_nlp ") and report["meta"]["generated_at"]
    first = next(m for m in report["messages"] if m["source"] == str(src))
    assert first["label"] == "harassment" and {"threat", "late_night"} <= set(first["flags"])


@pytest.mark.parametrize("argv, needle", [
    (["--night", "25-3"], "--night"),
    (["--max-per-day", "0"], "--max-per-day"),
])
def test_report_user_errors(argv, needle, tmp_path):
    code, _, err = run(["report", str(SAMPLES / "messages.txt"), "-o", str(tmp_path / "r.html"), *argv])
    assert code == 2 and needle in err and not (tmp_path / "r.html").exists()



@pytest.mark.slow
@needs_tools("chromium", "chromedriver")
def test_report_in_headless_chromium(tmp_path):
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    hostile = tmp_path / "hostile.txt"
    hostile.write_text(HOSTILE + "\n", encoding="utf-8")
    page = tmp_path / "report.html"
    code, _, err = run(["report", str(SAMPLES), str(hostile), "-o", str(page)])
    assert code == 0, err

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(page.as_uri())
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.text
        assert driver.execute_script("return window.__pwned === undefined")
        bars = driver.find_elements(By.CSS_SELECTOR, "#chart-days svg rect.bar")
        hours = driver.find_elements(By.CSS_SELECTOR, "#chart-hours svg rect.bar")
        nights = driver.find_elements(By.CSS_SELECTOR, "#chart-hours svg rect.night")
        assert bars and hours and len(nights) == 10
        assert all(r.size["height"] > 0 and r.size["width"] > 0 for r in bars[:20])
        flagged = driver.find_elements(By.CSS_SELECTOR, "#flagged tr")
        assert len(flagged) > 10
        assert any("<script>" in td.text for td in driver.find_elements(By.CSS_SELECTOR, "#flagged td.msg"))
        shot = tmp_path / "report.png"
        assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 20_000
        urls = set()
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                urls.add(message["params"]["request"]["url"])
        assert page.as_uri() in urls
        assert not [u for u in urls if not u.startswith(("file://", "chrome://", "data:", "about:"))], urls
    finally:
        driver.quit()
