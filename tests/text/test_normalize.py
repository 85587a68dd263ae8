import pickle
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.utils import estimator_checks as checks

from dunning_nlp.text.normalize import PLACEHOLDERS, has_traditional, normalize_text
from dunning_nlp.train.steps import TextNormalizer


@pytest.mark.parametrize("raw, expected", [
    ("逾 期", "逾期"),
    ("征-信", "征信"),
    ("催*收", "催收"),
    ("逾　期３天", "逾期⟪NUM⟫天"),
    ("請儘速還款", "请尽速还款"),
    ("您的帳戶已逾期", "您的账户已逾期"),  # 帳 → 帐 by OpenCC, then the mainland 账 of accounts
    ("先買後付帳單已出", "先买后付账单已出"),
    ("露营的帐篷", "露营的帐篷"),  # 帐 of tents stays
    # Taiwan legal and SMS words that OpenCC's computer vocabulary would mistranslate (normalise.TW_KEEP)
    ("法院將強制執行", "法院将强制执行"),
    ("已進入法律程序", "已进入法律程序"),
    ("爆你通訊錄", "爆你通讯录"),
    ("請盡快回撥", "请尽快回拨"),
    ("請至官網查詢", "请至官网查询"),
    ("您的資料已送出", "您的资料已送出"),
    ("債務整合專案", "债务整合项目"),
    # debt words half in pinyin (normalise.DODGED_WORDS); English is left alone
    ("请处理qian款", "请处理欠款"),
    ("今天是还kuan的最后期限", "今天是还款的最后期限"),
    ("老LAI曝光群", "老赖曝光群"),
    ("还歀", "还款"),
    ("I will huan it later", "I will huan it later"),
    ("你什麼時候還", "你什么时候还"),
    ("还\u200b款", "还款"),
    ("点击 http://t.cn/A6abc 查看", "点击 ⟪URL⟫ 查看"),
    # a bare domain with Chinese glued to it is a link; a numbered step is not
    ("登录jd-hd.top输入取码", "登录⟪SUSPURL⟫输入取码"),
    ("上taobnv.net领取", "上⟪URL⟫领取"),
    ("1.APP主动还款", "⟪NUM⟫.APP主动还款"),
    ("10.VIP专享折扣", "⟪NUM⟫.VIP专享折扣"),
    ("登录12306.cn购票", "登录⟪URL⟫购票"),
    ("详见3.cn/jUmuef", "详见⟪URL⟫"),
    ("Mr.Wang您好", "Mr.Wang您好"),                 # a capitalised word after the dot is not a TLD
    ("新款iPhone15.Pro发售", "新款iPhone⟪NUM⟫.Pro发售"),
    ("wordpress.community", "wordpress.community"),
    ("联系13812345678", "联系⟪PHONE⟫"),
    ("联系138****5678", "联系⟪PHONE⟫"),
    ("致电95588", "致电⟪HOTLINE⟫"),
    ("欠款1,234.50元", "欠款⟪AMOUNT⟫"),
    ("于2024年3月5日前", "于⟪DATE⟫前"),
    ("验证码：482913", "验证码:⟪CODE⟫"),
    ("身份证110101199003071234", "身份证⟪IDNO⟫"),
    ("卡号6222 0202 0000 1234 567", "卡号⟪CARD⟫"),
    ("+852 9123 4567", "⟪PHONE⟫"),
    ("請回電(02)8769-5521取消", "请回电⟪PHONE⟫取消"),     # Taiwan landlines as written there
    ("撥打02-2375-6610洽詢", "拨打⟪PHONE⟫洽询"),
    ("", ""),
])
def test_normalize_table(raw, expected):
    assert normalize_text(raw) == expected


def test_options_switch_steps_off():
    assert normalize_text("請還款 3天", traditional=False, placeholders=False) == "請還款 3天"
    assert normalize_text("逾 期", deobfuscate=False) == "逾 期"


def test_non_str_is_type_error():
    with pytest.raises(TypeError):
        normalize_text(b"bytes")  # type: ignore[arg-type]


def test_has_traditional():
    assert has_traditional("還款")
    assert not has_traditional("还款")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_is_idempotent(text):
    once = normalize_text(text)
    assert isinstance(once, str)
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("逾期还款征信催收請還０１２３ 　*-·\u200b\u3000ABC12你好，。【】")), max_size=60))
def test_output_has_no_fullwidth_digits_or_zero_width(text):
    out = normalize_text(text)
    assert not any(ch in out for ch in "０１２３\u200b\u3000")
    assert unicodedata.normalize("NFKC", out) == out


def test_placeholders_are_distinct_tokens():
    assert len(set(PLACEHOLDERS.values())) == len(PLACEHOLDERS)


def test_transformer_matches_function_and_is_stateless():
    texts = ["逾 期３天", "請還款"]
    est = TextNormalizer()
    out = est.fit_transform(texts)
    assert isinstance(out, np.ndarray) and out.dtype == object
    assert out.tolist() == [normalize_text(t) for t in texts]
    assert TextNormalizer().transform(texts).tolist() == out.tolist()  # no fit needed


def test_transformer_rejects_single_string_and_bad_params():
    with pytest.raises(ValueError):
        TextNormalizer().transform("一条短信")
    with pytest.raises(ValueError):
        TextNormalizer(traditional="yes").fit(["x"])


def test_transformer_pickle_and_clone_round_trip():
    est = TextNormalizer(deobfuscate=False).fit(["x"])
    again = pickle.loads(pickle.dumps(est))
    assert again.get_params() == est.get_params()
    assert again.transform(["逾 期"]).tolist() == est.transform(["逾 期"]).tolist()
    assert clone(est).get_params() == est.get_params()


@pytest.mark.parametrize("check", [
    checks.check_no_attributes_set_in_init,
    checks.check_parameters_default_constructible,
    checks.check_get_params_invariance,
    checks.check_set_params,
    checks.check_estimator_repr,
    checks.check_estimator_cloneable,
    checks.check_do_not_raise_errors_in_init_or_set_params,
])
def test_sklearn_api_checks_that_apply_to_string_transformers(check):
    from dunning_nlp.train.steps import SignalFeaturizer

    for est in (TextNormalizer(), SignalFeaturizer()):
        check(type(est).__name__, est)


def _opencc_whole(text: str) -> str:
    """The simplification as OpenCC does it on the whole message (no piece cache)."""
    from dunning_nlp.text import normalize as N

    if not has_traditional(text):
        return text
    return N._unshield(N._t2s().convert(N._shield(text)))


def test_no_opencc_key_contains_a_digit():
    # The piece cache splits at digit runs; that is exact only while no dictionary key holds a digit.
    import json
    from pathlib import Path

    import opencc

    root = Path(opencc.__file__).parent
    config = json.loads((root / "config" / "tw2sp.json").read_text(encoding="utf-8"))
    names = [d["file"] for step in config["conversion_chain"] for d in step["dict"]["dicts"]]
    assert names
    for name in names:
        for line in (root / "dictionary" / name).read_text(encoding="utf-8").splitlines():
            key = line.partition("\t")[0]
            assert not any("0" <= ch <= "9" for ch in key), (name, key)


@pytest.mark.slow
def test_piecewise_simplification_equals_opencc_on_the_corpus(corpus_rows):
    from dunning_nlp.text.normalize import _to_simplified

    texts = [unicodedata.normalize("NFKC", r["text"]) for r in corpus_rows]
    traditional = [t for t in texts if has_traditional(t)]
    assert len(traditional) > 1000
    assert [_to_simplified(t) for t in traditional] == [_opencc_whole(t) for t in traditional]


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("還款逾期請儘快聯繫銀行帳戶軟體滑鼠資訊後臺發髮麵麼乾幹0123456789 ,.-，。、PNSQL接面隱碼攻擊")),
               max_size=40))
def test_piecewise_simplification_equals_opencc(text):
    from dunning_nlp.text.normalize import _to_simplified

    assert _to_simplified(text) == _opencc_whole(text)


@pytest.mark.parametrize("raw, expected", [
    ("请zhuan款到这个卡", "请zhuan款到这个卡"),  # the pinyin part of a longer pinyin word is not read as 还
    ("立and", "立and"),
    ("老laı", "老laı"),  # dotless ı is not i: no KeyError from case folding
    ("老LAİ", "老LAİ"),
    ("转-帐", "转账"),  # 帐 → 账 after the separators are gone
    ("帐歀", "账款"),
    ("qian歀", "欠款"),
    ("还NAMEkuan", "还款"),  # an anonymisation mark between the parts
])
def test_dodged_words_at_the_edges(raw, expected):
    assert normalize_text(raw) == expected


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["qian", "kuan", "huan", "lai", "zhuan", "款", "歀", "还", "欠", "老", "帐", "单",
                                 "转", "-", " ", "*", "NAME", "DIGIT", "ı", "İ", "I", "執行", "程序", "債",
                                 "\ue100", "\U000f0000", "一", "跑", "x", "xx", "URL", "23", "，", "。"]), max_size=16))
def test_dodged_words_zhang_and_anonymisation_marks_are_idempotent(pieces):
    text = "".join(pieces)
    once = normalize_text(text)
    assert normalize_text(once) == once
