"""The report's sentences: complaint paragraphs, scam paragraphs, rules and evidence, in the report's language.

Everything here turns typed values (:class:`~dunning_nlp.report.build.Report`,
its groups and entries) into text, with words from the catalogue of the
report's language (:mod:`dunning_nlp.report.i18n`).  The HTML page, the PDF
printed from it and the JSON output all take their sentences from here, so
they never disagree.

How a complaint paragraph reads (Chinese): who (署名为【…】 only for a real
signature; 落款为「…」 for a sign-off; 短信中提到「…」 for an organisation named in
the text; else the number), when, how many collection messages and from which
numbers, how many show which problems, the rules concerned (each once, the
provisions of one source joined), what to do (the channels, details in the
page's next-steps table), where the name came from and how sure that is.  No
bracket inside a bracket, no quote inside a quote.
"""

from __future__ import annotations

from .flags import FLAG_RULES, FLAG_SIGNALS, RULE_CODES, Flag, FlagSettings, Standing
from .i18n import catalogue, format_period
from .platforms import REGULATED_KINDS

__all__ = [
    "NEUTRAL_SIGNALS",
    "complaint_text",
    "evidence_text",
    "flag_titles",
    "group_name",
    "night_text",
    "rules_text",
    "scam_text",
    "shown_sender",
    "text_mask",
]

#: Signals that explain nothing to a reader of the evidence column (every polite SMS has them).
NEUTRAL_SIGNALS = frozenset({"greeting_polite", "marketing", "transaction"})
#: Signals that only say a message is about a debt: shown when nothing more telling was found.
_CONTEXT_SIGNALS = frozenset({"debt", "overdue", "official_channel"})
#: At most this many reasons per message (the strongest cues come first in the signal catalogue's order).
_EVIDENCE_SHOWN = 4
#: Signals shown as the signs of a scam.
_SCAM_SIGNS = (
    "personal_account",
    "upfront_fee",
    "code_ask",
    "credit_repair",
    "cancel_account",
    "unfreeze_call",
    "charge_callback",
    "stock_tip",
    "stock_pick_promise",
    "stock_group_join",
    "link_login",
    "suspicious_link",
    "lure_link",
    "fake_legal",
    "frozen",
    "prize",
    "travel_refund",
    "travel_callback",
    "screen_share",
    "personal_phone",
    "im_contact",
    "link",
)


def text_mask(report):
    """The masking the report applies to texts and names (identity unless the report is redacted)."""
    if not report.redacted:
        return _same
    from ..redact import redact

    return redact


def _same(text: str) -> str:
    return text


def shown_sender(entry, report) -> str:
    """A sender as shown: kept for collectors and scam senders (a complaint needs it), masked otherwise."""
    sender = entry.message.sender
    if report.redacted and entry.standing not in (Standing.COLLECTION, Standing.THREAD, Standing.SCAM):
        return text_mask(report)(sender)
    return sender


def group_name(group, report) -> str:
    """The name a group goes by, as written (masked when redacted); '' when its messages name no one."""
    return text_mask(report)(group.mention.name) if group.mention else ""


def rules_text(codes, lang: str, full: bool = False) -> str:
    """Rules as a reader writes them, each once: short citations (the complaint) or the full text (the rules table).

    >>> rules_text(["nifa_night", "pipl_10", "nifa_debtor_only"], "zh").count("互联网金融贷后催收业务指引")
    1
    """
    cat = catalogue(lang)
    key = "text" if full else "cite"
    found = dict.fromkeys(cat["rules"][code][key] for code in RULE_CODES if code in codes)
    return (" " if full else cat["text"]["list_sep"]).join(found)


def _period(first, last, lang: str) -> str:
    span = format_period(first, last, lang)
    return catalogue(lang)["text"]["period"].format(span=span) if span else ""


def _senders(group, lang: str) -> str:
    t = catalogue(lang)["text"]
    return t["list_sep"].join(group.senders)


def complaint_text(group, report) -> str:
    """One paragraph about one collector, ready to paste into a complaint form ('' when nothing is flagged)."""
    if not group.flagged:
        return ""
    lang = report.lang
    cat = catalogue(lang)
    t = cat["text"]
    name = group_name(group, report)
    senders = _senders(group, lang)
    received = t["received"].format(total=len(group.entries))
    if group.mention is None:
        who = t["who_number"].format(senders=senders) if senders else t["who_unknown"]
        if not senders:
            received = t["received_unknown"].format(total=len(group.entries))
        senders_clause = ""
    else:
        source = group.mention.source
        who = t[
            "who_signature" if source == "signature" else "who_sign_off" if source == "sign_off" else "who_named"
        ].format(name=name)
        senders_clause = t["senders_clause"].format(senders=senders) if senders else t["senders_unknown"]
    counts = group.flag_counts
    items = t["item_sep"].join(
        t["item"].format(name=cat["flags"][flag.value]["title"], count=n) for flag, n in counts.items()
    )
    codes = {code for flag in counts for code in FLAG_RULES[flag]}
    rules = t["rules_clause"].format(rules=rules_text(codes, lang)) if codes else ""
    regulated = group.kind in REGULATED_KINDS
    channels = t["clause_sep"].join(
        cat["channels"][c]["short" if c != "regulator" or regulated else "short_if"] for c in group.channels
    )
    name_clause = (
        t["name_clause"].format(
            source=cat["sources"][group.mention.source], confidence=cat["confidence"][group.mention.confidence]
        )
        if group.mention
        else ""
    )
    first, last = group.span
    return t["complaint"].format(
        who=who,
        period=_period(first, last, lang),
        received=received,
        senders=senders_clause,
        concerned=group.flagged,
        items=items,
        rules=rules,
        channels=channels,
        name_clause=name_clause,
    )


def scam_text(group, report) -> str:
    """One paragraph about one sender of suspected scams."""
    lang = report.lang
    cat = catalogue(lang)
    t = cat["text"]
    number = _senders(group, lang)
    who = t["scam_who_number"].format(number=number) if number else t["scam_who_unknown"]
    claimed = t["scam_claimed"].format(name=group_name(group, report)) if group.mention else ""
    found = {name for e in group.entries for name in e.prediction.signals}
    signs = t["list_sep"].join(
        cat["signals"][name]
        for name in _SCAM_SIGNS
        if name in found
        and name in cat["signals"]
        and not (name == "link" and found & {"link_login", "suspicious_link", "lure_link"})
    )
    channels = t["clause_sep"].join(cat["channels"][c]["short"] for c in group.channels)
    first, last = group.span
    return t["scam"].format(
        who=who,
        period=_period(first, last, lang),
        total=len(group.entries),
        claimed=claimed,
        signs=signs or t["scam_no_signs"],
        channels=channels,
    )


def evidence_text(entry, lang: str) -> str:
    """Why a message is in the table, in words from the catalogue (no word lists, no placeholders).

    The rule signals that pushed the classifier towards the label (its evidence), then the signals behind each
    flag raised (and, for a scam, the signs of a scam it carries).  A signal the message merely contains is not
    shown: "我司不会通过个人账户收款" contains the personal-account cue, but a reminder is not flagged for it.
    """
    cat = catalogue(lang)
    pred = entry.prediction
    if pred is None:
        return ""
    found = set(pred.signals)
    names = [e.value for e in pred.evidence if e.kind == "signal" and e.weight > 0]
    for flag in entry.flags:
        names += [n for n in pred.signals if n in FLAG_SIGNALS.get(flag, ())]
    if entry.standing is Standing.SCAM:
        names += [n for n in _SCAM_SIGNS if n in found]
    names = [n for n in dict.fromkeys(names) if n not in NEUTRAL_SIGNALS and n in cat["signals"]]
    telling = [n for n in names if n not in _CONTEXT_SIGNALS]
    names = (telling or names)[:_EVIDENCE_SHOWN]  # "mentions a debt" only when nothing says more
    return cat["text"]["list_sep"].join(cat["signals"][n] for n in names)


def night_text(settings: FlagSettings, lang: str) -> str:
    """The night window in words (``22时至次日8时``)."""
    t = catalogue(lang)["text"]
    key = "night" if settings.night_start > settings.night_end else "night_same_day"
    return t[key].format(start=settings.night_start, end=settings.night_end)


def flag_titles(flags, lang: str) -> str:
    cat = catalogue(lang)
    return cat["text"]["list_sep"].join(cat["flags"][Flag(f).value]["title"] for f in flags)
