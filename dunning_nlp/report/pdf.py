"""Print the report page to PDF with headless Chromium.

The PDF is the HTML page itself, printed: one renderer, so the two never
disagree.  The page's print stylesheet (:mod:`dunning_nlp.report.html`)
breaks tables between rows, keeps charts whole and puts the generation time
and input hashes in every page's footer.  Chromium is looked up as
``$DUNNING_NLP_CHROMIUM``, then ``chromium``, ``chromium-browser``,
``google-chrome``; without it the user gets one line saying what to install,
never an HTML file with a ``.pdf`` name.

The page has no scripts and a ``default-src 'none'`` CSP, and Chromium runs
with a throw-away profile and background networking off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import DunningNLPError

__all__ = ["PDFError", "find_chromium", "html_to_pdf"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_TIMEOUT = 180  # seconds: a report of some thousand messages prints in a few


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
    raise PDFError("cannot write PDF: headless Chromium not found; install it (Debian: apt-get install chromium "
                   "fonts-wqy-zenhei, or run scripts/setup_browser.sh) or write HTML with -o report.html")


def html_to_pdf(html: str, path: str) -> None:
    """Print ``html`` to the PDF file ``path`` (written atomically: a failed print leaves no file)."""
    browser = find_chromium()
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="dnlp-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        command = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--disable-extensions", f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
                   f"--print-to-pdf={out}", page.as_uri()]
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise PDFError(f"cannot write PDF {path}: Chromium did not finish within {_TIMEOUT} s") from None
        except OSError as exc:
            raise PDFError(f"cannot write PDF {path}: cannot run {browser}: {exc.strerror or exc}") from None
        if not out.is_file() or out.read_bytes()[:5] != b"%PDF-":
            last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
            raise PDFError(f"cannot write PDF {path}: Chromium exited with {done.returncode} ({last[:200]})")
        partial = target.with_name(f".{target.name}.part")
        shutil.copyfile(out, partial)
        os.replace(partial, target)
