"""Text normalisation: one canonical form for every way an SMS can be written.

Collectors and scammers write the same message in many shapes to get past
carrier filters: full-width digits (``３天``), traditional characters,
zero-width characters, words split by spaces or symbols (``逾 期``, ``征-信``,
``催*收``), debt words half in pinyin (``qian款``, ``还kuan``).  Traditional text
is converted with OpenCC's Taiwan phrases, except the legal and SMS words its
computer vocabulary would mistranslate (:data:`TW_KEEP`: 強制執行 stays 强制执行,
not 强制运行).  :func:`normalize_text` maps all of them to one simplified,
half-width form and replaces entities (links, phone numbers, amounts, dates,
bank cards, ID numbers, verification codes, other numbers) by placeholder
tokens such as ``⟪URL⟫``, so that a model learns "there is a link" rather than
one particular link.

Anonymised text is read too: digits masked as ``x`` (``x月x日``, ``尾号xxxx``,
as in widely shared SMS corpora) count as digits, and the placeholder words
that anonymisation tools write (``DIGIT``, ``CELLPHONE``, ``URL``, ``NAME`` …)
become the entity they hide, so that a masked message looks like the message
it was and not like something else.  With ``compact=True`` (what the model
uses) each placeholder is a single private-use character, so that character
n-grams never run over placeholder names (``card`` in ``⟪CARD⟫``).

The function is pure, idempotent (``f(f(x)) == f(x)``) and never raises on
a ``str``.  :class:`dunning_nlp.train.steps.TextNormalizer` wraps it as a
stateless scikit-learn transformer; this module itself does not import
scikit-learn, so that loading the default model stays fast.  The original
text is never changed in place: callers keep it for display and evidence.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from .._cache import bounded_cache
from ._prefilter import FastSub

__all__ = [
    "PLACEHOLDERS",
    "PLACEHOLDER_RE",
    "COMPACT",
    "DODGED_WORDS",
    "TW_KEEP",
    "PERSONAL_NUMBERS",
    "expand_placeholders",
    "placeholder_regex",
    "normalize_text",
    "has_traditional",
]

#: Placeholder tokens that replace entities.  The brackets (U+27EA/U+27EB) do
#: not occur in SMS and survive NFKC, so placeholders are never re-matched.
PLACEHOLDERS: dict[str, str] = {
    "URL": "⟪URL⟫",
    "SUSPURL": "⟪SUSPURL⟫",  # link on a cheap TLD, an IP address or a hyphenated look-alike domain
    "PHONE": "⟪PHONE⟫",  # personal mobile or unknown number
    "HOTLINE": "⟪HOTLINE⟫",  # 95xxx / 400 / 800 service numbers
    "IDNO": "⟪IDNO⟫",
    "CARD": "⟪CARD⟫",  # a full card or account number (someone gives out an account)
    "MCARD": "⟪MCARD⟫",  # a masked card number (a bank refers to the reader's own card)
    "AMOUNT": "⟪AMOUNT⟫",
    "DATE": "⟪DATE⟫",
    "TIME": "⟪TIME⟫",
    "CODE": "⟪CODE⟫",
    "NUM": "⟪NUM⟫",
    "SLOT": "⟪SLOT⟫",  # a template slot left unfilled: ${name}, {0}, {$money}, %s, %1, #amount#, var1
}
#: One private-use character per placeholder (``compact=True``), in :data:`PLACEHOLDERS` order.
COMPACT: dict[str, str] = {token: chr(0xE010 + i) for i, token in enumerate(PLACEHOLDERS.values())}
#: Matches a placeholder in either form.
PLACEHOLDER_RE = re.compile("⟪[A-Z]+⟫|[\ue010-\ue01f]")
_COMPACT_RE = re.compile("|".join(map(re.escape, COMPACT)))
_EXPAND = {v: k for k, v in COMPACT.items()}
_EXPAND_RE = re.compile("[\ue010-\ue01f]")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Characters deleted outright: zero-width, bidi controls, BOM, soft hyphen,
# variation selectors.  Other controls become a space.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Separators inserted between Chinese characters to dodge keyword filters.
_SPLIT_RE = re.compile(rf"(?<=[{_HAN}])(?:[\s*\-_.·•~|/\\+#@^`'\"=<>‐‑‒–—―…×☆★○●◆◇□■※→←]|\u3000){{1,3}}(?=[{_HAN}])")
# Debt words written half in pinyin, or with a variant character, to dodge keyword filters (欠款 as qian款,
# 还款 as 还kuan, 老赖 as 老lai).  Only forms that mix a Chinese character with the pinyin of the other are
# listed, so English text is never touched.
DODGED_WORDS: dict[str, str] = {
    "qian款": "欠款",
    "欠kuan": "欠款",
    "huan款": "还款",
    "还kuan": "还款",
    "还qian": "还钱",
    "huan钱": "还钱",
    "dai款": "贷款",
    "贷kuan": "贷款",
    "yu期": "逾期",
    "逾qi": "逾期",
    "催shou": "催收",
    "cui收": "催收",
    "征xin": "征信",
    "zheng信": "征信",
    "老lai": "老赖",
    "拘liu": "拘留",
    "shang门": "上门",
    "立an": "立案",
    "起sue": "起诉",
    "注xiao": "注销",
}
# 歀, a variant of 款 used to dodge filters, is folded first (in _undodge), so that qian歀 is read as 欠款.


def _dodged_alternative(key: str) -> str:
    # A pinyin part never continues another Latin word (zhuan款 is 转款, not z + 还款; 立and is not 立案).
    before = "(?<![A-Za-z])" if key[0].isascii() and key[0].isalpha() else ""
    after = "(?![A-Za-z])" if key[-1].isascii() and key[-1].isalpha() else ""
    return before + re.escape(key) + after


# ASCII-only case folding (?ai): with Unicode folding, ı and İ would match i and miss the lookup below.
_DODGED_RE = re.compile(
    "(?ai:" + "|".join(_dodged_alternative(k) for k in sorted(DODGED_WORDS, key=len, reverse=True)) + ")"
)
_DODGED = {key.lower(): value for key, value in DODGED_WORDS.items()}
#: 帐 where the mainland standard writes 账 (OpenCC turns 帳 into 帐): 帐单, 帐户, 转帐 … become 账单, 账户, 转账.
_ZHANG_RE = re.compile("帐(?=[单户号款务目])|(?<=[入转对赖欠还记结查到])帐")

# 一 (a dash look-alike) put between the characters of a name to dodge filters: 奔一跑一兄一弟 → 奔跑兄弟.
# Only runs of three or more alternations count, so ordinary text (一心一意, 看一看) is left alone.
_HAN_NOT_YI = "\u3400-\u4dbf\u4e01-\u9fff\uf900-\ufaff"
_YI_SPLIT_RE = re.compile(rf"(?:[{_HAN_NOT_YI}]一){{3,}}[{_HAN_NOT_YI}]")
_SPACE_RE = re.compile(r"[ \t\u3000]+")
_BLANK_LINES_RE = re.compile(r"\s*\n\s*")

# A bare domain counts also when Chinese text is glued to it on either side (登录jd-hd.top输入, 上taobnv.net): only
# ASCII letters, digits and _ around it mean it is part of a longer word.  Not links: a numbered item ("1.APP内还款",
# "10.VIP专享"; a one- or two-digit label and a TLD with no path) and a capitalised word after the dot ("Mr.Wang",
# "iPhone15.Pro", "V2.App"): real domains are written in one case.
_URL_RE = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|(?<![A-Za-z0-9_])(?![0-9x]{1,2}\.[a-z]+(?![A-Za-z0-9\-./]))[A-Za-z0-9][A-Za-z0-9\-]{0,62}(?:\.[A-Za-z0-9\-]{1,63})*"
    r"\.(?-i:(?![A-Z][a-z]))(?:cn|com|net|org|top|xyz|cc|vip|me|io|co|info|club|site|app|ink|icu|shop|tk|ly|hk|tw|gl|im|so|la|link|pro|online|fun|wang|ren|biz)"
    r"(?![A-Za-z0-9_])(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?",
    re.IGNORECASE,
)
_ID_RE = re.compile(r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])\d{3}[0-9Xx](?![0-9])")
# A number with a run of * inside: a masked ID (15 or 18 characters, or after 身份证/证件) or a masked card.
_MASKED_RE = re.compile(r"(?<![0-9*])\d{1,6}\*{3,14}\d{1,4}[0-9Xx]?(?![0-9*])")
_ID_CONTEXT_RE = re.compile(r"身份证|证件|身份号|id", re.IGNORECASE)
_CARD_CONTEXT_RE = re.compile(r"卡|账号|帐号|账户|帐户")
# A number of ten digits or more right after 卡号/账号/帐号/账户, in any grouping: an account number.
_FIELD_CARD_RE = re.compile(r"((?:卡号|账号|帐号|账户|帐户)[:：]?\s*)(\d(?:[ \-._~]{0,3}\d){9,24})(?![0-9])")
_CARD_RE = re.compile(r"(?<![0-9])\d{4,6}(?:[ \-._~]{1,3}\d{3,7}){2,4}(?![0-9])|(?<![0-9])\d{16,19}(?![0-9])")
_HOTLINE_RE = re.compile(
    r"(?<![0-9])(?:95\d{3,4}(?:-\d)?|(?:400|800)[- ]?\d{3}[- ]?\d{4}|0800[- ]?\d{3}[- ]?\d{3}|1010\d{4}"
    r"|1[02]3[0-9]{2}|1[12]0|96110|12381|12378|12315|12321|12345)(?![0-9])"
)
_PHONE_RE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}[- ]?\d{4}|\*{4}\d{4}|\d{4}\*{4}|x{4}\d{4})(?![0-9])"
    r"|(?<![0-9])(?:\+|00)?852[- ]?[2-9]\d{3}[- ]?\d{4}(?![0-9])"
    r"|(?<![0-9])(?:\+|00)?886[- ]?9\d{2}[- ]?\d{3}[- ]?\d{3}(?![0-9])"
    r"|(?<![0-9])09\d{2}[- ]?\d{3}[- ]?\d{3}(?![0-9])"
    # a Taiwan landline as written there: (02)8769-5521, 02-2375-6610, (04)2234-5678, (037)123-456
    r"|\(0\d{1,2}\)\s?\d{3,4}-?\d{3,4}(?![0-9])|(?<![0-9])0\d{1,2}-\d{3,4}-\d{4}(?![0-9])"
    r"|(?<![0-9])0\d{2,3}[- ]\d{7,8}(?![0-9])"
    r"|(?<![0-9])0(?:10|2\d|[3-9]\d{2})\d{7,8}(?![0-9])",
    re.IGNORECASE,
)
_CODE_RE = re.compile(
    r"((?:验证码|校验码|动态码|动态密码|确认码|授权码|code)\D{0,8}?)(\d{4,8})(?![0-9])", re.IGNORECASE
)
_CODE_AFTER_RE = re.compile(
    r"(?<![0-9])(\d{4,8})((?:\s*[(（]?\s*)?(?:为|是)?(?:您的)?(?:本次)?(?:验证码|校验码|动态码))"
)
_AMOUNT_RE = re.compile(
    r"(?:[¥￥$]|rmb|RMB|人民币|hk\$|HK\$|nt\$|NT\$)\s?\d+(?:,\d{3})*(?:\.\d+)?(?:\s?(?:万元|万|元|块))?"
    r"|\d+(?:,\d{3})*(?:\.\d+)?\s?(?:万元|万|元|块钱|块|rmb|RMB|港元|港币|新台币|台币)"
)
_DATE_RE = re.compile(
    r"(?<![0-9])(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}[日号]?|\d{1,2}月\d{1,2}[日号]|\d{4}年\d{1,2}月|\d{1,2}/\d{1,2}(?![0-9/]))"
)
_TIME_RE = re.compile(
    r"(?<![0-9])(?:[01]?\d|2[0-3])[:：][0-5]\d(?:[:：][0-5]\d)?(?![0-9])"
    r"|(?<![0-9])(?:[01]?\d|2[0-3])点(?:\d{1,2}分|半)?"
)
_NUM_RE = re.compile(r"\d+(?:\.\d+)?")
_DIGIT_RE = re.compile(r"\d")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# Template slots as SMS platforms and lenders' code write them, so that a compliance team can check its template
# library before sending: ${name} {$money} {0} {{name}} {姓名} #amount# $name$ $name %s %d %1$s %1 var1, and a PHP
# variable spliced into a string literal ('.$name.') with its quotes and dots.
# ``XX`` needs no rule: it is read as masked digits (a number) like every run of x.  ``#…#`` takes ASCII names
# only, so that a microblog #话题# stays text; ``%`` after a digit (50%) is a percentage.
_SLOT_START_RE = re.compile(r"[{$#%]|var")
_SLOT_RE = re.compile(
    r"\$\{[^{}\s]{1,40}\}|\{\{\s?[A-Za-z_][\w.]{0,39}\s?\}\}|\{\$?[A-Za-z_][\w.]{0,39}\}|\{\d{1,2}\}|"
    r"\{[\u4e00-\u9fff]{1,8}\}|#[A-Za-z_][A-Za-z0-9_.]{0,39}#|"
    r"(?:(?P<q>['\"])\s?\.\s?)?\$[A-Za-z_]\w{0,39}\$?(?(q)\s?\.\s?(?P=q))|"
    r"(?<![A-Za-z0-9%])%(?:\d\$)?[sd](?![A-Za-z])|(?<![A-Za-z0-9%])%\d(?![0-9])|"
    r"(?<![A-Za-z])var\d{1,2}(?![A-Za-z0-9])"
)

# Top-level domains that SMS scams favour and that Chinese banks, lenders and shops do not use.
_SUSPICIOUS_TLDS = frozenset(
    "top xyz cc vip icu site club tk shop online fun wang ren ink pro link la gl im so".split()
)
_HOST_RE = re.compile(r"^(?:[a-z]+://)?([^/?#:]+)", re.IGNORECASE)


_MASKED_PHONE_RE = re.compile(r"1[3-9]\d\*{4}\d{4}")


def _masked_token(match: re.Match[str]) -> str:
    if _MASKED_PHONE_RE.fullmatch(match.group(0)):
        return PLACEHOLDERS["PHONE"]
    before = match.string[max(0, match.start() - 8) : match.start()]
    if _ID_CONTEXT_RE.search(before):
        return PLACEHOLDERS["IDNO"]
    if len(match.group(0)) in (15, 18) and not _CARD_CONTEXT_RE.search(before):
        return PLACEHOLDERS["IDNO"]
    return PLACEHOLDERS["MCARD"]


# Digits masked as x in anonymised corpora (x月x日, 尾号xxxx, 1xxxxxxxxxx): an x that touches no other
# Latin letter.  They become a digit so that the entity rules see the number they hide.
_XMASK_RE = re.compile(r"(?<![A-Za-z])[xX×]+(?![A-Za-z])")
_XMASK_DIGIT = "5"
# Placeholder words written by anonymisation tools, alone or run together (CELLPHONEWECHAT).
# DIGIT becomes a digit (so that DIGIT万 is still an amount); the others become the placeholder of what they hide
# (in anonymised corpora BANK stands for an account number, PHONE for a landline).
_ANON_WORDS = {
    "DIGIT": "5",
    "CELLPHONE": " ⟪PHONE⟫ ",
    "PHONE": " ⟪PHONE⟫ ",
    "URL": " ⟪URL⟫ ",
    "HOTLINE": " ⟪HOTLINE⟫ ",
    "WECHAT": "微信",
    "QQ": "QQ",
    "NAME": "",
    "PLACE": "",
    "BANK": " ⟪CARD⟫ ",
}
_ANON_RE = re.compile(r"(?<![A-Za-z⟪])((?:DIGIT|CELLPHONE|PHONE|URL|HOTLINE|WECHAT|QQ|NAME|PLACE|BANK)+)(?![A-Z⟫])")
_ANON_SPLIT_RE = re.compile("DIGIT|CELLPHONE|PHONE|URL|HOTLINE|WECHAT|QQ|NAME|PLACE|BANK")


def _unmask(text: str) -> str:
    """Read anonymisation marks as what they hide (see the module docstring)."""
    # The placeholder words first: DIGIT becomes a digit, and an x beside it is then read as masked like the rest.
    if _ANON_SPLIT_RE.search(text):
        text = _ANON_SUB.sub(lambda m: "".join(_ANON_WORDS[w] for w in _ANON_SPLIT_RE.findall(m.group(1))), text)
    if "x" in text or "X" in text or "×" in text:
        text = _XMASK_SUB.sub(lambda m: _XMASK_DIGIT * len(m.group(0)), text)
    return text


def _url_token(match: re.Match[str]) -> str:
    found = _HOST_RE.match(match.group(0))
    host = found.group(1).lower() if found else ""
    labels = host.split(".")
    suspicious = (
        labels[-1] in _SUSPICIOUS_TLDS or host.replace(".", "").isdigit() or any("-" in part for part in labels[:-1])
    )
    return PLACEHOLDERS["SUSPURL" if suspicious else "URL"]


#: The personal numbers in a message — the one catalogue the normaliser (as placeholders) and
#: :func:`dunning_nlp.redact.redact` (masked in what is written) share.
PERSONAL_NUMBERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id", _ID_RE),
    ("masked", _MASKED_RE),
    ("account", _FIELD_CARD_RE),
    ("card", _CARD_RE),
    ("phone", _PHONE_RE),
)

_ENTITY_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_URL_RE, _url_token),
    (_ID_RE, PLACEHOLDERS["IDNO"]),
    (_MASKED_RE, _masked_token),
    (_FIELD_CARD_RE, lambda m: m.group(1) + PLACEHOLDERS["CARD"]),
    (_CARD_RE, PLACEHOLDERS["CARD"]),
    (_HOTLINE_RE, PLACEHOLDERS["HOTLINE"]),
    (_PHONE_RE, PLACEHOLDERS["PHONE"]),
    (_AMOUNT_RE, PLACEHOLDERS["AMOUNT"]),
    (_DATE_RE, PLACEHOLDERS["DATE"]),
    (_TIME_RE, PLACEHOLDERS["TIME"]),
)


# The rules that begin with a lookbehind or an alternation, matched only where a match can start
# (:class:`._prefilter.FastSub`): the same output as ``pattern.sub``, several times faster on SMS text, where most
# positions are Chinese characters no entity starts with (benchmarks/stages.py).  Each works out its first
# characters on first use.  (Not module-level tables: the feature fingerprint reads those, and these wrappers
# derive from rules it already covers.)
_ANON_SUB = FastSub(_ANON_RE)
_XMASK_SUB = FastSub(_XMASK_RE)
_CODE_SUB = FastSub(_CODE_RE)
_CODE_AFTER_SUB = FastSub(_CODE_AFTER_RE)
_SPLIT_SUB = FastSub(_SPLIT_RE)
_DODGED_SUB = FastSub(_DODGED_RE)  # most texts hold no dodged word: the scan finds no candidate and stops there


@lru_cache(maxsize=1)
def _entity_subs() -> tuple[tuple[FastSub, str | Callable[[re.Match[str]], str]], ...]:
    """:data:`_ENTITY_RULES` as :class:`._prefilter.FastSub` rules, in the same order."""
    return tuple((FastSub(pattern), token) for pattern, token in _ENTITY_RULES)


_converter_lock = threading.Lock()


@lru_cache(maxsize=1)
def _t2s():
    """OpenCC Taiwan/HK traditional to mainland simplified, with phrase conversion."""
    from opencc import OpenCC

    return OpenCC("tw2sp")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters that OpenCC's traditional-to-simplified table changes.

    Read from OpenCC's own dictionary so that :func:`has_traditional` agrees
    with the converter; a message without any of them skips conversion
    (the common case, and the expensive step).
    """
    from importlib.resources import files

    text = (files("opencc") / "dictionary" / "TSCharacters.txt").read_text(encoding="utf-8")
    chars = set()
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        if len(key) == 1 and values and values.split()[0] != key:
            chars.add(key)
    return frozenset(chars | {"麼", "麽", "薴"})


def has_traditional(text: str) -> bool:
    """True when ``text`` holds a character that OpenCC would simplify."""
    return not _traditional_chars().isdisjoint(text)


# OpenCC's tw2sp chain is not idempotent for a few characters (麼 → 么 → 幺,
# 薴 → 苧 → 苎).  Map them to the final mainland form first and shield 么 from
# the converter with a private-use character.
_PRE = str.maketrans({"麼": "么", "麽": "么", "薴": "苎"})
_SHIELD = ("么", "\ue000")

#: Taiwan words whose tw2sp phrase conversion is computer vocabulary (OpenCC's TWPhrasesRev) and wrong in
#: debt, legal and SMS text: 強制執行 would become 强制运行, 法律程序 法律进程, 通訊錄 通信录, 請回撥 请回调,
#: 債務整合 债务集成.  Each is shielded from the converter and written in its mainland form instead.
TW_KEEP: dict[str, str] = {
    "執行": "执行",
    "程序": "程序",
    "通訊錄": "通讯录",
    "通話記錄": "通话记录",
    "回撥": "回拨",
    "查詢": "查询",
    "資料": "资料",
    "檔案": "档案",
    "宣告": "宣告",
    "整合": "整合",
    "通道": "通道",
    "物件": "物件",
    "呼叫": "呼叫",
    "核心": "核心",
    "指標": "指标",
    "登出": "退出",
}
# Longest first, so that 通訊錄 is shielded before a shorter key could split it; one private-use character each
# from plane 15 (U+F0000…), apart from the compact placeholders (U+E010…) and from the emoji that old phones
# encoded in the basic private-use area.
_KEEP_RE = re.compile("|".join(sorted(map(re.escape, TW_KEEP), key=len, reverse=True)))
_KEEP_SHIELD = {word: chr(0xF0000 + i) for i, word in enumerate(TW_KEEP)}
_KEEP_UNSHIELD = re.compile(f"[{''.join(_KEEP_SHIELD.values())}]")
_KEEP_FORM = {shield: TW_KEEP[word] for word, shield in _KEEP_SHIELD.items()}


def _undodge(text: str) -> str:
    """Write the :data:`DODGED_WORDS` of ``text`` in Chinese characters (the variant 歀 folded to 款 first)."""
    if "歀" in text:
        text = text.replace("歀", "款")
    return _DODGED_SUB.sub(lambda m: _DODGED[m.group(0).lower()], text)


def _shield(text: str) -> str:
    """Prepare text for OpenCC: final forms for its non-idempotent characters, :data:`TW_KEEP` words shielded."""
    return _KEEP_RE.sub(lambda m: _KEEP_SHIELD[m.group(0)], text.translate(_PRE).replace(*_SHIELD))


def _unshield(text: str) -> str:
    """Undo :func:`_shield` on OpenCC's output, writing each shielded word in its mainland form."""
    return _KEEP_UNSHIELD.sub(lambda m: _KEEP_FORM[m.group(0)], text.replace(_SHIELD[1], _SHIELD[0]))


def _to_simplified(text: str) -> str:
    if not has_traditional(text):
        return text
    pieces = _pieces_re().split(_shield(text))
    return _unshield("".join(piece if i % 2 else _convert_piece(piece) for i, piece in enumerate(pieces)))


@lru_cache(maxsize=1)
def _pieces_re() -> re.Pattern:
    """OpenCC's own separators, plus runs of ASCII digits.

    OpenCC converts the text between its separators independently, and no
    key of the tw2sp dictionaries contains a digit (tests check both), so
    converting the pieces between these matches one by one gives OpenCC's
    result — and lets a cache serve the pieces that templates repeat with
    other amounts and dates.
    """
    separators = _t2s().split_chars_re.pattern
    return re.compile(f"({separators[1:-1]}|[0-9]+)")


@bounded_cache(8 << 20)  # bounded by bytes: a piece can be a whole long message
def _convert_piece(piece: str) -> str:
    if not piece:
        return piece
    with _converter_lock:  # the reimplementation keeps per-instance caches
        return _t2s().convert(piece)


def _replace_codes(text: str) -> str:
    code = PLACEHOLDERS["CODE"]
    text = _CODE_SUB.sub(lambda m: m.group(1) + code, text)
    return _CODE_AFTER_SUB.sub(lambda m: code + m.group(2), text)


def _normalize_once(text: str, traditional: bool, deobfuscate: bool, placeholders: bool, compact: bool) -> str:
    # Lone surrogates (from broken UTF-16) cannot be encoded anywhere: drop them.
    if _SURROGATE_RE.search(text):
        text = _SURROGATE_RE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
    if placeholders and _SLOT_START_RE.search(text):  # before anything can split a slot's name
        text = _SLOT_RE.sub(PLACEHOLDERS["SLOT"], text)
    if traditional:
        text = _to_simplified(text)
        # The phrase converter may emit forms that NFKC changes again.
        text = unicodedata.normalize("NFKC", text)
    text = _SPACE_RE.sub(" ", text)  # before de-obfuscation, so a run of separators is measured once
    if deobfuscate:
        text = _undodge(text)  # first: it makes the Chinese runs the separators sit in
        text = _SPLIT_SUB.sub("", text)
        if "一" in text:
            text = _YI_SPLIT_RE.sub(lambda m: m.group(0).replace("一", ""), text)
    if placeholders:
        unmasked = _unmask(text)
        if deobfuscate and unmasked != text:  # a mark taken out can leave a separator between two characters
            unmasked = _SPLIT_SUB.sub("", _undodge(unmasked))
        text = unmasked
        if _DIGIT_RE.search(text):
            text = _replace_codes(text)
            for rule, token in _entity_subs():
                text = rule.sub(token, text)
            text = _NUM_RE.sub(PLACEHOLDERS["NUM"], text)
        else:  # every other entity pattern needs a digit
            text = _URL_RE.sub(_url_token, text)
    if traditional and "帐" in text:  # last, on the final characters (转-帐 and 帐歀 are joined by now)
        text = _ZHANG_RE.sub("账", text)
    text = _SPACE_RE.sub(" ", text)
    text = _BLANK_LINES_RE.sub("\n", text)
    if compact and placeholders:
        text = _COMPACT_RE.sub(lambda m: COMPACT[m.group(0)], text)
    return text.strip()


def placeholder_regex(regex: str) -> str:
    """``regex`` with every placeholder in it matching both its readable (``⟪URL⟫``) and its compact form.

    Normalised text holds one form or the other (``compact=``), so a pattern over it must accept both.

    >>> import re
    >>> pattern = re.compile(placeholder_regex("⟪SLOT⟫"))
    >>> bool(pattern.search("您好⟪SLOT⟫")), bool(pattern.search(normalize_text("您好${name}", compact=True)))
    (True, True)
    """
    return re.sub("⟪[A-Z]+⟫", lambda m: f"(?:{m.group(0)}|{COMPACT[m.group(0)]})", regex)


def expand_placeholders(text: str) -> str:
    """Write compact placeholders (private-use characters) in their readable ``⟪NAME⟫`` form.

    >>> expand_placeholders(normalize_text("请还款 http://a.cn/x", compact=True))
    '请还款 ⟪URL⟫'
    """
    return _EXPAND_RE.sub(lambda m: _EXPAND[m.group(0)], text)


def normalize_text(
    text: str, *, traditional: bool = True, deobfuscate: bool = True, placeholders: bool = True, compact: bool = False
) -> str:
    """Return the canonical form of one message.

    Parameters
    ----------
    text : str
        The message as received.  Any ``str`` is accepted; a non-``str``
        raises ``TypeError``.
    traditional : bool, default=True
        Convert traditional characters (Taiwan and Hong Kong usage) to
        mainland simplified with OpenCC.
    deobfuscate : bool, default=True
        Remove spaces and symbols inserted between Chinese characters
        (``逾 期`` → ``逾期``).
    placeholders : bool, default=True
        Replace links, numbers, amounts, dates and codes by placeholder tokens,
        and read anonymisation marks (``x`` for digits, ``DIGIT``, ``URL`` …)
        as the entities they hide.
    compact : bool, default=False
        Write each placeholder as one private-use character (see
        :data:`COMPACT`) instead of ``⟪NAME⟫``; :func:`expand_placeholders`
        turns them back.

    Returns
    -------
    str
        Half-width, simplified, single-spaced text.

    Examples
    --------
    >>> normalize_text("您的借款已逾　期３天，請還款 http://t.cn/abc")
    '您的借款已逾期⟪NUM⟫天,请还款 ⟪URL⟫'
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize_text() expects str, got {type(text).__name__}")
    # One pass is idempotent: every step's output is a fixed point of the
    # steps before it (tests/text/test_normalize.py checks this property).
    return _cached(text, bool(traditional), bool(deobfuscate), bool(placeholders), bool(compact))


@bounded_cache(48 << 20)  # about 65,000 SMS-sized entries; long texts count for what they hold
def _cached(text: str, traditional: bool, deobfuscate: bool, placeholders: bool, compact: bool = False) -> str:
    """:func:`normalize_text` with a cache bounded by bytes: SMS dumps repeat messages verbatim."""
    return _normalize_once(text, traditional, deobfuscate, placeholders, compact)
