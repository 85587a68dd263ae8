"""Issue 21, items 2–4 and 6: Chinese a person would write, what to do next, redaction, every input explained."""

import re
import string
from datetime import UTC, datetime

import pytest
from cli_runner import run_cli as run  # the one CLI runner (tests/cli_runner.py)
from report_rows import numbered, row

from dunning_nlp.report.build import build_report, report_to_dict
from dunning_nlp.report.flags import (
    RULE_CODES,
    Flag,
    FlagSettings,
    Reason,
    unread_reason,
)
from dunning_nlp.report.html import render_html
from dunning_nlp.report.i18n import CATALOGUES, format_period, format_time
from dunning_nlp.report.wording import (
    complaint_text,
    evidence_text,
    rules_text,
    scam_text,
)
from dunning_nlp.text.signals import SIGNALS

NIGHT = "2026-10-01T23:30:00+08:00"
ROWS = numbered([
    row("harassment", "【宁波银行】你再不还钱，明天上门找你", sender="13811112222", ts=NIGHT,
        signals=("debt", "threat_visit")),
    row("harassment", "【寧波銀行】再不还钱后果自负", sender="13833334444", ts="2026-10-03T10:00:00+08:00",
        signals=("debt", "threat_general")),
    row("reminder", "【宁波银行】您的贷款已逾期7天，请在APP内还款", sender="95574", ts="2026-10-02T10:00:00+08:00",
        signals=("debt", "overdue", "official_channel")),
    row("third_party", "您是王某的紧急联系人，请转告他还款。——诚和信息咨询有限公司", sender="17000000001",
        ts="2026-10-05T23:10:00+08:00", signals=("debt", "third_party_address")),
    row("fraud", "注销校园贷账户，否则影响征信，请把钱转到个人账户6222021234567890123", sender="17100000002",
        ts="2026-10-06T12:00:00+08:00", signals=("cancel_account", "personal_account", "credit_report")),
    row("other", "【京东】您的快递已到", sender="10690000", ts="2026-10-06T23:30:00+08:00"),
    row("third_party", "你好，请问是陈某某的儿子吗？您母亲的借款逾期了，您有空帮她看一下吗？", sender="",
        ts="", signals=("debt", "overdue", "third_party_address")),
])


def paragraphs(report):
    return [complaint_text(g, report) for g in report.complaints] + [scam_text(g, report) for g in report.scams]


def nested(text: str, pairs=(("（", "）"), ("(", ")"), ("“", "”"), ("「", "」"))) -> bool:
    """True when a bracket or quote opens inside another of the same kind."""
    for left, right in pairs:
        depth = 0
        for ch in text:
            depth += ch == left
            if depth > 1:
                return True
            depth -= ch == right
    return False


# ---------------------------------------------------------------------------------------------- 2. plain Chinese
def _shape(value, path=""):
    if isinstance(value, dict):
        return {k: v for key, sub in value.items() for k, v in _shape(sub, f"{path}.{key}").items()}
    if isinstance(value, list):
        return {f"{path}[{i}]": frozenset() for i in range(len(value))}
    return {path: frozenset(name for _, name, _, _ in string.Formatter().parse(value) if name)}


def test_catalogues_have_the_same_keys_and_placeholders():
    assert _shape(CATALOGUES["zh"]) == _shape(CATALOGUES["en"])


def test_every_signal_and_rule_has_words_in_each_catalogue():
    for cat in CATALOGUES.values():
        assert {s.name for s in SIGNALS} <= set(cat["signals"]), "name the new signals in report/i18n.py"
        assert set(RULE_CODES) == set(cat["rules"])
        assert {f.value for f in Flag} == set(cat["flags"])


def test_paragraphs_have_no_nested_brackets_or_quotes_and_no_placeholders():
    report = build_report(ROWS)
    texts = paragraphs(report)
    assert len(texts) == 4  # 宁波银行, the agency, the number-less third-party contact, the scam
    for text in texts:
        assert not nested(text), text
        assert "95xxx" not in text and "⟪" not in text and "识别把握" not in text
        assert not re.search(r"\[[a-z_]+\]", text)
    page = render_html(report)
    assert "95xxx" not in page and "识别把握" not in page and "可信度" in page
    assert not re.search(r"⟪[A-Z]+⟫", page)


def test_unknown_sender_is_said_once_plainly():
    report = build_report(ROWS)
    text = next(complaint_text(g, report) for g in report.complaints if not g.senders)
    assert text.startswith("关于发送号码不详的催收短信：我共收到这类短信 1 条。")
    assert "（未知号码）" not in text and "日期不详" not in text


def test_rules_are_rules_each_once_with_the_caveat_of_article_293_1():
    report = build_report(ROWS)
    bank = complaint_text(report.complaints[0], report)
    assert "第二百九十三条之一催收非法债务罪（针对高利放贷等非法债务）或第二百九十三条寻衅滋事罪（针对合法债务）" in bank
    agency = next(complaint_text(g, report) for g in report.complaints if g.mention and g.mention.source == "sign_off")
    rules = agency.split("可能涉及：")[1].split("。")[0]
    assert rules.count("互联网金融贷后催收业务指引") == 1  # night and third party: one guideline, cited once
    assert "12381" not in rules and "APP" not in rules and "95" not in rules  # channels are not rules
    for text in paragraphs(report):
        if "第二百九十三条之一" in text:
            assert "非法债务" in text and "寻衅滋事" in text
    assert rules_text(list(RULE_CODES), "zh", full=True).count("互联网金融贷后催收业务指引") == 3  # the table: each provision


def test_evidence_is_in_words_from_the_catalogue():
    report = build_report(ROWS)
    assert evidence_text(report.entries[0], "zh") == "威胁上门或到单位找人"  # the signal behind the threat flag
    assert evidence_text(report.entries[2], "zh") == ""  # a reminder with no signal evidence: nothing claimed
    disclaimer = row("reminder", "【京东金融】您已逾期90天，请通过官方App还款，我司不会通过个人账户收款。", ts=NIGHT,
                     signals=("debt", "overdue", "official_channel", "personal_account"),
                     evidence=("overdue", "official_channel"))
    entry = build_report([disclaimer]).entries[0]
    assert evidence_text(entry, "zh") == "提到到期或逾期、提到APP或官方客服"  # not "asks to pay a personal account"
    section = render_html(report).split('id="flagged"')[1].split("</table>")[0]
    assert not re.search(r"\b(?:threat_visit|debt|addressed to)\b", section)
    assert "要求转入个人账户" in evidence_text(report.entries[4], "zh")  # a scam: its signs


def test_times_are_in_the_reports_zone_everywhere():
    utc = row("harassment", "明天上门找你", ts="2026-10-01T15:30:00+00:00", signals=("debt", "threat_visit"))
    report = build_report([utc], generated_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert report.entries[0].flags == (Flag.THREAT, Flag.LATE_NIGHT)  # 23:30 in Shanghai
    page = render_html(report)
    assert "2026年1月1日 08:00 Asia/Shanghai" in page and "2026年10月1日" in page and "23:30" in page
    assert report_to_dict(report)["meta"]["generated_at"] == "2026-01-01T08:00:00+08:00"
    tokyo = build_report([utc], tz="Asia/Tokyo", generated_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert tokyo.entries[0].when.hour == 0 and "09:00 Asia/Tokyo" in render_html(tokyo)


@pytest.mark.parametrize("first, last, expected", [
    (datetime(2026, 10, 1), datetime(2026, 10, 3), "2026年10月1日至10月3日"),
    (datetime(2026, 12, 30), datetime(2027, 1, 2), "2026年12月30日至2027年1月2日"),
    (datetime(2026, 10, 1, 8), datetime(2026, 10, 1, 22), "2026年10月1日"),
])
def test_periods_as_a_reader_writes_them(first, last, expected):
    assert format_period(first, last, "zh") == expected


def test_dates_without_a_time_stay_dates():
    assert format_time(datetime(2026, 3, 1), False, "zh") == "2026年3月1日"
    report = build_report([row("reminder", "您的借款已逾期", ts="2026-03-01", signals=("debt",))])
    assert not report.entries[0].flags and report.per_hour()[0]["reminder"] == 0


def test_english_page_keeps_english():
    report = build_report(ROWS, lang="en")
    page = render_html(report)
    assert '<html lang="en">' in page and "Complaint summary" in page and "投诉摘要" not in page
    assert complaint_text(report.complaints[0], report).startswith("About the sender signing as 【宁波银行】")


# ---------------------------------------------------------------------------------------------- 3. what to do next
def test_next_steps_one_row_per_channel_with_how_to_reach_it():
    page = render_html(build_report(ROWS))
    section = page.split('<section id="next">')[1].split("</section>")[0]
    assert "不要删除手机里的原始短信" in section and "截图" in section
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1])
    names = [re.sub("<[^>]+>", "", r.split("</td>")[0]) for r in rows]
    assert len(names) == len(set(names)) == 6
    assert "www.12321.cn" in section and "拨打12378" in section and "拨打96110" in section
    police = next(r for r in rows if ">110<" in r)
    assert "威胁、恐吓或侮辱" in police and "疑似诈骗短信" in police and "夜间发送" not in police


def test_a_scam_only_report_sends_nowhere_but_scam_channels():
    scam = build_report([ROWS[4]])
    section = render_html(scam).split('<section id="next">')[1].split("</section>")[0]
    assert "12378" not in section and "12315" not in section and "96110" in section


# ---------------------------------------------------------------------------------------------- 4. redaction
def test_redaction_keeps_what_a_complaint_needs_and_says_so():
    report = build_report(ROWS, redacted=True)
    page = render_html(report)
    assert "13811112222" in page and "17100000002" in page  # the collector's and the scammer's numbers stay
    assert "6222021234567890123" not in page and "622************0123" in page  # numbers in texts are masked
    assert "投诉和举报需要完整号码" in page and "姓名和地址没有打码" in page
    data = report_to_dict(report)
    other = next(m for m in data["messages"] if m["standing"] == "other")
    assert other["sender"] == "10690000"  # too short to be personal: redact() leaves it; a mobile would be masked
    friend = build_report([row("other", "晚上吃饭吗", sender="13900001111")], redacted=True)
    assert report_to_dict(friend)["messages"][0]["sender"] == "139****1111"
    assert "没有打码" in render_html(build_report(ROWS))


# ---------------------------------------------------------------------------------------------- 6. every input explained
@pytest.mark.parametrize("error, reason", [
    ("a call-log backup (<calls>), not messages: SMS Backup & Restore writes calls and messages to separate files",
     Reason.CALL_LOG),
    ("empty message body", Reason.EMPTY),
    ("MMS notification only: the message was never downloaded, its text is not in the database",
     Reason.MMS_NOT_DOWNLOADED),
    ("corrupt SQLite database: file is not a database", Reason.DAMAGED),
    ("line 3: text not valid in any supported encoding", Reason.ENCODING),
    ("x.db: SQLite file with neither a message/handle (iOS) nor an sms (Android) table", Reason.NOT_MESSAGES),
    ("unreadable body: encrypted or binary content", Reason.BLOB),
    ("something new", Reason.READER_ERROR),
])
def test_reader_errors_have_a_reason(error, reason):
    assert unread_reason(error) is reason


def test_every_input_record_is_explained_on_the_page(tmp_path):
    calls = tmp_path / "calls-2026.xml"
    calls.write_text("<calls/>", encoding="utf-8")
    rows = [row("", "", source=str(calls), record=1,
                error="a call-log backup (<calls>), not messages: SMS Backup & Restore writes calls and messages "
                      "to separate files; give the sms-*.xml one")]
    rows += [row("", "", source="sms.xml", record=i, error="empty message body") for i in range(1, 458)]
    rows += [row("reminder", "您的借款已逾期", source="sms.xml", record=458, signals=("debt",))]
    report = build_report(rows, inputs=[str(calls), "sms.xml"])
    page = render_html(report)
    section = page.split('id="inputs-section"')[1].split("</section>")[0]
    assert "这是通话记录备份，不是短信" in section and "短信正文是空的" in section
    assert ">457<" in section and "等 452 处" in section
    assert [(f.records, f.analysed) for f in report.inputs] == [(1, 0), (458, 1)]
    assert report.inputs[0].sha256 and not report.inputs[1].sha256
    assert "另有 458 条记录没有分析" in page


@pytest.mark.parametrize("name", ["report.docx", "report", "report.htm"])
def test_unknown_output_suffix_is_a_command_line_error(tmp_path, name):
    out = tmp_path / name
    code, _, err = run(["report", "data/samples/messages.txt", "-o", str(out)])
    assert code == 2 and len(err.strip().splitlines()) == 1 and ".html, .pdf, .csv, .json" in err
    assert not out.exists()


def test_defaults_come_from_flag_settings():
    from dunning_nlp.cli.app import build_parser

    help_text = build_parser()._subparsers._group_actions[0].choices["report"].format_help()
    defaults = FlagSettings()
    assert f"default: {defaults.night_start}-{defaults.night_end}" in help_text
    assert f"default: {defaults.max_per_day}" in help_text
