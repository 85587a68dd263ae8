"""Command-line interface: ``dunning-nlp COMMAND``; a thin layer over the library.

:func:`main` (in :mod:`~dunning_nlp.cli.app`) parses arguments and calls one library function per command.
"""

from .app import build_parser, main

__all__ = ["main", "build_parser"]
