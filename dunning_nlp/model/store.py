"""Saving and loading models: a compiled ``.npz``, a joblib pipeline and a JSON manifest.

A saved model ``NAME`` is three files:

``NAME.npz``
    The :class:`~dunning_nlp.model.compiled.CompiledModel`: plain arrays, read with
    ``allow_pickle=False``.  This is what :func:`dunning_nlp.load` reads: no
    code runs from the file and scikit-learn is not imported.
``NAME.joblib``
    The fitted scikit-learn pipeline, for retraining, inspection and
    :func:`load_model`.  It is a pickle, and **loading a pickle runs code**:
    only load pipelines you trained yourself or that come from a source you trust.
``NAME.json``
    The manifest: sha256 of both files, the package, scikit-learn, jieba and
    Python versions, the label set, the feature fingerprint, the hash of the
    training data and the evaluation metrics.

Training never replaces a saved model without being told to: :func:`save_model`
(and ``dunning-nlp train`` before it trains) refuses a directory that already
holds ``NAME.npz``, ``NAME.joblib`` or ``NAME.json`` unless ``overwrite=True``
(``--force``); by default training writes a new directory
(:func:`new_model_directory`), so the model shipped in ``models/`` (which an
editable install loads) is never replaced by accident.

Both loaders check the manifest first and refuse, with a message that says
how to retrain, a file whose hash, labels or library versions do not match.
The compiled loader also refuses a model whose feature fingerprint (signals,
normaliser rules, dictionary, OpenCC tables, tokenizer and versions; see
:func:`dunning_nlp.model.fingerprint.feature_fingerprint`) differs from this
installation's.  :func:`recompile_model` rewrites the ``.npz`` of a model
saved before fingerprints existed, from its trusted ``.joblib``.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from .._files import atomic_writer
from .._version import __version__
from ..errors import InputError, ModelCompatibilityError, ModelIntegrityError, ModelNotFoundError
from ..labels import LABELS

__all__ = [
    "save_model",
    "load_model",
    "load_compiled",
    "recompile_model",
    "read_manifest",
    "sha256_file",
    "runtime_versions",
    "DEFAULT_MODEL_NAME",
    "MODEL_SUFFIXES",
    "check_model_target",
    "new_model_directory",
]

DEFAULT_MODEL_NAME = "default"
_RETRAIN = (
    "retrain it with `dunning-nlp train` (which writes a new directory under models/; add -o DIR --force "
    "to replace a model) or notebooks/02_train.ipynb"
)
#: The files of one saved model ``NAME``.
MODEL_SUFFIXES = (".npz", ".joblib", ".json")


def new_model_directory(parent: str | os.PathLike = "models") -> Path:
    """A directory that does not exist yet for a newly trained model: ``models/trained-<UTC time>``.

    Training writes there by default, so a model is never replaced by accident (the bundled
    ``models/default.*`` included, which an editable install loads).
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = Path(parent) / f"trained-{stamp}"
    n = 2
    while candidate.exists():
        candidate = Path(parent) / f"trained-{stamp}-{n}"
        n += 1
    return candidate


def check_model_target(directory: str | os.PathLike, name: str = DEFAULT_MODEL_NAME, overwrite: bool = False) -> None:
    """Refuse (:class:`~dunning_nlp.errors.InputError`) to save model ``name`` over one already in ``directory``.

    With ``overwrite`` (``--force``) an existing model is replaced.
    """
    if overwrite:
        return
    existing = [
        Path(directory) / f"{name}{suffix}"
        for suffix in MODEL_SUFFIXES
        if (Path(directory) / f"{name}{suffix}").exists()
    ]
    if existing:
        raise InputError(
            f"{existing[0]} exists: training never replaces a saved model unless told to; choose "
            f"another output directory (-o) or name (--name), or replace it with --force "
            f"(overwrite=True in Python)"
        )


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def runtime_versions(libraries: tuple[str, ...] = ("scikit-learn", "jieba")) -> dict[str, str]:
    """This package's, Python's and ``libraries``' versions (only those are imported)."""
    versions = {"dunning_nlp": __version__, "python": platform.python_version()}
    if "scikit-learn" in libraries:
        import sklearn

        versions["scikit-learn"] = sklearn.__version__
    if "jieba" in libraries:
        import jieba

        versions["jieba"] = jieba.__version__
    return versions


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def save_model(
    pipeline: Any,
    directory: Path | str,
    name: str = DEFAULT_MODEL_NAME,
    extra: Mapping[str, Any] | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Write ``NAME.npz``, ``NAME.joblib`` and ``NAME.json`` into ``directory``; return the joblib path.

    Refuses to replace a model already saved there as ``NAME`` unless ``overwrite`` (:func:`check_model_target`).
    """
    check_model_target(directory, name, overwrite)
    import joblib

    from .compile import compile_pipeline

    # Before writing anything: refuses what it cannot reproduce.
    extra = dict(extra or {})
    # The taught gate's texts go into the compiled model only; the manifest says how many there are.
    taught = tuple(extra.pop("gate_taught", ()) or ())
    extra["gate_taught_count"] = len(taught)
    compiled = compile_pipeline(pipeline, class_prior=extra.get("class_prior"), gate_taught=taught)
    directory = Path(directory)
    model_path = directory / f"{name}.joblib"
    compiled_path = directory / f"{name}.npz"
    with atomic_writer(model_path, binary=True) as fh:
        joblib.dump(pipeline, fh, compress=3)
    with atomic_writer(compiled_path, binary=True) as fh:
        compiled.save(fh)  # records the feature fingerprint in the .npz
    manifest = {
        "model_file": model_path.name,
        "sha256": sha256_file(model_path),
        **_compiled_entries(compiled, compiled_path),
        "labels": list(LABELS),
        "versions": runtime_versions(),
        **dict(extra or {}),
    }
    _write_manifest(directory / f"{name}.json", manifest)
    return model_path


def _compiled_entries(compiled: Any, compiled_path: Path) -> dict[str, str]:
    """Manifest entries for a written ``.npz``: its name, sha256 and feature fingerprint (for readers)."""
    from .fingerprint import feature_fingerprint

    fingerprint = feature_fingerprint(compiled.normaliser, vars(compiled.tokenizer))["sha256"]
    return {
        "compiled_file": compiled_path.name,
        "compiled_sha256": sha256_file(compiled_path),
        "feature_fingerprint": fingerprint,
    }


def _write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    with atomic_writer(path) as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def recompile_model(path: Path | str) -> Path:
    """Rewrite a saved model's compiled ``.npz`` from its ``.joblib`` pipeline; keep the rest of the manifest.

    For a model saved before compiled files recorded a feature fingerprint (or before compiled files
    existed), **when its features are the ones this version computes**: trained with the same signals,
    normaliser rules, dictionary and tokenizer.  When they changed, the weights no longer fit: retrain
    instead.  This unpickles the ``.joblib`` (after checking its sha256), which runs code from the file:
    only for a model you trained yourself or trust.  Returns the ``.npz`` path.
    """
    from .compile import compile_pipeline

    pipeline, manifest = load_model(path)
    model_path, manifest_path = _resolve(Path(path))
    # (A model saved with taught gate texts keeps them only in its .npz: recompiling is for models older than
    # that, whose .npz cannot be read by this version.)
    compiled = compile_pipeline(pipeline, class_prior=manifest.get("class_prior"))
    compiled_path = model_path.with_suffix(".npz")
    with atomic_writer(compiled_path, binary=True) as fh:
        compiled.save(fh)
    _write_manifest(manifest_path, {**manifest, **_compiled_entries(compiled, compiled_path)})
    return compiled_path


def _resolve(path: Path) -> tuple[Path, Path]:
    """Return (joblib, manifest) for a joblib path, a manifest path or a directory."""
    if path.is_dir():
        path = path / f"{DEFAULT_MODEL_NAME}.joblib"
    if path.suffix in (".json", ".npz"):
        return path.with_suffix(".joblib"), path.with_suffix(".json")
    return path, path.with_suffix(".json")


def read_manifest(path: Path | str) -> dict:
    """Read the manifest belonging to a model path."""
    model_path, manifest_path = _resolve(Path(path))
    if not manifest_path.is_file():
        raise ModelNotFoundError(
            f"{manifest_path}: model manifest not found; a model without a manifest is "
            f"refused because its origin cannot be checked — {_RETRAIN}"
        )
    try:
        return json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelIntegrityError(f"{manifest_path}: unreadable manifest ({exc}) — {_RETRAIN}") from exc


def check_manifest(
    manifest: Mapping[str, Any],
    model_path: Path,
    *,
    hash_key: str = "sha256",
    libraries: tuple[str, ...] = ("scikit-learn", "jieba"),
) -> None:
    """Raise if the file hash, label set or versions of ``libraries`` do not match the manifest."""
    if not model_path.is_file():
        raise ModelNotFoundError(f"{model_path}: model file not found — {_RETRAIN}")
    actual = sha256_file(model_path)
    if actual != manifest.get(hash_key):
        raise ModelIntegrityError(
            f"{model_path}: sha256 {actual[:12]}… does not match the manifest "
            f"({str(manifest.get(hash_key))[:12]}…); the file was changed or replaced. "
            f"Do not load it: restore it from a trusted source or {_RETRAIN}"
        )
    if list(manifest.get("labels", [])) != list(LABELS):
        raise ModelCompatibilityError(
            f"{model_path}: label set {manifest.get('labels')} differs from this version's {list(LABELS)} — {_RETRAIN}"
        )
    built = manifest.get("versions", {})
    here = runtime_versions(libraries)
    for lib in libraries:
        if _major_minor(str(built.get(lib, ""))) != _major_minor(here[lib]):
            raise ModelCompatibilityError(
                f"{model_path}: built with {lib} {built.get(lib)}, this environment has "
                f"{here[lib]} — install {lib}=={built.get(lib)} or {_RETRAIN}"
            )


def load_model(path: Path | str | None = None) -> tuple[Any, dict]:
    """Load a pipeline and its manifest, after checking them.

    ``path`` may name the ``.joblib`` file, its ``.json`` manifest or a
    directory holding ``default.joblib``; ``None`` loads the model bundled
    with the package.  Only a path the caller names is ever unpickled.
    """
    import joblib

    if path is None:
        resource = files("dunning_nlp.models") / f"{DEFAULT_MODEL_NAME}.joblib"
        with as_file(resource) as real:
            return load_model(real)
    model_path, _ = _resolve(Path(path))
    if not model_path.is_file():
        raise ModelNotFoundError(f"{model_path}: model file not found — check the path, or {_RETRAIN}")
    manifest = read_manifest(model_path)
    check_manifest(manifest, model_path)
    return joblib.load(model_path), manifest


def load_compiled(path: Path | str | None = None) -> tuple[Any, dict]:
    """Load a :class:`~dunning_nlp.model.compiled.CompiledModel` and its manifest, after checking them.

    ``path`` may name the model's ``.npz``, ``.joblib`` or ``.json`` file or a
    directory holding the default model; ``None`` loads the bundled model.
    Only jieba's version is checked here: the compiled form does not depend on
    scikit-learn; :meth:`CompiledModel.load` then checks the feature
    fingerprint (``ModelCompatibilityError`` when it is missing or differs).
    Nothing is ever unpickled here: a manifest without
    ``compiled_sha256`` (a model saved before compiled files existed) is
    refused, since falling back to the ``.joblib`` would let a file beside the
    model run code.  Write the ``.npz`` of such a model with
    :func:`recompile_model` (which unpickles it, explicitly).
    """
    from .compiled import CompiledModel

    if path is None:
        with as_file(files("dunning_nlp.models")) as directory:
            return load_compiled(directory)
    if not Path(path).exists():
        raise ModelNotFoundError(f"{path}: model file not found — check the path, or {_RETRAIN}")
    model_path, _ = _resolve(Path(path))
    manifest = read_manifest(model_path)
    if "compiled_sha256" not in manifest:
        raise ModelIntegrityError(
            f"{model_path}: the manifest names no compiled model (.npz); loading would mean "
            f"unpickling the .joblib, which can run code. If you trust the file and this "
            f"version computes the features it was trained on, write its .npz with "
            f"dunning_nlp.model.store.recompile_model(path) — or {_RETRAIN}"
        )
    # Like the .joblib, the .npz is found by name beside the manifest: renamed models keep working.
    compiled_path = model_path.with_suffix(".npz")
    check_manifest(manifest, compiled_path, hash_key="compiled_sha256", libraries=("jieba",))
    return CompiledModel.load(compiled_path), manifest
