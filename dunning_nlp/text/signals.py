"""Rule signals: named, human-readable cues found in normalised text.

A signal is a regular expression over the *normalised* text (simplified,
placeholders in place) with a short description and, where one applies, the
rule from the labelling guide it rests on.  Signals serve twice:

* as features (:class:`dunning_nlp.train.steps.SignalFeaturizer`, a stateless scikit-learn
  transformer giving one 0/1 column per signal), which carry the model past
  the exact wording of the training data; and
* as evidence shown to users next to each label, so that a borrower or an
  auditor sees *why* a message was flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._prefilter import presence_pattern
from .normalize import COMPACT

__all__ = ["Signal", "SIGNALS", "WARNED_CUES", "WARNING", "find_signals", "present_columns", "signal_columns"]


@dataclass(frozen=True)
class Signal:
    """One named cue.

    Attributes
    ----------
    name : str
        Stable identifier, used as a feature name (``signal:<name>``).
    pattern : re.Pattern
        Searched in normalised text.
    description : str
        What the cue means, in plain words.
    rule : str
        The law or guideline it relates to ("" when it is only a hint).
    """

    name: str
    pattern: re.Pattern
    description: str
    rule: str = ""


def _s(name: str, regex: str, description: str, rule: str = "") -> Signal:
    # A placeholder is matched in its readable (⟪URL⟫) and its compact (one private-use character) form.
    regex = re.sub("⟪[A-Z]+⟫", lambda m: f"(?:{m.group(0)}|{COMPACT[m.group(0)]})", regex)
    # Case matters only for the Latin parts, which patterns mark with (?i:...): a global IGNORECASE would slow
    # every search (the engine can no longer scan for the literal first characters of the alternatives).
    return Signal(name, re.compile(regex), description, rule)


_R_293 = "刑法第293条之一 催收非法债务罪 / 第293条 寻衅滋事"
_R_SOFT = "两高两部《关于办理实施“软暴力”的刑事案件若干问题的意见》(2019)"
_R_PIPL = "个人信息保护法 第10条; 民法典 第1032–1033条"
_R_NIFA = "中国互联网金融协会《互联网金融贷后催收业务指引》: 仅向债务人本人催收"
_R_FRAUD = "反诈: 官方渠道为95xxx客服与APP内还款; 12381/96110 预警与举报"

#: Phrases that warn against a scam ("凡是…都是诈骗", "谨防冒充", "银行不会要求转账").  A scam's own sender name
#: (反诈中心) is not one of them: scams sign as the anti-fraud centre.
_WARNING_PHRASES = (r"都是诈骗|均为诈骗|一律是诈骗|是骗局|这是诈骗|谨防.{0,6}(?:诈骗|骗子|冒充|上当)|请勿轻信|不要轻信|提高警惕|"
                    r"不存在.{0,4}安全账户|(?:不会|从不|绝不)(?:通过|以)?.{0,12}(?:办案|收取|要求|转账)")

SIGNALS: tuple[Signal, ...] = (
    # The debt-context gate (dunning_nlp.model.gate): without this signal no message gets a collection label.  A bare
    # 欠 / 借 (and traditional 債 / 貸) opens it, so only words without those characters are listed besides.
    _s("debt", r"欠|借|債|貸|债务|债权|还债|贷款|网贷|小贷|贷后|逾期|还款|还钱|把钱还|钱还|还清|还上|还不上|不还|未还|没还|账单|"
               r"信用卡|帐款|账款|供款|缴款|应缴|应还|月供|本金|利息|罚息|滞纳金|违约金|催收|清收|外访|委外|结清|分期|白条|花呗|"
               r"老赖|赖账|失信|征信|紧急联系人|紧急联络人|的联系人|担保人|执行局|限高|限制高消费|涉诉|财产保全|强制执行|执行阶段|"
               r"移交执行|协助执行|失联|协查|户籍地|取证小组|法务|受托|委托.{0,8}联系|爆通讯录|钱.{0,4}(?:到账|到位|打过来|转过来)|"
               r"挂的账|账.{0,6}没结|未结|货款|尾款|账期|未缴|缴清|(?:预留|填写|登记)了?(?:您|你)的?(?:号码|电话|手机号?|联系方式)|"
               r"作为(?:他的?|她的?|其)?(?:紧急)?联系人|(?i:loan|debt|overdue|repay)",
       "talks about a debt or repayment"),
    _s("overdue", r"逾期|到期|未还|拖欠|过了还款日|最后还款日|欠款", "says a payment is due or overdue"),
    _s("official_channel", r"⟪HOTLINE⟫|官方|(?i:app)|公众号|手机银行|小程序|网点|在线客服|营业厅", "points to an official channel"),
    _s("credit_report", r"征信|信用记录|信用报告|联征|信用评分|信贷评分|信用分", "mentions the credit record"),
    _s("lawful_action", r"依法|诉讼|起诉|仲裁|律师函|支付令|调解|法律途径|法律程序|合同约定", "mentions lawful steps"),
    _s("threat_visit", r"上门|外访|找上门|家门口|楼下|(?:门口|家里|单位|公司|路上|小区|学校)等(?:着)?你|(?:亲自|直接|当面|派人|一直)(?:去|来)?找你|去你(?:家|单位|公司|老家)|到你家|拜访|堵你|你家在哪|住哪|(?:上|去|嚟|到)你屋企|喺你屋企",
       "threatens to come to the home or workplace", _R_293),
    _s("threat_general", r"后果自负|等着瞧|走着瞧|小心点|别怪|不客气|不得安宁|好自为之|让你.{0,6}(?:好过|后悔|知道)|非常手段|代价|别逼",
       "vague threats and intimidation", _R_SOFT),
    _s("fake_legal", r"已立案|立案|刑事|拘留|坐牢|逮捕|通缉|抓捕|派出所|经侦|公安|检察院|判刑|诈骗罪|传唤|牢饭|强制措施|法警|有期徒刑|坐监|差人",
       "claims police or criminal action (collectors cannot)", _R_293),
    _s("contact_blast", r"通讯录|联系人|朋友圈|家族群|业主群|工作群|曝光|公示|全网|海报|传单|贴到|发到|让.{0,4}都知道|所有人",
       "threatens to tell contacts or publish the debt", _R_PIPL),
    _s("family_work", r"父母|爸妈|老婆|老公|孩子|家人|全家|亲戚|单位|领导|同事|公司|学校|村里|老家",
       "brings in family, employer or community", _R_NIFA),
    _s("insult", r"老赖|不要脸|垃圾|废物|人渣|骗子|狗东西|死了|蛀虫|丢人|丢脸|缩头乌龟|不是人|活该|要饭|乞丐|社死",
       "insults or humiliation", _R_SOFT),
    # A contact person is named as the *recipient* ("您是…的紧急联系人", "预留您为联系人"), not as someone the
    # borrower will be exposed to ("联系你的紧急联系人" is a threat to the borrower: contact_blast).
    _s("third_party_address", r"(?:^|[,.!?:;\s】])紧急联[系络]人(?:您好|你好|[,:])|(?:您|你)(?:是|为|作为|被).{0,14}联[系络]人|"
       r"(?:预留|填写|填|留|登记)了?(?:您|你).{0,8}联[系络]人|(?:他|她|其)的?(?:紧急)?联[系络]人|作为联[系络]人|"
       r"转告|转达|代为|请问您是|请问你是|您是.{1,6}的|你是.{1,6}的|认识.{1,8}吗|他本人|她本人|"
       r"(?:您|你)的(?:朋友|家人|亲属|儿子|女儿|丈夫|妻子|弟弟|哥哥|姐姐|妹妹|同事|员工|学生|亲戚|租客|室友|好友|配偶|老公|老婆)|"
       r"(?:他|她)(?:的|在)|联系不上(?:他|她)|找到(?:他|她)|让(?:他|她)",
       "addressed to someone other than the borrower", _R_NIFA),
    # Skip tracing: an organisation asks a stranger whether a number is a named person's, or to reach him.  The guide
    # counts "asking a contact only to confirm a phone number" as third-party contact even when no debt is named, so
    # this signal also opens the debt-context gate (dunning_nlp.model.gate).  Second-person checks ("核实您的联系方式") do not.
    _s("locate_person", r"这个(?:号码?|手机号?|电话)(?:还)?是.{1,8}?(?:本人|在用|在使用|的)吗|"
                        r"(?:留|填|登记)的(?:是)?(?:你|您)(?:这个)?(?:的)?(?:号|电话|手机)|(?:留|填|登记)的(?:号码?|电话)是(?:你|您)|"
                        r"(?:核实|寻找|找)(?![您你])[^,.!?;，。！？；]{1,8}的(?:联系方式|下落|新号码|新手机号|现住址)|"
                        r"(?:能|可以|方便)联系(?:上|到)(?:他|她)",
       "asks a stranger to confirm or reach a named person (skip tracing)", _R_NIFA),
    _s("personal_account", r"个人账户|私人账户|个人卡|安全账户|监管账户|指定账户|核验账户|验证账户|保护账户|审查账户|清退账户|(?:户名|户主|收款人|开户行|开户名|账号|帐号|卡号|姓名).{0,16}⟪CARD⟫|⟪CARD⟫.{0,16}(?:户名|户主|收款人|开户行|开户名|姓名)|转给我|转到我|打到这个|个人微信|对公专员|以下账户|这个账户|这个卡|该账户|业务员|新的还款账户|(?:私人|个人)(?:的)?(?:支付宝|微信|银行卡|卡上)|(?:转|打|汇|存|还|付)(?:款|钱)?(?:到|给|入|进)(?:我|私人|个人)(?:的)?(?:支付宝|微信|银行卡|卡上|账户)",
       "asks to pay into a personal or 'safe' account", _R_FRAUD),
    _s("upfront_fee", r"保证金|解冻金|解冻费|激活费|工本费|会员费|包装费|验资|刷流水|公证费|好处费|撤诉费|辛苦费|材料费|押金|定金|"
                      r"(?:先|预先|提前|需要?|须|必须)(?:缴纳?|交|支付|付|转)(?:一笔|一定的?)?(?:费用|手续费|服务费|咨询费|利息)|"
                      r"手续费|服务费|咨询费",
       "asks for a fee up front", _R_FRAUD),
    _s("credit_repair", r"征信修复|修复征信|修复|洗白|删除.{0,6}记录|消除.{0,6}记录|撤销.{0,4}记录|停催|停息|挂账|债务优化|上岸|反催收|内部渠道|内部操作|债务重组|减免结清",
       "credit repair / stop-collection services", _R_FRAUD),
    _s("cancel_account", r"注销|校园贷|学生(?:账户|贷款|身份)|清空额度|额度清零|清零", "'cancel your student loan account' pretext", _R_FRAUD),
    _s("code_request", r"⟪CODE⟫|验证码|动态码|校验码|密码|(?i:cvv)|安全码", "mentions a verification code or password"),
    _s("code_ask", r"(?:提供|告诉|发给|回复|发我|输入|填写).{0,8}(?:验证码|密码|卡号|安全码|⟪CODE⟫)"
                   r"|(?:验证码|密码|卡号|安全码).{0,6}(?:发给|告诉|发我|给我|报给)", "asks for a code, password or card number", _R_FRAUD),
    _s("link", r"⟪URL⟫|⟪SUSPURL⟫", "contains a link"),
    _s("link_login", r"(?:登录|登陆|登入|进入|访问|点击|打开|上|到|进)(?:我行|本行)?(?:的)?(?:官方|指定|管理|活动|领奖)?(?:网站|官网|网址|手机网|网|页面|活动站)?"
                     r"[:：]?\s?(?:⟪URL⟫|⟪SUSPURL⟫).{0,12}(?:激活|升级|维护|补录|校验|验证|认证|更新|兑换|领取|认领|查收|申请|提交|注销|解除|解冻|填写|查询兑换)|"
                     r"(?:过期|失效|到期|冻结|异常|清零|积分|额度).{0,30}(?:登录|登陆|登入|进入|访问|点击)(?:我行)?.{0,10}(?:⟪URL⟫|⟪SUSPURL⟫)|"
                     r"(?:点击|登录|登陆|进入)(?:领取|兑换|激活|认领|解冻|验证)[:：]?\s?(?:⟪URL⟫|⟪SUSPURL⟫)",
       "asks to log in at a link to activate, upgrade, verify or redeem (banks never do)", _R_FRAUD),
    _s("prize", r"中奖|抽中|抽选|选为|选中|评选为|幸运(?:观众|用户|用戸|客户)|场外|获奖|大奖|奖金|领奖|赞助商|栏目组|互动者|本季之星|今日之星|苹果笔记本|笔记本电脑一台|电脑一台|创业基金|[一二三特]等奖",
       "a prize or award pretext"),
    _s("lure_link", r"(?:相册|相片|照片|录像|视频|图片|影集|怎么回事).{0,14}(?:⟪URL⟫|⟪SUSPURL⟫)|(?:⟪URL⟫|⟪SUSPURL⟫).{0,10}(?:看看|打开|自己看|查看这张)",
       "a personal-sounding message that only wants a link opened", _R_FRAUD),
    _s("travel_refund", r"(?:航班|机票|列车|车次|班机).{0,40}(?:取消|故障|停运|延误|停飞|暂停).{0,50}(?:改签|退票|补偿|理赔|退款)",
       "flight or train cancellation with a refund or compensation offer"),
    _s("suspicious_link", r"⟪SUSPURL⟫", "link on a cheap domain, an IP address or a look-alike name", _R_FRAUD),
    _s("personal_phone", r"⟪PHONE⟫", "gives a mobile or unlisted number"),
    _s("im_contact", r"(?i:(?<![a-z])(?:qq|wx|vx|line)(?![a-z]))|微信|加(?i:v)|(?i:v)信|加群|扣扣", "moves contact to QQ / WeChat / LINE", _R_FRAUD),
    _s("screen_share", r"屏幕共享|共享屏幕|会议软件|分享螢幕|视频会议|远程", "asks to share the screen", _R_FRAUD),
    _s("frozen", r"冻结|解冻|锁定|停用|失效|异常", "account frozen / abnormal pretext"),
    _s("receipt", r"还款成功|已结清|已还清|已全部还清|已到账|入账成功|成功还款|已缴清|已入账|已成功", "confirms a completed payment"),
    _s("transaction", r"消费|支出|转入|余额|尾号|签账|取款|扣款", "transaction alert wording"),
    _s("marketing", r"退订|拒收|回复(?i:r)|免息|最高可借|利率|优惠|额度已提升|专享|活动", "marketing wording"),
    _s("greeting_polite", r"您好|尊敬的|请|谢谢|感谢|温馨", "polite register"),
    _s("scam_warning", _WARNING_PHRASES + r"|防骗|反诈", "warns against scams (anti-fraud education, not a scam itself)"),
)

_INDEX = {signal.name: i for i, signal in enumerate(SIGNALS)}

#: Cues of a scam's *ask* that a warning quotes without asking anything: "凡是要求转账到安全账户的都是诈骗"
#: names a safe account, a fee or a cancelled student loan only to warn against them.  A linear model adds
#: evidence up and cannot learn "this cue, unless warned against", so a cue found only inside a clause that
#: holds a :data:`WARNING` phrase is not reported (not as a feature, not as evidence, not as a report flag);
#: the words stay in the n-gram features and the ``scam_warning`` signal is reported instead.  The clause
#: matters: scams carry stock warnings too ("谨防诈骗！请立即将资金转入安全账户"), and there the ask stands in a
#: clause of its own, so it is kept.
WARNED_CUES: tuple[str, ...] = ("personal_account", "upfront_fee", "credit_repair", "cancel_account", "code_ask",
                                "screen_share")
#: The warning phrases that negate :data:`WARNED_CUES` (``scam_warning`` without the bare words 反诈 / 防骗).
WARNING = re.compile(_WARNING_PHRASES)
_WARNED = frozenset(_INDEX[name] for name in WARNED_CUES)
#: What ends a clause in normalised text (full-width punctuation is half-width by then).
_CLAUSE_END = re.compile(r"[,.。!?;\n]")


def signal_columns(normalised: str) -> list[int]:
    """Positions in :data:`SIGNALS` of the signals present in an already normalised text (the feature columns).

    >>> [SIGNALS[i].name for i in signal_columns("凡是要求转账到安全账户的都是诈骗")]
    ['scam_warning']
    >>> "personal_account" in [SIGNALS[i].name for i in signal_columns("请转账到安全账户")]
    True
    >>> "personal_account" in [SIGNALS[i].name for i in signal_columns("谨防诈骗!请立即将资金转入安全账户")]
    True
    """
    found = present_columns(normalised)
    if _WARNED.intersection(found) and WARNING.search(normalised):
        warned = _warned_clauses(normalised)
        found = [i for i in found if i not in _WARNED or _outside(SIGNALS[i].pattern, normalised, warned)]
    return found


def _warned_clauses(text: str) -> list[tuple[int, int]]:
    """Start and end of every clause of ``text`` that holds a :data:`WARNING` phrase."""
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(text)] + [len(text)]
    clauses = list(zip(bounds, bounds[1:]))
    return [(a, b) for a, b in clauses if WARNING.search(text, a, b)]


def _outside(pattern: re.Pattern, text: str, warned: list[tuple[int, int]]) -> bool:
    """True when ``pattern`` matches somewhere in ``text`` that starts outside every warned clause."""
    return any(not any(a <= m.start() < b for a, b in warned) for m in pattern.finditer(text))


def present_columns(normalised: str) -> list[int]:
    """Positions of the signals whose pattern matches, before a warning negates any (:func:`signal_columns`)."""
    return [i for i, pattern in enumerate(_presence_patterns()) if pattern.search(normalised)]


@lru_cache(maxsize=1)
def _presence_patterns() -> tuple[re.Pattern, ...]:
    """Each signal's pattern in the form that tells fastest whether it matches (:mod:`dunning_nlp.text._prefilter`).

    Every signal is searched in every message; most start with groups or alternatives the regex engine would
    try at every position.  Built on first use, so that importing the package compiles nothing more.
    """
    return tuple(presence_pattern(signal.pattern) for signal in SIGNALS)


def find_signals(normalised: str) -> list[Signal]:
    """Return the signals present in an already normalised text, in table order."""
    return [SIGNALS[i] for i in signal_columns(normalised)]
