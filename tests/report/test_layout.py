"""Issue 21, items 5 and 8: phone first, charts that fit or scroll under a hint, a PDF an upload form accepts.

The page is built from typed rows with hand-made predictions (many senders, long numbers and links, a month of
days), opened in headless Chromium at 390 and 1280 px, and printed to PDF and read back with pdftotext.  The
last test runs the whole command on the bundled samples (it needs the bundled model).
"""

import json
import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
from conftest import DATA, needs_tools
from cli_runner import run_cli as run  # the one CLI runner (tests/cli_runner.py)
from report_rows import numbered, row

from dunning_nlp.report.build import build_report, write_report
from dunning_nlp.report.html import render_html
from dunning_nlp.report.i18n import format_percent

BASE = datetime(2026, 10, 1, 8, 5)


def month_of_messages():
    """Ninety-odd messages over 31 days: collectors, scams, ordinary messages; long numbers, links and names."""
    rows = []
    for i in range(93):
        when = (BASE + timedelta(days=i % 31, hours=(i * 7) % 24)).isoformat() + "+08:00"
        kind = i % 6
        if kind == 0:
            rows.append(row("harassment", f"【安心借】第{i}次通知：你再不还钱，明天上门找你，速回电1391234{i:04d}",
                            sender=f"+86 170 0000 {i:04d}", ts=when, signals=("debt", "threat_visit", "personal_phone")))
        elif kind == 1:
            rows.append(row("third_party", f"您是王某的紧急联系人，请转告他还款，第{i}次。——诚和信息咨询有限公司",
                            sender="1069012345678901", ts=when, signals=("debt", "third_party_address")))
        elif kind == 2:
            rows.append(row("reminder", f"【宁波银行】您的贷款已逾期{i}天，请在APP内还款", sender="95574", ts=when,
                            signals=("debt", "overdue", "official_channel")))
        elif kind == 3:
            rows.append(row("fraud", f"【工商银行】账户异常，请登录http://icbc-verify{i}.icu/aGVsbG8gd29ybGQgbG9uZ3BhdGg验证",
                            sender=f"1555000{i:04d}", ts=when, signals=("link", "link_login", "suspicious_link")))
        else:
            rows.append(row("other", f"周末聚会的照片发你了 {i}", sender="13900001111 (老同学)", ts=when))
    return numbered(rows)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    report = build_report(month_of_messages(), inputs=[str(DATA / "samples" / "messages.txt")])
    path = tmp_path_factory.mktemp("page") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return report, path


def test_flagged_messages_in_time_order_with_their_source(page):
    report, path = page
    flagged = report.flagged
    assert [e.order for e in flagged] == sorted(e.order for e in flagged)
    html = path.read_text(encoding="utf-8")
    assert "sms.csv 第 1 条" in html and html.index('id="overview"') < html.index('id="complaints"') < html.index(
        'id="flagged"') < html.index('id="charts"')
    assert "<details" not in render_html(report, for_print=True)  # the PDF leaves the timelines out


def test_charts_have_a_y_axis(page):
    html = page[1].read_text(encoding="utf-8")
    days = html.split('id="chart-days"')[1].split("</svg>")[0]
    assert re.search(r'text-anchor="end">0</text>', days) and re.search(r'text-anchor="end">(?:5|10|20)</text>', days)


@pytest.mark.slow
@needs_tools("chromium", "chromedriver")
def test_page_reads_on_a_phone_and_a_desktop(page, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    _, path = page
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
            driver.get(path.as_uri())
            geometry = driver.execute_script("""
                const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top + scrollY]; };
                const charts = [...document.querySelectorAll('figure.chart-box')].map(f => {
                    const hint = f.previousElementSibling;
                    return {id: f.id, scroll: f.scrollWidth, client: f.clientWidth,
                            hint: !!hint && hint.classList.contains('hint') && hint.offsetHeight > 0,
                            svg: f.querySelector('svg').getBoundingClientRect().width}; });
                const cells = [...document.querySelectorAll('table.cards td')].map(box);
                return {inner: innerWidth, scroll: document.documentElement.scrollWidth, charts: charts,
                        widest: Math.max(...cells.map(c => c[1])), leftmost: Math.min(...cells.map(c => c[0])),
                        overview: box(document.querySelector('#overview'))[2],
                        complaints: box(document.querySelector('#complaints'))[2],
                        cardDisplay: getComputedStyle(document.querySelector('#senders td')).display};""")
            assert geometry["inner"] == width
            assert geometry["scroll"] <= width, geometry  # the page never scrolls sideways
            assert geometry["leftmost"] >= 0 and geometry["widest"] <= width, geometry
            assert geometry["overview"] < 1200 and geometry["complaints"] < 2000, geometry  # summaries first
            for chart in geometry["charts"]:
                fits = chart["scroll"] <= chart["client"] + 1
                assert fits or chart["hint"], (width, chart)  # fits, or scrolls in its box under a visible hint
                assert chart["svg"] >= (250 if mobile else 500), chart  # drawn at a readable size
                if not mobile:
                    assert fits and not chart["hint"], chart
            assert (geometry["cardDisplay"] == "block") == mobile  # the sender table becomes cards on a phone
            shot = tmp_path / f"report-{width}.png"
            assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
            if shots:
                os.makedirs(shots, exist_ok=True)
                shutil.copy(shot, os.path.join(shots, shot.name))
    finally:
        driver.quit()


def _pdf_text(path, layout=True) -> tuple[str, int]:
    args = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
    text = subprocess.run(args, capture_output=True, check=True).stdout.decode()
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    return text, int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.mark.slow
@needs_tools("chromium", "pdftotext", "pdfinfo")
def test_pdf_keeps_every_flagged_message_without_wrapped_numbers(page, tmp_path):
    report, _ = page
    out = tmp_path / "report.pdf"
    write_report(report, str(out), "pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
    text, pages = _pdf_text(out)
    flat = re.sub(r"\s+", "", text)
    for heading in ("催收短信证据报告", "概况", "投诉摘要", "疑似诈骗短信", "下一步怎么做", "被标记的短信", "每条输入的说明",
                    "标记及其依据", "来源与校验"):
        assert heading in text, heading
    for e in report.flagged:
        assert re.sub(r"\s+", "", e.message.text)[:14] in flat, e.message.text  # every flagged message is there
        percent = format_percent(e.score)
        assert re.search(rf"可信度 {percent}", text), percent  # on one line, never "可信度 9 / 7%"
    for number in ("1069012345678901", "95574", "15550000003"):
        assert re.search(rf"(?<!\d){number}(?!\d)", text), number  # a number is never cut over two lines
    assert "周末聚会" not in text  # ordinary messages are left out
    assert pages <= 12 and out.stat().st_size < 1_500_000, (pages, out.stat().st_size)
    assert all("生成时间" in p for p in text.split("\f") if p.strip())


@pytest.mark.slow
@needs_tools("chromium", "pdftotext", "pdfinfo", "pdffonts")
def test_samples_print_to_a_pdf_an_upload_form_accepts(tmp_path):
    """The 251 bundled samples: a few pages and well under 3 MB, every flagged message and scam present."""
    pdf, data = tmp_path / "samples.pdf", tmp_path / "samples.json"
    for out in (pdf, data):
        code, _, err = run(["report", str(DATA / "samples"), "-o", str(out)])
        assert code == 0, err
    report = json.loads(data.read_text(encoding="utf-8"))
    text, pages = _pdf_text(pdf)
    flat = re.sub(r"\s+", "", text)
    concerned = [m for m in report["messages"] if m["flags"] or m["standing"] == "scam"]
    assert concerned
    for m in concerned:
        assert re.sub(r"\s+", "", m["text"])[:14] in flat, m["text"]
    size = pdf.stat().st_size
    assert size < 3_000_000 and pages <= 30, (size, pages)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout.decode()
    assert all(" yes yes " in line for line in fonts.splitlines()[2:]), fonts  # every font embedded as a subset
