"""The model file is what it claims to be, and what it needs is checked (issue 12, items 16, 18, 20, 21).

* the report names the sha256 of the ``.npz`` predictions come from (16);
* a compiled model records a fingerprint of what defines its features and is refused, with a retrain
  hint, where they differ; pipelines the compiled form cannot reproduce are refused (18);
* caches are bounded by bytes, not entries: long distinct texts cannot grow memory without bound (20);
* ``python_requires`` matches the pinned libraries, and writing a file never flips the umask (21).

The models here are the bundled pipeline (its ``.joblib``, checked against its manifest) written again
into a temporary directory by this version, so the tests do not depend on how old the bundled ``.npz`` is.
"""

from __future__ import annotations

import configparser
import copy
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import tracemalloc
from importlib import metadata
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

import dunning_nlp
from dunning_nlp.model import fingerprint as compiled_module
from dunning_nlp.text import normalize as normalise
from dunning_nlp.text import segment as tokenise
from dunning_nlp._cache import bounded_cache
from dunning_nlp._files import atomic_writer
from dunning_nlp.cli.app import main
from dunning_nlp.model.compile import compile_pipeline
from dunning_nlp.model.compiled import CompiledModel
from dunning_nlp.model.fingerprint import check_feature_fingerprint, feature_fingerprint
from dunning_nlp.errors import InputError, ModelCompatibilityError
from dunning_nlp.model.classifier import Classifier
from dunning_nlp.model.store import load_model, recompile_model, sha256_file
from conftest import ROOT



# -- fixtures ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """The bundled model, its .npz written by this version (with a feature fingerprint)."""
    directory = tmp_path_factory.mktemp("fp_model")
    bundled = files("dunning_nlp.models")
    for suffix in ("joblib", "json", "npz"):
        (directory / f"default.{suffix}").write_bytes((bundled / f"default.{suffix}").read_bytes())
    recompile_model(directory)
    return directory


@pytest.fixture(scope="module")
def fp_classifier(model_dir) -> Classifier:
    return dunning_nlp.load(model_dir)


@pytest.fixture(scope="module")
def pipeline():
    return load_model()[0]  # the bundled .joblib, after its sha256 is checked against the manifest


@pytest.fixture
def fresh_fingerprint():
    """Recompute the fingerprint's static parts in this test (after monkeypatching) and again after it."""
    compiled_module._static_parts.cache_clear()
    yield
    compiled_module._static_parts.cache_clear()


def _config(npz_path: Path) -> tuple[dict, dict]:
    with np.load(npz_path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return json.loads(str(arrays["config"])), arrays


def _rewrite_config(model_dir: Path, target: Path, change) -> Path:
    """Copy a saved model to ``target`` with its .npz config changed, and its manifest hash updated to match."""
    target.mkdir()
    for suffix in ("joblib", "json"):
        shutil.copy(model_dir / f"default.{suffix}", target)
    config, arrays = _config(model_dir / "default.npz")
    change(config)
    arrays["config"] = np.array(json.dumps(config, ensure_ascii=False))
    np.savez_compressed(target / "default.npz", **arrays)
    manifest = json.loads((target / "default.json").read_text(encoding="utf-8"))
    manifest["compiled_sha256"] = sha256_file(target / "default.npz")
    (target / "default.json").write_text(json.dumps(manifest), encoding="utf-8")
    return target


# -- 16: the report's model hash is the .npz's ------------------------------------------------------------
def test_report_names_the_sha256_of_the_compiled_file(model_dir, tmp_path):
    sms = tmp_path / "sms.txt"
    sms.write_text("您的借款已逾期3天，请还款\n明天一起吃饭吗\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["report", "-o", str(tmp_path / "r.json"), "--model", str(model_dir), str(sms)], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    manifest = json.loads((model_dir / "default.json").read_text(encoding="utf-8"))
    assert report["meta"]["model_sha256"] == manifest["compiled_sha256"] == sha256_file(model_dir / "default.npz")
    assert report["meta"]["model_sha256"] != manifest["sha256"]  # not the .joblib's


# -- 18: feature fingerprint --------------------------------------------------------------------------------
def test_saved_model_records_its_feature_fingerprint(model_dir, fp_classifier):
    config, _ = _config(model_dir / "default.npz")
    here = feature_fingerprint(config["normaliser"], config["tokenizer"])
    assert config["feature_fingerprint"] == here
    assert set(here["parts"]) == {"signals", "normaliser", "userdict", "opencc", "tokenizer", "jieba", "opencc_version"}
    assert here["parts"]["jieba"] == metadata.version("jieba")
    manifest = json.loads((model_dir / "default.json").read_text(encoding="utf-8"))
    assert manifest["feature_fingerprint"] == here["sha256"]
    # recompile_model kept what the manifest said about training.
    bundled = json.loads((files("dunning_nlp.models") / "default.json").read_text(encoding="utf-8"))
    written = ("compiled_sha256", "feature_fingerprint")
    assert {k: v for k, v in manifest.items() if k not in written} == \
        {k: v for k, v in bundled.items() if k not in written}
    assert fp_classifier.predict(["您的借款已逾期3天，请还款"])[0].label == "reminder"


def test_model_without_fingerprint_is_refused_with_a_retrain_hint(model_dir, tmp_path):
    old = _rewrite_config(model_dir, tmp_path / "old", lambda c: c.pop("feature_fingerprint"))
    with pytest.raises(ModelCompatibilityError, match=r"no feature fingerprint.*dunning-nlp train -o .*old --name default"):
        dunning_nlp.load(old)
    err = io.StringIO()
    assert main(["classify", "--model", str(old), "请还款"], stdout=io.StringIO(), stderr=err) == 2
    message = err.getvalue()
    assert message.count("\n") == 1 and "DNLP113" in message and "dunning-nlp train" in message
    assert "Traceback" not in message


def test_tampered_fingerprint_is_refused(model_dir, tmp_path):
    def change(config):
        config["feature_fingerprint"]["sha256"] = "0" * 64

    with pytest.raises(ModelCompatibilityError, match="defined differently"):
        dunning_nlp.load(_rewrite_config(model_dir, tmp_path / "m", change))


def test_changed_signal_pattern_is_refused(model_dir, monkeypatch, fresh_fingerprint):
    signals = list(compiled_module.SIGNALS)
    signals[0] = signals[0].__class__(signals[0].name, re.compile("逾期|欠款"), signals[0].description)
    monkeypatch.setattr(compiled_module, "SIGNALS", tuple(signals))
    with pytest.raises(ModelCompatibilityError, match=r"\(signals changed since\).*dunning-nlp train"):
        dunning_nlp.load(model_dir)


def test_changed_normaliser_table_is_refused(model_dir, monkeypatch, fresh_fingerprint):
    monkeypatch.setattr(normalise, "_SUSPICIOUS_TLDS", normalise._SUSPICIOUS_TLDS | {"buzz"})
    with pytest.raises(ModelCompatibilityError, match=r"\(normaliser changed since\)"):
        dunning_nlp.load(model_dir)


def test_new_normaliser_rule_is_covered_without_listing_it(model_dir, monkeypatch, fresh_fingerprint):
    monkeypatch.setattr(normalise, "_NEW_ENTITY_RE", re.compile(r"QQ\d+"), raising=False)
    with pytest.raises(ModelCompatibilityError, match="normaliser"):
        dunning_nlp.load(model_dir)


def test_changed_user_dictionary_is_refused(model_dir, monkeypatch, fresh_fingerprint, tmp_path):
    real_files = compiled_module.files
    fake = tmp_path / "pkg"
    (fake / "resources").mkdir(parents=True)
    userdict = (real_files("dunning_nlp") / "resources" / "userdict.txt").read_text(encoding="utf-8")
    (fake / "resources" / "userdict.txt").write_text(userdict + "新套路贷 10 n\n", encoding="utf-8")
    monkeypatch.setattr(compiled_module, "files", lambda pkg: fake if pkg == "dunning_nlp" else real_files(pkg))
    with pytest.raises(ModelCompatibilityError, match=r"\(userdict changed since\)"):
        dunning_nlp.load(model_dir)


def test_changed_opencc_table_is_refused(model_dir, monkeypatch, fresh_fingerprint, tmp_path):
    real_files = compiled_module.files
    fake = tmp_path / "opencc"
    real = Path(__import__("opencc").__file__).parent
    shutil.copytree(real / "config", fake / "config")
    shutil.copytree(real / "dictionary", fake / "dictionary")
    with open(fake / "dictionary" / "TSCharacters.txt", "a", encoding="utf-8") as fh:
        fh.write("𠀀\t一\n")
    monkeypatch.setattr(compiled_module, "files", lambda pkg: fake if pkg == "opencc" else real_files(pkg))
    with pytest.raises(ModelCompatibilityError, match=r"\(opencc changed since\)"):
        dunning_nlp.load(model_dir)


def test_other_jieba_version_is_refused_naming_both_versions(model_dir, monkeypatch, fresh_fingerprint):
    real = compiled_module._library_version
    monkeypatch.setattr(compiled_module, "_library_version",
                        lambda dist, module: "0.43.0" if dist == "jieba" else real(dist, module))
    with pytest.raises(ModelCompatibilityError, match=rf"jieba {re.escape(metadata.version('jieba'))} → 0\.43\.0"):
        dunning_nlp.load(model_dir)


def test_fingerprint_covers_tokenizer_and_normaliser_settings():
    norm = {"traditional": True, "deobfuscate": True, "placeholders": True, "compact": True}
    tok = {"userdict": True, "lowercase": True, "keep_punct": False, "hmm": False, "backend": "auto"}
    base = feature_fingerprint(norm, tok)
    assert feature_fingerprint(norm, {**tok, "backend": "jieba"})["sha256"] != base["sha256"]
    assert feature_fingerprint(norm, {**tok, "hmm": True})["parts"]["tokenizer"] != base["parts"]["tokenizer"]
    assert feature_fingerprint({**norm, "compact": False}, tok)["parts"]["normaliser"] != base["parts"]["normaliser"]


def test_fingerprint_is_the_same_in_every_process_and_after_any_work():
    """Hash seeds and what a process has already normalised must not change it (no runtime caches in the tables)."""
    fingerprint = ("from dunning_nlp.model.fingerprint import feature_fingerprint as f; "
                   "print(json.dumps(f({'traditional': True, 'compact': True}, {'backend': 'auto'})))")
    work = ("from dunning_nlp import normalize_text, tokenize; "
            "[tokenize(normalize_text(t)) for t in ['您的借款已逾期3天，請儘快還款 http://a.top/x', '加V信 13812345678']]; ")
    here = feature_fingerprint({"traditional": True, "compact": True}, {"backend": "auto"})
    for seed, before in (("1", ""), ("2", work)):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", f"import json; {before}{fingerprint}"], capture_output=True,
                             text=True, check=True, env=env, cwd=ROOT).stdout
        assert json.loads(out) == here


def test_check_is_one_function_that_load_calls(model_dir):
    config, _ = _config(model_dir / "default.npz")
    check_feature_fingerprint(config, "m.npz")  # a current model passes
    with pytest.raises(ModelCompatibilityError, match=r"dunning-nlp train -o DIR --name NAME"):
        check_feature_fingerprint({k: v for k, v in config.items() if k != "feature_fingerprint"}, io.BytesIO())


def test_compiled_round_trip_keeps_the_fingerprint(fp_classifier):
    buf = io.BytesIO()
    fp_classifier.model.save(buf)
    buf.seek(0)
    again = CompiledModel.load(buf)
    texts = ["您的借款已逾期3天", "加微信办理征信修复"]
    np.testing.assert_array_equal(again.predict_proba(texts), fp_classifier.model.predict_proba(texts))


def test_transformer_weights_are_refused_not_ignored(pipeline):
    weighted = copy.deepcopy(pipeline)
    weighted.named_steps["features"].transformer_weights = {"chars": 2.0}
    texts = ["您的借款已逾期3天，请还款", "再不还钱就去你家找你父母"]
    assert not np.allclose(weighted.predict_proba(texts), pipeline.predict_proba(texts))  # the weights matter
    with pytest.raises(InputError, match="transformer_weights"):
        compile_pipeline(weighted)


def test_unit_transformer_weights_compile_to_the_same_model(pipeline):
    weighted = copy.deepcopy(pipeline)
    weighted.named_steps["features"].transformer_weights = {"words": 1, "chars": 1.0}
    texts = ["您的借款已逾期3天，请还款"]
    np.testing.assert_array_equal(compile_pipeline(weighted).predict_proba(texts),
                                  compile_pipeline(pipeline).predict_proba(texts))


@pytest.mark.parametrize("block", ["words", "chars", "signals"])
@pytest.mark.parametrize("placeholder", ["drop", "passthrough"])
def test_dropped_feature_block_is_refused_with_input_error(pipeline, block, placeholder):
    dropped = copy.deepcopy(pipeline)
    union = dropped.named_steps["features"]
    union.transformer_list = [(n, placeholder if n == block else est) for n, est in union.transformer_list]
    with pytest.raises(InputError, match=rf"feature block '{block}'"):
        compile_pipeline(dropped)


# -- 20: caches bounded by bytes ----------------------------------------------------------------------------
_CACHES = [(normalise, "_cached"), (normalise, "_convert_piece"), (tokenise, "_tokens"), (tokenise, "_block_tokens")]


def _long_texts(n: int, length: int = 4000, seed: int = 0) -> list[str]:
    """Distinct long messages: common Chinese characters, digits, traditional forms and punctuation."""
    rng = random.Random(seed)
    alphabet = "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过發後還錢欠款逾期請，。！？0123456789 "
    return [f"{i}:" + "".join(rng.choice(alphabet) for _ in range(length)) for i in range(n)]


def test_bounded_cache_keeps_at_most_max_bytes():
    @bounded_cache(50_000)
    def echo(text):
        return text * 2

    for i in range(2000):
        echo(f"{i:06d}" * 20)
    info = echo.cache_info()
    assert 0 < info.bytes <= 50_000 and info.entries < 2000
    assert echo("000001" * 20) == "000001" * 40
    echo("x" * 10_000)  # larger than max_bytes // 64: returned, not remembered
    assert echo.cache_info().entries == info.entries and echo.cache_info().bytes <= 50_000


def test_bounded_cache_is_thread_safe():
    @bounded_cache(20_000, max_item_bytes=2_000)
    def length(text):
        return len(text)

    def work(offset):
        for i in range(3000):
            assert length(str((i * 7 + offset) % 500) * 30) == len(str((i * 7 + offset) % 500)) * 30

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    info = length.cache_info()
    assert 0 < info.bytes <= 20_000 and info.entries > 0
    length.cache_clear()
    assert length.cache_info().bytes == length.cache_info().entries == 0


def test_normaliser_and_tokenizer_caches_are_bounded_by_bytes():
    for module, name in _CACHES:
        wrapper = getattr(module, name)
        assert wrapper.cache_info().max_bytes <= 64 << 20, name
    assert sum(getattr(m, n).cache_info().max_bytes for m, n in _CACHES) <= 160 << 20


@pytest.mark.slow
def test_long_distinct_texts_do_not_grow_memory_without_bound(monkeypatch):
    budget = 512 << 10
    for module, name in _CACHES:
        getattr(module, name).cache_clear()
        monkeypatch.setattr(getattr(module, name), "max_bytes", budget)
    texts = _long_texts(40)
    tok = dunning_nlp.JiebaTokenizer(backend="jieba")
    for text in texts[:8]:  # warm-up: segmenter loaded, caches filled to their budget
        tok(normalise.normalize_text(text))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for text in texts[8:]:
            tok(normalise.normalize_text(text))
        grown = tracemalloc.get_traced_memory()[0] - before
        held = {name: getattr(module, name).cache_info().bytes for module, name in _CACHES}
    finally:
        tracemalloc.stop()
        for module, name in _CACHES:
            getattr(module, name).cache_clear()
    # Remembered by entry count, the tokens alone of 32 texts of 4,000 characters hold ~9 MB.
    assert grown < 4 * budget + (2 << 20), grown
    assert all(b <= budget for b in held.values()), held


# (cache, budget, text length, texts): an entry (8 KB for a 2,000-character text and its normalised form, 70 KB
# for the tokens of 1,000 characters) is below budget // 64, and the texts hold more than the budget.
@pytest.mark.parametrize("module, name, budget, length, n", [(normalise, "_cached", 1 << 20, 2000, 160),
                                                             (tokenise, "_tokens", 8 << 20, 1000, 140)])
def test_cache_fills_up_to_its_bound_and_evicts(monkeypatch, module, name, budget, length, n):
    cache = getattr(module, name)
    monkeypatch.setattr(cache, "max_bytes", budget)
    cache.cache_clear()
    tok = dunning_nlp.JiebaTokenizer(backend="jieba")
    texts = _long_texts(n, length=length, seed=1)
    try:
        peak = 0
        for text in texts:
            normalise.normalize_text(text) if name == "_cached" else tok(text)
            peak = max(peak, cache.cache_info().bytes)
        info = cache.cache_info()
        assert budget // 2 < peak <= budget and info.entries < len(texts)
    finally:
        cache.cache_clear()


def test_prediction_cache_is_bounded_by_bytes(fp_classifier):
    clf = Classifier(fp_classifier.model, fp_classifier.manifest)
    clf.cache_bytes = 500_000  # a 1,000-character entry (~7 KB) is below cache_bytes // 64
    clf.predict(_long_texts(120, length=1000, seed=2))
    assert 0 < len(clf._cache) < 120
    assert clf._cache_held <= clf.cache_bytes
    from dunning_nlp.model.classifier import _entry_bytes

    assert clf._cache_held == sum(_entry_bytes(k, v) for k, v in clf._cache.items())


def test_prediction_cache_is_keyed_by_n_evidence(fp_classifier):
    clf = Classifier(fp_classifier.model, fp_classifier.manifest, n_evidence=6)
    text = ["您的借款已逾期3天，请立即还款，否则上门找你家人"]
    assert len(clf.predict(text)[0].evidence) > 2
    clf.n_evidence = 2
    assert len(clf.predict(text)[0].evidence) == 2
    clf.n_evidence = 6
    assert len(clf.predict(text)[0].evidence) > 2


# -- 21: packaging and file writing -------------------------------------------------------------------------
def _minimum(requires_python: str) -> tuple[int, ...]:
    found = re.search(r">=\s*(\d+(?:\.\d+)*)", requires_python or "")
    return tuple(int(x) for x in found.group(1).split(".")) if found else (0,)


def test_python_requires_matches_the_pinned_libraries():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    ours = _minimum(cfg["options"]["python_requires"])
    for dist in ("scikit-learn", "numpy", "scipy"):
        theirs = _minimum(metadata.metadata(dist).get("Requires-Python", ""))
        assert ours >= theirs, f"python_requires >= {ours} but {dist} needs >= {theirs}"
    assert ours >= (3, 11)


def test_atomic_writer_never_changes_the_umask(tmp_path, monkeypatch):
    previous = os.umask(0o027)
    try:
        calls = []
        monkeypatch.setattr(os, "umask", lambda mask: calls.append(mask) or 0o027)
        with atomic_writer(tmp_path / "out.txt") as fh:
            fh.write("x")
        with atomic_writer(tmp_path / "out.bin", binary=True) as fh:
            fh.write(b"x")
    finally:
        monkeypatch.undo()
        os.umask(previous)
    assert calls == []
    if os.name == "posix":
        assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o640
        assert (tmp_path / "out.bin").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "out.txt").read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin", "out.txt"]  # no temporary left


def test_atomic_writer_keeps_the_old_file_on_error(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.skipif(os.name != "posix", reason="symlinks and modes")
def test_atomic_writer_does_not_follow_a_planted_temporary_symlink(tmp_path, monkeypatch):
    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    names = iter(["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
    monkeypatch.setattr("dunning_nlp._files.secrets.token_hex", lambda n: next(names))
    (tmp_path / ".out.txt.aaaaaaaaaaaa.part").symlink_to(victim)  # an attacker's guess at the first name
    with atomic_writer(tmp_path / "out.txt") as fh:
        fh.write("new")
    assert victim.read_text(encoding="utf-8") == "keep"
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "new"
