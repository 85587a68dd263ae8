"""CSV/TSV exports, JSON Lines and plain text (one message per line).

CSV headers are matched against the names phone tools use, Chinese
(时间/号码/内容/类型) and English (iMazing: ``Message Date``, ``Sender ID``,
``Text``, ``Type``); ``--text-column`` and friends override them, by name or
by 0-based index (the only way for a file without a header).  Lines are
read as bytes and decoded one by one, so a file that mixes encodings loses
no record: a line that decodes in none of them is kept with U+FFFD and
flagged in its ``error`` field.

Guarantees and limits:

- a UTF-8 BOM never reaches a field, a header or a message;
- TSV is read without quote processing (plain TSV exports do not quote, and
  one stray ``"`` would otherwise swallow the lines after it): quotes stay
  text, and a TSV field cannot span lines;
- a ``.csv`` that is really plain text (one field per line, or no header and
  rows of different widths) is read one message per line, commas and all;
- separate ``Date`` and ``Time`` columns are joined; a date without a time
  stays a date (no hour); an unreadable timestamp is left empty;
- what the reader had to guess (the encoding of a file that is not UTF-8, a
  timestamp it could not read, a text layout) is said in the row's ``note``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from itertools import chain, islice
from typing import Iterable, Iterator

from ..errors import ColumnError, InputError, UnknownFormatError
from .message import Message, combine_date_time, get_tz, parse_timestamp
from .encoding import decode_with, detect_encoding, guess_note, is_guess

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
#: Headers of a column that holds only a calendar date, and of one that holds only a time of day.
_DAY_KEYS = ("date", "日期", "day", "发送日期", "接收日期")
_CLOCK_KEYS = ("time", "时间", "時間", "clock", "发送时间", "接收时间")
_DIRECTIONS = {"1": "received", "2": "sent", "incoming": "received", "outgoing": "sent", "received": "received",
               "sent": "sent", "inbox": "received", "outbox": "sent", "接收": "received", "收到": "received", "收": "received",
               "发送": "sent", "已发送": "sent", "发": "sent", "收件": "received", "寄件": "sent"}
_SAMPLE = 256 * 1024
_LOOKAHEAD = 50  # lines read before deciding whether a headerless .csv is really plain text
_PLAIN_NOTE = "read as plain text: no CSV header and rows of different widths, so each line is one message"


def _file_encoding(fh, encoding: str | None = None) -> str:
    """The codec to read a binary file with: ``encoding`` when given, else detected from its start (rewinds)."""
    if encoding:  # named by the user: not a guess
        try:
            return codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"unknown text encoding {encoding!r}; use e.g. utf-8, gb18030, big5 or cp1252") from None
    detected = detect_encoding(fh.read(_SAMPLE))
    fh.seek(0)
    return detected


def _key(name: str) -> str:
    return "".join(str(name).lower().split()).lstrip("\ufeff")


def _lines(fh, encoding: str) -> Iterator[tuple[int, str, str]]:
    """Yield (line_no, text, codec) for each physical line of a binary file.

    ``codec`` is the codec that decoded the line, '' when none did (then the
    text holds U+FFFD).  A byte-order mark is dropped wherever it starts a
    line (files concatenated with ``cat`` carry one in the middle), so it can
    never become a record, a header prefix or part of a message.
    """
    if encoding.replace("_", "-").startswith("utf-16"):
        reader = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
        try:
            for n, line in enumerate(reader, 1):
                yield n, line.lstrip("\ufeff"), "" if "\ufffd" in line else encoding
        finally:
            reader.detach()  # the caller owns and closes the binary file
        return
    for n, raw in enumerate(fh, 1):
        text, used = decode_with(raw, encoding)
        yield n, text.lstrip("\ufeff"), used


def _notes(*parts: str) -> str:
    """Join the non-empty notes of one record."""
    return "; ".join(dict.fromkeys(p for p in parts if p))


def _codec_note(used: Iterable[str], explicit: str | None) -> str:
    """The guessed-encoding note for a record decoded with ``used`` codecs ('' when nothing was guessed)."""
    guessed = [c for c in dict.fromkeys(used) if c and is_guess(c) and c != explicit]
    return "; ".join(guess_note(c) for c in guessed)


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


def _headerless_index(role: str, override: str | None, width: int, path: str) -> int | None:
    """A column override for a file without a header: it must be a 0-based index."""
    if not override:
        return None
    if override.isdigit():
        return int(override)
    flag = f"--{role.replace('timestamp', 'time')}-column"
    raise ColumnError(f"{path}: the file has no header row ({width} columns), so {flag} {override!r} names nothing; "
                      f"give {flag} a 0-based column index")


def _clock_partner(header: list[str], idx_time: int | None) -> tuple[int, int] | None:
    """(date column, time column) when the timestamp is split over a ``Date`` and a ``Time`` column."""
    if idx_time is None:
        return None
    keys = [_key(h) for h in header]
    mine = keys[idx_time]
    if mine in _DAY_KEYS:
        other = next((i for i, k in enumerate(keys) if k in _CLOCK_KEYS and i != idx_time), None)
        return None if other is None else (idx_time, other)
    if mine in _CLOCK_KEYS:
        other = next((i for i, k in enumerate(keys) if k in _DAY_KEYS and i != idx_time), None)
        return None if other is None else (other, idx_time)
    return None


def _split(line: str, delimiter: str, quoting: int) -> list[str]:
    """The fields of one physical line on its own."""
    return next(csv.reader([line.rstrip("\r\n").replace("\r", " ")], delimiter=delimiter, quoting=quoting), [])


def _looks_plain(head: list[tuple[int, str, str]], delimiter: str, quoting: int) -> bool:
    """True when the first lines of a header-less file are one field each or of different widths: plain text."""
    widths = {len(_split(text, delimiter, quoting)) for _, text, _ in head if text.strip()}
    return widths == {1} or len(widths) > 1


def read_csv(path: str, fh, *, delimiter: str | None = None, text_column: str | None = None,
             sender_column: str | None = None, time_column: str | None = None, direction_column: str | None = None,
             tz: str | None = None, has_header: bool | None = None, encoding: str | None = None) -> Iterator[Message]:
    """Yield one message per CSV row (header sniffed; quoted newlines supported in CSV, not in TSV)."""
    zone = get_tz(tz)
    codec = _file_encoding(fh, encoding)
    explicit = codec if encoding else None
    lines = _lines(fh, codec)
    head = list(islice(lines, _LOOKAHEAD))
    first = next((text for _, text, _ in head if text.strip()), None)
    if first is None:
        return
    if delimiter is None:
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    header = _split(first, delimiter, quoting)
    if has_header is None:
        has_header = (any(_key(h) in aliases for h in header for aliases in COLUMN_ALIASES.values())
                      or bool(text_column and not text_column.isdigit()))
    if not has_header and not (text_column and text_column.isdigit()):
        if _looks_plain(head, delimiter, quoting):
            note = _PLAIN_NOTE if len(header) > 1 else ""
            yield from _text_records(path, chain(head, lines), explicit, note)
            return
        raise UnknownFormatError(f"{path}: no recognised header (first line: {first.strip()[:80]!r}); name the "
                                 f"message column with --text-column NAME, or its 0-based index for a file without "
                                 f"header; use --format text if each line is one message")
    yield from _csv_rows(path, chain(head, lines), header, has_header, delimiter, quoting, zone, explicit,
                         text_column, {"sender": sender_column, "timestamp": time_column,
                                       "direction": direction_column})


def _layout(path: str, header: list[str], has_header: bool, text_column: str | None,
            overrides: dict[str, str | None]) -> tuple[int, dict[str, int | None], tuple[int, int] | None]:
    """(text column, other role columns, (date, time) columns to join) for a file's header or width."""
    if has_header:
        idx_text = _pick(header, "text", text_column, path, required=len(header) > 1)
        idx_text = 0 if idx_text is None else idx_text
        idx = {role: _pick(header, role, override, path, False) for role, override in overrides.items()}
        return idx_text, idx, _clock_partner(header, idx["timestamp"])
    idx_text = int(text_column) if text_column and text_column.isdigit() else len(header) - 1
    idx = {role: _headerless_index(role, override, len(header), path) for role, override in overrides.items()}
    if idx["sender"] is None and len(header) > 1 and not overrides["sender"] and idx_text != 0:
        idx["sender"] = 0
    return idx_text, idx, None


def _csv_rows(path: str, lines: Iterator[tuple[int, str, str]], header: list[str], has_header: bool, delimiter: str,
              quoting: int, zone, explicit: str | None, text_column: str | None,
              overrides: dict[str, str | None]) -> Iterator[Message]:
    """Parse the lines of a CSV/TSV into one Message per row."""
    idx_text, idx, split_time = _layout(path, header, has_header, text_column, overrides)
    state: dict = {"line": 0, "dirty": False, "codecs": [], "raw": []}

    def feed() -> Iterator[str]:
        for n, text, used in lines:
            if has_header and state["line"] == 0 and text.strip():
                state["line"] = n  # the header line itself is not a row
                continue
            if state["line"] == 0 and not text.strip():
                continue  # blank lines before the first row
            state["line"] = n
            state["dirty"] = state["dirty"] or not used
            state["codecs"].append(used)
            state["raw"].append(text)
            yield text.replace("\x00", "")

    rows = csv.reader(feed(), delimiter=delimiter, quoting=quoting)
    number = 0
    while True:
        state.update(dirty=False, codecs=[], raw=[])
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
        yield _row_message(path, number, row, state, header, idx_text, idx, split_time, zone, explicit)


def _row_message(path: str, number: int, row: list[str], state: dict, header: list[str], idx_text: int,
                 idx: dict[str, int | None], split_time: tuple[int, int] | None, zone, explicit: str | None) -> Message:
    """One parsed row as a Message, with its error (unreadable text) and notes (guesses)."""
    line = state["line"]

    def cell(i: int | None) -> str:
        return row[i] if i is not None and i < len(row) else ""

    error = f"line {line}: text not valid in any supported encoding; shown with U+FFFD" if state["dirty"] else ""
    if len(header) == 1 and len(row) > 1:
        text = "".join(state["raw"]).rstrip("\r\n").replace("\x00", "")  # a one-column file: commas are text
    else:
        text = cell(idx_text)
        if idx_text >= len(row):
            error = error or f"line {line}: row has {len(row)} columns, no text column"
    if split_time is not None:
        stamp, problem = combine_date_time(cell(split_time[0]), cell(split_time[1]), zone)
    else:
        stamp, problem = parse_timestamp(cell(idx["timestamp"]), zone)
    direction = cell(idx["direction"]).strip()
    return Message(path, number, text=text, sender=cell(idx["sender"]).strip(), timestamp=stamp,
                   direction=_DIRECTIONS.get(direction.lower(), direction), error=error,
                   note=_notes(problem and f"line {line}: {problem}", _codec_note(state["codecs"], explicit)))


_JSON_TEXT = ("text", "body", "content", "message", "msg", "内容")
_JSON_SENDER = ("sender", "address", "from", "phone", "number", "号码")
_JSON_TIME = ("timestamp", "datetime", "date", "time", "时间")
_JSON_DIR = ("direction", "type")


def _first(obj: dict, keys: tuple[str, ...]) -> str:
    for k in keys:
        if obj.get(k) not in (None, ""):
            return str(obj[k])
    return ""


def _json_time(obj: dict, zone) -> tuple[str, str]:
    """(iso, problem) for an object's time fields; separate ``date`` and ``time`` fields are joined."""
    if _first(obj, ("timestamp", "datetime")) == "" and obj.get("date") not in (None, "") \
            and obj.get("time") not in (None, ""):
        return combine_date_time(str(obj["date"]), str(obj["time"]), zone)
    return parse_timestamp(_first(obj, _JSON_TIME), zone)


def read_jsonl(path: str, fh, *, text_column: str | None = None, tz: str | None = None, encoding: str | None = None,
               **_) -> Iterator[Message]:
    """Yield one message per JSON line (an object with a text field, or a bare string)."""
    zone = get_tz(tz)
    codec = _file_encoding(fh, encoding)
    explicit = codec if encoding else None
    number = 0
    for n, line, used in _lines(fh, codec):
        if not line.strip():
            continue
        number += 1
        guessed = _codec_note([used], explicit)
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Message(path, number, error=f"line {n}: not valid JSON ({exc.msg})")
            continue
        if isinstance(obj, str):
            yield Message(path, number, text=obj, note=guessed)
            continue
        if not isinstance(obj, dict):
            yield Message(path, number, error=f"line {n}: expected an object or a string, got {type(obj).__name__}")
            continue
        if text_column and text_column not in obj:
            raise ColumnError(f"{path}: line {n} has no field {text_column!r}; fields: {', '.join(obj)}")
        text = str(obj.get(text_column, "")) if text_column else _first(obj, _JSON_TEXT)
        direction = _first(obj, _JSON_DIR)
        stamp, problem = _json_time(obj, zone)
        yield Message(path, number, text=text, sender=_first(obj, _JSON_SENDER), timestamp=stamp,
                      direction=_DIRECTIONS.get(direction.lower(), direction),
                      error="" if used else f"line {n}: text not valid in any supported encoding",
                      note=_notes(problem and f"line {n}: {problem}", guessed))


def _text_records(path: str, lines: Iterable[tuple[int, str, str]], explicit: str | None,
                  note: str = "") -> Iterator[Message]:
    """One Message per non-blank line, the whole line as text (quotes and commas included)."""
    number = 0
    for n, line, used in lines:
        text = line.rstrip("\r\n").replace("\x00", "")
        if not text.strip():
            continue
        number += 1
        yield Message(path, number, text=text,
                      error="" if used else f"line {n}: text not valid in any supported encoding; shown with U+FFFD",
                      note=_notes(note, _codec_note([used], explicit)))


def read_text(path: str, fh, *, encoding: str | None = None, **_) -> Iterator[Message]:
    """Yield one message per non-blank line."""
    codec = _file_encoding(fh, encoding)
    yield from _text_records(path, _lines(fh, codec), codec if encoding else None)
