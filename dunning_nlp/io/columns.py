"""Column and field names: the one list of header names every reader (CSV/TSV, JSON Lines, Spark) knows.

A header cell, a JSON key or a Spark column is compared by its :func:`column_key`: lower-cased, without
spaces, ``_``, ``-`` or a BOM, and with Traditional characters folded to Simplified, so that
``Sender ID``, ``sender_id``, ``SenderID``, ``號碼`` and ``号码`` all name the sender.

:data:`COLUMN_ALIASES` lists, per role, the names in order of preference: when a file has two columns that
could hold the text, the first name listed wins.  :data:`DAY_KEYS` and :data:`CLOCK_KEYS` name a column that
holds only a date and one that holds only a time of day (exports that split the timestamp in two).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "ROLES",
    "COLUMN_ALIASES",
    "DAY_KEYS",
    "CLOCK_KEYS",
    "column_key",
    "find_column",
    "first_value",
    "known_keys",
]

#: The roles a column can play, in the order a row is built.
ROLES: tuple[str, ...] = ("text", "sender", "timestamp", "direction")

# Traditional characters that appear in export headers, and their Simplified form.
_FOLD = str.maketrans("內訊簡號碼時間發聯絡繫話電類機對條狀態", "内讯简号码时间发联络系话电类机对条状态")
_DROP = str.maketrans("", "", " \t\r\n\u3000_-\ufeff")


def column_key(name) -> str:
    """The form in which header names are compared (see the module notes).

    >>> column_key(" Sender_ID "), column_key("時間"), column_key("\\ufeff短信 内容")
    ('senderid', '时间', '短信内容')
    """
    return str(name).lower().translate(_DROP).translate(_FOLD)


_ALIASES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "body",
        "content",
        "message",
        "msg",
        "sms",
        "内容",
        "短信内容",
        "短信",
        "正文",
        "消息",
        "消息内容",
        "信息内容",
        "讯息内容",
        "简讯内容",
        "简讯",
        "讯息",
        "内文",
        "messagetext",
        "smsbody",
        "messagebody",
    ),
    "sender": (
        "senderid",
        "sender",
        "address",
        "from",
        "phone",
        "number",
        "phonenumber",
        "号码",
        "手机号",
        "手机号码",
        "电话",
        "电话号码",
        "号码/联系人",
        "发件人",
        "发送方",
        "发信人",
        "对方号码",
        "联系人",
        "联络人",
        "contact",
        "sendername",
        "寄件人",
    ),
    "timestamp": (
        "messagedate",
        "date",
        "time",
        "timestamp",
        "datetime",
        "sent",
        "received",
        "时间",
        "日期",
        "发送时间",
        "接收时间",
        "短信时间",
        "日期时间",
    ),
    "direction": ("direction", "type", "类型", "方向", "收发", "收/发", "status"),
}
#: Header names (in :func:`column_key` form) recognised for each role, best first.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    role: tuple(dict.fromkeys(column_key(n) for n in names)) for role, names in _ALIASES.items()
}
#: Headers of a column that holds only a calendar date, and of one that holds only a time of day.
DAY_KEYS: tuple[str, ...] = tuple(column_key(n) for n in ("date", "日期", "day", "发送日期", "接收日期"))
CLOCK_KEYS: tuple[str, ...] = tuple(column_key(n) for n in ("time", "时间", "clock", "发送时间", "接收时间"))
#: For a JSON object: the keys that hold the time, best first (a full timestamp before a date or a time).
JSON_TIME_KEYS: tuple[str, ...] = (
    "timestamp",
    "datetime",
    "messagedate",
    "date",
    "time",
    "时间",
    "日期",
    "发送时间",
    "接收时间",
    "短信时间",
    "日期时间",
    "sent",
    "received",
)


def known_keys() -> set[str]:
    """Every header name of every role, in :func:`column_key` form."""
    return set().union(*COLUMN_ALIASES.values())


def find_column(names: Sequence[str], role: str) -> int | None:
    """The index of the column of ``names`` (a header) that plays ``role``, by the names known for it."""
    keys = [column_key(n) for n in names]
    for alias in COLUMN_ALIASES[role]:
        if alias in keys:
            return keys.index(alias)
    return None


def first_value(obj: Mapping, keys: Iterable[str], folded: Mapping[str, str] | None = None) -> str:
    """The first non-empty value of ``obj`` under one of ``keys`` (compared in :func:`column_key` form), as text.

    ``folded`` maps :func:`column_key` forms to the object's own keys (computed once per object).
    """
    folded = folded if folded is not None else {column_key(k): k for k in reversed(list(obj))}
    for key in keys:
        own = folded.get(key)
        if own is not None and obj[own] not in (None, ""):
            return str(obj[own])
    return ""
