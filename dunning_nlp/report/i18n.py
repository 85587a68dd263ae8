"""The report's message catalogues: every word the evidence report shows, one catalogue per language.

The report is written for borrowers, their families and the people who help
them complain, so Chinese (``zh``) is the default and English (``en``) the
second language.  Code never holds display text: :mod:`dunning_nlp.report.flags`
decides in codes (flags, rules, channels, reasons), :mod:`dunning_nlp.report.wording`
and :mod:`dunning_nlp.report.html` look every word up here, and a test checks
that both catalogues have the same keys and the same ``{placeholders}``.

The Chinese is meant to be read by a person who is not a lawyer: plain
sentences, no brackets inside brackets, no quotes inside quotes, each rule
listed once.

The rules (``rules``) are those of the labelling guide's "Rules the flags rest
on", and say no more than it does: 刑法第293条之一 only with its scope (illegal
debts such as usury) and 第293条 for lawful ones; the 2019 four-agency opinion
on 软暴力; 民法典第1032–1033条; 个人信息保护法第10条; the NIFA collection
guideline (no collection 22:00–08:00 unless agreed, at most 3 connected calls a
day, only the debtor).  The channels (``channels``) are the guide's: 12378 for
banking and insurance consumers, 12315 for the market regulator, 12321 for
harassing and spam SMS (through 12381 since 2020), 110 or the 96110 anti-fraud
line for scams; the lender's own app or official 95… line first.

>>> from datetime import datetime
>>> format_time(datetime(2026, 10, 1, 23, 10), True, "zh"), format_time(datetime(2026, 10, 1), False, "en")
('2026年10月1日 23:10', '2026-10-01')
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["CATALOGUES", "LANGUAGES", "catalogue", "format_date", "format_percent", "format_period", "format_time"]

LANGUAGES = ("zh", "en")

_ZH = {
    "lang_attr": "zh-CN",
    "title": "催收短信证据报告",
    "labels": {
        "reminder": "正常催收提醒",
        "harassment": "骚扰威胁",
        "third_party": "联系第三人",
        "fraud": "疑似诈骗",
        "other": "与催收无关",
    },
    "label_desc": {
        "reminder": "向借款人本人依法告知到期或逾期的欠款",
        "harassment": "超出合法催收的施压：威胁、冒充公检法、侮辱、向亲友或村委会曝光",
        "third_party": "发给借款人以外的人，例如紧急联系人、亲友、同事、房东",
        "fraud": "借欠款、征信或账户之名骗钱骗信息，或要求转入个人账户、点链接付款",
        "other": "广告、通知、聊天等与催收无关的短信，不计入投诉",
    },
    "flags": {
        "threat": {
            "title": "威胁、恐吓或侮辱",
            "when": "软件判为骚扰威胁的催收短信，或发给第三人并带有威胁的催收短信",
        },
        "thread_threat": {
            "title": "催收号码另发的威胁",
            "when": "没提欠款、单看像普通短信，但发送号码在本报告中发过催收短信，内容带有威胁；反诈提醒、玩笑不算",
        },
        "third_party": {
            "title": "向第三人催收",
            "when": "催收短信发给了借款人以外的人，例如紧急联系人、亲友、同事",
        },
        "late_night": {
            "title": "夜间发送",
            "when": "催收短信在夜间时段发送",
        },
        "high_frequency": {
            "title": "一天内发送过多",
            "when": "同一号码一天内发来的催收短信超过设定条数",
        },
        "impersonation": {
            "title": "冒充公检法",
            "when": "催收短信声称立案、拘留、公安或法院行动；真实的法院文书不会由催收方用短信送达",
        },
        "personal_account": {
            "title": "要求转入个人账户",
            "when": "催收短信要求把钱转到个人账户或所谓安全账户",
        },
        "unofficial_channel": {
            "title": "引导到非官方渠道",
            "when": "催收短信让你点链接、打手机号或加微信、QQ，而不是走APP或官方客服",
        },
    },
    "rules": {
        "criminal_293": {
            "cite": "《刑法》第二百九十三条之一催收非法债务罪（针对高利放贷等非法债务）"
            "或第二百九十三条寻衅滋事罪（针对合法债务）",
            "text": "《刑法》第二百九十三条之一催收非法债务罪：催收高利放贷等非法债务时使用暴力、胁迫，"
            "限制人身自由或侵入住宅，"
            "或者恐吓、跟踪、骚扰他人。催收合法债务时的骚扰不适用这一条，可能构成第二百九十三条寻衅滋事罪。",
        },
        "soft_violence": {
            "cite": "两高两部《关于办理实施“软暴力”的刑事案件若干问题的意见》",
            "text": "两高两部《关于办理实施“软暴力”的刑事案件若干问题的意见》，2019年4月9日："
            "通过信息网络或者通讯工具恐吓他人，属于软暴力。",
        },
        "civil_privacy": {
            "cite": "《民法典》第一千零三十二条、第一千零三十三条",
            "text": "《民法典》第一千零三十二条、第一千零三十三条：自然人享有隐私权，"
            "未经同意，不得以电话、短信、即时通讯工具等方式"
            "侵扰他人的私人生活安宁。",
        },
        "pipl_10": {
            "cite": "《个人信息保护法》第十条",
            "text": "《个人信息保护法》第十条：任何组织、个人不得非法使用、公开他人个人信息。"
            "这是反对向通讯录联系人群发欠款信息的依据。",
        },
        "nifa_night": {
            "cite": "中国互联网金融协会《互联网金融贷后催收业务指引》",
            "text": "中国互联网金融协会《互联网金融贷后催收业务指引》：每日22时至次日8时不得催收，另有约定的除外。",
        },
        "nifa_frequency": {
            "cite": "中国互联网金融协会《互联网金融贷后催收业务指引》",
            "text": "中国互联网金融协会《互联网金融贷后催收业务指引》：对同一债务人每天接通电话不超过3次。"
            "本报告把这一条类推到短信，仅供参考。",
        },
        "nifa_debtor_only": {
            "cite": "中国互联网金融协会《互联网金融贷后催收业务指引》",
            "text": "中国互联网金融协会《互联网金融贷后催收业务指引》：只向债务人本人催收，"
            "不向通讯录联系人等第三人催收。",
        },
    },
    "no_rule": "这不是违反某条规定，而是诈骗的常见迹象：正规还款只通过借款APP或以95开头的官方客服电话",
    "channels": {
        "police": {
            "name": "110",
            "short": "拨打110报警",
            "reach": "拨打110，或到当地派出所报案",
            "attach": "带威胁内容的短信原文和截图",
        },
        "antifraud": {
            "name": "96110 反诈专线",
            "short": "拨打96110反诈专线",
            "reach": "拨打96110",
            "attach": "诈骗短信里的号码、链接和收款账户；不要点开链接",
        },
        "sms_report": {
            "name": "12321 或 12381",
            "short": "向12321或12381举报这些短信",
            "reach": "登录 www.12321.cn 举报骚扰短信和垃圾短信，2020年起也经12381受理",
            "attach": "短信截图和发送号码",
        },
        "regulator": {
            "name": "12378 金融监管投诉热线",
            "short": "拨打12378向金融监管部门投诉",
            "short_if": "放贷方是银行、保险公司或消费金融公司的，拨打12378投诉",
            "reach": "拨打12378；适用于银行、保险公司和消费金融公司",
            "attach": "机构名称，借款合同或借款记录",
        },
        "market": {
            "name": "12315 市场监管",
            "short": "拨打12315向市场监管部门投诉",
            "reach": "拨打12315，或登录全国12315平台 www.12315.cn",
            "attach": "催收公司或咨询公司的名称，见短信落款",
        },
        "lender": {
            "name": "借款平台或放贷机构",
            "short": "向借款平台或放贷机构投诉",
            "reach": "借款APP里的客服或投诉入口，或借款合同上以95开头的官方客服电话",
            "attach": "借款合同编号或借款记录",
        },
    },
    "reasons": {
        "blob": "内容是加密或二进制数据，不是能读的文字；有的短信应用会加密保存短信。没有判断，也不计入投诉",
        "empty": "短信正文是空的，常见于彩信或只有图片的消息",
        "call_log": "这是通话记录备份，不是短信。SMS Backup & Restore 把通话和短信分开保存，请选 sms 开头的文件",
        "mms_not_downloaded": "彩信通知：这条彩信从未下载，备份里没有它的文字",
        "not_messages": "文件里找不到短信：格式不认识，或找不到短信内容所在的列",
        "damaged": "文件或这条记录已损坏，读不出来",
        "encoding": "文字编码无法识别",
        "cannot_open": "文件打不开",
        "reader_error": "读取出错",
    },
    "signals": {
        "debt": "提到欠款或还款",
        "overdue": "提到到期或逾期",
        "official_channel": "提到APP或官方客服",
        "credit_report": "提到征信",
        "lawful_action": "提到依法起诉等合法途径",
        "threat_visit": "威胁上门或到单位找人",
        "collection_act": "提到上门、发函、立案或通知联系人等催收动作",
        "threat_general": "威胁恐吓的话",
        "fake_legal": "声称立案、拘留或公安行动",
        "contact_blast": "威胁通知联系人或公开欠款",
        "family_work": "牵扯家人、单位或村里",
        "insult": "侮辱、羞辱",
        "third_party_address": "写给借款人以外的人",
        "locate_person": "向陌生人打听某人的下落或号码",
        "personal_account": "要求转入个人账户",
        "upfront_fee": "要求先交费用",
        "credit_repair": "声称能修复征信或停止催收",
        "cancel_account": "以注销账户为由",
        "code_request": "提到验证码或密码",
        "code_ask": "索要验证码、密码或卡号",
        "link": "带链接",
        "link_login": "要求登录链接验证或领取",
        "prize": "以中奖为由",
        "stock_tip": "拉人进群荐股",
        "unfreeze_call": "让你打陌生号码解冻或停止扣费",
        "annual_fee": "声称要扣年费",
        "gambling": "赌博广告",
        "lure_link": "只想让你点开链接",
        "travel_refund": "以航班或列车取消退款为由",
        "travel_callback": "航班或列车变动却让你打手机号或进群",
        "charge_callback": "声称扣费并留陌生号码让你取消",
        "stock_pick_promise": "承诺个股上涨（非法荐股）",
        "stock_group_join": "人满即封或凭口令入群（荐股群的招揽方式）",
        "suspicious_link": "链接的网址可疑",
        "personal_phone": "留手机号让你联系",
        "im_contact": "引导加微信、QQ等",
        "screen_share": "要求共享屏幕",
        "frozen": "声称账户冻结或异常",
        "receipt": "还款成功通知",
        "transaction": "交易提醒的用语",
        "marketing": "营销用语",
        "greeting_polite": "礼貌用语",
        "scam_warning": "提醒防范诈骗",
    },
    "kinds": {
        "bank": "银行",
        "consumer_finance": "消费金融公司",
        "insurance": "保险公司",
        "microlender": "小额贷款公司",
        "platform": "借款平台或APP",
        "agency": "催收或咨询公司",
        "law_firm": "律师事务所",
        "unknown": "类型不明",
    },
    "confidence": {
        "high": "高",
        "medium": "中",
        "low": "低",
        "none": "无",
    },
    "sources": {
        "signature": "短信签名",
        "sign_off": "短信末尾落款",
        "organisation": "正文中的机构名",
        "mention": "正文中的平台或APP名",
        "sender": "仅有发送号码",
    },
    "text": {
        "lead": "本报告由软件根据短信内容自动生成。类别和标记是机器判断，附有可信度；"
        "投诉或报警前，请逐条对照手机里的原始短信核实。",
        "short_meta": "生成时间：{generated}。共读取 {total} 条记录，来自 {n_inputs} 个文件。",
        "h_overview": "概况",
        "overview": "共读取 {total} 条记录：催收短信 {collection} 条，其中 {flagged} 条被标记；疑似诈骗短信 {scam} 条；"
        "与催收无关的短信 {other} 条，不计入投诉。",
        "overview_unread": "另有 {unread} 条记录没有分析，原因见下文每条输入的说明。",
        "overview_head": ["标记", "条数"],
        "h_complaints": "投诉摘要",
        "complaints_note": "每段对应一个催收方，可以直接选中复制，粘贴到投诉表单里。"
        "机构名称取自短信本身，短信签名和落款可能被冒用，"
        "请以借款合同为准。",
        "no_complaints": "没有发现需要投诉的催收短信。",
        "who_signature": "署名为【{name}】的发送方",
        "who_sign_off": "落款为「{name}」的发送方",
        "who_named": "短信中提到「{name}」的催收方",
        "who_number": "号码 {senders}",
        "who_unknown": "发送号码不详的催收短信",
        "period": "{span}，",
        "senders_clause": "，发送号码为 {senders}",
        "senders_unknown": "，发送号码未记录",
        "received": "我共收到其催收短信 {total} 条",
        "received_unknown": "我共收到这类短信 {total} 条",
        "complaint": "关于{who}：{period}{received}{senders}。其中 {concerned} 条有以下问题：{items}。{rules}"
        "建议：{channels}。{name_clause}以上由软件整理，以原始短信为准。",
        "rules_clause": "可能涉及：{rules}。",
        "name_clause": "机构名称来自{source}，可信度{confidence}。",
        "item": "{name} {count} 条",
        "list_sep": "、",
        "colon": "：",
        "item_sep": "，",
        "clause_sep": "；",
        "h_scams": "疑似诈骗短信",
        "scams_note": "这些短信看起来像诈骗，不是催收，不计入上面的投诉摘要。不要转账，不要点链接，不要提供验证码。",
        "no_scams": "没有发现疑似诈骗短信。",
        "scam_who_number": "号码 {number}",
        "scam_who_unknown": "号码不详的短信",
        "scam": "关于{who}：{period}我共收到疑似诈骗短信 {total} 条{claimed}。可疑之处：{signs}。建议：{channels}。"
        "以上由软件整理，以原始短信为准。",
        "scam_claimed": "，短信自称【{name}】，但签名可以被冒用",
        "scam_no_signs": "软件根据短信的整体内容判断",
        "h_next": "下一步怎么做",
        "next_keep": "先保存证据：不要删除手机里的原始短信；给每条被标记的短信截图，"
        "截图里要能看到发送号码和时间；把截图和本报告放在一起。",
        "next_attach": "每个渠道都用得上：短信截图、本报告的打印件或PDF、您的身份证件；"
        "涉及借款的，附上借款合同或借款APP里的借款记录。",
        "next_head": ["渠道", "本报告中适用于", "怎么联系", "另外准备"],
        "next_scams": "疑似诈骗短信",
        "next_none": "本报告没有需要投诉或举报的短信。",
        "h_flagged": "被标记的短信（{count} 条，按时间排列）",
        "flagged_note": "包括被标记的催收短信和疑似诈骗短信；与催收无关的普通短信不列出。",
        "flagged_head": ["时间", "发送号码和来源", "类别和可信度", "标记", "短信内容", "判断依据"],
        "score": "可信度 {percent}",
        "record": "{file} 第 {record} 条",
        "h_senders": "催收方",
        "senders_head": [
            "名称",
            "类型",
            "名称来源",
            "可信度",
            "发送号码",
            "首次",
            "最后",
            "催收短信",
            "被标记",
            "各标记条数",
        ],
        "no_senders": "没有催收短信。",
        "h_charts": "图表",
        "chart_days": "每天收到的短信（按类别）",
        "chart_hours": "每小时收到的短信（{night} 为夜间，背景加深）",
        "chart_unit": "条",
        "scroll_hint": "图表较宽，可以左右滑动查看。",
        "h_timelines": "各发送号码的时间线",
        "timeline_summary": "{sender}：催收短信 {count} 条",
        "no_timelines": "没有催收短信。",
        "timelines_print": "各号码的完整时间线见 HTML 版报告。",
        "senders_print": "各催收方的名称、号码和各标记条数已写在上面的投诉摘要里；完整的表格见 HTML 版报告。",
        "unknown_sender": "号码不详",
        "h_inputs": "每条输入的说明",
        "inputs_note": "每个输入文件读到多少条记录、分析了多少条；没有分析的记录逐类列出原因。",
        "inputs_head": ["输入文件", "记录", "已分析", "没有分析", "sha256 校验值"],
        "unread_head": ["原因", "条数", "位置", "读取程序的提示"],
        "more_records": "等 {count} 处",
        "all_read": "所有记录都已分析。",
        "h_rules": "标记及其依据",
        "rules_head": ["标记", "条数", "什么时候标记", "依据"],
        "h_provenance": "来源与校验",
        "provenance": "生成时间 {generated}，时区 {tz}；工具 {tool}；模型 sha256 {model}；夜间时段 {night}；"
        "同一号码一天超过 {max_per_day} 条催收短信即标记。输入文件的 sha256 校验值见每条输入的说明一节。",
        "night": "{start}时至次日{end}时",
        "night_same_day": "{start}时至{end}时",
        "redacted": "本报告已打码：短信正文中的手机号、身份证号、银行卡号和QQ号，以及与投诉无关的发送号码。"
        "催收方和疑似诈骗的发送号码保留原样，因为投诉和举报需要完整号码。姓名和地址没有打码，提交前请自行检查。",
        "not_redacted": "本报告没有打码，含有手机号、银行卡号等个人信息。如需分享，可加 --redact 选项重新生成。",
        "na": "无",
        "page_footer": "生成时间 {generated} · 输入文件 sha256：{hashes}",
        "page_number": "第 {page} 页，共 {pages} 页",
    },
}

_EN = {
    "lang_attr": "en",
    "title": "Debt-collection SMS evidence report",
    "labels": {
        "reminder": "reminder",
        "harassment": "harassment",
        "third_party": "third party",
        "fraud": "suspected fraud",
        "other": "not collection",
    },
    "label_desc": {
        "reminder": "lawful notice to the borrower of a debt that is due or overdue",
        "harassment": "pressure beyond lawful collection: threats, posing as police or courts, insults, shaming",
        "third_party": "collection message addressed to someone other than the borrower",
        "fraud": "scam using debt, credit or account fears, or asking to pay a personal account or follow a link",
        "other": "ads, notices, chat: not about collecting a debt, never in a complaint",
    },
    "flags": {
        "threat": {
            "title": "threats, intimidation or insults",
            "when": "a collection message the classifier calls harassment, or a threatening one sent to a third party",
        },
        "thread_threat": {
            "title": "threat from a collection number",
            "when": "names no debt, but the number sent collection messages in this report and the message threatens; "
            "anti-fraud warnings and jokes are not counted",
        },
        "third_party": {
            "title": "collection through third parties",
            "when": "a collection message sent to someone other than the borrower: a contact, relative, colleague",
        },
        "late_night": {
            "title": "sent at night",
            "when": "a collection message sent in the night window",
        },
        "high_frequency": {
            "title": "too many in one day",
            "when": "more collection messages from one number in one day than the set limit",
        },
        "impersonation": {
            "title": "posing as police or courts",
            "when": "a collection message that claims a case, detention, police or court action; real court papers "
            "are not served by a collector's SMS",
        },
        "personal_account": {
            "title": "asks to pay a personal account",
            "when": "a collection message asking to pay into a personal or so-called safe account",
        },
        "unofficial_channel": {
            "title": "unofficial channel",
            "when": "a collection message pointing to a link, a mobile number or a chat account instead of the app "
            "or the official line",
        },
    },
    "rules": {
        "criminal_293": {
            "cite": "Criminal Law art. 293-1, collecting illegal debts (for usury and other illegal debts), "
            "or art. 293, picking quarrels and provoking trouble (for lawful debts)",
            "text": "Criminal Law art. 293-1: violence or coercion, restricting liberty or entering a home, "
            "intimidation, stalking or harassment when collecting illegal debts such as usury. "
            "Harassment over a lawful debt falls outside it and may come under art. 293, "
            "picking quarrels and provoking trouble.",
        },
        "soft_violence": {
            "cite": "the 2019 opinion of the courts, procuratorate, police and justice ministry on soft violence",
            "text": "Opinion on criminal cases of soft violence, 2019-04-09: intimidation through information networks "
            "or communication tools is soft violence.",
        },
        "civil_privacy": {
            "cite": "Civil Code art. 1032 and 1033",
            "text": "Civil Code art. 1032-1033: privacy; no disturbing private life by phone, SMS or messaging "
            "without consent.",
        },
        "pipl_10": {
            "cite": "Personal Information Protection Law art. 10",
            "text": "Personal Information Protection Law art. 10: no unlawful use or disclosure of personal "
            "information, the basis against messaging a borrower's contact list.",
        },
        "nifa_night": {
            "cite": "the NIFA post-loan collection guideline",
            "text": "NIFA post-loan collection guideline: no collection between 22:00 and 08:00 unless agreed.",
        },
        "nifa_frequency": {
            "cite": "the NIFA post-loan collection guideline",
            "text": "NIFA post-loan collection guideline: at most 3 connected calls per debtor a day. "
            "This report applies it to SMS by analogy, as a guide only.",
        },
        "nifa_debtor_only": {
            "cite": "the NIFA post-loan collection guideline",
            "text": "NIFA post-loan collection guideline: collect only from the debtor, not from contacts or other "
            "third parties.",
        },
    },
    "no_rule": "not a rule broken but a common sign of a scam: lenders take repayment only in their app or through "
    "their official 95… service line",
    "channels": {
        "police": {
            "name": "110",
            "short": "call the police on 110",
            "reach": "call 110, or report at the local police station",
            "attach": "the threatening messages and screenshots",
        },
        "antifraud": {
            "name": "96110 anti-fraud line",
            "short": "call the 96110 anti-fraud line",
            "reach": "call 96110",
            "attach": "the numbers, links and accounts in the scam messages; do not open the links",
        },
        "sms_report": {
            "name": "12321 or 12381",
            "short": "report the messages to 12321 or 12381",
            "reach": "report harassing and spam SMS at www.12321.cn, also through 12381 since 2020",
            "attach": "screenshots and the sender numbers",
        },
        "regulator": {
            "name": "12378 financial regulator",
            "short": "call 12378, the financial regulator",
            "short_if": "call 12378 if the lender is a bank, insurer or consumer-finance company",
            "reach": "call 12378; for banks, insurers and consumer-finance companies",
            "attach": "the company's name, the loan contract or loan record",
        },
        "market": {
            "name": "12315 market regulator",
            "short": "call 12315, the market regulator",
            "reach": "call 12315, or use www.12315.cn",
            "attach": "the name of the collection or consulting company, from the sign-off",
        },
        "lender": {
            "name": "the lender or platform",
            "short": "complain to the lender or platform",
            "reach": "the complaint entry or support in the lender's app, or the official 95… line in the contract",
            "attach": "the loan contract number or loan record",
        },
    },
    "reasons": {
        "blob": "encrypted or binary content, not readable text (some SMS apps encrypt their store); not judged, "
        "never in a complaint",
        "empty": "the message body is empty, as for MMS or picture-only messages",
        "call_log": "a call-log backup, not messages: SMS Backup & Restore saves calls and messages separately; "
        "choose the sms file",
        "mms_not_downloaded": "an MMS notification: the MMS was never downloaded and its text is not in the backup",
        "not_messages": "no messages found in the file: unknown layout, or no column holds the message text",
        "damaged": "the file or this record is damaged",
        "encoding": "text in an encoding that could not be recognised",
        "cannot_open": "the file cannot be opened",
        "reader_error": "reading failed",
    },
    "signals": {
        "debt": "mentions a debt or repayment",
        "overdue": "says a payment is due or overdue",
        "official_channel": "points to the app or official line",
        "credit_report": "mentions the credit record",
        "lawful_action": "mentions lawful steps such as a lawsuit",
        "threat_visit": "threatens to come to the home or workplace",
        "collection_act": "names a collection act: visits, letters, court steps, telling contacts",
        "threat_general": "threatening words",
        "fake_legal": "claims a case, detention or police action",
        "contact_blast": "threatens to tell contacts or publish the debt",
        "family_work": "brings in family, employer or village",
        "insult": "insults or humiliation",
        "third_party_address": "addressed to someone other than the borrower",
        "locate_person": "asks a stranger about someone's whereabouts or number",
        "personal_account": "asks to pay a personal account",
        "upfront_fee": "asks for a fee up front",
        "credit_repair": "offers credit repair or to stop collection",
        "cancel_account": "'cancel your account' pretext",
        "code_request": "mentions a code or password",
        "code_ask": "asks for a code, password or card number",
        "link": "contains a link",
        "link_login": "asks to log in at a link",
        "prize": "prize pretext",
        "stock_tip": "stock-tip group lure",
        "unfreeze_call": "asks to call an unlisted number to unfreeze or stop a charge",
        "annual_fee": "announces an annual-fee deduction",
        "gambling": "gambling advertisement",
        "lure_link": "only wants a link opened",
        "travel_refund": "flight or train refund pretext",
        "travel_callback": "flight or train change that sends you to a mobile number or a group",
        "charge_callback": "announces a charge and gives an unlisted number to stop it",
        "stock_pick_promise": "promises which stocks will rise (illegal stock tipping)",
        "stock_group_join": "a group that closes when full or needs a pass-code (how stock-tip groups recruit)",
        "suspicious_link": "suspicious web address",
        "personal_phone": "gives a mobile number to call",
        "im_contact": "moves contact to WeChat, QQ or LINE",
        "screen_share": "asks to share the screen",
        "frozen": "claims the account is frozen or abnormal",
        "receipt": "payment receipt",
        "transaction": "transaction-alert wording",
        "marketing": "marketing wording",
        "greeting_polite": "polite wording",
        "scam_warning": "warns against scams",
    },
    "kinds": {
        "bank": "bank",
        "consumer_finance": "consumer-finance company",
        "insurance": "insurer",
        "microlender": "micro-lender",
        "platform": "lending platform or app",
        "agency": "collection or consulting company",
        "law_firm": "law firm",
        "unknown": "kind unknown",
    },
    "confidence": {
        "high": "high",
        "medium": "medium",
        "low": "low",
        "none": "none",
    },
    "sources": {
        "signature": "the SMS signature",
        "sign_off": "the sign-off at the end",
        "organisation": "an organisation named in the text",
        "mention": "a platform or app named in the text",
        "sender": "the sender number only",
    },
    "text": {
        "lead": "Generated automatically from the messages. Categories and flags are machine judgements with a "
        "confidence; check each message on the phone before you complain or report.",
        "short_meta": "Generated {generated}. {total} record(s) read from {n_inputs} file(s).",
        "h_overview": "Overview",
        "overview": "{total} record(s) read: {collection} collection message(s), {flagged} of them flagged; {scam} "
        "suspected scam(s); {other} message(s) not about collection, never in a complaint.",
        "overview_unread": " {unread} record(s) were not analysed; the reasons are under Every input explained.",
        "overview_head": ["flag", "messages"],
        "h_complaints": "Complaint summary",
        "complaints_note": "One paragraph per collector; select and copy it into a complaint form. Names come from "
        "the messages and may be forged; your loan contract is what counts.",
        "no_complaints": "No collection message to complain about.",
        "who_signature": "the sender signing as 【{name}】",
        "who_sign_off": "the sender signing off as {name}",
        "who_named": "the collector named {name} in the messages",
        "who_number": "number {senders}",
        "who_unknown": "collection messages with no sender number",
        "period": "{span}, ",
        "senders_clause": ", from {senders}",
        "senders_unknown": ", numbers not recorded",
        "received": "I received {total} collection message(s) from them",
        "received_unknown": "I received {total} such message(s)",
        "complaint": "About {who}: {period}{received}{senders}. {concerned} of them "
        "show these problems: {items}. {rules}What to do: {channels}. {name_clause}Compiled "
        "automatically; check against the original messages.",
        "rules_clause": "Rules concerned: {rules}. ",
        "name_clause": "Name taken from {source}, confidence {confidence}. ",
        "item": "{name} {count}",
        "list_sep": ", ",
        "colon": ": ",
        "item_sep": ", ",
        "clause_sep": "; ",
        "h_scams": "Suspected scams",
        "scams_note": "These look like scams, not collection, and are not in the complaint summary. Do not pay, do "
        "not open links, do not give codes.",
        "no_scams": "No suspected scam.",
        "scam_who_number": "number {number}",
        "scam_who_unknown": "messages with no number",
        "scam": "About {who}: {period}I received {total} suspected scam message(s){claimed}. Signs: {signs}. What to "
        "do: {channels}. Compiled automatically; check against the original messages.",
        "scam_claimed": ", claiming to be 【{name}】, a signature anyone can forge",
        "scam_no_signs": "judged from the message as a whole",
        "h_next": "What to do next",
        "next_keep": "Keep the evidence first: do not delete the original messages; take a screenshot of each "
        "flagged message showing the number and the time; keep them with this report.",
        "next_attach": "Every channel needs: the screenshots, this report printed or as PDF, your ID; for a loan, "
        "the loan contract or the loan record in the app.",
        "next_head": ["channel", "for, in this report", "how to reach it", "also bring"],
        "next_scams": "suspected scams",
        "next_none": "Nothing in this report to complain about or report.",
        "h_flagged": "Flagged messages ({count}, by time)",
        "flagged_note": "Flagged collection messages and suspected scams; ordinary messages are not listed.",
        "flagged_head": ["time", "number and source", "category and confidence", "flags", "message", "why"],
        "score": "confidence {percent}",
        "record": "{file} record {record}",
        "h_senders": "Collectors",
        "senders_head": [
            "name",
            "kind",
            "name from",
            "confidence",
            "numbers",
            "first",
            "last",
            "collection messages",
            "flagged",
            "per flag",
        ],
        "no_senders": "No collection messages.",
        "h_charts": "Charts",
        "chart_days": "Messages per day by category",
        "chart_hours": "Messages per hour of day ({night} is night, shaded)",
        "chart_unit": "msgs",
        "scroll_hint": "The chart is wide: swipe sideways to see all of it.",
        "h_timelines": "Timeline per sender number",
        "timeline_summary": "{sender}: {count} collection message(s)",
        "no_timelines": "No collection messages.",
        "timelines_print": "The full timeline per number is in the HTML report.",
        "senders_print": "Each collector's name, numbers and counts per flag are in the complaint summary above; the "
        "full table is in the HTML report.",
        "unknown_sender": "unknown number",
        "h_inputs": "Every input explained",
        "inputs_note": "How many records each input file gave and how many were analysed; records not analysed are "
        "listed by reason.",
        "inputs_head": ["input file", "records", "analysed", "not analysed", "sha256"],
        "unread_head": ["reason", "records", "where", "the reader's note"],
        "more_records": "and {count} more",
        "all_read": "Every record was analysed.",
        "h_rules": "Flags and the rules they rest on",
        "rules_head": ["flag", "messages", "raised when", "rule"],
        "h_provenance": "Provenance",
        "provenance": "Generated {generated}, time zone {tz}; tool {tool}; model sha256 {model}; night {night}; more "
        "than {max_per_day} collection messages from one number in a day are flagged. The input "
        "files' sha256 are under Every input explained.",
        "night": "{start}:00 to {end}:00 the next day",
        "night_same_day": "{start}:00 to {end}:00",
        "redacted": "This report is redacted: phone, ID, bank-card and QQ numbers in message texts, and the numbers "
        "of senders no complaint concerns, are masked. Collectors' and suspected scammers' numbers are "
        "kept, because a complaint or report needs them in full. Names and addresses are not masked; "
        "check before you hand it in.",
        "not_redacted": "This report is not redacted and holds phone and bank-card numbers. To share it, make it "
        "again with --redact.",
        "na": "n/a",
        "page_footer": "Generated {generated} · input sha256: {hashes}",
        "page_number": "page {page} of {pages}",
    },
}

CATALOGUES: dict[str, dict] = {"zh": _ZH, "en": _EN}


def catalogue(lang: str) -> dict:
    """The catalogue for ``lang`` (``zh`` or ``en``); a ValueError names the choices otherwise."""
    try:
        return CATALOGUES[lang]
    except KeyError:
        raise ValueError(f"report language must be one of {', '.join(LANGUAGES)}, got {lang!r}") from None


def format_date(when: datetime | None, lang: str) -> str:
    """A date as a reader writes it (``2026年10月1日``; ``2026-10-01`` in English); '' for none."""
    if when is None:
        return ""
    return f"{when.year}年{when.month}月{when.day}日" if lang == "zh" else when.date().isoformat()


def format_time(when: datetime | None, has_time: bool, lang: str) -> str:
    """A date, and the time of day when there is one (no seconds, no zone): ``2026年10月1日 23:10``."""
    if when is None:
        return ""
    day = format_date(when, lang)
    return f"{day} {when:%H:%M}" if has_time else day


def format_period(first: datetime | None, last: datetime | None, lang: str) -> str:
    """A span of days, the year written once when it does not change: ``2026年10月1日至10月3日``.

    >>> format_period(datetime(2026, 10, 1), datetime(2026, 10, 3), "zh")
    '2026年10月1日至10月3日'
    >>> format_period(datetime(2026, 10, 1, 9), datetime(2026, 10, 1, 23), "en")
    '2026-10-01'
    """
    if first is None or last is None:
        return ""
    if first.date() == last.date():
        return format_date(first, lang)
    if lang == "zh":
        tail = f"{last.month}月{last.day}日" if first.year == last.year else format_date(last, lang)
        return f"{format_date(first, lang)}至{tail}"
    return f"{format_date(first, lang)} to {format_date(last, lang)}"


def format_percent(score: float) -> str:
    """A probability as a whole percentage (``97%``); at least 1 % and at most 99 % for a machine judgement.

    >>> format_percent(0.9712), format_percent(1.0), format_percent(0.0)
    ('97%', '99%', '1%')
    """
    return f"{min(99, max(1, round(score * 100)))}%"
