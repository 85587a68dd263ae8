"""The public API, the bundled model and its manifest checks."""

import json
import math
import pickle
import shutil

import pytest

import dunning_nlp
from dunning_nlp import Prediction
from dunning_nlp.errors import (InputError, ModelCompatibilityError, ModelIntegrityError, ModelNotFoundError)
from dunning_nlp.model.store import load_model, read_manifest


@pytest.mark.parametrize("text, label", [
    ("您好，您在XX借款已逾期3天，请今日还款", "reminder"),
    ("【招商银行】您尾号1234的信用卡本期账单2,345.60元，到期还款日11月25日。", "reminder"),
    ("你个老赖再不还钱，明天就上门找你，爆你通讯录，让你全家都知道", "harassment"),
    ("您好，您是王建国的紧急联系人，他在我司借款已逾期，请转告他尽快还款", "third_party"),
    ("您大学期间开通的校园贷账户未注销，将影响征信，请加QQ 12345678 办理注销", "fraud"),
    ("【菜鸟驿站】您的包裹已到幸福里驿站，取件码5-2-1234，请及时取件", "other"),
    ("晚上一起吃饭吗？", "other"),
])
def test_bundled_model_on_clear_cases(classifier, text, label):
    assert classifier.predict([text])[0].label == label


def test_prediction_shape(classifier):
    pred = classifier.predict(["你的借款已逾期，今天不还就去你单位找你领导"])[0]
    assert isinstance(pred, Prediction)
    assert set(pred.scores) == set(dunning_nlp.LABELS)
    assert math.isclose(sum(pred.scores.values()), 1.0, abs_tol=1e-6)
    assert pred.label == max(pred.scores, key=pred.scores.get)
    assert pred.evidence and all(e.weight > 0 for e in pred.evidence)
    assert any(e.kind == "signal" for e in pred.evidence)
    assert pred.label not in pred.secondary
    json.dumps(pred.to_dict(), ensure_ascii=False)


def test_classify_equals_predict(classifier):
    text = "请转告您的儿子尽快还款"
    assert dunning_nlp.classify(text).scores == classifier.predict([text])[0].scores


def test_predict_batch_dedupes_and_keeps_order(classifier):
    texts = ["你好", "您已逾期", "你好"]
    preds = classifier.predict(texts, evidence=False)
    assert [p.text for p in preds] == texts
    assert preds[0] is preds[2]
    assert preds[1].evidence == ()


def test_predict_rejects_bad_input(classifier):
    with pytest.raises(InputError):
        classifier.predict("一条短信")
    with pytest.raises(InputError):
        classifier.predict([None])  # type: ignore[list-item]
    assert classifier.predict([]) == []


def test_classifier_pickles(classifier):
    again = pickle.loads(pickle.dumps(classifier))
    text = "您的账单已逾期，请还款"
    assert again.predict([text])[0].scores == classifier.predict([text])[0].scores


def test_manifest_records_what_the_issue_asks():
    from importlib.resources import files

    manifest = json.loads((files("dunning_nlp.models") / "default.json").read_text(encoding="utf-8"))
    assert manifest["labels"] == list(dunning_nlp.LABELS)
    assert {"dunning_nlp", "scikit-learn", "jieba"} <= set(manifest["versions"])
    assert len(manifest["sha256"]) == 64 and len(manifest["training_data_sha256"]) == 64
    assert set(manifest["cv_comparison"]) >= {"logreg", "linear_svm", "complement_nb"}
    assert manifest["metrics"]["clean"]["macro_f1"] >= 0.95


def _copy_model(small_model, tmp_path):
    for suffix in (".npz", ".joblib", ".json"):
        shutil.copy(small_model.with_suffix(suffix), tmp_path / f"m{suffix}")
    return tmp_path / "m.joblib"


def test_load_round_trip(small_model):
    clf = dunning_nlp.load(small_model)
    pred = clf.predict(["您的借款已逾期，请今日还款"])[0]
    assert pred.label == "reminder" and sum(pred.scores.values()) == pytest.approx(1.0)
    assert dunning_nlp.load(small_model.with_suffix(".json")).manifest["family"] == "linear_svm"


@pytest.mark.parametrize("suffix, loader", [(".npz", dunning_nlp.load), (".joblib", load_model)])
def test_tampered_model_is_refused(small_model, tmp_path, suffix, loader):
    path = _copy_model(small_model, tmp_path)
    with open(path.with_suffix(suffix), "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        loader(path)


def test_missing_manifest_is_refused(small_model, tmp_path):
    path = _copy_model(small_model, tmp_path)
    path.with_suffix(".json").unlink()
    with pytest.raises(ModelNotFoundError, match="manifest"):
        load_model(path)
    with pytest.raises(ModelNotFoundError, match="manifest"):
        dunning_nlp.load(path.with_suffix(".npz"))


@pytest.mark.parametrize("field, value, match, loader", [
    ("labels", ["good", "bad"], "label set", dunning_nlp.load),
    ("versions", {"scikit-learn": "1.9.1", "jieba": "0.39"}, "jieba", dunning_nlp.load),
    ("versions", {"scikit-learn": "0.24.2", "jieba": "0.42.1"}, "scikit-learn", load_model),
])
def test_mismatched_manifest_is_refused(small_model, tmp_path, field, value, match, loader):
    path = _copy_model(small_model, tmp_path)
    manifest = read_manifest(path)
    manifest[field] = value
    path.with_suffix(".json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises((ModelCompatibilityError, ModelIntegrityError), match=match) as info:
        loader(path)
    assert "retrain" in str(info.value)


def test_compiled_model_does_not_depend_on_the_scikit_learn_version(small_model, tmp_path):
    path = _copy_model(small_model, tmp_path)
    manifest = read_manifest(path)
    manifest["versions"]["scikit-learn"] = "0.24.2"
    path.with_suffix(".json").write_text(json.dumps(manifest), encoding="utf-8")
    # the compiled form reads no scikit-learn: another recorded version changes nothing
    after = dunning_nlp.load(path).predict(["您的借款已逾期"])[0]
    assert after.scores == dunning_nlp.load(small_model).predict(["您的借款已逾期"])[0].scores


def test_model_without_compiled_form_is_refused_not_unpickled(small_model, tmp_path):
    path = _copy_model(small_model, tmp_path)
    manifest = read_manifest(path)
    del manifest["compiled_file"], manifest["compiled_sha256"]
    path.with_suffix(".json").write_text(json.dumps(manifest), encoding="utf-8")
    path.with_suffix(".npz").unlink()
    # A pickle that would write a file when loaded: load() must never run it.
    marker = tmp_path / "pwned"
    path.write_bytes(pickle.dumps(_Boom(str(marker))))
    for target in (path, path.with_suffix(".json"), tmp_path):
        with pytest.raises(ModelIntegrityError, match="compiled"):
            dunning_nlp.load(target if target != tmp_path else path)
    assert not marker.exists()


class _Boom:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelNotFoundError):
        dunning_nlp.load(tmp_path / "nothing.joblib")


def test_threatening_third_party_contact_lists_harassment_as_secondary(classifier):
    pred = classifier.predict(["你是张三的紧急联系人，他再不还钱，我们明天就上门找你们全家"])[0]
    assert pred.label == "third_party" and "harassment" in pred.secondary
    polite = classifier.predict(["您好，您是张三的紧急联系人，请转告他尽快还款，谢谢"])[0]
    assert polite.label == "third_party" and polite.secondary == ()


def test_evidence_ranked_per_chunk_equals_ranking_each_row(classifier, corpus_rows):
    """Evidence is ranked for a whole chunk at once (Classifier._ranked_contributions): it must be what ranking
    each row alone gives — contributions value x weight of the winning class, strongest first, ties in the
    row's own order."""
    import numpy as np

    texts = [r["text"] for r in corpus_rows[::40]] + ["晚上一起吃饭吗", "好", "您的借款已逾期3天"]
    forms = list(dict.fromkeys(classifier.model.normalise(texts)))
    rows = classifier.model.transform(forms)
    winners = np.argmax(classifier._scores(rows, forms), axis=1)
    ranked = classifier._ranked_contributions(rows, winners)
    weights = classifier.model.explain_weights()
    for i in range(len(forms)):
        indices, values = rows.row(i)
        contrib = values * weights[winners[i], indices]
        positive = np.flatnonzero(contrib > 0)
        order = positive[np.argsort(-contrib[positive], kind="stable")]
        assert ranked[i] == (indices[order].tolist(), contrib[order].tolist())
    assert classifier._ranked_contributions(classifier.model.transform([]), np.zeros(0, dtype=int)) == []


def test_readable_only_ranking_drops_exactly_the_features_never_shown(classifier, corpus_rows):
    """predict() ranks only the features that can be shown as evidence: the full ranking without the others."""
    import numpy as np

    forms = list(dict.fromkeys(classifier.model.normalise([r["text"] for r in corpus_rows[::60]])))
    rows = classifier.model.transform(forms)
    winners = np.argmax(classifier._scores(rows, forms), axis=1)
    full = classifier._ranked_contributions(rows, winners)
    readable = classifier._ranked_contributions(rows, winners, readable_only=True)
    for (columns, weights), got in zip(full, readable):
        kept = [(j, w) for j, w in zip(columns, weights) if classifier._display_of(j) is not None]
        assert got == ([j for j, _ in kept], [w for _, w in kept])
        assert classifier._evidence(*got) == classifier._evidence(columns, weights)


@pytest.mark.parametrize("bad, needle", [(None, "got NoneType"), (5, "got int"), ("one text", "list of texts"),
                                         ([""], "text #0 is empty"), (["好", "  "], "text #1 is empty"),
                                         (["好", 3], "text #1 is int")])
def test_predict_refuses_what_it_cannot_classify_with_a_clear_error(classifier, bad, needle):
    """Decided: an empty or blank text is an error in the library as in ``batch`` (an error row), not ``other``."""
    with pytest.raises(dunning_nlp.InputError, match=needle):
        classifier.predict(bad)
    with pytest.raises(dunning_nlp.InputError):
        dunning_nlp.classify("")


def test_a_template_is_scored_under_the_template_prior(classifier):
    """A text with an unfilled slot comes from a template library, not a phone (model/prior.py TEMPLATE_PRIOR)."""
    import numpy as np

    from dunning_nlp.model.prior import DEFAULT_PRIOR, TEMPLATE_PRIOR

    template = "尊敬的${name}，您在${platform}的借款将于${date}到期，可登录官方APP提前还款。"
    filled = "尊敬的王先生，您在某某平台的借款将于12月9日到期，可登录官方APP提前还款。"
    as_template = dunning_nlp.load(prior=TEMPLATE_PRIOR)
    as_phone = dunning_nlp.load(prior=DEFAULT_PRIOR)
    np.testing.assert_allclose(classifier.predict_proba([template]), as_template.predict_proba([template]))
    np.testing.assert_allclose(classifier.predict_proba([filled]), as_phone.predict_proba([filled]))
    # an explicit prior applies to templates too: the phone-dump prior gives the reminder less room
    assert classifier.predict_proba([template])[0, 0] > as_phone.predict_proba([template])[0, 0]
