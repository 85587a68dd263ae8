"""Rule signals, the feature union and the perturbation used for robustness evaluation."""

import pickle
import random

import numpy as np
import pytest

from dunning_nlp.train.features import build_features, feature_block
from dunning_nlp.text.normalize import normalize_text
from dunning_nlp.train.perturb import perturb_text
from dunning_nlp.text.signals import SIGNALS, WARNED_CUES, WARNING, find_signals
from dunning_nlp.train.steps import SignalFeaturizer


@pytest.mark.parametrize("text, expected", [
    ("明天上门找你", {"threat_visit"}),
    ("你的案件已立案，派出所将拘留你", {"fake_legal"}),
    ("爆你通讯录，发到朋友圈", {"contact_blast"}),
    ("您是他的紧急联系人，请转告", {"third_party_address"}),
    ("请转到安全账户", {"personal_account"}),
    ("征信修复，停息挂账", {"credit_repair"}),
    ("把验证码发给我", {"code_ask"}),
    ("点击 http://jd-zx.vip/a", {"link", "suspicious_link"}),
    ("加微信 zx123", {"im_contact"}),
])
def test_signals_table(text, expected):
    names = {s.name for s in find_signals(normalize_text(text))}
    assert expected <= names, names


def test_signal_names_unique_and_described():
    names = [s.name for s in SIGNALS]
    assert len(names) == len(set(names))
    assert all(s.description for s in SIGNALS)


def test_signal_featurizer_shape_and_pickle():
    est = SignalFeaturizer(weight=2.0).fit(["x"])
    X = est.transform(["明天上门找你", "你好"])
    assert X.shape == (2, len(SIGNALS))
    assert X[0].sum() >= 2.0 and X[1].sum() == 0
    again = pickle.loads(pickle.dumps(est))
    assert (again.transform(["明天上门找你"]) != est.transform(["明天上门找你"])).nnz == 0
    assert list(est.get_feature_names_out())[0] == f"signal:{SIGNALS[0].name}"
    with pytest.raises(ValueError):
        SignalFeaturizer(weight=0).fit(["x"])


def test_feature_union_blocks_and_pickle():
    texts = [normalize_text(t) for t in ["您的借款已逾期⟪NUM⟫天", "您的借款已逾期,请还款", "明天上门找你", "明天见"] * 2]
    union = build_features(min_df=1).fit(texts)
    names = union.get_feature_names_out()
    assert {feature_block(n) for n in names} == {"words", "chars", "signals"}
    again = pickle.loads(pickle.dumps(union))
    np.testing.assert_array_equal(again.transform(texts).toarray(), union.transform(texts).toarray())


def test_perturb_changes_text_and_normaliser_undoes_it():
    rng = random.Random(0)
    text = "您好，您的借款已逾期3天，请尽快还款"
    copies = [perturb_text(text, rng) for _ in range(20)]
    assert sum(c != text for c in copies) >= 15
    assert all(normalize_text(c) == normalize_text(text) for c in copies)


@pytest.mark.parametrize("text, absent", [
    ("今晚看比赛吗，老地方等你", "threat_visit"),       # ordinary plans are not a visit threat
    ("有事找你，回个电话", "threat_visit"),
    ("招人，有兴趣加我微信聊", "personal_account"),     # a contact channel is not a payment account
])
def test_everyday_phrases_do_not_fire_threat_or_account_signals(text, absent):
    assert absent not in {s.name for s in find_signals(text)}


@pytest.mark.parametrize("text, present", [
    ("我们的人就在你家楼下等着你", "threat_visit"),
    ("明天派人去找你", "threat_visit"),
    ("钱直接转到我的支付宝就行", "personal_account"),
])
def test_threat_and_account_signals_still_fire(text, present):
    assert present in {s.name for s in find_signals(text)}


@pytest.mark.parametrize("text", ["公安机关不会通过短信办案，凡是要求转账到安全账户的都是诈骗",
                                  "谨防冒充网贷客服的不法分子", "请提高警惕，切勿向陌生账户转账"])
def test_scam_warning_signal(text):
    assert "scam_warning" in {s.name for s in find_signals(normalize_text(text))}


def test_scam_warning_signal_absent_from_a_scam():
    assert "scam_warning" not in {s.name for s in find_signals(normalize_text("请将欠款转入安全账户，否则影响征信"))}


@pytest.mark.parametrize("warning, cue", [
    ("公安机关不会通过短信办案，凡是要求转账到安全账户的都是诈骗", "personal_account"),
    ("凡是自称可以征信修复、停息挂账的都是骗局", "credit_repair"),
    ("正规机构不会收取任何解冻费、保证金，请勿轻信", "upfront_fee"),
    ("学校提醒：要求注销校园贷账户的都是诈骗", "cancel_account"),
])
def test_a_warning_negates_the_scam_cues_it_quotes(warning, cue):
    """The cue a warning quotes is not reported; the same words as an ask still are (WARNED_CUES)."""
    assert cue in WARNED_CUES
    warned = {s.name for s in find_signals(normalize_text(warning))}
    assert "scam_warning" in warned and cue not in warned, warned
    ask = WARNING.sub("", warning)  # the same sentence without its warning phrase
    assert not WARNING.search(ask)
    assert cue in {s.name for s in find_signals(normalize_text(ask))}, ask


def test_a_scam_signed_as_the_anti_fraud_centre_keeps_its_cues():
    """反诈中心 as a sender is not a warning phrase: scams sign with it."""
    names = {s.name for s in find_signals(normalize_text("【反诈中心】你的账户涉案，请把余额转到我们提供的安全账户核查"))}
    assert {"scam_warning", "personal_account"} <= names, names


@pytest.mark.parametrize("scam, cue", [
    ("【中国银行】您的账户存在风险，谨防诈骗！请立即将资金转入我行安全账户", "personal_account"),
    ("公安机关不会通过电话办案，但您涉嫌洗钱，请将资金转入安全账户核查", "personal_account"),
    ("验证码已发送，请将验证码告诉客服完成注销，提高警惕，谨防上当", "code_ask"),
])
def test_a_stock_warning_in_a_scam_does_not_hide_its_ask(scam, cue):
    """Only a cue inside the warning's own clause is negated; the ask in a clause of its own stays."""
    names = {s.name for s in find_signals(normalize_text(scam))}
    assert {"scam_warning", cue} <= names, names


@pytest.mark.parametrize("scam, cue", [
    ("【东海航空】尊敬的旅客，您的航班因机械故障已取消，请与客服联系13912345678办理，改签不收取任何费用", "travel_callback"),
    ("航空公司通知：由于天气原因航班起飞时间调整，请各订票点通知旅客加入QQ群办理改签", "travel_callback"),
    ("今晚24点起将从您的卡上扣除年费980元。如需取消，请致电0851-66213457【银行通知】", "charge_callback"),
    ("您开通的百万保障将于今日扣费。如有疑问，咨询电话：02161234567", "charge_callback"),
    ("【海川证券】每天一只涨停股票提前公开，输入网址 http://t.cn/abc 查看，回N退订", "stock_pick_promise"),
    ("关注远洋水务，明天强势拉升，以上验证勿追", "stock_pick_promise"),
    ("金舵财经老股民建群明早九点群内公布龙头不收费人满即封回T退订", "stock_group_join"),
    ("志同道合的朋友加微信口令抱团取暖", "stock_group_join"),
])
def test_scam_shapes_that_name_no_debt_fire_their_cue(scam, cue):
    """Scams dressed as an airline, a bank's charge notice or a broker's ad (guide: scams beyond collection)."""
    assert cue in {s.name for s in find_signals(normalize_text(scam))}


@pytest.mark.parametrize("genuine, cue", [
    ("【东方航空】您的航班因天气原因取消，可在官方APP免费改签或退票，或致电95530", "travel_callback"),
    ("【招商银行】您的信用卡年费将于下月扣除，如需了解减免政策请致电95555", "charge_callback"),
    ("【鹏远基金】新基金今日起发售，认购请通过官方APP，投资有风险，入市需谨慎。退订回T", "stock_pick_promise"),
    ("您正在申请加入QQ群，验证码523817，请勿告诉他人", "stock_group_join"),     # a join code, not a pass-code
    ("班级群里通知：本周课后服务免费，请家长接龙报名", "stock_group_join"),
    ("支付宝口令红包今晚八点群里抢", "stock_group_join"),
])
def test_the_genuine_notices_beside_them_do_not(genuine, cue):
    """Official numbers are hotlines (⟪HOTLINE⟫, not ⟪PHONE⟫) and a fund ad promises no price."""
    assert cue not in {s.name for s in find_signals(normalize_text(genuine))}


@pytest.mark.parametrize("text", [
    "你在银行的卡債拖了三个月，明天去你公司找主管聊聊",            # a bare 债, in traditional too
    "你再不出面，就请你家人出来代偿",
    "3000元拖了半年，你不觉得丢脸吗",
    "康某某把您留作联系人，请您转告他尽快处理",
    "他的事情再不处理，我们只能找他本人",
    "下礼拜到府拜访，存证信函也会寄到你公司",
    "房东您好，租客退租后剩余租金需由您买回，请今日在APP完成",   # a rent-loan buy-back the landlord owes
    "你那笔钱到底什么时候处理？",
    "您被刘女士登记为联系人，其在我司的事项至今未办理",
    "本周六我们会到您父母家当面沟通",
    "若今日仍不处理，将影响您子女的就学和政审",
    "張生，你啲數拖咗成個月，今晚再唔還就上你公司搵你",          # Cantonese: 啲數, 唔還
    "我哋係追數公司，聽日會再打嚟",
])
def test_collection_context_without_a_debt_word_opens_the_gate(text):
    """Guide: collection acts and debts named in any words are debt context (model/gate.py GATE_SIGNALS)."""
    names = {s.name for s in find_signals(normalize_text(text))}
    assert names & {"debt", "collection_act"}, names


@pytest.mark.parametrize("text", ["【鹏远基金】纯债基金今日开放申购，国债逆回购利率上调，可转债今日中签",
                                  "亲，您拍下的宝贝还未付款哦，库存有限，付款后尽快发货",  # a shop's unpaid order
                                  "作业别再拖了，明天交",
                                  "我今晚要追数据报表，别等我吃饭",  # 追数据 is not 追數
                                  "你睇下啲數據先，再話我知",          # 啲數據: some data
                                  "全場貨品一口價，冇還價"])         # 冇還價: no bargaining
def test_bonds_and_everyday_delay_do_not(text):
    names = {s.name for s in find_signals(normalize_text(text))}
    assert not names & {"debt", "collection_act"}, names
