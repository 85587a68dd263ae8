"""Exceptions raised by dunning_nlp.

Every error the package raises on purpose derives from one root, and each
also inherits the built-in a caller would expect, so ``except ValueError``
and ``except DunningNLPError`` both work::

    DunningNLPError (Exception)
    ├── ModelError
    │   ├── ModelNotFoundError (FileNotFoundError)
    │   ├── ModelIntegrityError (ValueError)      hash mismatch, tampered file
    │   └── ModelCompatibilityError (RuntimeError) other library versions / label set
    ├── InputError (ValueError)                   bad argument from a caller
    │   ├── UnknownFormatError                    cannot tell or read an input format
    │   └── ColumnError (KeyError)                a named column is missing
    ├── InputFileError (OSError)                  a file cannot be opened or read
    └── DataError (ValueError)                    a corpus / training file breaks the schema

Each class carries a stable ``code`` (``DNLP1xx``) that appears in messages,
so users can search for it in the README.
"""

from __future__ import annotations

__all__ = [
    "DunningNLPError",
    "ModelError",
    "ModelNotFoundError",
    "ModelIntegrityError",
    "ModelCompatibilityError",
    "InputError",
    "UnknownFormatError",
    "ColumnError",
    "InputFileError",
    "DataError",
]


class DunningNLPError(Exception):
    """Root of every error raised on purpose by dunning_nlp."""

    code = "DNLP100"

    def __str__(self) -> str:
        # BaseException's form, not KeyError's repr-quoted one.
        message = str(self.args[0]) if len(self.args) == 1 else BaseException.__str__(self)
        return f"[{self.code}] {message}"


class ModelError(DunningNLPError):
    """A model file cannot be used."""

    code = "DNLP110"


class ModelNotFoundError(ModelError, FileNotFoundError):
    """The model file or its manifest does not exist."""

    code = "DNLP111"


class ModelIntegrityError(ModelError, ValueError):
    """The model file does not match the sha256 recorded in its manifest."""

    code = "DNLP112"


class ModelCompatibilityError(ModelError, RuntimeError):
    """The model was built with other library versions or another label set."""

    code = "DNLP113"


class InputError(DunningNLPError, ValueError):
    """A caller passed an argument the library cannot use."""

    code = "DNLP120"


class UnknownFormatError(InputError):
    """An input format is unknown or cannot be detected."""

    code = "DNLP121"


class ColumnError(InputError, KeyError):
    """A column named by the user is not in the file."""

    code = "DNLP122"


class InputFileError(DunningNLPError, OSError):
    """An input file is missing or unreadable."""

    code = "DNLP130"


class DataError(DunningNLPError, ValueError):
    """A labelled data file breaks the corpus schema."""

    code = "DNLP140"
