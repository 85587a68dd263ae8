"""The report's message catalogues: every word the evidence report shows, one catalogue per language.

The report is written for borrowers, their families and the people who help
them complain (12378, 12315, 12321/12381, 110, a court), so Chinese (``zh``)
is the default and English (``en``) is the second language.  Code never
holds display text: :mod:`dunning_nlp.report.build`, :mod:`dunning_nlp.report.html`
and :mod:`dunning_nlp.report.flags` look every string up here, and a test checks
that both catalogues have the same keys and the same ``{placeholders}``.

The laws and channels follow the labelling guide's "Rules the flags rest on":
刑法第293条之一 and 第293条, the 2019 four-agency 软暴力 opinion, 民法典第1032–1033条,
个人信息保护法第10条, the NIFA collection guideline (no collection 22:00–08:00,
at most 3 connected calls a day, only the debtor); complaints to 12378
(banking and insurance consumers), 12315 (market regulator), 12321 for
harassing SMS (through 12381 since 2020), 110 or 96110 for scams.

>>> format_time("2026-10-01T23:10:00+08:00", "zh")
'2026年10月1日 23:10'
>>> format_time("2026-10-01", "en")
'2026-10-01'
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["LANGUAGES", "CATALOGUES", "catalogue", "format_time", "format_date"]

LANGUAGES = ("zh", "en")

_ZH = {
    "lang_attr": "zh-CN",
    "title": "催收短信证据报告",
    "labels": {
        "reminder": "正常催收提醒",
        "harassment": "骚扰威胁",
        "third_party": "联系第三人",
        "fraud": "疑似诈骗",
        "other": "其他（非催收）",
    },
    "label_desc": {
        "reminder": "向借款人本人依法告知到期或逾期欠款",
        "harassment": "超出合法催收的施压：威胁、冒充公检法、侮辱",
        "third_party": "发给借款人以外的人（紧急联系人、亲友、同事）的催收短信",
        "fraud": "借欠款、征信之名行骗，或要求转入个人账户、点击链接付款",
        "other": "与催收无关的短信",
    },
    "flags": {
        "threat": {
            "title": "威胁、恐吓或侮辱",
            "rule": "《刑法》第二百九十三条之一 催收非法债务罪（恐吓、跟踪、骚扰）/ 第二百九十三条 寻衅滋事罪；"
                    "两高两部《关于办理实施“软暴力”的刑事案件若干问题的意见》（2019年4月9日）：通过信息网络、通讯工具恐吓属于软暴力",
            "basis": "《刑法》第二百九十三条之一、第二百九十三条；“软暴力”意见（2019）",
            "channel": "拨打110报警，或向法院起诉；骚扰短信可向12321举报（2020年起经12381受理）",
        },
        "thread_threat": {
            "title": "催收号码发来的威胁（未提欠款）",
            "rule": "同一号码另发过催收短信；本条未提欠款，模型据文字本身判为“其他”，因其来源列出。"
                    "《刑法》第二百九十三条之一；“软暴力”意见（2019）：通过通讯工具恐吓属于软暴力",
        },
        "third_party": {
            "title": "联系第三人（亲友、同事、通讯录）",
            "rule": "《个人信息保护法》第十条：不得非法使用、公开他人个人信息；《民法典》第一千零三十二至一千零三十三条（隐私权）；"
                    "中国互联网金融协会《互联网金融贷后催收业务指引》：只能向债务人本人催收",
            "basis": "《个人信息保护法》第十条；《民法典》第一千零三十二至一千零三十三条；互金协会《互联网金融贷后催收业务指引》",
            "channel": "银行、消费金融公司：12378（金融监管）；其他机构：先向平台投诉",
        },
        "late_night": {
            "title": "夜间催收",
            "rule": "中国互联网金融协会《互联网金融贷后催收业务指引》：22:00至次日08:00不得催收（另有约定除外）",
            "basis": "互金协会《互联网金融贷后催收业务指引》（22:00至次日08:00不得催收）",
            "channel": "银行、消费金融公司：12378（金融监管）；其他机构：先向平台投诉；骚扰短信：12321（经12381）",
        },
        "high_frequency": {
            "title": "同一发送方一天内短信过多",
            "rule": "《互联网金融贷后催收业务指引》：每日接通不超过3次（此处按短信类推）；"
                    "《民法典》第一千零三十三条：不得以电话、短信等方式侵扰他人私人生活安宁",
            "basis": "互金协会《互联网金融贷后催收业务指引》（每日不超过3次）；《民法典》第一千零三十三条",
            "channel": "银行、消费金融公司：12378（金融监管）；其他机构：先向平台投诉；骚扰短信：12321（经12381）",
        },
        "impersonation": {
            "title": "冒充法院、公安或监管部门",
            "rule": "《刑法》第二百九十三条之一；“软暴力”意见（2019）；真实的法院文书不会由催收方用短信送达",
            "basis": "《刑法》第二百九十三条之一；“软暴力”意见（2019）",
            "channel": "拨打110报警",
        },
        "personal_account": {
            "title": "要求转账到个人账户或“安全账户”",
            "rule": "正规还款渠道是APP内还款和95xxx官方客服；要求转入个人或“安全账户”涉嫌诈骗",
            "basis": "正规还款渠道为APP内还款与95xxx客服（涉嫌诈骗）",
            "channel": "拨打110或96110反诈专线；诈骗短信可向12381举报",
        },
        "unofficial_channel": {
            "title": "非官方链接、手机号或聊天账号",
            "rule": "官方渠道是95xxx客服和APP内还款；12381的预警短信不含链接；垃圾和诈骗短信可向12321举报（2020年起经12381受理）",
            "basis": "官方渠道为95xxx客服与APP内还款；12381预警短信不含链接",
            "channel": "拨打110或96110反诈专线；诈骗短信可向12381举报",
        },
    },
    "kinds": {
        "bank": "银行",
        "consumer_finance": "消费金融公司",
        "insurance": "保险公司",
        "microlender": "小额贷款公司",
        "platform": "借款平台或APP",
        "agency": "催收或咨询公司",
        "law_firm": "律师事务所",
        "unknown": "未识别",
    },
    "confidence": {
        "high": "高",
        "medium": "中",
        "low": "低",
        "none": "未识别",
    },
    "sources": {
        "signature": "短信开头或末尾的【签名】",
        "sign_off": "短信末尾署名",
        "organisation": "正文中的机构名",
        "mention": "正文中提到的平台或APP",
        "sender": "仅发送号码",
    },
    "text": {
        "lead": "本报告由软件根据短信内容自动生成。标签和标记是机器判断，附有概率；投诉或报警前请逐条核对原始短信。",
        "short_meta": "生成时间 {generated}；读取短信 {total} 条；输入文件 {n_inputs} 个（sha256 校验值见文末“来源与校验”）。",
        "h_complaints": "投诉摘要",
        "complaints_note": "每段对应一个发送方，可直接选中复制，粘贴到12378、平台或其他投诉表单中。机构名称取自短信本身，"
                           "短信签名和署名可能被冒用，请以您的借款合同为准。",
        "no_complaints": "没有发现需要投诉的短信（没有被标记的催收短信，也没有疑似诈骗短信）。",
        "who_named": "署名为「{name}」（{kind}）的发送方",
        "who_unnamed": "号码 {senders} 的发送方（短信中未找到机构名称）",
        "who_unknown": "号码不详的发送方（短信中既没有机构名称，也没有发送号码）",
        "period": "{first}至{last}，",
        "period_one": "{first}，",
        "period_unknown": "（日期不详）",
        "complaint": "关于{who}：{period}我共收到其催收相关短信 {total} 条（发送号码：{senders}），"
                     "其中 {concerned} 条涉嫌违规或诈骗：{items}。涉及的规定：{bases}。建议投诉渠道：{channels}。"
                     "（机构名称来源：{source}，识别把握：{confidence}。以上由软件自动整理，原始短信见本报告“被标记的短信”。）",
        "item": "“{name}”{count} 条",
        "list_sep": "、",
        "clause_sep": "；",
        "channel_threat": "威胁恐吓、冒充公检法：拨打110报警，或向法院起诉",
        "channel_fraud": "疑似诈骗：拨打110或96110反诈专线，诈骗短信可向12381举报",
        "channel_regulated": "催收违规：向12378（金融监管）投诉",
        "channel_agency": "催收违规：向委托其催收的放贷机构投诉；委托方是银行或消费金融公司的，可拨打12378（金融监管）；"
                          "也可向12315（市场监管）反映",
        "channel_platform": "催收违规：先向该平台投诉；如该机构是银行或消费金融公司，可拨打12378（金融监管）",
        "channel_sms": "骚扰短信：向12321举报（2020年起经12381受理）",
        "h_channels": "投诉渠道",
        "channels_head": ["标记", "投诉或报警渠道"],
        "h_platforms": "发送方（平台、机构）",
        "platforms_note": "把握：高 = 短信开头或结尾的【签名】或末尾署名；中 = 正文中带“银行”“消费金融”“有限公司”等的机构名；"
                          "低 = 正文中的“××平台”“在××的借款”“××APP”；未识别 = 没有找到名称，只按发送号码归组。从不推测名称。",
        "platforms_head": ["发送方", "类型", "把握", "名称来源", "发送号码", "首次", "最后", "催收短信", "被标记", "各标记条数"],
        "no_platforms": "没有催收相关短信。",
        "h_summary": "概况",
        "total_line": "共读取短信 {total} 条，其中 {errors} 条无法读取。",
        "summary_head": ["标签", "条数", "含义"],
        "h_flags": "标记及其依据",
        "flags_head": ["标记", "条数", "依据的规定"],
        "h_charts": "图表",
        "chart_days": "每日短信数（按标签）",
        "chart_hours": "按小时统计（夜间 {night} 为阴影）",
        "chart_max": "最多 {top}",
        "h_flagged": "被标记的短信（{count} 条）",
        "flagged_head": ["时间", "发送号码", "发送方", "标签", "概率", "标记", "短信内容", "依据的文字"],
        "h_timelines": "各发送号码的时间线",
        "timeline_summary": "{sender} — 催收短信 {count} 条",
        "no_timelines": "没有催收短信。",
        "unknown_sender": "（未知号码）",
        "h_provenance": "来源与校验",
        "provenance": "生成时间 {generated}，工具 {tool}；模型 sha256 <code>{model}</code>；号码已打码：{redacted}；"
                      "夜间时段 {night}；同一发送方一天超过 {max_per_day} 条催收短信即标记。",
        "inputs_head": ["输入文件", "sha256"],
        "na": "无",
        "yes": "是",
        "no": "否",
        "page_footer": "生成时间 {generated} · 输入文件 sha256：{hashes}",
        "page_number": "第 {page} 页 / 共 {pages} 页",
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
        "other": "other",
    },
    "label_desc": {
        "reminder": "lawful notice to the borrower of a debt that is due or overdue",
        "harassment": "pressure beyond lawful collection: threats, fake legal claims, insults",
        "third_party": "collection message addressed to someone other than the borrower",
        "fraud": "scam that exploits debt or credit fear, or asks to pay a personal account / follow a link",
        "other": "not a debt-collection message",
    },
    "flags": {
        "threat": {
            "title": "Threats, intimidation or insults",
            "rule": "刑法 第293条之一 催收非法债务罪（恐吓、跟踪、骚扰）/ 第293条 寻衅滋事; "
                    "两高两部《关于办理实施“软暴力”的刑事案件若干问题的意见》(2019-04-09)",
            "basis": "Criminal Law art. 293-1 and 293; the 2019 soft-violence opinion",
            "channel": "call the police (110) or sue in court; report harassing SMS to 12321 (through 12381 since 2020)",
        },
        "thread_threat": {
            "title": "Threat without debt words from a number that sends collection messages",
            "rule": "The same number sent collection messages; this one names no debt, so the model calls it 'other' "
                    "on its words alone and it is shown for where it came from. 刑法 第293条之一; 软暴力意见 (2019)",
        },
        "third_party": {
            "title": "Contact with third parties (relatives, colleagues, contact list)",
            "rule": "个人信息保护法 第10条; 民法典 第1032–1033条; 中国互联网金融协会《互联网金融贷后催收业务指引》: 仅向债务人本人催收",
            "basis": "Personal Information Protection Law art. 10; Civil Code art. 1032–1033; NIFA collection guideline",
            "channel": "banks and consumer-finance companies: 12378 (financial regulator); others: the platform first",
        },
        "late_night": {
            "title": "Collection message at night",
            "rule": "中国互联网金融协会《互联网金融贷后催收业务指引》: 22:00–08:00 不得催收（另有约定除外）",
            "basis": "NIFA collection guideline (no collection 22:00–08:00)",
            "channel": "banks and consumer-finance companies: 12378; others: the platform first; harassing SMS: 12321 (via 12381)",
        },
        "high_frequency": {
            "title": "Many collection messages from one sender in one day",
            "rule": "《互联网金融贷后催收业务指引》: 每日接通不超过3次（此处按短信类推）; 民法典 第1033条: 不得以短信等方式侵扰私人生活安宁",
            "basis": "NIFA collection guideline (at most 3 a day); Civil Code art. 1033",
            "channel": "banks and consumer-finance companies: 12378; others: the platform first; harassing SMS: 12321 (via 12381)",
        },
        "impersonation": {
            "title": "Claims to be, or to act with, courts, police or regulators",
            "rule": "刑法 第293条之一; 软暴力意见 (2019); 真实法院文书不会由催收方以短信送达",
            "basis": "Criminal Law art. 293-1; the 2019 soft-violence opinion",
            "channel": "call the police (110)",
        },
        "personal_account": {
            "title": "Demand to pay into a personal or 'safe' account",
            "rule": "官方还款渠道为APP内还款与95xxx客服; 涉嫌诈骗请拨打 96110 或向 12381 举报",
            "basis": "official repayment is in-app or through 95xxx numbers (suspected fraud)",
            "channel": "call 110 or the 96110 anti-fraud line; report scam SMS to 12381",
        },
        "unofficial_channel": {
            "title": "Links, mobile numbers or chat accounts that are not official channels",
            "rule": "官方渠道为95xxx客服与APP内还款; 12381 预警短信不含链接; 垃圾与诈骗短信可向 12321/12381 举报",
            "basis": "official channels are 95xxx numbers and the app; 12381 warnings carry no links",
            "channel": "call 110 or the 96110 anti-fraud line; report scam SMS to 12381",
        },
    },
    "kinds": {
        "bank": "bank",
        "consumer_finance": "consumer-finance company",
        "insurance": "insurer",
        "microlender": "micro-lender",
        "platform": "lending platform or app",
        "agency": "collection or consulting company",
        "law_firm": "law firm",
        "unknown": "unknown",
    },
    "confidence": {
        "high": "high",
        "medium": "medium",
        "low": "low",
        "none": "not found",
    },
    "sources": {
        "signature": "the 【signature】 at the start or end of the SMS",
        "sign_off": "sign-off at the end",
        "organisation": "organisation named in the text",
        "mention": "platform or app mentioned in the text",
        "sender": "sender number only",
    },
    "text": {
        "lead": "Generated automatically from the messages. Labels and flags are machine predictions with probabilities; "
                "check each message before you rely on it.",
        "short_meta": "Generated {generated}; {total} message(s) read; {n_inputs} input file(s) (sha256 under "
                      "\"Provenance\" at the end).",
        "h_complaints": "Complaint summary",
        "complaints_note": "One paragraph per sender; select and copy it into 12378's, the platform's or another "
                           "complaint form. Names come from the messages themselves and may be forged; your loan "
                           "contract is what counts.",
        "no_complaints": "Nothing to complain about: no flagged collection message and no suspected fraud.",
        "who_named": "the sender signing as \"{name}\" ({kind})",
        "who_unnamed": "the sender at {senders} (no organisation named in the messages)",
        "who_unknown": "a sender with no number and no name in the messages",
        "period": "from {first} to {last} ",
        "period_one": "on {first} ",
        "period_unknown": "(dates unknown) ",
        "complaint": "About {who}: {period}I received {total} collection-related message(s) from them "
                     "(numbers: {senders}); {concerned} of them appear to break the rules or to be fraud: {items}. "
                     "Rules concerned: {bases}. Where to complain: {channels}. (Name taken from: {source}; "
                     "confidence: {confidence}. Compiled automatically; the messages are listed under \"Flagged "
                     "messages\".)",
        "item": "{name}: {count}",
        "list_sep": ", ",
        "clause_sep": "; ",
        "channel_threat": "threats and impersonation of courts or police: call 110 or sue in court",
        "channel_fraud": "suspected fraud: call 110 or the 96110 anti-fraud line; report scam SMS to 12381",
        "channel_regulated": "collection misconduct: complain to 12378 (financial regulator)",
        "channel_agency": "collection misconduct: complain to the lender that hired them; 12378 when that lender is a "
                          "bank or consumer-finance company; 12315 (market regulator)",
        "channel_platform": "collection misconduct: complain to the platform first; 12378 if it is a bank or "
                            "consumer-finance company",
        "channel_sms": "harassing SMS: report to 12321 (through 12381 since 2020)",
        "h_channels": "Where to complain",
        "channels_head": ["flag", "complaint or police channel"],
        "h_platforms": "Senders (platforms, organisations)",
        "platforms_note": "Confidence: high = a 【signature】 at the start or end, or a sign-off; medium = an "
                          "organisation named with 银行, 消费金融, 有限公司 …; low = \"××平台\", \"在××的借款\" or an app "
                          "name in the text; not found = grouped by sender number only. Names are never guessed.",
        "platforms_head": ["sender", "kind", "confidence", "name from", "numbers", "first", "last",
                           "collection messages", "flagged", "per flag"],
        "no_platforms": "No collection messages.",
        "h_summary": "Summary",
        "total_line": "{total} message(s) read, {errors} unreadable.",
        "summary_head": ["label", "messages", "meaning"],
        "h_flags": "Flags and the rules they rest on",
        "flags_head": ["flag", "messages", "rule"],
        "h_charts": "Charts",
        "chart_days": "Messages per day by label",
        "chart_hours": "Messages by hour of day (night {night} shaded)",
        "chart_max": "max {top}",
        "h_flagged": "Flagged messages ({count})",
        "flagged_head": ["time", "number", "sender", "label", "score", "flags", "message", "evidence"],
        "h_timelines": "Timeline per sender number",
        "timeline_summary": "{sender} — {count} collection message(s)",
        "no_timelines": "No collection messages.",
        "unknown_sender": "(unknown)",
        "h_provenance": "Provenance",
        "provenance": "Generated {generated} by {tool}; model sha256 <code>{model}</code>; numbers redacted: "
                      "{redacted}; night {night}; more than {max_per_day} collection messages per sender per day "
                      "are flagged.",
        "inputs_head": ["input file", "sha256"],
        "na": "n/a",
        "yes": "yes",
        "no": "no",
        "page_footer": "Generated {generated} · input sha256: {hashes}",
        "page_number": "page {page} of {pages}",
    },
}

# A threat that names no debt rests on the same law and goes to the same channels as any other threat.
for _cat in (_ZH, _EN):
    _cat["flags"]["thread_threat"].update(basis=_cat["flags"]["threat"]["basis"], channel=_cat["flags"]["threat"]["channel"])
del _cat

CATALOGUES: dict[str, dict] = {"zh": _ZH, "en": _EN}


def catalogue(lang: str) -> dict:
    """The catalogue for ``lang`` (``zh`` or ``en``); a ValueError names the choices otherwise."""
    try:
        return CATALOGUES[lang]
    except KeyError:
        raise ValueError(f"report language must be one of {', '.join(LANGUAGES)}, got {lang!r}") from None


def _parse(timestamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(timestamp) if timestamp else None
    except ValueError:
        return None


def format_date(timestamp: str, lang: str) -> str:
    """The date of an ISO timestamp as a reader writes it (``2026年10月1日``); unreadable values pass through."""
    when = _parse(timestamp)
    if when is None:
        return timestamp or ""
    return f"{when.year}年{when.month}月{when.day}日" if lang == "zh" else when.date().isoformat()


def format_time(timestamp: str, lang: str) -> str:
    """An ISO timestamp in the reader's form: date, and the time of day when there is one (no seconds, no zone).

    A date-only value stays a date: it has no hour to show.
    """
    from .flags import has_clock

    when = _parse(timestamp)
    if when is None:
        return timestamp or ""
    day = format_date(timestamp, lang)
    return f"{day} {when:%H:%M}" if has_clock(timestamp) else day
