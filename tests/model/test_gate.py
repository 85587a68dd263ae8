"""The debt-context gate: the rule (debt words, collection acts, skip tracing) and what labelled data teaches it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dunning_nlp.labels import LABELS
from dunning_nlp.model.gate import TaughtGate, apply_gate, taught_texts
from dunning_nlp.text.normalize import normalize_text
from dunning_nlp.text.signals import find_signals


def _opens(text: str) -> bool:
    return bool({s.name for s in find_signals(normalize_text(text))} & {"debt", "collection_act", "locate_person"})


@pytest.mark.parametrize("text", [
    "您本期账单今日到期，请及时处理。",                      # euphemistic lender template
    "您申请的3000元已超过约定还款日5天，请通过平台处理。",      # "past the agreed date"
    "今日应还款项将从您尾号1234的银行卡扣款，请保证余额充足。",
    "工作人员今天将到您家中核实财务状况，请配合。",            # a visit to verify finances
    "您的家人和朋友近期将收到我司寄送的告知函。",              # letters to family
    "法院传票72小时内送达，届时你将被列为失信被执行人。",       # court steps as consequences
    "再不处理就通知你通讯录里的所有联系人。",                  # blasting the contact list
])
def test_collection_without_the_word_debt_opens_the_gate(text):
    assert _opens(text)


@pytest.mark.parametrize("text", [
    "你给我等着，这事没完。",          # a generic threat: the guide keeps it other
    "联系人：周先生，电话详询。",       # an ad's contact field is not the contact list
    "晚上一起吃饭吗",
])
def test_generic_text_keeps_the_gate_closed(text):
    assert not _opens(text)


def test_apply_gate_moves_collection_mass_to_other_only_where_closed():
    proba = np.array([[0.5, 0.2, 0.1, 0.1, 0.1], [0.5, 0.2, 0.1, 0.1, 0.1]])
    out = apply_gate(proba, np.array([True, False]))
    assert out[0].tolist() == proba[0].tolist()
    assert out[1, LABELS.index("other")] == pytest.approx(0.9) and out[1, :3].sum() == 0
    assert out.sum(axis=1) == pytest.approx([1.0, 1.0])


def test_taught_gate_opens_for_near_variants_only():
    taught = taught_texts(["有种你就一直别接,我们今天就去你老家找人", "好的"], ["harassment", "other"], [False, False])
    assert taught == ("有种你就一直别接,我们今天就去你老家找人",)
    gate = TaughtGate(taught)
    assert gate.opens("有种你就一直别接,我们明天就去你老家找人")
    assert not gate.opens("明天去你老家玩")
    assert not TaughtGate(()) and not TaughtGate(()).opens("任何文字")


def test_taught_texts_are_consulted_only_where_the_model_gives_collection_a_share(monkeypatch):
    """Rows below TAUGHT_MIN_SHARE skip the trigram comparison and are gated; rows above it are compared and open."""
    from dunning_nlp.model.classifier import load
    from dunning_nlp.model.gate import TAUGHT_MIN_SHARE, collection_share

    asked: list[str] = []

    class Recording(TaughtGate):
        def opens(self, normalised: str) -> bool:
            asked.append(normalised)
            return True

    classifier = load(prior="train")  # a fresh instance: the session's is shared
    proba = np.array([[0.001, 0.001, 0.001, 0.097, 0.9], [0.2, 0.1, 0.0, 0.0, 0.7]])
    assert collection_share(proba).tolist() == pytest.approx([0.003, 0.3])
    assert 0.003 < TAUGHT_MIN_SHARE < 0.3
    monkeypatch.setattr(classifier, "_taught", Recording(["有种你就一直别接"]))
    monkeypatch.setattr(classifier.model, "predict_proba_rows", lambda _rows: proba)  # these scores, no model
    rows = classifier.model.transform(classifier.model.normalise(["今天天气很好", "明天见"]))
    out = classifier._scores(rows, ["甲", "乙"])
    assert asked == ["乙"]  # the first row was not compared with the taught texts
    assert out[0, :3].sum() == 0 and out[1].tolist() == pytest.approx(proba[1].tolist())


@pytest.mark.slow
def test_a_label_taught_with_extra_data_wins_over_the_gate(tmp_path):
    """`train --extra` rows with a collection label the rule does not see are not overruled by the gate."""
    from dunning_nlp.model.classifier import load
    from dunning_nlp.train.training import run_training

    taught = "有种你就一直别接，今晚我们的车就停在你们村口等你"
    assert not _opens(taught)  # the rule alone would call it other
    extra = tmp_path / "mine.jsonl"
    variants = [taught] + [taught.replace("今晚", when) for when in ("明晚", "后天晚上", "周末", "今天下午")]
    extra.write_text("".join(json.dumps({"text": t, "label": "harassment"}, ensure_ascii=False) + "\n"
                             for t in variants), encoding="utf-8")
    out = tmp_path / "model"
    report = run_training(extra=[str(extra)], family="linear_svm", out_dir=str(out), name="taught",
                          limit_per_label=30, n_splits=3)
    manifest = json.loads((out / "taught.json").read_text(encoding="utf-8"))
    assert manifest["gate_taught_count"] >= len(variants)
    pred = load(out / "taught.npz", prior="train").predict([taught])[0]
    assert pred.label == "harassment", pred.scores
    # at the phone-dump prior too the taught label is no longer zeroed by the rule
    assert load(out / "taught.npz").predict([taught])[0].scores["harassment"] > 0.05
    # and the bundled rule still holds for what nobody taught
    assert load(out / "taught.npz").predict(["你给我等着，这事没完。"])[0].label == "other"
