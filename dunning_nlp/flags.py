"""Rule flags for the evidence report: what a complaint to a regulator can point at.

Each :class:`Flag` names a pattern of conduct and the rule it rests on, as
listed in the project's labelling guide.  :func:`flag_messages` takes
classified rows (as produced by :func:`dunning_nlp.batch.classify_messages`)
and returns, per row, the flags that apply.  Flags are only raised on
collection-related messages (any label but ``other``): an ordinary bank
alert sent at 23:00 is not a late-night collection message.

Per-message flags look at the label and at the rule signals in the
normalised text; two flags look across messages: late-night contact
(22:00–08:00 by default) and many messages from one sender on one day.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from .normalise import normalize_text
from .signals import find_signals

__all__ = ["Flag", "FLAGS", "FlagSettings", "flag_messages"]


@dataclass(frozen=True)
class Flag:
    """A reportable pattern of conduct and the rule it rests on."""

    code: str
    title: str
    rule: str


FLAGS: dict[str, Flag] = {f.code: f for f in (
    Flag("threat", "Threats, intimidation or insults",
         "刑法 第293条之一 催收非法债务罪（恐吓、跟踪、骚扰）/ 第293条 寻衅滋事; 两高两部《关于办理实施“软暴力”的刑事案件若干问题的意见》(2019-04-09)"),
    Flag("third_party", "Contact with third parties (relatives, colleagues, contact list)",
         "个人信息保护法 第10条; 民法典 第1032–1033条; 中国互联网金融协会《互联网金融贷后催收业务指引》: 仅向债务人本人催收"),
    Flag("late_night", "Collection message at night",
         "中国互联网金融协会《互联网金融贷后催收业务指引》: 22:00–08:00 不得催收（另有约定除外）"),
    Flag("high_frequency", "Many collection messages from one sender in one day",
         "《互联网金融贷后催收业务指引》: 每日接通不超过3次（此处按短信类推）; 民法典 第1033条: 不得以短信等方式侵扰私人生活安宁"),
    Flag("impersonation", "Claims to be, or to act with, courts, police or regulators",
         "刑法 第293条之一; 软暴力意见 (2019); 真实法院文书不会由催收方以短信送达"),
    Flag("personal_account", "Demand to pay into a personal or 'safe' account",
         "官方还款渠道为APP内还款与95xxx客服; 涉嫌诈骗请拨打 96110 或向 12381 举报"),
    Flag("unofficial_channel", "Links, mobile numbers or chat accounts that are not official channels",
         "官方渠道为95xxx客服与APP内还款; 12381 预警短信不含链接; 垃圾与诈骗短信可向 12321/12381 举报"),
)}

_THREAT_SIGNALS = {"threat_visit", "threat_general", "insult", "contact_blast"}
_IMPERSONATION = {"fake_legal"}
_CHANNEL_SIGNALS = {"link", "personal_phone", "im_contact"}


@dataclass(frozen=True)
class FlagSettings:
    """Thresholds for the cross-message flags."""

    night_start: int = 22
    night_end: int = 8
    max_per_day: int = 3

    def is_night(self, hour: int) -> bool:
        if self.night_start > self.night_end:
            return hour >= self.night_start or hour < self.night_end
        return self.night_start <= hour < self.night_end


def _when(timestamp: str) -> datetime | None:
    try:
        return datetime.fromisoformat(timestamp) if timestamp else None
    except ValueError:
        return None


def flag_messages(rows: Sequence[dict], settings: FlagSettings = FlagSettings()) -> list[list[str]]:
    """Return, for each row, the codes of the flags that apply (in :data:`FLAGS` order)."""
    per_day: Counter = Counter()
    parsed = [_when(r.get("timestamp", "")) for r in rows]
    for row, when in zip(rows, parsed):
        if row.get("label") not in ("", "other", None) and when is not None:
            per_day[(row.get("sender", ""), when.date())] += 1
    out: list[list[str]] = []
    for row, when in zip(rows, parsed):
        label = row.get("label") or ""
        if label in ("", "other"):
            out.append([])
            continue
        names = {s.name for s in find_signals(normalize_text(row.get("text", "")))}
        secondary = set(filter(None, str(row.get("secondary", "")).split(";")))
        found = set()
        if label == "harassment" or "harassment" in secondary or (names & _THREAT_SIGNALS and label != "reminder"):
            found.add("threat")
        if label == "third_party" or "third_party" in secondary:
            found.add("third_party")
        if when is not None and settings.is_night(when.hour):
            found.add("late_night")
        if when is not None and per_day[(row.get("sender", ""), when.date())] > settings.max_per_day:
            found.add("high_frequency")
        if names & _IMPERSONATION and label != "reminder":
            found.add("impersonation")
        if "personal_account" in names and label in ("fraud", "harassment", "third_party"):
            found.add("personal_account")
        if names & _CHANNEL_SIGNALS and label in ("fraud", "harassment", "third_party"):
            found.add("unofficial_channel")
        out.append([code for code in FLAGS if code in found])
    return out
