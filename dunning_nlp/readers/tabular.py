"""CSV/TSV exports, JSON Lines and plain text (one message per line).

CSV headers are matched against the names phone tools use, Chinese
(时间/号码/内容/类型) and English (iMazing: ``Message Date``, ``Sender ID``,
``Text``, ``Type``); ``--text-column`` and friends override them.  Lines are
read as bytes and decoded one by one, so a file that mixes encodings loses
no record: a line that decodes in none of them is kept with U+FFFD and
flagged in its ``error`` field.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from ..errors import ColumnError, UnknownFormatError
from .base import Message, get_tz, parse_time
from .encoding import decode_line, detect_encoding

__all__ = ["read_csv", "read_jsonl", "read_text", "COLUMN_ALIASES"]

#: Header names (lower-cased, spaces removed) recognised for each role, best first.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "message", "msg", "sms", "内容", "短信内容", "短信", "正文", "消息", "消息内容",
             "信息内容", "訊息內容", "簡訊內容", "内文", "messagetext", "smsbody"),
    "sender": ("senderid", "sender", "address", "from", "phone", "number", "phonenumber", "号码", "手机号", "手机号码",
               "电话", "号码/联系人", "发件人", "发送方", "对方号码", "联系人", "contact", "sendername", "電話", "號碼", "寄件人"),
    "timestamp": ("messagedate", "date", "time", "timestamp", "datetime", "sent", "received", "时间", "日期", "发送时间",
                  "接收时间", "短信时间", "時間", "日期時間"),
    "direction": ("type", "direction", "类型", "方向", "收发", "收/发", "類型", "status"),
}
_DIRECTIONS = {"1": "received", "2": "sent", "incoming": "received", "outgoing": "sent", "received": "received",
               "sent": "sent", "inbox": "received", "outbox": "sent", "接收": "received", "收到": "received", "收": "received",
               "发送": "sent", "已发送": "sent", "发": "sent", "收件": "received", "寄件": "sent"}
_SAMPLE = 256 * 1024


def _file_encoding(fh) -> str:
    """Detect the encoding from the start of a binary file and rewind it."""
    encoding = detect_encoding(fh.read(_SAMPLE))
    fh.seek(0)
    return encoding


def _key(name: str) -> str:
    return "".join(str(name).lower().split()).lstrip("\ufeff")


def _lines(fh, encoding: str, path: str) -> Iterator[tuple[int, str, bool]]:
    """Yield (line_no, text, clean) for each physical line of a binary file."""
    if encoding.startswith("utf-16"):
        reader = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
        try:
            for n, line in enumerate(reader, 1):
                yield n, line, "\ufffd" not in line
        finally:
            reader.detach()  # the caller owns and closes the binary file
        return
    for n, raw in enumerate(fh, 1):
        text, clean = decode_line(raw, encoding)
        yield n, text, clean


def _pick(header: list[str], role: str, override: str | None, path: str, required: bool) -> int | None:
    keys = [_key(h) for h in header]
    if override:
        if override.isdigit() and int(override) < len(header):
            return int(override)
        if _key(override) in keys:
            return keys.index(_key(override))
        raise ColumnError(f"{path}: no column named {override!r} (header: {', '.join(header)}); "
                          f"give --{role.replace('timestamp', 'time')}-column a name from the header or a 0-based index")
    for alias in COLUMN_ALIASES[role]:
        if alias in keys:
            return keys.index(alias)
    if required:
        raise UnknownFormatError(f"{path}: cannot tell which column holds the message text (header: "
                                 f"{', '.join(header)}); name it with --text-column")
    return None


def read_csv(path: str, fh, *, delimiter: str | None = None, text_column: str | None = None,
             sender_column: str | None = None, time_column: str | None = None, direction_column: str | None = None,
             tz: str | None = None, has_header: bool | None = None) -> Iterator[Message]:
    """Yield one message per CSV row (header sniffed; quoted newlines supported)."""
    zone = get_tz(tz)
    encoding = _file_encoding(fh)
    lines = _lines(fh, encoding, path)
    state = {"line": 0, "dirty": False}

    def feed() -> Iterator[str]:
        for n, text, clean in lines:
            state["line"] = n
            state["dirty"] = state["dirty"] or not clean
            yield text.replace("\x00", "")

    source = feed()
    first = next(source, None)
    if first is None:
        return
    if delimiter is None:
        head = first
        delimiter = "\t" if head.count("\t") > head.count(",") else ","
    header = next(csv.reader([first.rstrip("\r\n").replace("\r", " ")], delimiter=delimiter), [])
    text_keys = [_key(h) for h in header]
    if has_header is None:
        has_header = any(k in aliases for k in text_keys for aliases in COLUMN_ALIASES.values()) or bool(text_column and not text_column.isdigit())
    if not has_header and len(header) > 1 and not (text_column and text_column.isdigit()):
        raise UnknownFormatError(f"{path}: no recognised header (first line: {first.strip()[:80]!r}); name the "
                                 f"message column with --text-column NAME, or its 0-based index for a file without header")
    if has_header:
        idx_text = _pick(header, "text", text_column, path, required=len(header) > 1)
        idx_text = 0 if idx_text is None else idx_text
        idx = {"sender": _pick(header, "sender", sender_column, path, False),
               "timestamp": _pick(header, "timestamp", time_column, path, False),
               "direction": _pick(header, "direction", direction_column, path, False)}
        rows = csv.reader(source, delimiter=delimiter)
    else:
        idx_text = int(text_column) if text_column and text_column.isdigit() else (len(header) - 1)
        idx = {"sender": 0 if len(header) > 1 else None, "timestamp": None, "direction": None}
        rows = csv.reader(_chain(first, source), delimiter=delimiter)
    number = 0
    while True:
        state["dirty"] = False
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield Message(path, number, error=f"line {state['line']}: unreadable CSV row ({exc})")
            continue
        if not row or all(not c.strip() for c in row):
            continue  # blank line, not a record
        number += 1
        error = f"line {state['line']}: text not valid in any supported encoding; shown with U+FFFD" if state["dirty"] else ""

        def cell(i, row=row):
            return row[i] if i is not None and i < len(row) else ""

        if idx_text >= len(row):
            error = error or f"line {state['line']}: row has {len(row)} columns, no text column"
        direction = cell(idx["direction"]).strip()
        yield Message(path, number, text=cell(idx_text), sender=cell(idx["sender"]).strip(),
                      timestamp=parse_time(cell(idx["timestamp"]), zone),
                      direction=_DIRECTIONS.get(direction.lower(), direction), error=error)


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


_JSON_TEXT = ("text", "body", "content", "message", "msg", "内容")
_JSON_SENDER = ("sender", "address", "from", "phone", "number", "号码")
_JSON_TIME = ("timestamp", "date", "time", "datetime", "时间")
_JSON_DIR = ("direction", "type")


def _first(obj: dict, keys: tuple[str, ...]) -> str:
    for k in keys:
        if obj.get(k) not in (None, ""):
            return str(obj[k])
    return ""


def read_jsonl(path: str, fh, *, text_column: str | None = None, tz: str | None = None, **_) -> Iterator[Message]:
    """Yield one message per JSON line (an object with a text field, or a bare string)."""
    zone = get_tz(tz)
    encoding = _file_encoding(fh)
    number = 0
    for n, line, clean in _lines(fh, encoding, path):
        if not line.strip():
            continue
        number += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Message(path, number, error=f"line {n}: not valid JSON ({exc.msg})")
            continue
        if isinstance(obj, str):
            yield Message(path, number, text=obj)
            continue
        if not isinstance(obj, dict):
            yield Message(path, number, error=f"line {n}: expected an object or a string, got {type(obj).__name__}")
            continue
        if text_column and text_column not in obj:
            raise ColumnError(f"{path}: line {n} has no field {text_column!r}; fields: {', '.join(obj)}")
        text = str(obj.get(text_column, "")) if text_column else _first(obj, _JSON_TEXT)
        direction = _first(obj, _JSON_DIR)
        yield Message(path, number, text=text, sender=_first(obj, _JSON_SENDER),
                      timestamp=parse_time(_first(obj, _JSON_TIME), zone),
                      direction=_DIRECTIONS.get(direction.lower(), direction),
                      error="" if clean else f"line {n}: text not valid in any supported encoding")


def read_text(path: str, fh, **_) -> Iterator[Message]:
    """Yield one message per non-blank line."""
    encoding = _file_encoding(fh)
    number = 0
    for n, line, clean in _lines(fh, encoding, path):
        text = line.rstrip("\r\n").replace("\x00", "")
        if not text.strip():
            continue
        number += 1
        yield Message(path, number, text=text,
                      error="" if clean else f"line {n}: text not valid in any supported encoding; shown with U+FFFD")
