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
from .normalize import placeholder_regex

__all__ = [
    "Signal",
    "SIGNALS",
    "WARNED_CUES",
    "WARNING",
    "THREAT_SIGNALS",
    "IMPERSONATION_SIGNALS",
    "CHANNEL_SIGNALS",
    "find_signals",
    "present_columns",
    "signal_columns",
]


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
    regex = placeholder_regex(regex)  # ⟪URL⟫ in its readable and its compact (one private-use character) form
    # Case matters only for the Latin parts, which patterns mark with (?i:...): a global IGNORECASE would slow
    # every search (the engine can no longer scan for the literal first characters of the alternatives).
    return Signal(name, re.compile(regex), description, rule)


_R_293 = "刑法第293条之一 催收非法债务罪 / 第293条 寻衅滋事"
_R_SOFT = "两高两部《关于办理实施“软暴力”的刑事案件若干问题的意见》(2019)"
_R_PIPL = "个人信息保护法 第10条; 民法典 第1032–1033条"
_R_NIFA = "中国互联网金融协会《互联网金融贷后催收业务指引》: 仅向债务人本人催收"
_R_FRAUD = "反诈: 官方渠道为95xxx客服与APP内还款; 12381/96110 预警与举报"
# stock_group_join: a stock-tip group's recruiting — a group word, and a group that closes when full or is joined
# with a pass-code (口令红包 is a red-packet code)
_GROUP_WORD = "(?:建群|进群|入群|加群|开群|拉群|群内|群里|抱团)"
_JOIN_MECHANIC = "(?:人满即封|满即封|满员即封|口令(?!红包)|暗号)"

#: Phrases that warn against a scam ("凡是…都是诈骗", "谨防冒充", "银行不会要求转账").  A scam's own sender name
#: (反诈中心) is not one of them: scams sign as the anti-fraud centre.
_WARNING_PHRASES = (
    r"都是诈骗|均为诈骗|一律是诈骗|是骗局|这是诈骗|谨防.{0,6}(?:诈骗|骗子|冒充|上当)|"
    r"请勿轻信|不要轻信|提高警惕|"
    r"不存在.{0,4}安全账户|(?:不会|从不|绝不)(?:通过|以)?.{0,12}(?:办案|收取|要求|转账)"
)

SIGNALS: tuple[Signal, ...] = (
    # The debt-context gate (dunning_nlp.model.gate): without this signal no message gets a collection label.  A bare
    # 欠 / 借 (and traditional 債 / 貸) opens it, so only words without those characters are listed besides.
    _s(
        "debt",
        r"欠|借|債|貸|债务|债权|还债|贷款|网贷|小贷|贷后|逾期|还款|还钱|把钱还|钱还|"
        r"还清|还上|还不上|不还|未还|没还|账单|"
        r"信用卡|帐款|账款|供款|缴款|应缴|应还|月供|本金|利息|罚息|滞纳金|违约金|催收|清收|外访|委外|结清|分期|白条|花呗|"
        r"老赖|赖账|失信|征信|紧急联系人|紧急联络人|的联系人|担保人|执行局|限高|限制高消费|涉诉|财产保全|强制执行|执行阶段|"
        r"移交执行|协助执行|失联|协查|户籍地|取证小组|法务|受托|委托.{0,8}联系|爆通讯录|钱.{0,4}(?:到账|到位|打过来|转过来)|"
        r"挂的账|账.{0,6}没结|未结|货款|尾款|账期|未缴|缴清|(?:预留|填写|登记)了?(?:您|你)的?(?:号码|电话|手机号?|联系方式)|"
        r"作为(?:他的?|她的?|其)?(?:紧急)?联系人|(?i:loan|debt|overdue|repay)|"
        # what lenders write instead of 欠款 / 逾期 (the guide's "collection without the word debt")
        r"超期|超过(?:了)?(?:约定|还款|到期)|约定(?:的)?(?:还款)?(?:日|期限|时间)|到期日|还款日|待还|应付|扣款|代扣|划扣|"
        r"未按时|按时履约|履约|本息|供款|欠费|未处理(?:的)?(?:款项|账务|金额)|款项|一笔(?:业务|账务|款)|"
        r"(?:业务|事务|事项)(?:已经?|已)?(?:到期|超期)|待处理(?:的)?(?:事项|业务|事务|账务)|处理(?:其|他|她)在.{1,12}的(?:事务|业务|事项)|"
        # a person's 债 (卡債 → 卡债, 讨债, 躲债), not bonds (国债, 可转债); paying for someone; an amount dragging on
        r"卡债|讨债|躲债|追债|要债|逼债|催债|债主|负债|网债|背债|代偿|⟪AMOUNT⟫[^,.!?;]{0,8}拖|拖了?⟪NUM⟫(?:天|个月|年)|"
        # "that sum", a rent-loan buy-back owed, a payment not made
        r"(?:那|这)笔(?:⟪AMOUNT⟫|⟪SLOT⟫|钱|款|账)|⟪AMOUNT⟫的事|块钱的事|回购款|回购金额|业主回购|"
        r"(?:需|须|应)(?:由您)?(?:回购|买回)|买回(?:总|剩余|本金|金额|款)|未付清|停付|"
        r"(?:租金|款)(?:还|仍)?未到账|款一直没|"
        # Cantonese: 啲數 / 追數 / 拖數 (a debt, collecting it, dragging it out), 唔還 / 冇還 (not repaid)
        r"啲数(?![据字学码量目])|追数(?![据字码])|拖数(?![据字码])|唔还(?!价)|冇还(?!价)",
        "talks about a debt or repayment",
    ),
    # Collection-specific acts and consequences: debt context by themselves (the guide), even with no debt word.
    _s(
        "collection_act",
        r"外访|上门|派人|核资|(?:资产|财产)(?:核查|登记|调查|排查)|"
        r"(?:我们|我司|本司|公司)的?(?:人|同事|工作人员|外勤|外访人员|专员)[^,.!?;]{0,12}(?:过去|去你|到你|等你|找你|拜访)|"
        r"(?:核实|调查|了解|评估)(?:一下)?(?:你|您)?(?:的|家)?"
        r"(?:资产|财产|财务|经济|收入|还款能力)|实地(?:走访|核实|调查)|"
        r"(?:律师函|催告函|催收函|催款函|告知函|通知函|通知书|函件)|"
        r"(?:村委|居委|村委会|居委会|村里|社区|单位|人事|公司|家人|亲属|父母|户籍地|老家).{0,10}"
        r"(?:寄送|送达|发函|寄出|邮寄|告知|上门|走访|核实)|"
        r"传票|立案|失信|限高|限制高消费|黑名单|强制执行|财产保全|冻结.{0,6}(?:账户|银行卡|微信|支付宝|资产)|"
        r"通讯录|(?:通知|联系|告知)(?:你|您|他|她|其)?的?(?:所有|全部)?(?:紧急)?联[系络]人|"
        # the recipient named as someone's contact; the debtor "must handle it himself"; posters; Taiwan visits
        r"(?:留作|留为|填成了?|写成了?|备注为?|登记为)(?:您|你)?[^,.!?;]{0,6}联[系络]人|(?:找|联系|需要)(?:他|她)本人|"
        r"(?:需要|需)本人(?:处理|办理|出面)|"
        r"(?:转告|转达|提醒)[^,.!?;]{0,10}(?:尽快|尽早|及时|马上|务必|速)(?:出面)?处理|"
        r"(?:他|她|你|您|其)(?:的|在[^,.!?;]{1,8}的)?事(?:情|项)?[^,.!?;]{0,8}"
        r"(?:再不|还不|一直没|还没|至今未|没|未)(?:出面)?(?:处理|办理|管)|(?:他|她|你)的事(?:情)?已经拖|"
        r"(?:材料|资料|函|通知书?|信件?|告知书)[^,.!?;]{0,6}(?:寄|送|发)到(?:你们?|您)?的?(?:村委会?|居委会?|单位|公司|学校)|"
        r"(?:我们|我司|本司)(?:会|将|就|今晚|明天|马上)?(?:派人)?(?:去|到|上)(?:你|您)的?(?:父母家|老家|户籍地)|"
        r"(?:子女|孩子|小孩)[^,.!?;]{0,8}(?:就学|上学|学校|政审)|政审|背调|"
        r"悬赏|通缉单|大字报|到府|存证信函|法扣|查封",
        "names a collection act or its consequence (visits, letters, court steps, telling contacts)",
    ),
    _s(
        "overdue",
        r"逾期|到期|未还|拖欠|过了还款日|最后还款日|欠款|已过期(?:⟪NUM⟫|⟪SLOT⟫)天|已?超期|"
        r"超过(?:了)?(?:约定|还款)",
        "says a payment is due or overdue",
    ),
    _s(
        "official_channel",
        r"⟪HOTLINE⟫|官方|(?i:app)|公众号|手机银行|小程序|网点|在线客服|营业厅",
        "points to an official channel",
    ),
    _s("credit_report", r"征信|信用记录|信用报告|联征|信用评分|信贷评分|信用分", "mentions the credit record"),
    _s("lawful_action", r"依法|诉讼|起诉|仲裁|律师函|支付令|调解|法律途径|法律程序|合同约定", "mentions lawful steps"),
    _s(
        "threat_visit",
        r"上门|外访|找上门|家门口|楼下|(?:门口|家里|单位|公司|路上|小区|学校)等(?:着)?你|"
        r"(?:亲自|直接|当面|派人|一直)(?:去|来)?找你|去你(?:家|单位|公司|老家)|到你家|拜访|堵你|"
        r"你家在哪|住哪|(?:上|去|嚟|到)你屋企|喺你屋企",
        "threatens to come to the home or workplace",
        _R_293,
    ),
    _s(
        "threat_general",
        r"后果自负|等着瞧|走着瞧|小心点|别怪|不客气|不得安宁|好自为之|"
        r"让你.{0,6}(?:好过|后悔|知道)|非常手段|代价|别逼",
        "vague threats and intimidation",
        _R_SOFT,
    ),
    _s(
        "fake_legal",
        r"已立案|立案|刑事|拘留|坐牢|逮捕|通缉|抓捕|派出所|经侦|公安|检察院|判刑|诈骗罪|"
        r"传唤|牢饭|强制措施|法警|有期徒刑|坐监|差人",
        "claims police or criminal action (collectors cannot)",
        _R_293,
    ),
    # A contact person named as the one who will be told ("联系你的紧急联系人"), not as the recipient ("您是…的紧急
    # 联系人", third_party_address) nor as a field of an ad ("联系人:周先生").
    _s(
        "contact_blast",
        r"通讯录|(?:通知|联系|告知|打给|打电话给|致电|群发|发给|短信|发短信给|逐一|挨个)"
        r"(?:你|您|他|她|其)?(?:的)?"
        r"(?:所有|全部|每一?个|通讯录)?(?:的)?(?:紧急)?联[系络]人|联[系络]人(?:都|全部|逐一|一个个|挨个)|"
        r"朋友圈|家族群|业主群|工作群|同学群|曝光|公示|全网|海报|传单|贴到|发到(?:群|网上|朋友圈|你)|让.{0,4}都知道|所有人都",
        "threatens to tell contacts or publish the debt",
        _R_PIPL,
    ),
    # The reader's family and workplace, not the sender's own company ("请联系我公司客服", "联系人:…本公司").
    _s(
        "family_work",
        r"父母|爸妈|老婆|老公|孩子|家人|全家|亲戚|单位|领导|同事|(?:你|您)的?(?:公司|学校)|村里|老家",
        "brings in family, employer or community",
        _R_NIFA,
    ),
    _s(
        "insult",
        r"老赖|不要脸|垃圾|废物|人渣|骗子|狗东西|死了|蛀虫|丢人|丢脸|缩头乌龟|不是人|活该|要饭|乞丐|社死",
        "insults or humiliation",
        _R_SOFT,
    ),
    # A contact person is named as the *recipient* ("您是…的紧急联系人", "预留您为联系人"), not as someone the
    # borrower will be exposed to ("联系你的紧急联系人" is a threat to the borrower: contact_blast).
    _s(
        "third_party_address",
        r"(?:^|[,.!?:;\s】])紧急联[系络]人(?:您好|你好|[,:])|"
        r"(?:您|你)(?:是|为|作为|被).{0,14}联[系络]人|"
        r"(?:预留|填写|填|留|登记)了?(?:您|你).{0,8}联[系络]人|(?:他|她|其)的?(?:紧急)?联[系络]人|作为联[系络]人|"
        r"转告|转达|代为|请问您是|请问你是|您是.{1,6}的|你是.{1,6}的|认识.{1,8}吗|他本人|她本人|"
        r"(?:您|你)的(?:朋友|家人|亲属|儿子|女儿|丈夫|妻子|弟弟|哥哥|姐姐|妹妹|同事|员工|学生|亲戚|租客|室友|好友|配偶|老公|老婆)|"
        r"(?:他|她)(?:的|在)|联系不上(?:他|她)|找到(?:他|她)|让(?:他|她)",
        "addressed to someone other than the borrower",
        _R_NIFA,
    ),
    # Skip tracing: an organisation asks a stranger whether a number is a named person's, or to reach him.  The guide
    # counts "asking a contact only to confirm a phone number" as third-party contact even when no debt is named, so
    # this signal also opens the debt-context gate (dunning_nlp.model.gate).  Second-person checks
    # ("核实您的联系方式") do not.
    _s(
        "locate_person",
        r"这个(?:号码?|手机号?|电话)(?:还)?是.{1,8}?(?:本人|在用|在使用|的)吗|"
        r"(?:留|填|登记)的(?:是)?(?:你|您)(?:这个)?(?:的)?(?:号|电话|手机)|(?:留|填|登记)的(?:号码?|电话)是(?:你|您)|"
        r"(?:核实|寻找|找)(?![您你])[^,.!?;，。！？；]{1,8}的(?:联系方式|下落|新号码|新手机号|现住址)|"
        r"(?:能|可以|方便)联系(?:上|到)(?:他|她)",
        "asks a stranger to confirm or reach a named person (skip tracing)",
        _R_NIFA,
    ),
    _s(
        "personal_account",
        r"个人账户|私人账户|个人卡|安全账户|监管账户|指定账户|核验账户|验证账户|"
        r"保护账户|审查账户|清退账户|"
        r"(?:户名|户主|收款人|开户行|开户名|账号|帐号|卡号|姓名).{0,16}⟪CARD⟫|"
        r"⟪CARD⟫.{0,16}(?:户名|户主|收款人|开户行|开户名|姓名)|"
        r"转给我|转到我|打到这个|个人微信|对公专员|以下账户|这个账户|这个卡|该账户|"
        r"业务员|新的还款账户|(?:私人|个人)(?:的)?(?:支付宝|微信|银行卡|卡上)|"
        r"(?:转|打|汇|存|还|付)(?:款|钱)?(?:到|给|入|进)(?:我|私人|个人)(?:的)?"
        r"(?:支付宝|微信|银行卡|卡上|账户)",
        "asks to pay into a personal or 'safe' account",
        _R_FRAUD,
    ),
    _s(
        "upfront_fee",
        r"保证金|解冻金|解冻费|激活费|工本费|会员费|包装费|验资|刷流水|公证费|好处费|"
        r"撤诉费|辛苦费|材料费|押金|定金|"
        r"(?:先|预先|提前|需要?|须|必须)(?:缴纳?|交|支付|付|转)(?:一笔|一定的?)?(?:费用|手续费|服务费|咨询费|利息)|"
        # a bare fee word, but not the fee of an instalment plan or a buy-back (每期手续费, 买回服务费)
        r"(?<!每期)(?<!分期)(?<!买回)(?<![含免])(?:手续费|服务费|咨询费)(?!率|仅)",
        "asks for a fee up front",
        _R_FRAUD,
    ),
    _s(
        "credit_repair",
        r"征信修复|修复征信|修复|洗白|删除.{0,6}记录|消除.{0,6}记录|撤销.{0,4}记录|"
        r"停催|停息|挂账|债务优化|上岸|反催收|内部渠道|内部操作|债务重组|减免结清",
        "credit repair / stop-collection services",
        _R_FRAUD,
    ),
    _s(
        "cancel_account",
        r"注销|校园贷|学生(?:账户|贷款|身份)|清空额度|额度清零|清零",
        "'cancel your student loan account' pretext",
        _R_FRAUD,
    ),
    _s("code_request", r"⟪CODE⟫|验证码|动态码|校验码|密码|(?i:cvv)|安全码", "mentions a verification code or password"),
    _s(
        "code_ask",
        r"(?:提供|告诉|发给|回复|发我|输入|填写).{0,8}(?:验证码|密码|卡号|安全码|⟪CODE⟫)"
        r"|(?:验证码|密码|卡号|安全码).{0,6}(?:发给|告诉|发我|给我|报给)",
        "asks for a code, password or card number",
        _R_FRAUD,
    ),
    _s("link", r"⟪URL⟫|⟪SUSPURL⟫", "contains a link"),
    _s(
        "link_login",
        r"(?:登录|登陆|登入|进入|访问|点击|打开|上|到|进)(?:我行|本行)?(?:的)?"
        r"(?:官方|指定|管理|活动|领奖)?(?:网站|官网|网址|手机网|网|页面|活动站)?"
        r"[:：]?\s?(?:⟪URL⟫|⟪SUSPURL⟫).{0,12}(?:激活|升级|维护|补录|校验|验证|认证|更新|兑换|领取|认领|查收|申请|提交|注销|解除|解冻|填写|查询兑换)|"
        r"(?:过期|失效|到期|冻结|异常|清零|积分|额度).{0,30}(?:登录|登陆|登入|进入|访问|点击)(?:我行)?.{0,10}(?:⟪URL⟫|⟪SUSPURL⟫)|"
        r"(?:点击|登录|登陆|进入)(?:领取|兑换|激活|认领|解冻|验证)[:：]?\s?(?:⟪URL⟫|⟪SUSPURL⟫)",
        "asks to log in at a link to activate, upgrade, verify or redeem (banks never do)",
        _R_FRAUD,
    ),
    _s(
        "stock_tip",
        r"(?:牛股|荐股|诊股|飙股|明牌|涨停|敢死队|特种队|操盘手|操盘大师|内幕|抓涨停|翻倍|"
        r"抱团|股民|股友|老师带|带你赚|带单|喊单|"
        r"投顾|财经导师|投资导师|私募|龙头股|股(?!份|东|权))[^。!?\n]{0,40}"
        r"(?:建群|进群|入群|加群|群内|群里|人满即封|不收费|(?i:qq|line|wx|vx)|微信|加(?i:v)|加赖|老师)|"
        r"(?:建群|进群|入群|加群|群内|群里|加赖|免费)[^。!?\n]{0,40}(?:牛股|荐股|诊股|飙股|明牌|涨停|敢死队|操盘手|内幕|翻倍|龙头股)",
        "invites to a stock-tip or investment group (fraudulent investment advice)",
        _R_FRAUD,
    ),
    _s(
        "stock_group_join",
        # the recruiting mechanics near a group word, in either order — not "group" and "free" (a class group's
        # free lessons, a QQ join code)
        rf"{_GROUP_WORD}[^。!?\n]{{0,40}}{_JOIN_MECHANIC}|{_JOIN_MECHANIC}[^。!?\n]{{0,40}}{_GROUP_WORD}",
        "a group that closes when full or is joined with a pass-code (how stock-tip groups recruit)",
        _R_FRAUD,
    ),
    _s(
        "unfreeze_call",
        r"(?:冻结|锁定|停用|黑名单|异常|失效|扣除|扣取|扣收)[^。!?\n]{0,40}"
        r"(?:致电|回电|拨打|联系|咨询|电话)[^。!?\n]{0,8}⟪PHONE⟫",
        "asks to call an unlisted number to unfreeze, restore or stop a charge",
        _R_FRAUD,
    ),
    _s(
        "annual_fee",
        r"(?:扣除|扣取|扣收|自动扣|收取)[^。!?\n]{0,12}年费|年费[^。!?\n]{0,12}(?:扣除|扣取|扣收)",
        "announces an annual-fee deduction",
    ),
    _s(
        "gambling",
        r"彩金|首存|开户礼|返水|老虎机|电子游艺|真人视讯|百家乐|棋牌|捕鱼|体育投注|博彩|"
        r"娱乐城|葡京|威尼斯人|"
        r"(?i:(?<![a-z])(?:xpj|pt|mg|ag)(?![a-z]))|下注|投注|赌场|盘口|(?:注册|充值)(?:就)?送",
        "promotes online gambling (an ad, not a scam on the reader)",
    ),
    _s(
        "prize",
        r"中奖|抽中|抽选|选为|选中|评选为|幸运(?:观众|用户|用戸|客户)|场外|获奖|大奖|奖金|领奖|"
        r"赞助商|栏目组|互动者|本季之星|今日之星|苹果笔记本|笔记本电脑一台|电脑一台|创业基金|"
        r"[一二三特]等奖",
        "a prize or award pretext",
    ),
    _s(
        "lure_link",
        r"(?:相册|相片|照片|录像|视频|图片|影集|怎么回事).{0,14}(?:⟪URL⟫|⟪SUSPURL⟫)|"
        r"(?:⟪URL⟫|⟪SUSPURL⟫).{0,10}(?:看看|打开|自己看|查看这张)",
        "a personal-sounding message that only wants a link opened",
        _R_FRAUD,
    ),
    _s(
        "travel_refund",
        r"(?:航班|机票|列车|车次|班机).{0,40}(?:取消|故障|停运|延误|停飞|暂停).{0,50}"
        r"(?:改签|退票|补偿|理赔|退款)",
        "flight or train cancellation with a refund or compensation offer",
    ),
    _s(
        "travel_callback",
        r"(?:航班|机票|列车|车次|班机|航空).{0,60}(?:取消|故障|停运|延误|停飞|调整|变更).{0,80}"
        r"(?:⟪PHONE⟫|(?i:qq)|群)",
        "a flight or train change that sends you to a mobile number or a chat group (airlines use 95xxx and their app)",
        _R_FRAUD,
    ),
    _s(
        "charge_callback",
        r"(?:扣除|扣取|扣收|扣款|扣费|续费|年费|会员费|保费|服务费).{0,60}"
        r"(?:取消|关闭|退订|疑问|异议|不需要|不同意).{0,20}(?:致电|回电|拨打|联系|咨询|电话).{0,8}⟪PHONE⟫",
        "announces a charge and gives a mobile or unlisted number to stop it (banks use 95xxx)",
        _R_FRAUD,
    ),
    _s(
        "stock_pick_promise",
        r"(?:明天|明日|次日|下周|今日|今天|每天|每日|盘前|提前|即将|必将|有望|三日内|短期)[^。!?\n]{0,14}"
        r"(?:涨停|拉升|牛股|黑马|妖股|翻倍|主升浪|井喷)|"
        r"(?:涨停|牛股|黑马|妖股|飙股)[^。!?\n]{0,10}(?:提前公开|免费送|免费领|免费获取|公布|推荐|免费)",
        "promises which stocks will rise (illegal stock tipping, however it is dressed)",
        _R_FRAUD,
    ),
    _s("suspicious_link", r"⟪SUSPURL⟫", "link on a cheap domain, an IP address or a look-alike name", _R_FRAUD),
    _s("personal_phone", r"⟪PHONE⟫", "gives a mobile or unlisted number"),
    _s(
        "im_contact",
        r"(?i:(?<![a-z])(?:qq|wx|vx|line)(?![a-z]))|微信|加(?i:v)|(?i:v)信|加群|扣扣",
        "moves contact to QQ / WeChat / LINE",
        _R_FRAUD,
    ),
    _s("screen_share", r"屏幕共享|共享屏幕|会议软件|分享螢幕|视频会议|远程", "asks to share the screen", _R_FRAUD),
    _s("frozen", r"冻结|解冻|锁定|停用|失效|异常", "account frozen / abnormal pretext"),
    _s(
        "receipt",
        r"还款成功|已结清|已还清|已全部还清|已到账|入账成功|成功还款|已缴清|已入账|已成功",
        "confirms a completed payment",
    ),
    _s("transaction", r"消费|支出|转入|余额|尾号|签账|取款|扣款", "transaction alert wording"),
    _s("marketing", r"退订|拒收|回复(?i:r)|免息|最高可借|利率|优惠|额度已提升|专享|活动", "marketing wording"),
    _s("greeting_polite", r"您好|尊敬的|请|谢谢|感谢|温馨", "polite register"),
    _s(
        "scam_warning",
        _WARNING_PHRASES + r"|防骗|反诈",
        "warns against scams (anti-fraud education, not a scam itself)",
    ),
)

_INDEX = {signal.name: i for i, signal in enumerate(SIGNALS)}

# Named groups of signals: the one definition that the classifier (the secondary ``harassment`` label of a
# third-party contact) and the report (its threat, impersonation and channel flags) both read.
#: Threats and intimidation: a visit, a vague threat, an insult, a threat to tell the contacts or publish the
#: debt, a claim of police or criminal action.
THREAT_SIGNALS: frozenset[str] = frozenset({"threat_visit", "threat_general", "insult", "contact_blast", "fake_legal"})
#: Posing as police, a court or a prosecutor.
IMPERSONATION_SIGNALS: frozenset[str] = frozenset({"fake_legal"})
#: Contact outside official channels: a link, a mobile number, a chat account.
CHANNEL_SIGNALS: frozenset[str] = frozenset({"link", "personal_phone", "im_contact"})

#: Cues of a scam's *ask* that a warning quotes without asking anything: "凡是要求转账到安全账户的都是诈骗"
#: names a safe account, a fee or a cancelled student loan only to warn against them.  A linear model adds
#: evidence up and cannot learn "this cue, unless warned against", so a cue found only inside a clause that
#: holds a :data:`WARNING` phrase is not reported (not as a feature, not as evidence, not as a report flag);
#: the words stay in the n-gram features and the ``scam_warning`` signal is reported instead.  The clause
#: matters: scams carry stock warnings too ("谨防诈骗！请立即将资金转入安全账户"), and there the ask stands in a
#: clause of its own, so it is kept.
WARNED_CUES: tuple[str, ...] = (
    "stock_group_join",
    "personal_account",
    "upfront_fee",
    "credit_repair",
    "cancel_account",
    "code_ask",
    "screen_share",
)
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
