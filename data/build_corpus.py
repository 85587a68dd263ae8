"""Build data/corpus.jsonl from the hand-written base messages in data/base/.

Every base message was written by hand for this project (one per line in
``data/base/<label>.txt``).  This script renders each base several times:
slots such as ``{brand}`` or ``{amount}`` are filled from the pools below,
and each extra rendering goes through one or two of the transformations real
SMS show (a 【signature】 or 退订 footer, Taiwan/Hong Kong traditional
characters, filter-dodging spaces and symbols, common typos and pinyin
abbreviations).  All renderings of one base share its ``group`` so that
splits never put a near-copy of a test message in training.

Run from the repository root::

    python data/build_corpus.py            # writes data/corpus.jsonl
    python data/build_corpus.py --check    # fails if the file is not up to date

The output is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE_DIR = HERE / "base"
OUT = HERE / "corpus.jsonl"
#: Hand-written evaluation sets: ``<name>.txt`` (label<TAB>text) is built into ``<name>.jsonl``, never into the corpus.
HELDOUT_SETS = ("challenge", "eval-voices", "eval-after-model", "eval-collection-formats", "eval-taiwan")
LABELS = ("reminder", "harassment", "third_party", "fraud", "other")
VARIANTS_PER_BASE = 6
TEST_SHARE = 0.2

# ---------------------------------------------------------------- slot pools
LAWFUL_BRANDS = [
    "招联金融", "马上消费金融", "中银消费金融", "兴业消费金融", "捷信金融", "宁银消费金融", "平安普惠",
    "度小满金融", "京东金融", "360数科", "乐信分期", "信也科技", "小赢科技", "携程金融", "苏宁消费金融",
    "海尔消费金融", "杭银消费金融", "长银五八消费金融", "哈银消费金融", "湖北消费金融",
]
FICTIONAL_BRANDS = [
    "安心借", "鑫易贷", "速融花", "恒信消费金融", "乐享分期", "嘉禾小贷", "众诚普惠", "金盛信贷", "星辰借钱",
    "融e借", "闪电借款", "好分期", "橙子钱包", "极速贷", "钱小满", "快易花", "顺心借", "优品分期", "信达金服",
    "花无忧", "易借宝", "亿融贷", "惠民小贷", "借点花", "小鹿钱包", "米粒贷", "新橙金融", "云朵借", "宏远金服",
    "钱掌柜", "掌上借", "万家贷", "银杏分期", "甜橙借钱", "蓝鲸钱包", "如意贷", "天天借", "随心花", "金元宝",
]
BANKS = [
    "工商银行", "建设银行", "农业银行", "中国银行", "交通银行", "招商银行", "浦发银行", "广发银行", "平安银行",
    "中信银行", "民生银行", "兴业银行", "光大银行", "华夏银行", "邮储银行", "北京银行", "宁波银行", "上海银行",
    "江苏银行", "杭州银行", "浙商银行", "渤海银行", "徽商银行", "成都农商银行",
]
TW_BANKS = ["中國信託", "國泰世華", "台新銀行", "玉山銀行", "富邦銀行", "永豐銀行", "第一銀行", "華南銀行", "合作金庫"]
HK_BANKS = ["匯豐銀行", "中銀香港", "恒生銀行", "渣打銀行", "東亞銀行", "大新銀行", "星展銀行", "WeLab Bank"]
AGENCIES = [
    "汇达资产管理有限公司", "诚和信息咨询有限公司", "恒远商务服务公司", "正信资产管理公司", "华安贷后服务中心",
    "中衡资产", "鼎诚信用管理有限公司", "卓远商务咨询", "安和贷后管理中心", "明信资产管理有限公司",
]
LAWFIRMS = ["正源律师事务所", "华信律师事务所", "德衡律师事务所", "明理律师事务所", "信达律师事务所", "金诚律师事务所"]
SURNAMES = list("张李王刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞",
         "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "丹", "鹏", "婷", "雪", "浩然", "子涵", "欣怡", "俊杰"]
RELATIVES = ["叔叔", "阿姨", "先生", "女士", "大哥", "大姐"]
RELS = ["儿子", "女儿", "丈夫", "妻子", "弟弟", "哥哥", "姐姐", "妹妹", "朋友", "同事", "父亲", "母亲", "侄子"]
CITIES = ["深圳", "上海", "广州", "杭州", "成都", "武汉", "长沙", "郑州", "西安", "南京", "重庆", "合肥", "南宁", "昆明"]
PLACES = ["幸福里小区东门", "阳光花园3栋", "学府路驿站", "人民路菜鸟驿站", "科技园南区", "金桥大厦B座", "城南快递点"]
SHOPS = ["美宜佳便利店", "瑞幸咖啡", "永辉超市", "滴滴出行", "肯德基", "中国石化", "盒马鲜生"]
COMPANIES = ["华创科技有限公司", "远航物流有限公司", "新锐传媒", "恒泰建材", "蓝天教育", "明珠餐饮管理公司"]
SERVICE_BRANDS = ["顺丰速运", "中通快递", "美团", "饿了么", "国家电网", "自来水公司", "华润燃气", "万科物业", "市图书馆", "中国移动",
                  "中国联通", "中国电信", "携程", "大众点评", "京东", "天猫", "小米之家", "格力售后", "海底捞", "星巴克"]
#: Official bodies in signatures: the finance ones sign genuine notices too; scams impersonate all of them.
OFFICIAL_FINANCE = ["中国人民银行", "人民银行征信中心", "中国银联", "国家金融监督管理总局"]
OFFICIAL_OTHER = ["最高人民法院", "人民法院", "公安局", "国家税务总局", "学信网", "12306", "社保中心"]
_FINANCE_RE = re.compile("借|贷|还款|额度|信用|征信|结清|利率|放款|分期|银行|授信|金融|逾期|欠款|验证码|动态码|支付|提现")
APPS = ["APP", "官方APP", "{brand}APP", "{brand}App", "手机APP", "官方微信公众号", "{brand}小程序"]
BAD_DOMAINS = ["t.cn", "bit.ly", "dwz.cn", "url.cn", "zx-kf.top", "zhengxin-xf.cc", "jd-zx.vip", "wd-zhuxiao.xyz",
               "cs-help.icu", "kefu-95.com", "yq-chuli.site", "xd-jd.club", "tinyurl.com", "is.gd"]
OFFICIAL_DOMAINS = ["m.zlfc.cn", "www.msxf.com", "app.dxm.com", "jr.jd.com", "www.lexin.com", "m.pingan.com",
                    "cmbt.cn", "tb.cn", "3.cn", "t.cn", "dwz.cn", "url.cn", "m.10086.cn", "jd.com", "ctrip.com",
                    "gjzwfw.gov.cn", "b23.tv", "xhslink.com", "u.jd.com", "m.icbc.com.cn"]
# Call-to-action lines with a link that legitimate senders append (hand-written).
LINK_TAILS = ["详情点击 {url}", "查看详情：{url}", "戳 {url} 了解更多", "点击 {url} 查看", "官方入口 {url}",
              "详见 {url}", "更多优惠 {url}"]


def _mobile(rng: random.Random) -> str:
    head = rng.choice(["13", "15", "17", "18", "19", "16"]) + str(rng.randint(0, 9))
    body = "".join(str(rng.randint(0, 9)) for _ in range(8))
    style = rng.random()
    if style < 0.15:
        return f"{head}****{body[4:]}"
    if style < 0.3:
        return f"{head}-{body[:4]}-{body[4:]}"
    if style < 0.38:
        return f"{head} {body[:4]} {body[4:]}"
    return head + body


def _amount(rng: random.Random) -> str:
    value = rng.choice([rng.randint(100, 999), rng.randint(1000, 9999), rng.randint(10000, 99999), rng.randint(200, 3000)])
    cents = rng.random() < 0.4
    number = f"{value:,}" if rng.random() < 0.3 else str(value)
    if cents:
        number += f".{rng.randint(0, 99):02d}"
    return rng.choice([f"{number}元", f"{number}元", f"¥{number}", f"￥{number}", f"{number}块", f"RMB{number}",
                       f"{value / 10000:.1f}万元" if value >= 10000 else f"{number}元", f"人民币{number}元"])


def _date(rng: random.Random) -> str:
    y, m, d = rng.choice([2023, 2024, 2025, 2026]), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([f"{y}-{m:02d}-{d:02d}", f"{m}月{d}日", f"{y}年{m}月{d}日", f"{m:02d}/{d:02d}", f"{y}/{m}/{d}",
                       f"{m}月{d}号", f"{y}.{m}.{d}"])


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _card(rng: random.Random) -> str:
    digits = rng.choice(["6222", "6217", "6228", "6214", "6225", "6230"]) + _digits(rng, 12 + rng.choice([0, 2, 3]))
    if rng.random() < 0.35:
        return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    return digits


def _masked_card(rng: random.Random) -> str:
    head = rng.choice(["6222", "6217", "6228", "622588", "6214", "4367", "5187"])
    stars = "*" * rng.choice([4, 6, 8, 10])
    return f"{head}{stars}{_digits(rng, 4)}"


def _masked_id(rng: random.Random) -> str:
    region = rng.choice(["110101", "310104", "440305", "330106", "510107", "420102", "3201", "4403"])
    tail = _digits(rng, 3) + rng.choice(["X", str(rng.randint(0, 9))])
    return f"{region}{'*' * (18 - len(region) - 4)}{tail}"


def _name(rng: random.Random) -> str:
    s = rng.choice(SURNAMES)
    return rng.choice([f"{s}先生", f"{s}女士", f"{s}*{rng.choice(GIVEN)[-1]}", f"{s}{rng.choice(GIVEN)}",
                       f"{s}**", "客户", "用户", f"{s}{rng.choice(GIVEN)}先生", f"尊敬的{s}女士"[3:]])


def _debtor(rng: random.Random) -> str:
    s = rng.choice(SURNAMES)
    return rng.choice([f"{s}{rng.choice(GIVEN)}", f"{s}*{rng.choice(GIVEN)[-1]}", f"{s}某某", f"{s}先生", f"{s}女士",
                       f"{s}{rng.choice(GIVEN)}"])


def _url(rng: random.Random, bad: bool) -> str:
    """A link: scam-looking domains for ``bad``; otherwise the short links real companies send too."""
    if bad:
        domain = rng.choice(BAD_DOMAINS)
        path = "".join(rng.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(rng.randint(4, 8)))
        return rng.choice([f"http://{domain}/{path}", f"{domain}/{path}", f"https://{domain}/{path}", f"{domain}/?id={path}"])
    domain = rng.choice(OFFICIAL_DOMAINS)
    path = "".join(rng.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(rng.randint(4, 7)))
    return rng.choice([f"https://{domain}/{path}", f"{domain}/{path}", f"http://{domain}/{path}", f"https://{domain}"])


#: What anonymised corpora write in place of a value (``anonymised`` rendering): names, places, numbers,
#: phones and links become the words their anonymisation tools use.
ANONYMISED = {"name": "NAME", "debtor": "NAME", "payee": "NAME", "surname": "NAME", "courier": "NAME", "city": "PLACE",
              "place": "PLACE", "amount": "DIGIT元", "amount2": "DIGIT", "days": "DIGIT", "n": "DIGIT",
              "date": "DIGIT月DIGIT日", "date2": "DIGIT", "time": "DIGIT", "hotline": "HOTLINE", "landline": "PHONE",
              "phone": "CELLPHONE", "url": "URL", "badurl": "URL", "card": "BANK", "card4": "DIGIT", "mcard": "DIGIT",
              "idmask": "DIGIT", "qq": "DIGIT", "wechat": "WECHAT", "code": "DIGIT", "ref": "DIGIT"}


def fill_slots(template: str, rng: random.Random, label: str, anonymised: bool = False) -> str:
    """Fill every ``{slot}`` in ``template`` with a value drawn from the pools (or its anonymisation word)."""
    # Real lender names in every label: a name alone must not decide the label (the label of a synthetic
    # message says nothing about the company named in it).
    brands = FICTIONAL_BRANDS + LAWFUL_BRANDS
    if label == "other" and not _FINANCE_RE.search(template):
        brands = SERVICE_BRANDS  # a water bill is not signed by a lender
    brand = rng.choice(brands)
    values = {
        "brand": brand,
        "bank": rng.choice(BANKS),
        "twbank": rng.choice(TW_BANKS),
        "hkbank": rng.choice(HK_BANKS),
        "agency": rng.choice(AGENCIES),
        "lawfirm": rng.choice(LAWFIRMS),
        "name": _name(rng),
        "debtor": _debtor(rng),
        "surname": rng.choice(SURNAMES),
        "relative": rng.choice(RELATIVES),
        "rel": rng.choice(RELS),
        "amount": _amount(rng),
        "amount2": _amount(rng),
        "days": str(rng.choice([1, 2, 3, 5, 7, 10, 15, 18, 25, 30, 45, 60, 90, 120, 180, rng.randint(1, 365)])),
        "date": _date(rng),
        "date2": _date(rng),
        "time": f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
        "n": str(rng.randint(1, 24)),
        "hotline": rng.choice(["95" + _digits(rng, 3), "95" + _digits(rng, 4), f"400-{_digits(rng, 3)}-{_digits(rng, 4)}",
                               f"400{_digits(rng, 7)}"]),
        "landline": f"0{rng.choice(['10', '21', '20', '755', '571', '28', '27'])}-{_digits(rng, 8)}",
        "phone": _mobile(rng),
        "url": _url(rng, bad=False),
        "badurl": _url(rng, bad=True),
        "card": _card(rng),
        "card4": f"{rng.randint(0, 9999):04d}",
        "mcard": _masked_card(rng),
        "idmask": _masked_id(rng),
        "payee": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "qq": _digits(rng, rng.randint(8, 10)),
        "wechat": rng.choice(["zx", "kf", "sh", "tc", "yq", "xf", "an"]) + rng.choice(["_", "", "-"]) + _digits(rng, rng.randint(3, 6)),
        "code": f"{rng.randint(0, 999999):06d}" if rng.random() < 0.7 else f"{rng.randint(0, 9999):04d}",
        "ref": rng.choice(["CS", "AJ", "NO.", "", "HT"]) + _digits(rng, rng.randint(8, 14)),
        "city": rng.choice(CITIES),
        "place": rng.choice(PLACES),
        "shop": rng.choice(SHOPS),
        "courier": rng.choice(SURNAMES) + "师傅",
        "company": rng.choice(COMPANIES),
        "svc": rng.choice(SERVICE_BRANDS),
    }
    values["app"] = rng.choice(APPS).format(brand=brand)

    def repl(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"unknown slot {{{key}}}")
        if anonymised and key in ANONYMISED:
            return f" {ANONYMISED[key]} " if rng.random() < 0.5 else ANONYMISED[key]
        return values[key]

    return re.sub(r"\{(\w+)\}", repl, template)


# ------------------------------------------------------------ augmentations
TYPOS = {
    "逾期": ["逾朞", "yu期", "逾其", "余期"], "征信": ["徵信", "zx", "征xin", "正信", "蒸信"], "催收": ["崔收", "cs", "催shou"],
    "还款": ["还歀", "huan款", "还kuan", "环款"], "微信": ["威信", "VX", "wx", "薇信", "V信"], "法院": ["法阮", "fa院"],
    "起诉": ["起sue", "起苏"], "通讯录": ["通迅录", "通讯 录", "tongxun录"], "账户": ["帐户", "账hu"], "欠款": ["欠歀", "qian款"],
    "拘留": ["拘liu", "居留"], "上门": ["shang门", "上们"], "注销": ["注xiao", "住销"], "贷款": ["带款", "dai款", "贷歀"],
    "银行卡": ["银行K", "yhk"], "验证码": ["验正码", "yzm"], "立案": ["立an", "立桉"], "老赖": ["老lai", "老癞"],
}
SEPARATORS = [" ", "  ", "*", "-", "·", ".", "|", "_", "~", "\u200b", "/", "#"]
SIGNS_HANS = ["退订回T", "回T退订", "拒收请回复R", "退订回TD", "回复TD退订"]
SIGNS_HANT = ["回覆STOP取消", "拒收請回覆R"]
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _to_traditional(text: str, rng: random.Random) -> str:
    from opencc import OpenCC

    config = rng.choice(["s2tw", "s2twp", "s2hk"])
    if config not in _CONVERTERS:
        _CONVERTERS[config] = OpenCC(config)
    return _CONVERTERS[config].convert(text)


_CONVERTERS: dict[str, object] = {}


def _obfuscate(text: str, rng: random.Random) -> str:
    words = [w for w in ("逾期", "征信", "催收", "还款", "欠款", "上门", "拘留", "通讯录", "注销", "贷款", "立案", "起诉",
                         "老赖", "冻结", "法院", "曝光", "借款", "验证码", "账户", "家人", "紧急联系人", "转告", "修复")
             if w in text]
    rng.shuffle(words)
    sep = rng.choice(SEPARATORS)
    for word in words[: rng.randint(1, 3)]:
        text = text.replace(word, sep.join(word), 1)
    if rng.random() < 0.5:
        text = text.translate(FULLWIDTH)
    return text


def _typo(text: str, rng: random.Random) -> str:
    keys = [k for k in TYPOS if k in text]
    rng.shuffle(keys)
    for key in keys[: rng.randint(1, 2)]:
        text = text.replace(key, rng.choice(TYPOS[key]), 1)
    return text


def _link_tail(text: str, rng: random.Random) -> str:
    """Append a legitimate-looking call to action with a link (reminder and branded other messages)."""
    return text.rstrip("。") + "，" + fill_slots(rng.choice(LINK_TAILS), rng, "other")


def _sms_frame(text: str, rng: random.Random, label: str, hant: bool) -> str:
    """Add what real senders put around a message: a 【signature】, a call-to-action link, an opt-out footer.

    Every label gets them (real collection and scam SMS carry signatures and 拒收请回复R footers too), at
    rates that differ a little by sender: collectors' personal numbers sign less often than companies.
    Banks sign reminders, scams and genuine finance notices alike, and scams also sign as the official
    bodies and services they impersonate, so that no signature decides a label.
    """
    collector = label in ("harassment", "third_party")
    chat = label == "other" and "【" not in text and not _FINANCE_RE.search(text) and len(text) < 40
    if collector and rng.random() < 0.4:
        text = text.replace("，", rng.choice(["，", ",", " ", "，"])).rstrip("。")
    elif not chat and not text.startswith("【") and rng.random() < 0.6:
        pool = FICTIONAL_BRANDS + LAWFUL_BRANDS + (AGENCIES if collector else BANKS)
        if label == "fraud":  # scams sign as whoever they impersonate
            pool += OFFICIAL_FINANCE + OFFICIAL_OTHER + SERVICE_BRANDS
        elif label == "other":
            pool = pool + OFFICIAL_FINANCE if _FINANCE_RE.search(text) else SERVICE_BRANDS
        brand = rng.choice(pool)
        text = f"【{brand}】{text}" if rng.random() < 0.7 else f"{text}【{brand}】"
    if not chat and "http" not in text and rng.random() < (0.15 if collector else 0.3):
        text = _link_tail(text, rng)
    if not chat and rng.random() < (0.45 if "【" in text else 0.15):
        text = f"{text}{rng.choice(SIGNS_HANT if hant else SIGNS_HANS)}"
    return text


_PUNCT_RE = re.compile(r"[\s\W_]+")
_DIGITS_RE = re.compile(r"\d")


def _strip(text: str) -> str:
    """Punctuation and spaces removed, as some carriers, forwarders and corpora deliver SMS."""
    return _PUNCT_RE.sub("", text)


def _mask_digits(text: str) -> str:
    """Every digit written as x, as anonymised corpora publish SMS."""
    return _DIGITS_RE.sub("x", text)


# Sentences a sender adds around the core message; each hand-written here.
TOUCHES = {
    "reminder": ["如已还款，请忽略本短信。", "感谢您的配合！", "详询客服{hotline}。", "{name}，", "您好，", "（本短信由系统发送，请勿直接回复）",
                 "请认准官方还款渠道，谨防诈骗。", "工作时间：周一至周日9:00-21:00。"],
    "harassment": ["速回电{phone}！", "{name}，", "你听好了，", "——{agency}", "别说没提醒你。", "好自为之！", "看到回电{phone}",
                   "今天是最后一天。", "我们说到做到。"],
    "third_party": ["您好，", "谢谢！", "打扰了。", "回电{hotline}。", "麻烦您了。", "不好意思，", "联系电话{phone}。"],
    "fraud": ["名额有限，先到先得。", "过期作废！", "详询{phone}", "24小时在线。", "加急办理！", "保密，不留记录。", "今日有效。"],
    "other": ["谢谢！", "😊", "哈哈", "祝您生活愉快！", "如有疑问请联系客服。", "【{brand}】"],
}
# An opt-out footer (退订回T) is not a touch of any one label: scams blasted in bulk carry it as often as ads do,
# so it is added only by the frame, at the same rate for every label (_sms_frame).
LONG_TAILS = {
    "reminder": "您可以通过{app}查看账单明细并完成还款，也可以通过官方微信公众号或拨打客服热线{hotline}办理。我们郑重提醒：本公司不会以任何理由要求您向个人账户转账，也不会通过非官方链接收取还款。如您对欠款金额有异议，或因疾病、失业等原因暂时无法还款，请在工作时间内主动与我们联系，我们将依法依规为您提供协商服务。感谢您的理解与配合。",
    "harassment": "你以为不接电话、拉黑号码就能解决问题？我们已经掌握了你的住址、单位和所有联系人的信息。从今天开始，你身边的每一个人都会知道你做了什么。你父母、你老婆、你同事、你领导，一个都跑不掉。想清楚再决定要不要继续装死，我们有的是时间和你耗下去。",
    "third_party": "我们理解此事与您本人无关，也不会要求您承担任何还款责任，只是目前确实无法联系到借款人本人，才冒昧打扰。如果您方便，请转告其尽快与我们联系，或登录平台处理账单；如果您与其并不相识，请回复告知，我们会更新记录，不再打扰您。再次感谢您的理解。",
    "fraud": "本次活动由专业团队一对一服务，全程保密，不留任何记录，成功率高达百分之九十九。很多客户已经成功处理，名额有限，过时不候。请务必在今天之内联系专员，按专员的指引完成操作，期间不要告诉家人和朋友，以免影响办理进度。详情请咨询{phone}或添加微信{wechat}。",
    "other": "如您对本通知有任何疑问，可登录官方APP或拨打客服热线{hotline}咨询。我们始终致力于为您提供安全、便捷的服务，感谢您一直以来的支持与信任。温馨提示：请妥善保管您的账户信息和验证码，不要向任何人透露，谨防电信网络诈骗。",
}


def _long_tail(label: str, rng: random.Random) -> str:
    """Two to four sentences of the label's long paragraph, in random order: long messages differ in their tails."""
    sentences = [x for x in re.split(r"(?<=[。？！])", LONG_TAILS[label]) if x.strip()]
    return "".join(rng.sample(sentences, min(len(sentences), rng.randint(2, 4))))


def _touch(text: str, rng: random.Random, label: str) -> str:
    options = TOUCHES[label]
    if label == "other" and "【" not in text:  # personal chat gets no sender signature
        options = ["谢谢！", "😊", "哈哈", "好的。", "~"]
    touch = rng.choice(options)
    if touch.endswith("，") or touch.startswith("【"):
        return touch + text
    return text.rstrip("。!！") + ("。" if not text.endswith(("？", "?")) else "") + touch


def render_variants(template: str, label: str, hant_base: bool, rng: random.Random, count: int):
    """Yield ``(text, origin, script)`` renderings of one base message."""
    yield fill_slots(template, rng, label), "handwritten", "hant" if hant_base else "hans"
    kinds = ["frame", "traditional", "obfuscate", "typo", "plain", "long", "stripped", "masked", "anonymised"]
    for _ in range(count - 1):
        kind = rng.choices(kinds, weights=[3, 2, 1.5, 1, 2, 1, 1.5, 1, 1.5])[0]
        text = fill_slots(template, rng, label, anonymised=kind == "anonymised")
        if kind != "plain" and rng.random() < 0.35:
            text = fill_slots(_touch(text, rng, label), rng, label)
        hant = hant_base
        if kind == "frame":
            text = _sms_frame(text, rng, label, hant)
        elif kind == "traditional" and not hant_base:
            text = _to_traditional(_sms_frame(text, rng, label, False) if rng.random() < 0.4 else text, rng)
            hant = True
        elif kind == "obfuscate":
            text = _obfuscate(text, rng)
        elif kind == "typo":
            text = _typo(text, rng)
        elif kind == "plain":
            text = fill_slots(_touch(text, rng, label), rng, label)
        elif kind == "stripped":
            text = _strip(_sms_frame(text, rng, label, hant) if rng.random() < 0.5 else text) or text
        elif kind == "anonymised":  # as anonymised corpora publish SMS: NAME, PLACE, DIGIT, URL; often run together
            text = (_strip(text) if rng.random() < 0.6 else re.sub(r"\s+", " ", text).strip()) or text
        elif kind == "masked":
            text = _mask_digits(_sms_frame(text, rng, label, hant) if rng.random() < 0.5 else text)
        elif kind == "long":
            text = text.rstrip("。") + "。" + fill_slots(_long_tail(label, rng), rng, label)
            if hant_base:
                text = _to_traditional(text, rng)
        yield text, f"generator:{kind}", "hant" if hant else "hans"


def read_bases(path: Path):
    """Yield ``(line_no, template, secondary, hant)`` for each base message in a file."""
    hant = False
    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            hant = "traditional" in line
            continue
        secondary: list[str] = []
        while line.startswith("@"):
            tag, _, line = line.partition(" ")
            secondary.append(tag[1:])
        yield line_no, line, secondary, hant


def split_of(group: str) -> str:
    """Assign a whole group to train or test by a stable hash of its name."""
    h = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16)
    return "test" if h / 0xFFFFFFFF < TEST_SHARE else "train"


def base_files(label: str) -> list[Path]:
    """``base/<label>.txt`` and the topic files ``base/<label>-<topic>.txt`` of one label, in a fixed order."""
    return [BASE_DIR / f"{label}.txt"] + sorted(BASE_DIR.glob(f"{label}-*.txt"))


def group_of(label: str, template: str) -> str:
    """A base message's group: its label and a hash of its text (stable when lines move or files grow)."""
    return f"{label}:{hashlib.sha256(template.encode('utf-8')).hexdigest()[:12]}"


def build(seed: int = 20261122) -> list[dict]:
    records: list[dict] = []
    seen: set[str] = set()
    groups: set[str] = set()
    for label in LABELS:
        bases = [base for path in base_files(label) for base in read_bases(path)]
        for _, template, secondary, hant in bases:
            group = group_of(label, template)
            if group in groups:  # the same base written twice: render it once
                continue
            groups.add(group)
            rng = random.Random(f"{seed}:{group}")
            for k, (text, origin, script) in enumerate(render_variants(template, label, hant, rng, VARIANTS_PER_BASE)):
                if text in seen:
                    continue
                seen.add(text)
                records.append({
                    "id": f"{group}:{k}",
                    "text": text,
                    "label": label,
                    "secondary": secondary,
                    "group": group,
                    "origin": origin,
                    "script": script,
                    "split": split_of(group),
                })
    return records


def build_heldout(name: str = "challenge") -> list[dict]:
    """A hand-written evaluation set (``data/<name>.txt``): all split "test", never in the corpus."""
    source = HERE / f"{name}.txt"
    from opencc import OpenCC

    t2s = OpenCC("t2s")
    records = []
    for line_no, raw in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        label, text = raw.split("\t", 1)
        if label not in LABELS:
            raise ValueError(f"{source}:{line_no}: unknown label {label!r}")
        group = f"{name}:{line_no:04d}"
        records.append({"id": group, "text": text, "label": label, "secondary": [], "group": group,
                        "origin": f"handwritten-{name}", "script": "hant" if t2s.convert(text) != text else "hans",
                        "split": "test"})
    return records


def dumps(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if data/corpus.jsonl is not what the bases give")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)
    outputs = {OUT: dumps(build(args.seed))}
    outputs.update({HERE / f"{name}.jsonl": dumps(build_heldout(name)) for name in HELDOUT_SETS})
    if args.check:
        stale = [p.name for p, text in outputs.items() if (p.read_text(encoding="utf-8") if p.exists() else "") != text]
        if stale:
            print(f"out of date: {', '.join(stale)}: run python data/build_corpus.py", file=sys.stderr)
            return 1
        return 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {text.count(chr(10))} records to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
