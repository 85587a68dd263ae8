"""Issue 21, item 1: the report asserts only what is true.

Golden tests on the shapes seen in real exports: encrypted blobs, invoice ads with 联系人, an anti-fraud notice
from a number that also sent collection messages, a friend's joke, a polite skip-trace, a landlord's account
line, names cut from running text.  Rows carry hand-made predictions (the label and signals the model gave or
could give), so these test the report's rules, not the model.
"""

import base64
import json
import os
import re

import pytest
from report_rows import numbered, row

from dunning_nlp.report.build import build_report, report_to_dict
from dunning_nlp.report.flags import Flag, Reason, Standing, assess, channels_for
from dunning_nlp.report.html import render_html
from dunning_nlp.report.platforms import find_platforms
from dunning_nlp.report.wording import complaint_text, scam_text
from dunning_nlp.text.unreadable import looks_unreadable

COLLECTOR = "10691234567"
NOTICE = row("reminder", "【瑞幸分期】您的会员分期款已逾期未缴，请尽快还款。", sender=COLLECTOR,
             signals=("debt", "overdue"))


def blob(seed: int) -> str:
    return base64.b64encode(bytes((seed * 37 + i * 101) % 256 for i in range(90))).decode()


def standings(rows):
    return [a.standing for a in assess(rows)]


def all_text(report) -> str:
    return "\n".join([complaint_text(g, report) for g in report.collectors] +
                     [scam_text(g, report) for g in report.scams])


# ---------------------------------------------------------------------------------------------- unreadable blobs
@pytest.mark.parametrize("text, expected", [
    (blob(1), True),
    ("3f7a9c0e5b2d4186a7f0c3e9b5d21478e6a0c4f2b9d7183e5a2c0f6b4d8e1a97", True),
    ("\ufffd\ufffd\ufffd\x01\x02\ufffd", True),
    ("您的借款已逾期，请登录 https://m.example.com/aGVsbG8gd29ybGQgdGhpcyBpcyBsb25nZXI 还款", False),
    ("Check this https://www.youtube.com/watch?v=dQw4w9WgXcQ lol", False),
    ("$5 cheap?", False),
    ("Your code is 482913", False),
    ("", False),
])
def test_looks_unreadable(text, expected):
    assert looks_unreadable(text) is expected


def test_encrypted_blobs_are_unreadable_never_classified_or_flagged():
    # An mmssms.db whose bodies are ciphertext: the model called them all fraud, at night, 17 from one number.
    rows = numbered([row("fraud", blob(i), sender="+8613800138000", ts=f"2026-10-01T23:{i:02d}:00+08:00",
                         signals=("link",), source="mmssms.db") for i in range(17)])
    report = build_report(rows)
    assert standings(rows) == [Standing.UNREADABLE] * 17
    assert all(e.reason is Reason.BLOB and not e.flags for e in report.entries)
    assert not report.collectors and not report.scams and not report.flagged
    page = render_html(report)
    assert "加密或二进制数据" in page and "17" in page
    assert "催收短信 17" not in page and "夜间发送" not in page.split('<section id="overview">')[1].split("</section>")[0]


# ---------------------------------------------------------------------------------------------- collection flags
def test_conduct_flags_only_on_collection_labels():
    night = "2026-10-01T23:30:00+08:00"
    rows = [row("fraud", "Check this out https://youtu.be/abc $5 cheap?", sender="+15550001", ts=night,
                signals=("link",)),
            row("other", "周末聚会的照片发你了", sender="13900001111", ts=night),
            row("reminder", "您的借款已逾期3天，请在APP内还款", sender="95188", ts=night, signals=("debt", "overdue"))]
    report = build_report(rows)
    assert [e.flags for e in report.entries] == [(), (), (Flag.LATE_NIGHT,)]
    assert report.scams[0].entries[0].standing is Standing.SCAM
    assert "催收" not in scam_text(report.scams[0], report)


def test_invoice_ads_with_a_contact_person_are_no_threat():
    ad = "深圳市伟盛达有限公司代开各类发票，联系人:周先生，我公司诚信经营。退订回T"
    as_fraud = row("fraud", ad, sender="17000000001", signals=("contact_blast", "family_work", "marketing"))
    as_other = row("other", ad, sender=COLLECTOR, signals=("contact_blast", "family_work", "marketing"))
    report = build_report([NOTICE, as_fraud, as_other])
    assert [e.standing for e in report.entries] == [Standing.COLLECTION, Standing.SCAM, Standing.OTHER]
    assert not any(e.flags for e in report.entries)
    text = all_text(report)
    assert "威胁" not in text and "催收短信" not in scam_text(report.scams[0], report)


def test_anti_fraud_notice_from_a_collection_number_is_no_threat():
    warning = row("other", "提醒：接到自称网贷客服要求注销账户、转账到安全账户的电话，请立即挂断并拨打96110。",
                  sender=COLLECTOR, signals=("fake_legal", "personal_account", "cancel_account", "scam_warning"))
    signed = row("other", "【公安部刑侦局】提醒：接到自称网贷客服的电话，请立即挂断，有人说要拘留你都是诈骗。",
                 sender=COLLECTOR, signals=("fake_legal",))
    assert standings([NOTICE, warning, signed]) == [Standing.COLLECTION, Standing.OTHER, Standing.OTHER]
    report = build_report([NOTICE, warning, signed])
    assert not report.complaints and "96110反诈" not in all_text(report)


@pytest.mark.parametrize("text, signals", [
    ("你先忙，我一會兒去你公司找你拿鑰匙。哈哈", ("threat_visit", "family_work")),
    ("明天去你家楼下等你，开玩笑的😂", ("threat_visit",)),
    ("您是谢先生登记的联系人，如果您不认识他，请回复不认识，我们将不再打扰。",
     ("contact_blast", "third_party_address", "greeting_polite")),
])
def test_jokes_and_polite_skip_traces_from_a_collection_number_are_no_threat(text, signals):
    assert standings([NOTICE, row("other", text, sender=COLLECTOR, signals=signals)])[1] is Standing.OTHER


def test_a_threat_without_debt_words_joins_its_collectors_complaint():
    threat = row("other", "有种你就一直别接，明天就去你家楼下等你", sender=f"+86 {COLLECTOR[:3]} {COLLECTOR[3:]}",
                 signals=("threat_visit",), ts="2026-10-02T09:00:00+08:00")
    quarrel = row("other", "有种你就一直别接，明天就去你家楼下等你", sender="13900000000", signals=("threat_visit",))
    report = build_report([NOTICE, threat, quarrel])
    assert [e.flags for e in report.entries] == [(), (Flag.THREAD_THREAT,), ()]
    assert len(report.complaints) == 1 and len(report.complaints[0].entries) == 2
    text = complaint_text(report.complaints[0], report)
    assert "催收号码另发的威胁 1 条" in text and "110" in text
    assert build_report([threat]).entries[0].standing is Standing.OTHER  # no collection from that number


def test_polite_skip_trace_is_third_party_contact_only():
    skip = row("third_party", "您好，您作为谢先生借款时登记的联系人，如果您不认识他，请回复“不认识”，我们将不再打扰。",
               signals=("debt", "contact_blast", "third_party_address", "greeting_polite"))
    assert assess([skip])[0].flags == (Flag.THIRD_PARTY,)
    threat = row("third_party", "你是他紧急联系人，不还就去你家", secondary=("harassment",), signals=("threat_visit",))
    assert assess([threat])[0].flags == (Flag.THREAT, Flag.THIRD_PARTY)
    # The classifier adds a secondary harassment label for the contact-list signal; asking a contact for the
    # borrower's number threatens no one.
    asks = row("third_party", "您好 白*强的欠款 本人失联 您是他通讯录里的联系人 请协助告知其现在的联系方式",
               secondary=("harassment",), signals=("debt", "contact_blast", "third_party_address"))
    assert assess([asks])[0].flags == (Flag.THIRD_PARTY,)
    # A message to the borrower that says contacts will be told is not (yet) a contact with a third party.
    warns = row("reminder", "鉴于您长期失联，我司将依法向您的通讯录联系人进行信息核实", secondary=("third_party",),
                signals=("debt", "lawful_action"))
    assert assess([warns])[0].flags == ()


def test_a_scam_is_never_a_collection_message_and_goes_to_scam_channels_only():
    landlord = row("fraud", "我是房东，这是我新办的卡，旧卡被冻结了，以后房租打这个：6225880907474130，农业银行，户名黄杰。",
                   sender="15080516978", ts="2026-10-19T22:43:00+08:00", signals=("personal_account", "frozen"))
    signed = row("fraud", "【農業銀行】您的账户异常，请登录 http://abc.icu 验证", sender="15551732904",
                 signals=("link", "link_login", "suspicious_link", "frozen"))
    report = build_report([landlord, signed])
    assert not report.collectors and len(report.scams) == 2
    assert all(g.channels == ("police", "antifraud", "sms_report") for g in report.scams)
    texts = {g.senders[0]: scam_text(g, report) for g in report.scams}
    assert "农业银行" not in texts["15080516978"] and "12378" not in "".join(texts.values())
    assert "自称【農業銀行】" in texts["15551732904"] and "冒用" in texts["15551732904"]
    assert all("催收" not in t for t in texts.values())
    assert not report.entries[0].flags  # a scam carries no collection-conduct flag, at night or not
    page = render_html(report)
    assert "12378" not in page.split('<section id="next">')[1].split("</section>")[0]


def test_a_bank_an_account_is_held_at_does_not_name_the_sender():
    text = "以后还款打这个：6225880907474130，农业银行，户名黄杰，打完发截图。"
    assert find_platforms(text) == []
    report = build_report([row("reminder", text, signals=("debt", "personal_account"), ts="2026-10-01T23:00:00+08:00")])
    assert report.collectors[0].mention is None
    assert "署名" not in complaint_text(report.collectors[0], report)


@pytest.mark.parametrize("text, name", [
    ("你好，是邵女士的前同事吗？他在我们这里有笔欠款没还。", None),
    ("告知：因您的網貸逾期超過25天，本平臺將依規向您所在村委會寄送欠款情況說明。", None),
    ("钱掌柜您好，傅霞在哈银消费金融APP的借款逾期了。", "哈银消费金融"),
    ("您在優品分期的借款已逾期。", "優品分期"),
])
def test_names_from_running_text_are_organisations_never_fragments(text, name):
    found = find_platforms(text)
    assert [m.name for m in found][:1] == ([name] if name else [])
    report = build_report([row("third_party", text, signals=("debt", "third_party_address"))])
    paragraph = complaint_text(report.collectors[0], report)
    assert "们这里有笔" not in paragraph and "村委會寄送" not in paragraph
    if name:
        assert f"短信中提到「{name}」" in paragraph and "署名" not in paragraph
    else:
        assert paragraph.startswith("关于号码 13800000000：")


@pytest.mark.parametrize("text, who", [
    ("【宁波银行】你再不还钱，明天上门找你", "署名为【宁波银行】"),
    ("明天派人去你单位。——诚和信息咨询有限公司", "落款为「诚和信息咨询有限公司」"),
    ("受招商银行委托通知您，再不还钱后果自负", "短信中提到「招商银行」"),
])
def test_signed_as_only_for_a_real_signature(text, who):
    report = build_report([row("harassment", text, signals=("debt", "threat_general"))])
    paragraph = complaint_text(report.collectors[0], report)
    assert paragraph.startswith(f"关于{who}")
    assert ("署名为" in paragraph) == text.startswith("【")


def test_channels_follow_the_guide():
    assert channels_for({Flag.THREAT}, "bank") == ("police", "regulator", "sms_report")
    assert channels_for({Flag.LATE_NIGHT}, "platform") == ("lender", "regulator", "sms_report")
    assert channels_for({Flag.THIRD_PARTY}, "law_firm") == ("lender", "market")
    assert channels_for({Flag.PERSONAL_ACCOUNT}, "unknown") == ("antifraud",)
    assert channels_for(set(), scam=True) == ("police", "antifraud", "sms_report")


# ---------------------------------------------------------------------------------------------- end to end
@pytest.mark.slow
def test_encrypted_mmssms_export_end_to_end(tmp_path):
    """An mmssms-like CSV and JSONL of ciphertext bodies: no collection claims, every record explained."""
    from cli_runner import run_cli as run

    csv_path = tmp_path / "mmssms.csv"
    csv_path.write_text("address,date,body,type\n" + "".join(
        f"+8613800138000,{1790000000000 + i * 60000},{blob(i)},1\n" for i in range(17)), encoding="utf-8")
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text("".join(json.dumps({"sender": "13900000000", "text": blob(100 + i)}) + "\n" for i in range(3)),
                     encoding="utf-8")
    out = tmp_path / "r.json"
    code, _, err = run(["report", str(csv_path), str(jsonl), "-o", str(out)])
    assert code == 0, err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["standings"]["unreadable"] == 20 and not data["complaints"] and not data["scams"]
    assert all(m["reason"] == "blob" and not m["flags"] for m in data["messages"])
    assert re.search(r"20 not analysed", err)


def test_report_json_carries_typed_settings_not_strings():
    report = build_report([NOTICE])
    data = report_to_dict(report)
    assert data["meta"]["night_start"] == 22 and data["meta"]["night_end"] == 8 and data["meta"]["max_per_day"] == 3
    assert data["meta"]["tz"] == "Asia/Shanghai"
    assert os.environ.get("DUNNING_NLP_TOKENIZER") == "jieba"  # conftest ran: the shared fixtures are in place
