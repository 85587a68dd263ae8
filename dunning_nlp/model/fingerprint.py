"""The feature fingerprint: everything outside a model file that decides which features a text gets.

A compiled model's weights only mean something for the features they were trained on: the rule signals, the
normaliser's patterns and tables, the user dictionary, the OpenCC tables, the tokenizer settings and the jieba
and OpenCC versions.  :func:`feature_fingerprint` digests them; :meth:`CompiledModel.save
<dunning_nlp.model.compiled.CompiledModel.save>` records it and :func:`check_feature_fingerprint` refuses a file
whose fingerprint differs from this installation's, with a message that says how to retrain.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import ModelCompatibilityError
from ..text.signals import SIGNALS, WARNED_CUES, WARNING

__all__ = ["feature_fingerprint", "check_feature_fingerprint"]

_RETRAIN = (
    "retrain it with `dunning-nlp train -o {directory} --name {name}` (with the --data/--extra files it "
    "was trained on), or use a model saved by this version"
)
_VERSION_PARTS = ("jieba", "opencc_version")


def feature_fingerprint(normaliser: Mapping[str, Any], tokenizer: Mapping[str, Any]) -> dict[str, Any]:
    """sha256 over everything outside a model file that decides which features a text gets.

    ``normaliser`` and ``tokenizer`` are the model's options (``CompiledModel.normaliser`` and the
    tokenizer's attributes).  Returns ``{"sha256": …, "parts": {…}}`` with one entry per part, so that a
    mismatch can say what changed:

    ``signals``
        name, pattern and flags of every rule signal (:data:`dunning_nlp.text.signals.SIGNALS`) and the cues a
        warning negates (:data:`~dunning_nlp.text.signals.WARNED_CUES`, :data:`~dunning_nlp.text.signals.WARNING`);
    ``normaliser``
        every pattern and table of :mod:`dunning_nlp.text.normalize` and the model's normaliser options;
    ``userdict``
        the bytes of the domain dictionary ``resources/userdict.txt``;
    ``opencc``
        the OpenCC configuration the normaliser converts with and the dictionaries it names;
    ``tokenizer``
        the tokenizer settings (the back-end *setting*: ``auto`` stays valid whichever back-end is
        installed) and the token filter;
    ``jieba``, ``opencc_version``
        the library versions, as plain version strings.

    The digest is the same in every process: sets and dicts are sorted (``tests/model/test_model_file_safety.py``
    checks it under another ``PYTHONHASHSEED``).
    """
    parts = dict(_static_parts())
    parts["normaliser"] = _digest({"rules": parts.pop("normaliser_rules"), "options": dict(normaliser)})
    parts["tokenizer"] = _digest({"settings": dict(tokenizer), "filter": parts.pop("tokenizer_rules")})
    parts = dict(sorted(parts.items()))
    return {"sha256": _digest(parts), "parts": parts}


def check_feature_fingerprint(config: Mapping[str, Any], source: Any) -> None:
    """Refuse a compiled model whose features were defined otherwise than this installation defines them.

    The one place where the fingerprint is checked (:meth:`CompiledModel.load` calls it).  Raises
    :class:`~dunning_nlp.errors.ModelCompatibilityError` naming the parts that changed and how to retrain.
    """
    stored = config.get("feature_fingerprint")
    retrain = _retrain_hint(source)
    if not isinstance(stored, dict) or not isinstance(stored.get("sha256"), str):
        raise ModelCompatibilityError(
            f"{source}: the model records no feature fingerprint (it was saved by an older dunning_nlp), so this "
            f"version cannot check that its signals, normaliser rules, dictionary and tokenizer are the ones its "
            f"weights were trained on — {retrain}"
        )
    here = feature_fingerprint(config.get("normaliser", {}), config.get("tokenizer", {}))
    if stored["sha256"] == here["sha256"]:
        return
    parts = stored.get("parts")
    before = parts if isinstance(parts, dict) else {}
    changed = [
        _describe_change(part, before.get(part), now) for part, now in here["parts"].items() if before.get(part) != now
    ] or ["the fingerprint"]
    raise ModelCompatibilityError(
        f"{source}: the model's features were defined differently when it was saved ({', '.join(changed)} "
        f"changed since), so its weights do not fit the features this version computes — {retrain}"
    )


def _describe_change(part: str, before: Any, now: str) -> str:
    if part in _VERSION_PARTS:
        return f"{part.replace('_version', '')} {before or '?'} → {now}"
    return part


def _retrain_hint(source: Any) -> str:
    if isinstance(source, (str, Path)):
        path = Path(source)
        return _RETRAIN.format(directory=path.parent, name=path.stem)
    return _RETRAIN.format(directory="DIR", name="NAME")


@lru_cache(maxsize=1)
def _static_parts() -> tuple[tuple[str, str], ...]:
    """The parts that do not depend on a model's options, computed once per process."""
    from ..text import normalize, segment

    return (
        (
            "signals",
            _digest(
                [[s.name, _canonical(s.pattern)] for s in SIGNALS]
                + [["warned", list(WARNED_CUES), _canonical(WARNING)]]
            ),
        ),
        ("normaliser_rules", _digest(_module_tables(normalize))),
        ("tokenizer_rules", _digest(_canonical(segment._DROP_RE))),
        ("userdict", hashlib.sha256((files("dunning_nlp") / "resources" / "userdict.txt").read_bytes()).hexdigest()),
        ("opencc", _opencc_digest(normalize._t2s().conversion)),
        ("jieba", _library_version("jieba", "jieba")),
        ("opencc_version", _library_version("opencc-python-reimplemented", "opencc")),
    )


def _module_tables(module: ModuleType) -> dict[str, Any]:
    """Every module-level pattern, string, number and table of ``module`` (not its functions), canonical.

    Read from the module rather than listed by hand, so that a rule added to the normaliser is covered
    without anyone remembering to add it here.
    """
    kinds = (re.Pattern, str, bytes, int, float, dict, list, tuple, set, frozenset, enum.Enum)
    return {
        name: _canonical(value)
        for name, value in sorted(vars(module).items())
        if not name.startswith("__") and (isinstance(value, kinds) or _is_dataclass_instance(value))
    }


def _is_dataclass_instance(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _canonical(value: Any) -> Any:
    """A JSON value that is the same for equal tables in every process (sets and dicts sorted)."""
    if isinstance(value, re.Pattern):
        pattern = value.pattern
        return {"re": pattern if isinstance(pattern, str) else pattern.hex(), "flags": int(value.flags)}
    if isinstance(value, enum.Enum):
        return {"enum": type(value).__qualname__, "value": _canonical(value.value)}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, dict):
        items = [[_canonical(k), _canonical(v)] for k, v in value.items()]
        return {"dict": sorted(items, key=lambda kv: _json(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return {"set": sorted((_canonical(v) for v in value), key=_json)}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if _is_dataclass_instance(value):
        return {
            "dataclass": type(value).__qualname__,
            "fields": {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    if callable(value):  # a rule's replacement function: its name (its code is the package version's), not
        # the module it lives in, so that moving a module does not invalidate every saved model
        return {"callable": getattr(value, "__qualname__", type(value).__qualname__)}
    text = repr(value)
    return {"object": type(value).__qualname__ if " at 0x" in text else text}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(value: Any) -> str:
    return hashlib.sha256(_json(value).encode("utf-8", "surrogatepass")).hexdigest()


def _opencc_digest(conversion: str) -> str:
    """sha256 of an OpenCC configuration and of every dictionary file it names, in order."""
    h = hashlib.sha256()
    try:
        root = files("opencc")
        config = (root / "config" / f"{conversion}.json").read_bytes()
        h.update(config)
        for name in _dictionary_files(json.loads(config)):
            data = (root / "dictionary" / name).read_bytes()
            h.update(f"\0{name}\0{len(data)}\0".encode())
            h.update(data)
    except (OSError, ValueError, ModuleNotFoundError) as exc:  # another OpenCC layout: its version still counts
        h.update(f"unreadable:{conversion}:{type(exc).__name__}".encode())
    return h.hexdigest()


def _dictionary_files(config: Any) -> list[str]:
    """The ``file`` entries of an OpenCC configuration, in order of appearance."""
    if isinstance(config, dict):
        found = [config["file"]] if isinstance(config.get("file"), str) else []
        return found + [f for key, v in config.items() if key != "file" for f in _dictionary_files(v)]
    if isinstance(config, list):
        return [f for v in config for f in _dictionary_files(v)]
    return []


def _library_version(distribution: str, module: str) -> str:
    """Installed version of a library, from its metadata (without importing it when possible)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        import importlib

        try:
            return str(getattr(importlib.import_module(module), "__version__", "unknown"))
        except ImportError:
            return "missing"
