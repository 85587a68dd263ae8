"""Print the report page to PDF with headless Chromium, and keep the file small enough to upload.

The PDF is the HTML page itself, printed: one renderer, so the two never
disagree.  The page's print stylesheet (:mod:`dunning_nlp.report.html`)
leaves ordinary messages out, breaks tables between rows, keeps charts whole
and puts the generation time and input hashes in every page's footer.
Chromium is looked up as ``$DUNNING_NLP_CHROMIUM``, then ``chromium``,
``chromium-browser``, ``google-chrome``; without it the user gets one line
saying what to install, never an HTML file with a ``.pdf`` name.

Size.  Chromium embeds a subset of each font, except when a CJK font is used
for more than some 760 distinct characters: with WenQuanYi Zen Hei (the CJK
font Debian installs) it then embeds the whole 17 MB font, and a report of a
few hundred messages became a 10 MB PDF, over many complaint forms' upload
limits.  :func:`subset_fonts` rewrites such a file with each large embedded
TrueType font cut down to the glyphs the pages use (fontTools, glyph ids
kept, so the page content is untouched).  Without fontTools the PDF is
written as Chromium made it.

The page has no scripts and a ``default-src 'none'`` CSP, and Chromium runs
with a throw-away profile and background networking off.  The file is written
with :func:`dunning_nlp._files.atomic_writer`: a failed print leaves no file.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path

from .._files import atomic_writer
from ..errors import DunningNLPError

__all__ = ["PDFError", "find_chromium", "html_to_pdf", "subset_fonts"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_TIMEOUT = 180  # seconds: a report of some thousand messages prints in a few
#: An embedded font program larger than this (uncompressed) is subset again.
_LARGE_FONT = 1 << 20


class PDFError(DunningNLPError, RuntimeError):
    """The PDF cannot be printed: no Chromium, or Chromium failed."""

    code = "DNLP150"


def find_chromium() -> str:
    """Path of the Chromium to print with; a one-line :class:`PDFError` saying what to install otherwise."""
    override = os.environ.get("DUNNING_NLP_CHROMIUM")
    if override:
        found = shutil.which(override)
        if not found:
            raise PDFError(f"cannot write PDF: DUNNING_NLP_CHROMIUM={override!r} is not an executable")
        return found
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise PDFError(
        "cannot write PDF: headless Chromium not found; install it (Debian: apt-get install chromium "
        "fonts-wqy-zenhei, or run scripts/setup_browser.sh) or write HTML with -o report.html"
    )


def html_to_pdf(html: str, path: str) -> None:
    """Print ``html`` to the PDF file ``path`` (written atomically: a failed print leaves no file)."""
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="dnlp-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        command = [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise PDFError(f"cannot write PDF {path}: Chromium did not finish within {_TIMEOUT} s") from None
        except OSError as exc:
            raise PDFError(f"cannot write PDF {path}: cannot run {browser}: {exc.strerror or exc}") from None
        data = out.read_bytes() if out.is_file() else b""
        if data[:5] != b"%PDF-":
            last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
            raise PDFError(f"cannot write PDF {path}: Chromium exited with {done.returncode} ({last[:200]})")
    with atomic_writer(path, binary=True) as fh:
        fh.write(subset_fonts(data))


# ---------------------------------------------------------------------------------------------- font subsetting
_HEX = re.compile(rb"<([0-9A-Fa-f\s]+)>")
_CMAP_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.DOTALL)
_CMAP_TOKEN = re.compile(rb"<([0-9A-Fa-f]+)>|\[[^\]]*\]")


def _objects(data: bytes) -> dict[int, tuple[int, int]]:
    """Object number → (start, end) of ``N 0 obj … endobj`` from the classic xref table Chromium writes."""
    start = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    if data[start : start + 4] != b"xref":
        raise ValueError("no classic xref table")
    lines = data[start : data.index(b"trailer", start)].split(b"\n")[1:]
    offsets: dict[int, int] = {}
    i = 0
    while i < len(lines):
        section = lines[i].split()
        if len(section) != 2:
            i += 1
            continue
        first, count = int(section[0]), int(section[1])
        for n in range(count):
            entry = lines[i + 1 + n].split()
            if entry[2] == b"n":
                offsets[first + n] = int(entry[0])
        i += 1 + count
    spans = {}
    for number, offset in offsets.items():
        head = _dictionary_end(data, data.index(b"obj", offset) + 3)
        after = data[head : head + 16].lstrip()
        if after.startswith(b"stream"):
            length = int(_search(rb"/Length (\d+)", data[offset:head]).group(1))
            body = data.index(b"stream", head) + len(b"stream")
            body += 2 if data[body : body + 2] == b"\r\n" else 1
            end = data.index(b"endobj", body + length) + len(b"endobj")
        else:
            end = data.index(b"endobj", head) + len(b"endobj")
        spans[number] = (offset, end)
    return spans


def _dictionary_end(data: bytes, pos: int) -> int:
    """Position just after the object that starts at ``pos`` when it is a dictionary (``<< … >>``), else ``pos``."""
    while data[pos : pos + 1].isspace():
        pos += 1
    if data[pos : pos + 2] != b"<<":
        return pos
    depth = 0
    while pos < len(data):
        two = data[pos : pos + 2]
        if two == b"<<":
            depth, pos = depth + 1, pos + 2
        elif two == b">>":
            depth, pos = depth - 1, pos + 2
            if depth == 0:
                return pos
        elif data[pos : pos + 1] == b"(":  # a literal string: skip to its closing bracket
            level, pos = 1, pos + 1
            while level:
                ch = data[pos : pos + 1]
                pos += 2 if ch == b"\\" else 1
                level += {b"(": 1, b")": -1}.get(ch, 0)
        elif data[pos : pos + 1] == b"<":  # a hex string
            pos = data.index(b">", pos) + 1
        else:
            pos += 1
    raise ValueError("unterminated dictionary")


def _search(pattern: bytes, data: bytes) -> re.Match[bytes]:
    """``re.search`` that raises (the caller falls back to the PDF as Chromium made it) instead of giving None."""
    match = re.search(pattern, data)
    if match is None:
        raise ValueError(f"{pattern!r} not found")
    return match


def _stream(obj: bytes) -> tuple[bytes, bytes]:
    """(dictionary, decoded data) of a stream object."""
    head, _, rest = obj.partition(b"stream")
    rest = rest[2:] if rest[:2] == b"\r\n" else rest[1:]
    length = int(_search(rb"/Length (\d+)", head).group(1))
    raw = rest[:length]
    return head, zlib.decompress(raw) if b"/FlateDecode" in head else raw


def _glyphs_of(cmap: bytes) -> set[int]:
    """Glyph ids a ToUnicode CMap maps (every glyph the font draws text with)."""
    found: set[int] = set()
    for section in _CMAP_SECTION.finditer(cmap):
        tokens = [m.group(1) for m in _CMAP_TOKEN.finditer(section.group(2))]
        if section.group(1) == b"bfchar":
            found.update(int(code, 16) for code in tokens[0::2])
        else:
            for low, high in zip(tokens[0::3], tokens[1::3]):
                found.update(range(int(low, 16), int(high, 16) + 1))
    return found


def subset_fonts(data: bytes) -> bytes:
    """``data`` (a PDF from Chromium) with every large embedded TrueType font subset to the glyphs in use.

    Glyph ids are kept (``retain_gids``), so text drawn with them is unchanged.  Any surprise in the file's
    structure, or no fontTools, returns ``data`` as it is: a larger PDF, never a broken one.
    """
    try:
        from fontTools import subset as ft_subset
    except ImportError:
        return data
    try:
        return _subset(data, ft_subset)
    except Exception:  # noqa: BLE001 - a PDF that prints is worth more than a small one
        return data


def _subset(data: bytes, ft_subset) -> bytes:
    """:func:`subset_fonts` without the safety net."""
    spans = _objects(data)
    objs = {n: data[a:b] for n, (a, b) in spans.items()}
    used = _glyphs_drawn(objs.values())
    replaced: dict[int, bytes] = {}
    for obj in objs.values():
        if b"/DescendantFonts" not in obj or b"/ToUnicode" not in obj:
            continue
        cid = objs[_ref(obj, "DescendantFonts \\[")]
        if b"/CIDToGIDMap /Identity" not in cid:
            continue
        descriptor = objs[_ref(cid, "FontDescriptor")]
        if b"/FontFile2 " not in descriptor:
            continue
        number = _ref(descriptor, "FontFile2")
        _, program = _stream(objs[number])
        if len(program) < _LARGE_FONT:
            continue
        _, cmap = _stream(objs[_ref(obj, "ToUnicode")])
        font = _font(program, _search(rb"/BaseFont /(?:[A-Z]{6}\+)?([^\s/>]+)", obj).group(1).decode())
        glyphs = sorted(g for g in (_glyphs_of(cmap) | used | {0}) if g < font["maxp"].numGlyphs)
        small = _subset_font(font, glyphs, ft_subset)
        packed = zlib.compress(small, 9)
        replaced[number] = (
            (
                f"{number} 0 obj\n<</Length1 {len(small)}\n/Filter /FlateDecode\n/Length {len(packed)}>> stream\n"
            ).encode()
            + packed
            + b"\nendstream\nendobj"
        )
    if not replaced:
        return data
    return _rewrite(data, spans, {**objs, **replaced})


def _ref(obj: bytes, key: str) -> int:
    """The object number ``obj`` refers to under ``/key`` (``/FontFile2 12 0 R`` → 12)."""
    return int(_search(rf"/{key}\s*(\d+) 0 R".encode(), obj).group(1))


def _glyphs_drawn(objects) -> set[int]:
    """Every 2-byte glyph code shown by a text operator in any content stream (pages and forms)."""
    used: set[int] = set()
    for obj in objects:
        head = obj[:400]
        if b"stream" not in head or b"/Length1" in head or b"/Subtype /Image" in head:
            continue
        _, content = _stream(obj)
        if b" Tj" in content or b"TJ" in content:
            for m in _HEX.finditer(content):
                digits = re.sub(rb"\s", b"", m.group(1))
                used.update(int(digits[i : i + 4], 16) for i in range(0, len(digits) - 3, 4))
    return used


def _subset_font(font, glyphs: list[int], ft_subset) -> bytes:
    """The TrueType program of ``font`` cut to ``glyphs``, glyph ids kept, layout and bitmap tables dropped."""
    options = ft_subset.Options()
    options.retain_gids = True
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.drop_tables += ["BDF ", "FFTM", "EBDT", "EBLC", "EBSC", "GSUB", "GPOS", "GDEF"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(gids=glyphs)
    quiet = logging.getLogger("fontTools")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "BDF  NOT subset; dropped" is what we ask for
    try:
        subsetter.subset(font)
    finally:
        quiet.setLevel(level)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _font(program: bytes, name: str):
    """The font in an embedded program: the program itself, or the face called ``name`` in a collection (.ttc)."""
    from fontTools.ttLib import TTCollection, TTFont

    if program[:4] != b"ttcf":
        return TTFont(io.BytesIO(program))
    faces = TTCollection(io.BytesIO(program)).fonts
    for face in faces:
        if face["name"].getDebugName(6) == name:
            return face
    return faces[0]


def _rewrite(data: bytes, spans: dict[int, tuple[int, int]], objs: dict[int, bytes]) -> bytes:
    """The PDF with ``objs`` in place of the old objects and a new xref table."""
    header_end = min(start for start, _ in spans.values())
    out = bytearray(data[:header_end])
    offsets = {}
    for number in sorted(objs):
        offsets[number] = len(out)
        out += objs[number] + b"\n"
    size = max(offsets) + 1
    xref = len(out)
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        out += (f"{offsets[number]:010d} 00000 n \n" if number in offsets else "0000000000 65535 f \n").encode()
    trailer = data[data.rindex(b"trailer") : data.rindex(b"startxref")]
    out += trailer + f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
