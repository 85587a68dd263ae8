"""Evidence report: flags from typed rows, provenance, escaping of hostile text, and a real headless browser."""

import json
import re
import shutil

import pytest
from conftest import DATA, needs_tools
from cli_runner import run_cli as run  # the one CLI runner (tests/cli_runner.py)
from report.report_rows import row  # tests/report/report_rows.py: typed rows with hand-made predictions

from dunning_nlp.model.store import sha256_file
from dunning_nlp.report.build import build_report
from dunning_nlp.report.flags import FLAG_RULES, Flag, FlagSettings, assess
from dunning_nlp.report.html import render_html

SAMPLES = DATA / "samples"
HOSTILE = ('<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=2">'
           '</td></table><iframe src="https://evil.example/"></iframe>你再不还钱就上门找你')
NIGHT = "2026-10-01T23:30:00+08:00"


def flags(r):
    return [f.value for f in assess([r])[0].flags]


@pytest.mark.parametrize("r, expected", [
    (row("harassment", "明天上门找你", signals=("debt", "threat_visit")), ["threat"]),
    (row("third_party", "请转告他还款", signals=("debt", "third_party_address")), ["third_party"]),
    (row("third_party", "你是他紧急联系人，不还就去你家", secondary=("harassment",), signals=("threat_visit",)),
     ["threat", "third_party"]),
    (row("reminder", "您已逾期", ts=NIGHT, signals=("debt",)), ["late_night"]),
    (row("reminder", "您已逾期", ts="2026-10-01T07:59:00+08:00"), ["late_night"]),
    (row("reminder", "您已逾期", ts="2026-10-01T08:00:00+08:00"), []),
    (row("reminder", "您已逾期", ts="2026-10-01"), []),  # a date without a time has no hour to judge
    (row("other", "验证码123456", ts=NIGHT), []),
    (row("fraud", "点击 http://t.cn/abc 处理", ts=NIGHT, signals=("link",)), []),  # scams: their own section
    (row("harassment", "你的案件已立案，派出所将上门拘留", signals=("fake_legal", "threat_visit")),
     ["threat", "impersonation"]),
    (row("harassment", "请把欠款转到个人账户6222021234567890123", signals=("personal_account",)),
     ["threat", "personal_account"]),
    (row("third_party", "请他加微信zx123处理", signals=("im_contact",)), ["third_party", "unofficial_channel"]),
    (row("reminder", "我司不会通过个人账户收款，请在APP内还款", signals=("personal_account", "official_channel")), []),
])
def test_single_message_flags(r, expected):
    assert flags(r) == expected


def test_flags_read_the_models_signals_not_the_text():
    r = row("harassment", "你的案件已立案，派出所将上门拘留", signals=("fake_legal",))
    assert "impersonation" in flags(r)
    assert "impersonation" not in flags(row("harassment", r.message.text, signals=("debt",)))


def test_high_frequency_counts_per_sender_and_day():
    rows = [row("reminder", f"您已逾期{i}", sender="+86 138 0013 8000" if i % 2 else "13800138000",
                ts=f"2026-10-01T1{i}:00:00+08:00") for i in range(4)]
    rows += [row("reminder", "您已逾期", sender="other", ts="2026-10-01T10:00:00+08:00"),
             row("reminder", "您已逾期", sender="13800138000", ts="2026-10-02T10:00:00+08:00"),
             row("other", "吃饭了吗", sender="13800138000", ts="2026-10-01T19:00:00+08:00")]
    found = [Flag.HIGH_FREQUENCY in a.flags for a in assess(rows, FlagSettings(max_per_day=3))]
    assert found == [True] * 4 + [False] * 3  # spellings of one number are one sender; "other" is not counted
    assert not any(Flag.HIGH_FREQUENCY in a.flags for a in assess(rows, FlagSettings(max_per_day=4)))
    unknown = [row("reminder", f"您已逾期{i}", sender="", ts="2026-10-01T12:00:00+08:00") for i in range(5)]
    assert not any(a.flags for a in assess(unknown))  # messages with no number are not one sender


def test_custom_night_window():
    r = row("reminder", "您已逾期", ts="2026-10-01T21:30:00+08:00")
    assert [f.value for f in assess([r], FlagSettings(21, 7))[0].flags] == ["late_night"]
    assert flags(r) == []


def test_every_flag_rests_on_a_rule_or_is_a_sign_of_a_scam():
    assert set(FLAG_RULES) == set(Flag)
    assert all(FLAG_RULES[f] for f in Flag if f not in (Flag.PERSONAL_ACCOUNT, Flag.UNOFFICIAL_CHANNEL))


def test_hostile_text_is_escaped():
    html = render_html(build_report([row("harassment", HOSTILE, signals=("threat_visit",))]))
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
    """End to end with the bundled model: every format, provenance, and --redact keeping the collector's number."""
    src = tmp_path / "in.csv"
    src.write_text("号码,时间,内容\n13812345678,2026-10-01 23:10:00,你再不还钱，明天上门找你，速回电13912345678\n",
                   encoding="utf-8")
    for fmt in ("html", "csv", "json"):
        out = tmp_path / f"r.{fmt}"
        code, _, err = run(["report", str(src), str(SAMPLES / "messages.jsonl"), "-o", str(out), "--redact"])
        assert code == 0, err
        data = out.read_text(encoding="utf-8-sig")
        assert "13912345678" not in data and "139****5678" in data, fmt  # a number in a text is masked
        assert "13812345678" in data, fmt  # the collector's number is kept: the complaint needs it
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    from importlib.resources import files

    manifest = json.loads((files("dunning_nlp.models") / "default.json").read_text(encoding="utf-8"))
    assert report["meta"]["model_sha256"] == manifest["compiled_sha256"]  # the .npz predictions come from
    assert report["meta"]["inputs"][0]["path"] == str(src)
    assert report["meta"]["inputs"][0]["sha256"] == sha256_file(src)
    assert report["meta"]["tool"].startswith("dunning_nlp ") and report["meta"]["generated_at"].endswith("+08:00")
    first = next(m for m in report["messages"] if m["source"] == str(src))
    assert first["label"] == "harassment" and {"threat", "late_night"} <= set(first["flags"])


@pytest.mark.parametrize("argv, needle", [
    (["--night", "25-3"], "--night"),
    (["--max-per-day", "0"], "--max-per-day"),
    (["--tz", "Mars/Olympus"], "time zone"),
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

    rows = [row("harassment", HOSTILE, ts=NIGHT, signals=("threat_visit",))]
    rows += [row(lab, f"您的借款已逾期{i}天", sender=f"1380000{i:04d}", ts=f"2026-10-{1 + i % 28:02d}T{i % 24:02d}:10:00+08:00",
                 signals=("debt",)) for i, lab in enumerate(["reminder", "harassment", "third_party", "other"] * 10)]
    page = tmp_path / "report.html"
    page.write_text(render_html(build_report(rows)), encoding="utf-8")
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
            _ = driver.switch_to.alert.text
        assert driver.execute_script("return window.__pwned === undefined")
        bars = driver.find_elements(By.CSS_SELECTOR, "#chart-days svg rect.bar")
        hours = driver.find_elements(By.CSS_SELECTOR, "#chart-hours svg rect.bar")
        nights = driver.find_elements(By.CSS_SELECTOR, "#chart-hours svg rect.night")
        assert bars and hours and len(nights) == 10
        assert all(r.size["height"] > 0 and r.size["width"] > 0 for r in bars[:20])
        flagged = driver.find_elements(By.CSS_SELECTOR, "#flagged tbody tr")
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


def test_night_window_is_not_parsed_back_from_a_string():
    report = build_report([row("reminder", "您已逾期", ts="2026-10-01T21:30:00+08:00")], settings=FlagSettings(21, 7))
    html = render_html(report)
    assert html.count('class="night"') == 10 and "21时至次日7时" in html
    assert not re.search(r"\d\d:00–\d\d:00", html)
