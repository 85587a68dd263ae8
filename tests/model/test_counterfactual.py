"""Counterfactual (CheckList-style) tests of the bundled model.

Invariance: what every real sender adds around a message — a 【signature】, an
opt-out footer, a masked card or ID number, a 95xxx hotline, an ordinary
link — must not change the label of a clear case.  Directional: a threat
stripped of every mention of a debt and of every collection act (a visit to
verify finances, letters to the family, court steps, telling the contacts) is
no longer a collection message (the debt-context gate,
:mod:`dunning_nlp.model.gate`).  The messages are written
for these tests; none is in the corpus.
"""

import pytest

CLEAR = [
    ("您好，您在本平台的借款已逾期5天，应还1,280元，请今日登录APP还款。", "reminder"),
    ("您的信用卡本期账单3,456.70元，最后还款日为本月20日，请按时还款以免影响信用记录。", "reminder"),
    ("欠款再拖下去，明天我们的人就去你家和你单位，让你爸妈和领导都知道你是个老赖。", "harassment"),
    ("你的欠款案件已移交执行局，今晚18点前不还清，冻结你名下微信支付宝和全部银行卡，并通知你户籍地村委。", "harassment"),
    ("您好，您的同事赵明在我司的贷款已逾期两个月，请您转告他尽快还款。", "third_party"),
    ("您是刘芳的紧急联系人，她的借款已经逾期，麻烦您让她今天联系我们处理。", "third_party"),
    ("您大学期间开通的校园贷账户尚未注销，会影响征信，请添加客服QQ办理注销，需先转账验证。", "fraud"),
    ("停息挂账、征信修复，内部渠道，先交服务费，保证消除逾期记录。", "fraud"),
    ("周六晚上一起去吃火锅吧，我订好位子了。", "other"),
    ("您的快递已放在小区门口的快递柜，凭取件码领取，请尽快取件。", "other"),
    ("本周末全场服装五折起，会员再享积分双倍，欢迎光临。", "other"),
]

ADDITIONS = {
    "signature": lambda t: "【众合金融】" + t,
    "signature_end": lambda t: t + "【众合金融】",
    "footer_r": lambda t: t + "拒收请回复R",
    "footer_td": lambda t: t + "退订回T",
    "masked_card": lambda t: t + "（尾号卡6222****4821）",
    "masked_id": lambda t: t + "证件号330106********271X",
    "hotline": lambda t: t + "详询95188。",
    "link": lambda t: t + "详情见 https://m.jd.com/a8k2",
}


@pytest.mark.parametrize("text, label", CLEAR)
def test_clear_cases_are_labelled(classifier, text, label):
    assert classifier.predict([text])[0].label == label


@pytest.mark.parametrize("name", sorted(ADDITIONS))
@pytest.mark.parametrize("text, label", CLEAR)
def test_sender_trappings_do_not_change_the_label(classifier, text, label, name):
    changed = ADDITIONS[name](text)
    assert classifier.predict([changed])[0].label == label, changed


THREATS_WITHOUT_DEBT = [
    # "上门" alone would stay collection: the guide makes a visit (上门 / 外访) debt context by itself
    ("你再不还钱，明天我们就去你家，让你全家不得安宁。", "明天我们就去你家，让你全家不得安宁。"),
    ("欠款今天不处理，我们就把你的照片发到你们公司群里。", "今天不处理，我们就把你的照片发到你们公司群里。"),
    ("你这个老赖，欠债不还还拉黑我们，等着坐牢吧。", "你这个人，拉黑我们，等着坐牢吧。"),
    ("你的网贷逾期三个月了，我们已经联系你老婆和你领导。", "我们已经联系你老婆和你领导。"),
]


@pytest.mark.parametrize("with_debt, without_debt", THREATS_WITHOUT_DEBT)
def test_a_threat_without_a_debt_is_not_collection(classifier, with_debt, without_debt):
    assert classifier.predict([with_debt])[0].label == "harassment"
    pred = classifier.predict([without_debt])[0]
    assert pred.label == "other", (without_debt, pred.scores)
    assert pred.scores["harassment"] == 0.0  # the gate moves the whole collection mass, not just enough of it
