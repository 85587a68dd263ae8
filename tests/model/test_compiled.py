"""The compiled (NumPy-only) model computes what the scikit-learn pipeline computes, and loads without it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dunning_nlp
from dunning_nlp.model.compile import compile_pipeline
from dunning_nlp.model.compiled import CompiledModel
from dunning_nlp.errors import InputError, ModelIntegrityError
from dunning_nlp.labels import LABELS
from dunning_nlp.model.store import load_model
from conftest import ROOT


def _sklearn_proba(pipeline, texts):
    classes = [str(c) for c in pipeline.classes_]
    return pipeline.predict_proba(texts)[:, [classes.index(label) for label in LABELS]]


@pytest.mark.slow
def test_bundled_model_matches_its_pipeline_on_the_whole_corpus(corpus_rows):
    pipeline, _ = load_model()  # the bundled joblib pipeline
    compiled = dunning_nlp.load().model  # the bundled .npz
    texts = [r["text"] for r in corpus_rows] + ["", " ", "⟪URL⟫", "ＡＢＣ", "逾期" * 400, "😀逾期😀", "a  \t b\n\nc"]
    expected = _sklearn_proba(pipeline, texts)
    got = compiled.predict_proba(texts)
    assert got.shape == expected.shape == (len(texts), len(LABELS))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()


@pytest.fixture(scope="module")
def bundled_pair():
    pipeline = load_model()[0]
    return pipeline, compile_pipeline(pipeline)


_ODD = list("逾期还款征信催收請還欠你家人上门⟪URL⟫ 　,.!😀ǅİß\u0301\n\t")


@settings(max_examples=120, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
                | st.text(alphabet=st.sampled_from(_ODD), max_size=60), min_size=1, max_size=8))
def test_compiled_equals_pipeline_on_generated_text(bundled_pair, texts):
    pipeline, compiled = bundled_pair
    np.testing.assert_allclose(compiled.predict_proba(texts), _sklearn_proba(pipeline, texts), rtol=0, atol=1e-9)


def test_feature_rows_match_the_feature_union(corpus_rows):
    pipeline, _ = load_model()
    compiled = compile_pipeline(pipeline)
    normalised = pipeline.named_steps["normalise"].transform([r["text"] for r in corpus_rows[:400]])
    expected = pipeline.named_steps["features"].transform(normalised).tocsr()
    expected.sort_indices()
    rows = compiled.transform(list(normalised))
    np.testing.assert_array_equal(rows.indptr, expected.indptr)
    for i in range(len(normalised)):
        indices, values = rows.row(i)
        order = np.argsort(indices)
        lo, hi = expected.indptr[i], expected.indptr[i + 1]
        np.testing.assert_array_equal(indices[order], expected.indices[lo:hi])
        np.testing.assert_allclose(values[order], expected.data[lo:hi], rtol=1e-12, atol=0)
    assert compiled.feature_names() == list(pipeline.named_steps["features"].get_feature_names_out())


@pytest.mark.parametrize("family, char_ngrams", [("logreg", (1, 3)), ("complement_nb", (1, 3)), ("sgd_huber", (1, 3)),
                                                  ("linear_svm", (2, 4))])  # (2, 4): the unpacked char path
@pytest.mark.slow
def test_other_families_compile_exactly(family, char_ngrams, corpus_rows):
    from dunning_nlp.train.corpus import read_records
    from dunning_nlp.train.features import build_features
    from dunning_nlp.train.training import _group_folds, build_pipeline

    records = [r for r in read_records(ROOT / "data" / "corpus.jsonl")
               if r.split == "train"][::6]
    pipeline = build_pipeline(family, 0, calibration_cv=_group_folds(records, 3, 0))
    pipeline.set_params(features=build_features(char_ngrams=char_ngrams))
    pipeline.fit([r.text for r in records], [r.label for r in records])
    texts = [r["text"] for r in corpus_rows[1::7]]
    np.testing.assert_allclose(compile_pipeline(pipeline).predict_proba(texts), _sklearn_proba(pipeline, texts),
                               rtol=0, atol=1e-9)


def test_uncalibrated_pipeline_is_refused():
    from dunning_nlp.train.training import build_pipeline

    pipeline = build_pipeline("logreg").fit(["逾期请还款", "今晚吃饭", "上门找你", "转告他还钱", "交保证金"] * 3,
                                            list(LABELS) * 3)
    with pytest.raises(InputError, match="CalibratedClassifierCV"):
        compile_pipeline(pipeline)


def test_save_load_round_trip_without_pickle(classifier):
    buf = io.BytesIO()
    classifier.model.save(buf)
    buf.seek(0)
    again = CompiledModel.load(buf)
    texts = ["您的借款已逾期3天", "你是他的紧急联系人吧", "加微信办理征信修复", "明天一起吃饭"]
    np.testing.assert_array_equal(again.predict_proba(texts), classifier.model.predict_proba(texts))
    assert again.feature_names() == classifier.model.feature_names()


def test_file_with_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, config=np.array([{"format_version": 1}], dtype=object))
    with pytest.raises(ModelIntegrityError, match="not a readable compiled model"):
        CompiledModel.load(path)


def test_other_format_version_is_refused(classifier, tmp_path):
    buf = io.BytesIO()
    classifier.model.save(buf)
    buf.seek(0)
    with np.load(buf) as npz:
        arrays = {k: npz[k] for k in npz.files}
    config = json.loads(str(arrays["config"]))
    config["format_version"] = 99
    arrays["config"] = np.array(json.dumps(config))
    np.savez(tmp_path / "m.npz", **arrays)
    with pytest.raises(ModelIntegrityError, match="format 99"):
        CompiledModel.load(tmp_path / "m.npz")


def test_prediction_needs_neither_scikit_learn_nor_scipy():
    code = ("import sys, dunning_nlp; p = dunning_nlp.classify('您的借款已逾期，請儘快還款'); "
            "print(p.label, bool(p.evidence), sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy', 'joblib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["reminder", "True", "[]"]


def test_cache_across_calls_gives_the_same_predictions(classifier):
    from dunning_nlp.model.classifier import Classifier

    fresh = Classifier(classifier.model, classifier.manifest)
    fresh.cache_size = 3
    texts = [f"您的借款已逾期{i}天，请还款" for i in range(5)] + ["今晚吃饭吗", "加微信办理征信修复", "您的借款已逾期9天，请还款"]
    first = [p.to_dict() for p in fresh.predict(texts)]
    assert len(fresh._cache) <= 3
    again = [p.to_dict() for p in fresh.predict(texts)]
    assert first == again == [p.to_dict() for p in classifier.predict(texts)]
    plain = fresh.predict(texts[:1], evidence=False)[0]
    assert plain.evidence == () and plain.scores == fresh.predict(texts[:1])[0].scores


def test_cache_is_keyed_by_segmentation_backend(classifier, monkeypatch):
    pytest.importorskip("rjieba")
    from dunning_nlp.model.classifier import Classifier

    fresh = Classifier(classifier.model, classifier.manifest)
    fresh.predict(["您的借款已逾期3天，请还款"])
    monkeypatch.setenv("DUNNING_NLP_TOKENIZER", "rjieba")
    fresh.predict(["您的借款已逾期3天，请还款"])
    assert sorted(key[2] for key in fresh._cache) == ["jieba", "rjieba"]
