"""Who sent it: the lender, platform or agency a collection message names.

A complaint has to name the company.  :func:`find_platforms` reads the names
a message itself gives, strongest first, and says how sure the reading is:

* ``high`` — a 【signature】 at the start or end (the carrier-registered SMS
  signature; the only reading the report calls 署名) or a sign-off such as
  ``——某某信息咨询有限公司`` (落款);
* ``medium`` — an organisation named in the running text with a telling
  suffix (银行, 消费金融, 小额贷款, 有限公司, 律师事务所 …);
* ``low`` — "××平台", "××APP", or "在××的借款" where ×× ends like a lender's
  product (分期, 借条, 钱包, 金融, 花 …), in the running text.

A name taken from running text must read as a name: it ends in one of those
suffixes, and what precedes the suffix holds no pronoun, particle or verb of
the sentence around it (:func:`is_fragment`): "他在我们这里有笔欠款" names no
one (not 「们这里有笔」), nor does "向您所在村委會寄送" (not 「村委會寄送」).  A bank
named where money is to go ("打这个：622…，农业银行，户名…") is the payee's bank,
not the sender, and is not read as a name.

Nothing is ever guessed: a message that names no one is grouped by its
sender number (confidence ``none``).  The name is shown as written; the key
that groups spellings (traditional and simplified) is the simplified form.
Signatures can be forged; the report says so next to every name.

>>> [(m.name, m.kind, m.confidence) for m in find_platforms("【寧波銀行】您的貸款已逾期7天")]
[('寧波銀行', 'bank', 'high')]
>>> [(m.name, m.source) for m in find_platforms("您在優品分期的借款已逾期")]
[('優品分期', 'mention')]
>>> find_platforms("你再不还钱，明天上门找你"), find_platforms("他在我们这里有笔欠款没还")
([], [])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.normalize import normalize_text

__all__ = [
    "CONFIDENCE_ORDER",
    "REGULATED_KINDS",
    "Mention",
    "find_platforms",
    "is_fragment",
    "platform_key",
    "platform_kind",
    "signature",
]

#: Strongest first.
CONFIDENCE_ORDER = ("high", "medium", "low", "none")
#: Kinds whose collection conduct the financial regulator (12378) takes complaints about.
REGULATED_KINDS = frozenset({"bank", "consumer_finance", "insurance"})


@dataclass(frozen=True)
class Mention:
    """A name a message gives for its sender, where it was found and how sure the reading is."""

    name: str
    kind: str
    source: str  # signature | sign_off | organisation | mention
    confidence: str  # high | medium | low


_CJK = "\u4e00-\u9fff"
_NAME = rf"[{_CJK}A-Za-z0-9·（）()]"
_SIGNATURE_START = re.compile(rf"^\s*[【\[]\s*({_NAME}{{2,20}}?)\s*[】\]]")
_SIGNATURE_END = re.compile(rf"[【\[]\s*({_NAME}{{2,20}}?)\s*[】\]]\s*$")
_ORG_SUFFIX = (
    "消费金融股份有限公司|消費金融股份有限公司|消费金融有限公司|消費金融有限公司|消费金融|消費金融|"
    "小额贷款有限公司|"
    "小額貸款有限公司|小额贷款|小額貸款|律师事务所|律師事務所|资产管理有限公司|資產管理有限公司|信息咨询有限公司|"
    "信息諮詢有限公司|有限责任公司|有限責任公司|股份有限公司|有限公司|保险|保險|(?:银行|銀行)(?![卡账帳賬流转轉])"
)
_SIGN_OFF = re.compile(
    rf"(?:——|--|－－|—|-)\s*([{_CJK}A-Za-z0-9（）()]{{2,30}}?(?:{_ORG_SUFFIX}|平台))"
    r"\s*[。.!！]?\s*$"
)
_ORG = re.compile(rf"([{_CJK}]{{2,14}}?(?:{_ORG_SUFFIX}))")
_PLATFORM = re.compile(rf"([{_CJK}A-Za-z0-9]{{2,10}}?)平台")
_LOAN_AT = re.compile(
    rf"在([{_CJK}A-Za-z0-9]{{2,10}}?)(平台|APP|App|app)?(?:上|中|里)?的?"
    r"(?:借款|贷款|貸款|欠款|账单|賬單|账户|賬戶|账hu)"
)
#: How a lender's product name ends, for "在××的借款" without 平台 or APP after it.
_PRODUCT_END = re.compile(r"(?:分期|借条|借條|借呗|借唄|钱包|錢包|白条|白條|金融|小贷|小貸|贷|貸|花|借|钱|錢|卡)$")
#: Characters of running text, not of a name: pronouns, particles, demonstratives, verbs of the sentence.
_RUNNING = re.compile(
    r"[我你他她您们們咱这這那哪里裡的了着著过過吗嗎呢吧啊呀是有没沒"
    r"把被将將要会會让讓给給向对對从從寄送告知联聯系繫笔筆]"
)
#: Where a bank name is the payee's bank: after an account number or a 户名/开户/转到 phrase, or before 户名.
_PAYEE_BEFORE = re.compile(
    r"(?:\d[\d ]{10,}\d|⟪CARD⟫|卡号|卡號|账号|帳號|賬號|开户|開戶|户名|戶名|收款|"
    r"打到|转到|轉到|汇到|匯到|汇入|匯入|"
    r"存入|打这个|打這個|转这个|轉這個|尾号|尾號)[^。！？!?]{0,12}$"
)
_PAYEE_AFTER = re.compile(r"^[，,、 ]?(?:户名|戶名|开户|開戶|卡号|卡號)")
_APP = re.compile(rf"([{_CJK}A-Za-z0-9]{{2,10}}?)\s*(?:APP|App|app)(?![A-Za-z])")

# Words that end the running text before a name ("您在招商银行", "好友沈女士在我平台", "可通过手机银行"):
# only what follows the last of them is the name.
_BEFORE_NAME = re.compile(
    r"这里是|我们是|您在|你在|通过|提供|登录|下载|打开|使用|关于|尊敬的|"
    r"[在的是向被从对给您你我请受由欠已找于]"
)
# What is left when the "name" is only a pronoun or a generic word ("我平台", "官方APP", "网贷平台").
_GENERIC = frozenset(
    {
        "我",
        "我们",
        "本",
        "我司",
        "该",
        "贵",
        "此",
        "其",
        "官方",
        "正规",
        "其他",
        "其它",
        "第三方",
        "借贷",
        "网贷",
        "贷款",
        "借款",
        "金融",
        "互联网",
        "监管",
        "投诉",
        "反诈",
        "合作",
        "各大",
        "多个",
        "相关",
        "原",
        "还款",
        "催收",
        "手机",
        "手机银行",
        "任何",
        "公安",
        "国家",
        "政府",
        "银行",
        "有限公司",
        "公司",
        "保险",
        "消费金融",
        "小额贷款",
        "律师事务所",
        "这个",
        "那个",
        "一个",
        "所有",
        "全部",
        "大",
        "小",
        "多家",
        "某",
        "某某",
        "下载",
        "官网",
        "客户端",
        "网上",
        "线上",
        "平台",
        "您的",
        "你的",
    }
)


def platform_key(name: str) -> str:
    """The grouping key of a name: simplified, without spaces (``寧波銀行`` and ``宁波银行`` are one group)."""
    return normalize_text(name, deobfuscate=False, placeholders=False).replace(" ", "")


def platform_kind(name: str) -> str:
    """What kind of organisation a name is, from its own words (``unknown`` when they do not say)."""
    key = platform_key(name)
    for kind, words in (
        ("consumer_finance", ("消费金融", "消金")),
        ("bank", ("银行",)),
        ("insurance", ("保险",)),
        ("microlender", ("小额贷款", "小贷")),
        ("law_firm", ("律师事务所", "律所")),
        ("agency", ("信息咨询", "资产管理", "商务咨询", "催收", "外包", "法务", "咨询")),
    ):
        if any(w in key for w in words):
            return kind
    return "platform" if re.search(r"平台|借|贷|花|钱包|分期|金融|白条|app", key, re.IGNORECASE) else "unknown"


def _trim(name: str) -> str:
    """Keep what follows the last running-text word in front of a name found in a sentence."""
    return _BEFORE_NAME.split(name)[-1]


def _core(name: str) -> str:
    """The key without a trailing 平台/APP: "360借条平台" and "360借条" are one name."""
    return re.sub(r"(?:平台|app)$", "", platform_key(name), flags=re.IGNORECASE)


def is_fragment(name: str) -> bool:
    """True when a name read from running text is a piece of the sentence rather than a name.

    The suffix (银行, 有限公司, 平台 …) is not judged, only what comes before it.

    >>> (is_fragment("们这里有笔"), is_fragment("村委會寄送"),
    ...  is_fragment("深圳市伟盛达有限公司"), is_fragment("優品分期"))
    (True, True, False, False)
    """
    stem = re.sub(rf"(?:{_ORG_SUFFIX}|平台|平臺|APP|App|app)$", "", name)
    return bool(_RUNNING.search(stem)) or len(stem) < 2


def signature(text: str) -> str:
    """The grouping key of the 【signature】 at the start (else the end) of a message; '' when it has none.

    >>> signature("【寧波銀行】您的贷款已逾期"), signature("您好。【小鹿钱包】"), signature("他说【不】")
    ('宁波银行', '小鹿钱包', '')
    """
    text = text or ""
    for pattern in (_SIGNATURE_START, _SIGNATURE_END):
        match = pattern.search(text)
        if match:
            return platform_key(match.group(1))
    return ""


def _is_generic(name: str) -> bool:
    core = _core(name)
    return platform_key(name) in _GENERIC or core in _GENERIC or len(core) < 2


def find_platforms(text: str) -> list[Mention]:
    """Every name ``text`` gives for its sender, strongest reading first, each name once.

    Within one confidence, lenders come before the agencies and law firms that collect for them.
    """
    text = text or ""
    found: list[Mention] = []

    def add(name: str, source: str, confidence: str) -> None:
        name = name.strip()
        if not name or _is_generic(name) or any(_core(name) in _core(m.name) for m in found):
            return  # a generic word, or part of a name already found ("杭州银行" in "杭州银行信用卡")
        if source in ("organisation", "mention") and is_fragment(name):
            return  # a piece of the sentence, not a name
        found.append(Mention(name, platform_kind(name), source, confidence))

    for pattern in (_SIGNATURE_START, _SIGNATURE_END):
        for match in pattern.finditer(text):
            add(match.group(1), "signature", "high")
    for match in _SIGN_OFF.finditer(text):
        add(_trim(match.group(1)), "sign_off", "high")
    for match in _ORG.finditer(text):
        if _PAYEE_BEFORE.search(text[: match.start()]) or _PAYEE_AFTER.search(text[match.end() :]):
            continue  # the bank an account is held at: where money goes, not who writes
        add(_trim(match.group(1)), "organisation", "medium")
    for match in _LOAN_AT.finditer(text):
        name = _trim(match.group(1))
        if match.group(2) or _PRODUCT_END.search(name) or re.search(f"(?:{_ORG_SUFFIX})$", name):
            add(name, "mention", "low")
    for pattern in (_PLATFORM, _APP):
        for match in pattern.finditer(text):
            add(_trim(match.group(1)), "mention", "low")
    lender_first = {"agency": 1, "law_firm": 1}
    return sorted(found, key=lambda m: (CONFIDENCE_ORDER.index(m.confidence), lender_first.get(m.kind, 0)))
