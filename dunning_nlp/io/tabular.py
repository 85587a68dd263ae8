"""CSV/TSV exports, JSON Lines and plain text (one message per line).

CSV headers are matched against the names phone tools use
(:mod:`dunning_nlp.io.columns`: Chinese, Simplified and Traditional,
时间/號碼/內容/类型, and English, iMazing's ``Message Date``, ``Sender ID``,
``Text``, ``Type``); ``--text-column`` and friends override them, by name or
by 0-based index.  Lines are read as bytes and decoded one by one, so a file
that mixes encodings loses no record: a line that decodes in none of them is
kept with U+FFFD and flagged in its ``error`` field.

Guarantees and limits:

- a UTF-8 BOM never reaches a field, a header or a message;
- a first line is a header only when it names a known column (or one the
  user named) and holds nothing that looks like data (a phone number, a
  time, a long text): a first message is never taken for a header;
- a file without a header has its columns inferred from the first records:
  the text is the column with the most letters (Chinese or Latin), the time
  the one most cells of which parse as a time, the sender the one of phone
  numbers, the direction the one of direction words; an index given with
  ``--text-column 7`` (and friends) wins.  A first line of short names
  unknown to the reader is an unknown header: one error record asking for
  ``--text-column``;
- quoted fields may span lines (multi-line bodies).  A quote that opens a
  field and is never closed would swallow every line after it: when the
  lines it swallows are complete rows of their own, the line with the quote
  is read on its own (its row says so) and the next lines as rows;
- a field may be as long as :data:`FIELD_LIMIT` characters (the body is
  classified on its start and written in full);
- TSV is read without quote processing (plain TSV exports do not quote, and
  one stray ``"`` would otherwise swallow the lines after it): quotes stay
  text, and a TSV field cannot span lines;
- a ``.csv`` that is really plain text (one field per line, or no header and
  records of different widths) is read one message per line, commas and all;
- separate ``Date`` and ``Time`` columns are joined; a date without a time
  stays a date (no hour); an unreadable timestamp is left empty;
- what the reader had to guess (the encoding of a file that is not UTF-8, a
  timestamp it could not read, a text layout) is said in the row's ``note``;
- a row that breaks a rule nobody foresaw becomes one error record; the
  rows after it are read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC
from itertools import chain, islice
from typing import Literal

from ..errors import ColumnError, InputError, UnknownFormatError
from .columns import CLOCK_KEYS, COLUMN_ALIASES, DAY_KEYS, JSON_TIME_KEYS, column_key, first_value, known_keys
from .encoding import decode_with, detect_encoding, guess_note, is_guess
from .message import DIRECTIONS, Message, combine_date_time, direction_of, get_tz, parse_timestamp

__all__ = ["read_csv", "read_jsonl", "read_text", "json_message", "COLUMN_ALIASES", "FIELD_LIMIT"]

#: Longest CSV field read, in characters (Python's csv module stops at 131,072 by default).
FIELD_LIMIT = 1 << 26
_SAMPLE = 256 * 1024
_LOOKAHEAD = 50  # lines read before deciding on a header, the columns, or plain text
_PLAIN_NOTE = "read as plain text: no CSV header and rows of different widths, so each line is one message"
_PHONE_LIKE = re.compile(r"^\+?[0-9][0-9 ()\-]{3,}[0-9]$")
_LETTER = re.compile(r"[^\W\d_]")
_UTC = UTC
#: The csv module's quoting constants.
Quoting = Literal[0, 1, 2, 3]


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


# ----------------------------------------------------------------- header or data
def _data_like(cell: str) -> bool:
    """True for a cell no header holds: a phone number, a time, a long text."""
    value = cell.strip()
    if not value:
        return False
    if len(value) > 40:
        return True
    if _PHONE_LIKE.match(value) and sum(c.isdigit() for c in value) >= 5:
        return True
    return bool(parse_timestamp(value, _UTC)[0])


def _is_header(fields: list[str], columns: Iterable[str | None]) -> bool:
    """True when ``fields`` (a first line) name a known column, or one the user named, and hold no data."""
    known = known_keys() | {column_key(c) for c in columns if c and not c.isdigit()}
    return any(column_key(f) in known for f in fields) and not any(_data_like(f) for f in fields)


def _unknown_header(records: list[list[str]]) -> bool:
    """True when the first record looks like a header of names this reader does not know: short distinct
    words without digits, over columns whose other cells are numbers or times (csv.Sniffer's reasoning)."""
    if len(records) < 2:
        return False
    first, rest = records[0], records[1:]
    cells = [c.strip() for c in first]
    if (
        not all(cells)
        or len(set(cells)) != len(cells)
        or any(len(c) > 30 or any(ch.isdigit() for ch in c) for c in cells)
    ):
        return False
    for i in range(len(first)):
        values = [r[i].strip() for r in rest if i < len(r) and r[i].strip()]
        numeric = [
            v
            for v in values
            if v.replace(".", "", 1).replace("-", "").replace("+", "").isdigit() or parse_timestamp(v, _UTC)[0]
        ]
        if values and len(numeric) > len(values) / 2:
            return True
    return False


def _pick(header: list[str], role: str, override: str | None, path: str, required: bool) -> int | None:
    keys = [column_key(h) for h in header]
    if override:
        if override.isdigit() and int(override) < len(header):
            return int(override)
        if column_key(override) in keys:
            return keys.index(column_key(override))
        flag = f"--{role.replace('timestamp', 'time')}-column"
        raise ColumnError(
            f"{path}: no column named {override!r} (header: {', '.join(header)}); "
            f"give {flag} a name from the header or a 0-based index"
        )
    for alias in COLUMN_ALIASES[role]:
        if alias in keys:
            return keys.index(alias)
    if required:
        raise UnknownFormatError(
            f"{path}: cannot tell which column holds the message text (header: "
            f"{', '.join(header)}); name it with --text-column"
        )
    return None


def _headerless_index(role: str, override: str | None, width: int, path: str) -> int | None:
    """A column override for a file without a header: it must be a 0-based index."""
    if not override:
        return None
    if override.isdigit():
        return int(override)
    flag = f"--{role.replace('timestamp', 'time')}-column"
    raise ColumnError(
        f"{path}: the file has no header row ({width} columns), so {flag} {override!r} names nothing; "
        f"give {flag} a 0-based column index"
    )


def _clock_partner(header: list[str], idx_time: int | None) -> tuple[int, int] | None:
    """(date column, time column) when the timestamp is split over a ``Date`` and a ``Time`` column."""
    if idx_time is None:
        return None
    keys = [column_key(h) for h in header]
    mine = keys[idx_time]
    if mine in DAY_KEYS:
        other = next((i for i, k in enumerate(keys) if k in CLOCK_KEYS and i != idx_time), None)
        return None if other is None else (idx_time, other)
    if mine in CLOCK_KEYS:
        other = next((i for i, k in enumerate(keys) if k in DAY_KEYS and i != idx_time), None)
        return None if other is None else (other, idx_time)
    return None


def _split(line: str, delimiter: str, quoting: Quoting) -> list[str]:
    """The fields of one physical line on its own (a quote left open runs to the end of the line)."""
    return next(csv.reader([line.rstrip("\r\n").replace("\r", " ")], delimiter=delimiter, quoting=quoting), [])


def _strict(line: str, delimiter: str) -> list[str] | None:
    """The fields of one line on its own, or None when a quoted field is left open at its end."""
    try:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter, strict=True), [])
    except csv.Error:
        return None


def _head_records(head: list[tuple[int, str, str]], delimiter: str, quoting: Quoting) -> list[list[str]]:
    """The records of the first lines, quoted fields spanning lines joined (the last one may be cut short)."""
    lines = [text.replace("\x00", "") for _, text, _ in head]
    try:
        records = list(csv.reader(lines, delimiter=delimiter, quoting=quoting))
    except csv.Error:
        records = [_split(text, delimiter, quoting) for text in lines]
    records = [r for r in records if any(c.strip() for c in r)]
    return records[:-1] if len(head) >= _LOOKAHEAD and len(records) > 1 else records


def _looks_plain(records: list[list[str]]) -> bool:
    """True when the first records of a header-less file are one field each or of different widths."""
    widths = {len(r) for r in records}
    return widths == {1} or len(widths) > 1


# ----------------------------------------------------------------- columns of a file without a header
def _infer(records: list[list[str]], width: int, overrides: dict[str, int | None]) -> dict[str, int | None]:
    """Columns of a header-less file from its first records (see the module notes); given indices win."""
    stats = []
    for i in range(width):
        values = [r[i].strip() for r in records if i < len(r) and r[i].strip()]
        n = len(values) or 1
        stats.append(
            {
                "time": sum(bool(parse_timestamp(v, _UTC)[0]) for v in values) / n,
                "phone": sum(bool(_PHONE_LIKE.match(v)) and sum(c.isdigit() for c in v) >= 5 for v in values) / n,
                "direction": sum(v.lower() in DIRECTIONS and not v.isdigit() for v in values) / n,
                "letters": sum(len(_LETTER.findall(v)) for v in values) / n,
            }
        )
    found = dict(overrides)
    taken = {i for i in found.values() if i is not None}

    def best(key: str, threshold: float) -> int | None:
        ranked = sorted(
            (i for i in range(width) if i not in taken and stats[i][key] >= threshold),
            key=lambda i: (-stats[i][key], i),
        )
        return ranked[0] if ranked else None

    for role, key in (("timestamp", "time"), ("sender", "phone"), ("direction", "direction")):
        if found.get(role) is None:
            column = best(key, 0.8)
            found[role] = column
            if column is not None:
                taken.add(column)
    if found.get("text") is None:
        eligible = [
            i
            for i in range(width)
            if i not in taken and stats[i]["time"] < 0.5 and stats[i]["phone"] < 0.5 and stats[i]["letters"] >= 1
        ]
        found["text"] = max(eligible, key=lambda i: (stats[i]["letters"], i)) if eligible else None
    return found


def read_csv(
    path: str,
    fh,
    *,
    delimiter: str | None = None,
    text_column: str | None = None,
    sender_column: str | None = None,
    time_column: str | None = None,
    direction_column: str | None = None,
    tz: str | None = None,
    has_header: bool | None = None,
    encoding: str | None = None,
) -> Iterator[Message]:
    """Yield one message per CSV row (header sniffed, or columns inferred; quoted newlines supported in CSV,
    not in TSV)."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
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
    quoting: Quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    header = _split(first, delimiter, quoting)
    named = (text_column, sender_column, time_column, direction_column)
    if has_header is None:
        has_header = bool(text_column and not text_column.isdigit()) or _is_header(header, named)
    overrides = {"sender": sender_column, "timestamp": time_column, "direction": direction_column}
    if has_header:
        layout = _header_layout(path, header, text_column, overrides)
        width = len(header)
    else:
        records = _head_records(head, delimiter, quoting)
        given = bool(text_column and text_column.isdigit())
        if not given and _looks_plain(records):
            note = _PLAIN_NOTE if len(header) > 1 else ""
            yield from _text_records(path, chain(head, lines), explicit, note)
            return
        width = Counter(len(r) for r in records).most_common(1)[0][0] if records else len(header)
        indices = {role: _headerless_index(role, o, width, path) for role, o in overrides.items()}
        if not given and _unknown_header(records):
            raise UnknownFormatError(
                f"{path}: no recognised header (first line: {first.strip()[:80]!r}); name the "
                f"message column with --text-column NAME, or its 0-based index for a file "
                f"without header; use --format text if each line is one message"
            )
        found = _infer(records, width, {"text": int(text_column) if given and text_column else None, **indices})
        if found["text"] is None:
            raise UnknownFormatError(
                f"{path}: no header, and no column looks like message text (first line: "
                f"{first.strip()[:80]!r}); give --text-column its 0-based index; use "
                f"--format text if each line is one message"
            )
        layout = (found["text"], {role: found[role] for role in overrides}, None)
    yield from _csv_rows(
        path, chain(head, lines), header, has_header, width, delimiter, quoting, zone, explicit, layout
    )


def _header_layout(
    path: str, header: list[str], text_column: str | None, overrides: dict[str, str | None]
) -> tuple[int, dict[str, int | None], tuple[int, int] | None]:
    """(text column, other role columns, (date, time) columns to join) for a file's header."""
    idx_text = _pick(header, "text", text_column, path, required=len(header) > 1)
    idx_text = 0 if idx_text is None else idx_text
    idx = {role: _pick(header, role, override, path, False) for role, override in overrides.items()}
    return idx_text, idx, _clock_partner(header, idx["timestamp"])


def _stray(items: list[tuple[int, str, str]], width: int, delimiter: str, quoting: Quoting) -> list[str] | None:
    """The fields of the first line when a quote on it, never closed, swallowed the lines after it.

    That is so when the first line, read on its own, has the file's width, and so have the lines it
    swallowed (the last one may end in a quote that only looked like a closing one); a quoted text that
    really spans lines has shorter lines inside it.
    """
    if width < 2 or quoting == csv.QUOTE_NONE or len(items) < 2:
        return None
    first = items[0][1].replace("\x00", "")
    fields = _split(first, delimiter, quoting)
    if len(fields) != width:
        fields = _split(first, delimiter, csv.QUOTE_NONE)
        if len(fields) != width:
            return None
    inner = items[1:4]
    for k, (_, text, _) in enumerate(inner):
        last = k == len(inner) - 1 and len(items) <= 4
        alone = _split(text, delimiter, quoting) if last else _strict(text, delimiter)
        if alone is None or len(alone) != width:
            return None
    return fields


def _csv_rows(
    path: str,
    lines: Iterator[tuple[int, str, str]],
    header: list[str],
    has_header: bool,
    width: int,
    delimiter: str,
    quoting: Quoting,
    zone,
    explicit: str | None,
    layout: tuple[int, dict[str, int | None], tuple[int, int] | None],
) -> Iterator[Message]:
    """Parse the lines of a CSV/TSV into one Message per row."""
    idx_text, idx, split_time = layout
    state: dict = {"line": 0, "items": []}
    pending: deque = deque()  # lines given back after a stray quote

    def feed() -> Iterator[str]:
        while True:
            item = pending.popleft() if pending else next(lines, None)
            if item is None:
                return
            n, text, used = item
            if has_header and state["line"] == 0 and text.strip():
                state["line"] = n  # the header line itself is not a row
                continue
            if state["line"] == 0 and not text.strip():
                continue  # blank lines before the first row
            state["line"] = n
            state["items"].append(item)
            yield text.replace("\x00", "")

    rows = csv.reader(feed(), delimiter=delimiter, quoting=quoting)
    number = 0
    while True:
        state["items"] = []
        try:
            row = next(rows)
            problem = None
        except StopIteration:
            return
        except csv.Error as exc:
            row, problem = None, exc
        items = state["items"]
        fields = _stray(items, width, delimiter, quoting) if len(items) > 1 else None
        if fields is not None:
            pending.extendleft(reversed(items[1:]))
            number += 1
            line = items[0][0]
            yield _safe_row(
                path,
                number,
                fields,
                items[:1],
                header,
                idx_text,
                idx,
                split_time,
                zone,
                explicit,
                f'line {line}: a quote (") opened on this line is never closed; the line is read '
                f"on its own and the lines after it as rows",
            )
            continue
        if problem is not None:
            number += 1
            span = (
                f"line {items[0][0]}"
                if len(items) == 1
                else f"lines {items[0][0]}-{items[-1][0]}"
                if items
                else f"line {state['line']}"
            )
            yield Message(path, number, error=f"{span}: unreadable CSV row ({problem})")
            continue
        if not row or all(not c.strip() for c in row):
            continue  # blank line, not a record
        number += 1
        yield _safe_row(path, number, row, items, header, idx_text, idx, split_time, zone, explicit)


def _safe_row(
    path: str,
    number: int,
    row: list[str],
    items: list,
    header: list[str],
    idx_text: int,
    idx: dict[str, int | None],
    split_time,
    zone,
    explicit: str | None,
    note: str = "",
) -> Message:
    """:func:`_row_message`; should a row hold a value no rule foresaw, an error record instead of a stop."""
    try:
        message = _row_message(path, number, row, items, header, idx_text, idx, split_time, zone, explicit)
    except Exception as exc:  # noqa: BLE001 - reported in the record
        line = items[0][0] if items else "?"
        return Message(path, number, error=f"line {line}: row unreadable ({type(exc).__name__}: {str(exc)[:120]})")
    return replace(message, note=_notes(note, message.note)) if note else message


def _row_message(
    path: str,
    number: int,
    row: list[str],
    items: list,
    header: list[str],
    idx_text: int,
    idx: dict[str, int | None],
    split_time: tuple[int, int] | None,
    zone,
    explicit: str | None,
) -> Message:
    """One parsed row as a Message, with its error (unreadable text) and notes (guesses)."""
    line = items[-1][0] if items else 0
    dirty = any(not used for _, _, used in items)

    def cell(i: int | None) -> str:
        return row[i] if i is not None and i < len(row) else ""

    error = f"line {line}: text not valid in any supported encoding; shown with U+FFFD" if dirty else ""
    if len(header) == 1 and len(row) > 1:
        text = "".join(t for _, t, _ in items).rstrip("\r\n").replace("\x00", "")  # one column: commas are text
    else:
        text = cell(idx_text)
        if idx_text >= len(row):
            error = error or f"line {line}: row has {len(row)} columns, no text column"
    if split_time is not None:
        stamp, problem = combine_date_time(cell(split_time[0]), cell(split_time[1]), zone)
    else:
        stamp, problem = parse_timestamp(cell(idx["timestamp"]), zone)
    return Message(
        path,
        number,
        text=text,
        sender=cell(idx["sender"]).strip(),
        timestamp=stamp,
        direction=direction_of(cell(idx["direction"])),
        error=error,
        note=_notes(problem and f"line {line}: {problem}", _codec_note([used for _, _, used in items], explicit)),
    )


# ----------------------------------------------------------------- JSON
def _json_time(obj: dict, folded: dict[str, str], zone) -> tuple[str, str]:
    """(iso, problem) for an object's time fields; separate ``date`` and ``time`` fields are joined."""
    day, clock = (obj[folded[k]] if k in folded else None for k in ("date", "time"))
    if first_value(obj, ("timestamp", "datetime"), folded) == "" and day not in (None, "") and clock not in (None, ""):
        return combine_date_time(str(day), str(clock), zone)
    return parse_timestamp(first_value(obj, JSON_TIME_KEYS, folded), zone)


def json_message(
    source: str,
    number: int,
    obj,
    where: str,
    *,
    text_column: str | None,
    zone,
    note: str = "",
    undecodable: bool = False,
) -> Message:
    """One JSON value (a JSON Lines line or an element of a JSON array) as a Message.

    An object's fields are found by the header names CSV uses (:mod:`dunning_nlp.io.columns`); a bare string
    is the text; anything else is an error record.  ``where`` (``line 3``, ``array element 3``) starts every
    problem said.
    """
    if isinstance(obj, str):
        return Message(source, number, text=obj, note=note)
    if not isinstance(obj, dict):
        return Message(source, number, error=f"{where}: expected an object or a string, got {type(obj).__name__}")
    folded = {column_key(k): k for k in reversed(list(obj))}  # the first of two spellings wins
    if text_column:
        key = text_column if text_column in obj else folded.get(column_key(text_column))
        if key is None:
            raise ColumnError(f"{source}: {where} has no field {text_column!r}; fields: {', '.join(map(str, obj))}")
        text = "" if obj[key] is None else str(obj[key])
    else:
        text = first_value(obj, COLUMN_ALIASES["text"], folded)
    stamp, problem = _json_time(obj, folded, zone)
    return Message(
        source,
        number,
        text=text,
        sender=first_value(obj, COLUMN_ALIASES["sender"], folded),
        timestamp=stamp,
        direction=direction_of(first_value(obj, COLUMN_ALIASES["direction"], folded)),
        error=f"{where}: text not valid in any supported encoding" if undecodable else "",
        note=_notes(problem and f"{where}: {problem}", note),
    )


def read_jsonl(
    path: str, fh, *, text_column: str | None = None, tz: str | None = None, encoding: str | None = None, **_
) -> Iterator[Message]:
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
        except RecursionError:
            yield Message(path, number, error=f"line {n}: JSON nested too deeply to read")
            continue
        except ValueError as exc:  # a number longer than Python converts
            yield Message(path, number, error=f"line {n}: JSON value cannot be decoded ({str(exc).split(':')[0]})")
            continue
        try:
            yield json_message(
                path,
                number,
                obj,
                f"line {n}",
                text_column=text_column,
                zone=zone,
                note=guessed,
                undecodable=not used and isinstance(obj, dict),
            )
        except ColumnError:
            raise
        except Exception as exc:  # noqa: BLE001 - a value no rule foresaw: this record only
            yield Message(path, number, error=f"line {n}: record unreadable ({type(exc).__name__}: {str(exc)[:120]})")


# ----------------------------------------------------------------- plain text
def _text_records(
    path: str, lines: Iterable[tuple[int, str, str]], explicit: str | None, note: str = ""
) -> Iterator[Message]:
    """One Message per non-blank line, the whole line as text (quotes and commas included)."""
    number = 0
    for n, line, used in lines:
        text = line.rstrip("\r\n").replace("\x00", "")
        if not text.strip():
            continue
        number += 1
        yield Message(
            path,
            number,
            text=text,
            error="" if used else f"line {n}: text not valid in any supported encoding; shown with U+FFFD",
            note=_notes(note, _codec_note([used], explicit)),
        )


def read_text(path: str, fh, *, encoding: str | None = None, **_) -> Iterator[Message]:
    """Yield one message per non-blank line."""
    codec = _file_encoding(fh, encoding)
    yield from _text_records(path, _lines(fh, codec), codec if encoding else None)
