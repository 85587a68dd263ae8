"""A JSON array of messages (a ``.json`` export), streamed one element at a time.

Memory holds one element (plus a read chunk), not the whole file.  Each element is read as a JSON Lines
record would be (:func:`dunning_nlp.io.tabular.json_message`).  An element that is valid JSON but cannot be
decoded (nested 100,000 deep, a number of 5,000 digits) costs that element only: it becomes an error record
and the next element is read.  An array that is broken (not closed, a missing comma) yields one error record
where it breaks; later elements cannot be found.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import BinaryIO

from .message import Message

__all__ = ["JSONArrayStream", "read_json_array", "text_chunks"]


class _Undecodable(Exception):
    """An element that is well-formed but could not be decoded (``reason`` says why); it was skipped."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class JSONArrayStream:
    """The elements of one top-level JSON array, decoded from text chunks one element at a time.

    Iterating yields each element's value, or an :class:`_Undecodable` instance for an element that could
    not be decoded (it has been skipped); a broken array raises :class:`json.JSONDecodeError`.
    """

    _BLANK = " \t\r\n\ufeff"
    _DECODER = json.JSONDecoder()

    def __init__(self, chunks: Iterator[str]):
        self.chunks = chunks
        self.buf, self.pos, self.eof = "", 0, False

    def _fill(self) -> bool:
        chunk = next(self.chunks, None)
        if chunk is None:
            self.eof = True
            return False
        self.buf, self.pos = self.buf[self.pos :] + chunk, 0
        return True

    def _next_char(self) -> str:
        """The next non-blank character ('' at the end), not consumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in self._BLANK:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def _value(self):
        if not self._next_char():  # raw_decode does not skip blanks itself
            raise json.JSONDecodeError("the array is not closed", self.buf, self.pos)
        while True:
            try:
                value, end = self._DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue  # the element goes on in the next chunk
                raise
            except RecursionError:
                return self._skip("nested too deeply to decode")
            except ValueError as exc:  # a number longer than Python converts (sys.get_int_max_str_digits)
                return self._skip(f"cannot be decoded ({str(exc).split(':')[0]})")
            cut = end >= len(self.buf) or (isinstance(value, (int, float)) and self.buf[end] not in ",]" + self._BLANK)
            if cut and not self.eof and self._fill():
                continue  # a number cut by the chunk ("3." of "3.25") goes on in the next one
            self.pos = end
            return value

    def _skip(self, reason: str) -> _Undecodable:
        """Move past one well-formed element without decoding it (strings and brackets tracked)."""
        depth, in_string, escaped = 0, False, False
        while True:
            while self.pos < len(self.buf):
                char = self.buf[self.pos]
                if in_string:
                    if escaped:
                        escaped = False
                    elif char == "\\":
                        escaped = True
                    elif char == '"':
                        in_string = False
                elif char == '"':
                    in_string = True
                elif char in "[{":
                    depth += 1
                elif char in "]}":
                    if depth == 0:
                        return _Undecodable(reason)  # the array's own closing bracket
                    depth -= 1
                elif char == "," and depth == 0:
                    return _Undecodable(reason)
                self.pos += 1
            if not self._fill():
                raise json.JSONDecodeError("the array is not closed", self.buf, self.pos)

    def __iter__(self):
        if self._next_char() != "[":
            raise json.JSONDecodeError("expected '['", self.buf, self.pos)
        self.pos += 1
        if self._next_char() == "]":
            return
        while True:
            yield self._value()
            char = self._next_char()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                raise json.JSONDecodeError("expected ',' or ']' after an element", self.buf, self.pos - 1)


def _peek(fh: BinaryIO, size: int) -> bytes:
    head = fh.read(size)
    fh.seek(0)
    return head


def text_chunks(fh: BinaryIO, size: int = 1 << 20) -> Iterator[str]:
    """Decode a binary file in chunks, with the encoding detected from its start."""
    from .encoding import detect_encoding

    decoder = codecs.getincrementaldecoder(detect_encoding(_peek(fh, 256 * 1024)))(errors="replace")
    while True:
        data = fh.read(size)
        text = decoder.decode(data, final=not data)
        if text:
            yield text
        if not data:
            return


def read_json_array(source: str, fh: BinaryIO, *, text_column: str | None, tz: str | None) -> Iterator[Message]:
    """One message per element of a JSON array, each read exactly as a JSON Lines record would be."""
    from .message import get_tz
    from .tabular import json_message

    zone = get_tz(tz)
    number = 0
    try:
        for value in JSONArrayStream(text_chunks(fh)):
            number += 1
            where = f"array element {number}"
            if isinstance(value, _Undecodable):
                yield Message(source, number, error=f"{where}: {value.reason}")
                continue
            yield json_message(source, number, value, where, text_column=text_column, zone=zone)
    except json.JSONDecodeError as exc:
        yield Message(
            source,
            number + 1,
            error=f"JSON array broken after element {number} ({exc.msg}); elements after this point cannot be read",
        )
