"""Saving and loading models: a joblib file and a JSON manifest beside it.

A model file is a pickle, and **loading a pickle runs code**: only load
models you trained yourself or that come from a source you trust.  To make
tampering and version drift visible, every model ``NAME.joblib`` has a
manifest ``NAME.json`` recording the file's sha256, the package,
scikit-learn, jieba and Python versions, the label set, the hash of the
training data and the evaluation metrics.  :func:`load_model` checks all of
them before unpickling and refuses with a message that says how to retrain.
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, Mapping

from ._files import atomic_writer
from ._version import __version__
from .errors import ModelCompatibilityError, ModelIntegrityError, ModelNotFoundError
from .labels import LABELS

__all__ = ["save_model", "load_model", "read_manifest", "sha256_file", "runtime_versions", "DEFAULT_MODEL_NAME"]

DEFAULT_MODEL_NAME = "default"
_RETRAIN = "retrain it with `dunning-nlp train -o models/` (or notebooks/02_train.ipynb)"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def runtime_versions() -> dict[str, str]:
    """Versions that a pickled pipeline depends on."""
    import jieba
    import sklearn

    return {"dunning_nlp": __version__, "scikit-learn": sklearn.__version__, "jieba": jieba.__version__,
            "python": platform.python_version()}


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def save_model(pipeline: Any, directory: Path | str, name: str = DEFAULT_MODEL_NAME,
               extra: Mapping[str, Any] | None = None) -> Path:
    """Write ``NAME.joblib`` and ``NAME.json`` into ``directory``; return the joblib path."""
    import joblib

    directory = Path(directory)
    model_path = directory / f"{name}.joblib"
    with atomic_writer(model_path, binary=True) as fh:
        joblib.dump(pipeline, fh, compress=3)
    manifest = {
        "model_file": model_path.name,
        "sha256": sha256_file(model_path),
        "labels": list(LABELS),
        "versions": runtime_versions(),
        **dict(extra or {}),
    }
    with atomic_writer(directory / f"{name}.json") as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return model_path


def _resolve(path: Path) -> tuple[Path, Path]:
    """Return (joblib, manifest) for a joblib path, a manifest path or a directory."""
    if path.is_dir():
        path = path / f"{DEFAULT_MODEL_NAME}.joblib"
    if path.suffix == ".json":
        return path.with_suffix(".joblib"), path
    return path, path.with_suffix(".json")


def read_manifest(path: Path | str) -> dict:
    """Read the manifest belonging to a model path."""
    model_path, manifest_path = _resolve(Path(path))
    if not manifest_path.is_file():
        raise ModelNotFoundError(f"{manifest_path}: model manifest not found; a model without a manifest is "
                                 f"refused because its origin cannot be checked — {_RETRAIN}")
    try:
        return json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelIntegrityError(f"{manifest_path}: unreadable manifest ({exc}) — {_RETRAIN}") from exc


def check_manifest(manifest: Mapping[str, Any], model_path: Path) -> None:
    """Raise if the file hash, label set or library versions do not match."""
    if not model_path.is_file():
        raise ModelNotFoundError(f"{model_path}: model file not found — {_RETRAIN}")
    actual = sha256_file(model_path)
    if actual != manifest.get("sha256"):
        raise ModelIntegrityError(f"{model_path}: sha256 {actual[:12]}… does not match the manifest "
                                  f"({str(manifest.get('sha256'))[:12]}…); the file was changed or replaced. "
                                  f"Do not load it: restore it from a trusted source or {_RETRAIN}")
    if list(manifest.get("labels", [])) != list(LABELS):
        raise ModelCompatibilityError(f"{model_path}: label set {manifest.get('labels')} differs from this "
                                      f"version's {list(LABELS)} — {_RETRAIN}")
    built = manifest.get("versions", {})
    here = runtime_versions()
    for lib in ("scikit-learn", "jieba"):
        if _major_minor(str(built.get(lib, ""))) != _major_minor(here[lib]):
            raise ModelCompatibilityError(f"{model_path}: built with {lib} {built.get(lib)}, this environment has "
                                          f"{here[lib]} — install {lib}=={built.get(lib)} or {_RETRAIN}")


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
