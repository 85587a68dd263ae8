"""Is a linear model the ceiling?  A second stage over the linear scores and the rule signals (issue 22, item 6).

Usage (from the repository root)::

    .venv/bin/python benchmarks/second_stage.py --real ../shared/real-dev --seeds 0 1

For each seed:

1. the corpus (``data/corpus.jsonl``, copied once to a snapshot so that a concurrent rebuild cannot change it
   mid-run) is split by its ``split`` field; the training side is cut into ``--folds`` grouped folds
   (``_group_folds``: a group never crosses folds) and, for every fold, the project's own recipe
   (``build_pipeline("linear_svm", seed, calibration_cv=<grouped folds of the rest>)``) is fitted on the other
   folds and scores the held-out one: out-of-fold calibrated probabilities for every training row;
2. the linear model itself is trained as ``dunning-nlp train`` does (``training.train``, family
   ``linear_svm``), which also records the class prior and what the labelled data taught the gate;
3. two second stages are fitted on the out-of-fold features — [log-odds of the 5 calibrated probabilities,
   the 0/1 rule-signal columns, a one-hot bucket of the normalised length]: a logistic-regression stacker
   (baseline), a ``HistGradientBoostingClassifier`` (200 rounds, 31 leaves) and a smaller one (50 rounds,
   15 leaves) chosen for its cost;
4. linear, stacked (LR) and stacked (HGB) are scored the same way, deployed by the classifier itself
   (:meth:`Classifier.deploy`: the deployment prior, the template prior for texts with unfilled slots, the
   debt-context gate with its taught texts) on the corpus test split and every file of the real dev set through
   :func:`dunning_nlp.train.real_eval.evaluate_real` itself (an adapter classifier), so the figures are the
   ones ``dunning-nlp evaluate --real`` prints; grouped CV over the out-of-fold features (second-level folds)
   is deployed more simply (:func:`deploy_oof`: the phone-dump prior for every row and the rule gate without
   taught texts, since the fold models have none), the same for every model.  The linear path is checked to reproduce
   ``Classifier.predict_proba`` and ``evaluate_real(classifier)`` exactly.  Because a second stage can merely
   move the operating point (more scams found, more false alarms), the real dev figures are also given for
   every model at larger shares of ``other`` in the deployment prior (:data:`SWEEP`);
5. throughput: ``Classifier.predict`` (evidence on, as ``batch``) per message on distinct texts (distinct
   normalised forms of the real dev set and the corpus test split, a fresh classifier so the prediction cache
   never hits, in chunks of 512), against the extra time a second stage adds to a chunk: assembling its
   features from the feature rows the classifier already computed, and its ``predict_proba``.

The library is imported read-only; nothing under ``dunning_nlp/``, ``data/``, ``models/`` or ``tests/`` is
written.  Only figures are written (``benchmarks/results/second-stage-<timestamp>.json``), never a text of the
real dev set.  Intermediate arrays are cached under ``/tmp/second_stage_cache``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

# At most the cores the brief allows, one by default (as one batch worker); set before NumPy/scikit-learn load.
_THREADS = "1"
for _i, _a in enumerate(sys.argv):
    if _a == "--threads" and _i + 1 < len(sys.argv):
        _THREADS = sys.argv[_i + 1]
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _THREADS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from dunning_nlp.labels import LABELS  # noqa: E402
from dunning_nlp.model.classifier import Classifier  # noqa: E402
from dunning_nlp.model.compile import compile_pipeline  # noqa: E402
from dunning_nlp.model.gate import GATE_SIGNALS, apply_gate  # noqa: E402
from dunning_nlp.model.prior import resolve_prior, shift_prior  # noqa: E402
from dunning_nlp.text.signals import SIGNALS  # noqa: E402
from dunning_nlp.train.corpus import corpus_hash, read_records  # noqa: E402
from dunning_nlp.train.real_eval import evaluate_real  # noqa: E402
from dunning_nlp.train.training import _group_folds, _scores, build_pipeline, split_records, train  # noqa: E402

CACHE = Path("/tmp/second_stage_cache")
#: Upper edges of the normalised-length buckets (characters); one more bucket holds the rest.
LENGTH_EDGES = (10, 20, 40, 70, 110, 160)
_GATE_IDX = np.array([[s.name for s in SIGNALS].index(name) for name in GATE_SIGNALS])
#: Shares of `other` in the deployment prior for the operating-point sweep (DEFAULT_PRIOR has 0.76).
SWEEP = (0.76, 0.85, 0.9, 0.95, 0.98, 0.99)
CHUNK = 512  # what `dunning-nlp batch` classifies at once
FBS_SCAMS = ("FR:Phishing(Bank)", "FR:Other", "FR:Financial", "FR:Phishing(Other)")


# -- features the second stage reads ---------------------------------------------------------------------------
def rows_signals(model, rows) -> np.ndarray:
    """(n, signals) 0/1 matrix of the signal columns of feature rows (what the model and the gate saw)."""
    n = len(rows.indptr) - 1
    out = np.zeros((n, len(SIGNALS)), dtype=np.float32)
    at = rows.indices >= model.signal_offset
    out[rows.row_ids()[at], rows.indices[at] - model.signal_offset] = 1.0
    return out


def length_bucket(normalised) -> np.ndarray:
    """Index of each normalised text's length bucket (:data:`LENGTH_EDGES`)."""
    return np.searchsorted(LENGTH_EDGES, np.fromiter((len(t) for t in normalised), dtype=np.int64), side="left")


def stack_features(raw: np.ndarray, signals: np.ndarray, bucket: np.ndarray) -> np.ndarray:
    """[log-odds of the 5 calibrated probabilities, signal columns, one-hot length bucket]."""
    p = np.clip(raw, 1e-6, 1 - 1e-6)
    onehot = np.zeros((len(bucket), len(LENGTH_EDGES) + 1), dtype=np.float32)
    onehot[np.arange(len(bucket)), bucket] = 1.0
    return np.hstack([np.log(p) - np.log1p(-p), signals, onehot])


def model_view(model, texts):
    """Raw calibrated probabilities, stacker inputs and rule context of ``texts`` under a compiled model.

    ``rows`` and ``normalised`` are kept so that :meth:`Classifier.deploy` can deploy any scores of them.
    """
    normalised = model.normalise(texts)
    rows = model.transform(normalised)
    raw = model.predict_proba_rows(rows)
    signals = rows_signals(model, rows)
    context = signals[:, _GATE_IDX].any(axis=1)
    return {"raw": raw, "signals": signals, "bucket": length_bucket(normalised), "context": context,
            "rows": rows, "normalised": normalised}


def deploy_oof(proba: np.ndarray, train_prior, context: np.ndarray) -> np.ndarray:
    """Out-of-fold rows only: the phone-dump prior and the rule gate (the fold models were taught nothing)."""
    return apply_gate(shift_prior(proba, train_prior, resolve_prior(None)), context)


def make_stackers(seed: int) -> dict:
    return {
        "stacked_lr": LogisticRegression(C=1.0, max_iter=3000),
        "stacked_hgb": HistGradientBoostingClassifier(learning_rate=0.1, max_iter=200, max_leaf_nodes=31,
                                                      min_samples_leaf=40, l2_regularization=1.0,
                                                      early_stopping=False, random_state=seed),
        # added after a first trial run for its cost (about a tenth of the trees' work), not tuned on the real dev set
        "stacked_hgb_small": HistGradientBoostingClassifier(learning_rate=0.2, max_iter=50, max_leaf_nodes=15,
                                                            min_samples_leaf=40, l2_regularization=1.0,
                                                            early_stopping=False, random_state=seed),
    }


def stack_proba(stacker, view) -> np.ndarray:
    """Stacker probabilities in LABELS order."""
    proba = stacker.predict_proba(stack_features(view["raw"], view["signals"], view["bucket"]))
    order = [list(stacker.classes_).index(lab) for lab in LABELS]
    return proba[:, order]


# -- out-of-fold linear scores ---------------------------------------------------------------------------------
def source_digest() -> str:
    """Digest of the library's sources as imported, so a cache never outlives a change of the model code."""
    h = hashlib.sha256()
    for path in sorted((ROOT / "dunning_nlp").rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def out_of_fold(train_records, folds: int, seed: int, key: str) -> dict:
    """Out-of-fold raw probabilities, signals and length buckets for every training record (cached)."""
    cache = CACHE / f"oof-{key}-s{seed}-k{folds}.npz"
    if cache.exists():
        with np.load(cache, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    n = len(train_records)
    out = {"raw": np.zeros((n, len(LABELS))), "signals": np.zeros((n, len(SIGNALS)), dtype=np.float32),
           "bucket": np.zeros(n, dtype=np.int64), "context": np.zeros(n, dtype=bool), "fold": np.zeros(n, np.int64)}
    for k, (tr, te) in enumerate(_group_folds(train_records, folds, seed)):
        start = time.perf_counter()
        part = [train_records[i] for i in tr]
        pipe = build_pipeline("linear_svm", seed, calibration_cv=_group_folds(part, folds, seed))
        pipe.fit([r.text for r in part], [r.label for r in part])
        view = model_view(compile_pipeline(pipe), [train_records[i].text for i in te])
        for name in ("raw", "signals", "bucket", "context"):
            out[name][te] = view[name]
        out["fold"][te] = k
        print(f"  seed {seed} fold {k + 1}/{folds}: {len(te)} rows in {time.perf_counter() - start:.0f} s",
              flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **out)
    return out


# -- real dev through evaluate_real ----------------------------------------------------------------------------
class Scored:
    """Adapter with ``predict(texts, evidence=False)`` over precomputed deployed probabilities per text."""

    def __init__(self, proba_by_text: dict[str, np.ndarray]):
        self._proba = proba_by_text

    def predict(self, texts, *, evidence: bool = False):
        out = []
        for text in texts:
            p = self._proba[text]
            best = int(np.argmax(p))
            out.append(SimpleNamespace(label=LABELS[best], score=float(p[best])))
        return out


def summarise_real(report: dict) -> dict:
    """The figures issue 22 sets targets on, from an :func:`evaluate_real` result."""
    files = {entry["file"]: entry for entry in report["files"]}

    def value(file: str, gold: str, group: str = "") -> float | None:
        for row in files.get(file, {}).get("rows", []):
            if row["gold"] == gold and row["group"] == group:
                return row["value"]
        return None

    out = {"ham_false_alarms": value("ham.jsonl", "other"), "ads_false_alarms": value("spam.jsonl", "other"),
           "fbs_nonscam_false_alarms": value("fbs.jsonl", "other"),
           "service_false_alarms": value("service.jsonl", "other"), "spam_scam_recall": value("spam.jsonl", "fraud"),
           "fbs_scam_recall": value("fbs.jsonl", "fraud"),
           **{f"fbs_{g}": value("fbs.jsonl", "fraud", g) for g in FBS_SCAMS}}
    per_label = files.get("collection.jsonl", {}).get("per_label")
    if per_label:
        out["collection_macro_f1"] = per_label["macro_f1"]
        out["collection_f1"] = {lab: v["f1"] for lab, v in per_label["labels"].items()}
    return out


def read_real_texts(directory: Path) -> list[str]:
    texts = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8-sig") as fh:
            texts.extend(json.loads(line)["text"] for line in fh if line.strip())
    return list(dict.fromkeys(texts))


# -- throughput ------------------------------------------------------------------------------------------------
def throughput(clf: Classifier, stackers: dict, texts: list[str], parts: int = 3) -> dict:
    """µs per message: full ``Classifier.predict`` vs what each second stage adds, on disjoint distinct parts."""
    model = clf.model
    forms = dict.fromkeys(model.normalise(texts))  # distinct normalised forms, one raw text each
    seen: dict[str, str] = {}
    for text, form in zip(texts, model.normalise(texts)):
        seen.setdefault(form, text)
    distinct = [seen[f] for f in forms]
    Classifier(model, clf.manifest).predict(distinct[:200])  # warm-up (dictionary, tables), not timed below
    distinct = distinct[200:]
    size = len(distinct) // parts
    full, extra = [], {name: [] for name in stackers}
    for k in range(parts):
        part = distinct[k * size:(k + 1) * size]
        fresh = Classifier(model, clf.manifest)  # empty prediction cache
        start = time.perf_counter()
        for i in range(0, len(part), CHUNK):
            fresh.predict(part[i:i + CHUNK], evidence=True)
        full.append((time.perf_counter() - start) / len(part) * 1e6)
        chunks = []
        for i in range(0, len(part), CHUNK):  # inputs the classifier already holds per chunk (not timed)
            normalised = model.normalise(part[i:i + CHUNK])
            rows = model.transform(normalised)
            chunks.append((normalised, rows, model.predict_proba_rows(rows)))
        for name, stacker in stackers.items():
            start = time.perf_counter()
            for normalised, rows, raw in chunks:
                x = stack_features(raw, rows_signals(model, rows), length_bucket(normalised))
                stacker.predict_proba(x)
            extra[name].append((time.perf_counter() - start) / len(part) * 1e6)
    return {"n_per_part": size, "parts": parts, "predict_us": full, "extra_us": extra,
            "predict_us_median": float(np.median(full)),
            "extra_us_median": {n: float(np.median(v)) for n, v in extra.items()},
            "extra_share": {n: float(np.median(v) / np.median(full)) for n, v in extra.items()}}


# -- one seed --------------------------------------------------------------------------------------------------
def run_seed(seed: int, records, folds: int, real: Path | None, key: str, timing: bool) -> dict:
    t0 = time.perf_counter()
    train_records, test_records = split_records(records)
    y_train = np.array([r.label for r in train_records])
    oof = out_of_fold(train_records, folds, seed, key)
    print(f"  seed {seed}: out-of-fold done at {time.perf_counter() - t0:.0f} s; training the linear model",
          flush=True)
    result = train(train_records, family="linear_svm", n_splits=folds, seed=seed)
    clf = Classifier(result.classifier.model, result.manifest_extra)  # as saved and loaded: the compiled model
    model = clf.model
    prior = model.class_prior
    x_oof = stack_features(oof["raw"], oof["signals"], oof["bucket"])
    out: dict = {"seed": seed, "folds": folds, "n_train": len(train_records), "n_test": len(test_records),
                 "gate_taught": len(model.gate_taught)}

    # grouped CV of the second stage over the out-of-fold features (second-level grouped folds)
    cv = {name: [] for name in NAMES}
    for tr, te in _group_folds(train_records, folds, seed + 1000):
        ctx, gold = oof["context"][te], list(y_train[te])
        cv["linear"].append(_scores(gold, deploy_oof(oof["raw"][te], prior, ctx))["macro_f1"])
        for name, stacker in make_stackers(seed).items():
            stacker.fit(x_oof[tr], y_train[tr])
            p = stacker.predict_proba(x_oof[te])[:, [list(stacker.classes_).index(lab) for lab in LABELS]]
            cv[name].append(_scores(gold, deploy_oof(p, prior, ctx))["macro_f1"])
    out["grouped_cv_macro_f1"] = {n: {"mean": float(np.mean(v)), "std": float(np.std(v)), "folds": v}
                                  for n, v in cv.items()}

    stackers = make_stackers(seed)
    for name, stacker in stackers.items():
        start = time.perf_counter()
        stacker.fit(x_oof, y_train)
        out.setdefault("fit_seconds", {})[name] = round(time.perf_counter() - start, 1)

    # corpus test split
    test_texts, test_gold = [r.text for r in test_records], [r.label for r in test_records]
    view = model_view(model, test_texts)
    linear = clf.deploy(view["raw"], view["rows"], view["normalised"])
    reference = clf.predict_proba(test_texts)
    assert np.allclose(linear, reference, atol=1e-12), "linear path does not reproduce Classifier.predict_proba"
    test = {"linear": linear}
    for name, stacker in stackers.items():
        test[name] = clf.deploy(stack_proba(stacker, view), view["rows"], view["normalised"])
    out["corpus_test"] = {n: {"macro_f1": s["macro_f1"], "f1": {lab: v["f1"] for lab, v in s["per_label"].items()}}
                          for n, s in ((n, _scores(test_gold, p)) for n, p in test.items())}
    out["corpus_test_train_prior_no_gate"] = {  # the same models before shift and gate, for reference
        "linear": _scores(test_gold, view["raw"])["macro_f1"],
        **{n: _scores(test_gold, stack_proba(s, view))["macro_f1"] for n, s in stackers.items()}}

    # real dev set through evaluate_real
    if real is not None:
        texts = read_real_texts(real)
        view = model_view(model, texts)
        deployed = {"linear": clf.deploy(view["raw"], view["rows"], view["normalised"])}
        for name, stacker in stackers.items():
            deployed[name] = clf.deploy(stack_proba(stacker, view), view["rows"], view["normalised"])
        reports = {n: evaluate_real(Scored(dict(zip(texts, p))), real) for n, p in deployed.items()}
        direct = evaluate_real(Classifier(model, clf.manifest), real)
        assert summarise_real(direct) == summarise_real(reports["linear"]), "linear path differs from evaluate_real"
        out["real_dev"] = {n: summarise_real(r) for n, r in reports.items()}
        # Operating points: a second stage may only trade false alarms for recall.  The same deployment prior
        # with a larger share of `other` for every model shows whether one curve lies above the other.
        sweep = {}
        for share in SWEEP:
            at_share = Classifier(model, clf.manifest, prior=share)
            for name in NAMES:
                proba = view["raw"] if name == "linear" else stack_proba(stackers[name], view)
                p = at_share.deploy(proba, view["rows"], view["normalised"])
                report = evaluate_real(Scored(dict(zip(texts, p))), real)
                sweep.setdefault(str(share), {})[name] = summarise_real(report)
        out["real_dev_prior_sweep"] = sweep

    if timing:
        pool = (read_real_texts(real) if real is not None else []) + test_texts
        out["throughput"] = throughput(clf, stackers, pool)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


# -- report ----------------------------------------------------------------------------------------------------
def _real(key: str, sub: str | None = None):
    """Getter of one real dev figure of a seed's result for a model name."""
    def get(s: dict, n: str):
        value = s["real_dev"][n][key]
        return value.get(sub) if sub is not None else value
    return get


ROWS = (
    ("grouped CV macro-F1 (OOF, train side)", lambda s, n: s["grouped_cv_macro_f1"][n]["mean"]),
    ("corpus test macro-F1", lambda s, n: s["corpus_test"][n]["macro_f1"]),
    ("real dev: ham false alarms", _real("ham_false_alarms")),
    ("real dev: ads (spam other) false alarms", _real("ads_false_alarms")),
    ("real dev: FBS non-scam false alarms", _real("fbs_nonscam_false_alarms")),
    ("real dev: service false alarms", _real("service_false_alarms")),
    ("real dev: spam scam recall", _real("spam_scam_recall")),
    ("real dev: FBS scam recall (all FR:*)", _real("fbs_scam_recall")),
    *((f"real dev: FBS {g} recall", _real(f"fbs_{g}")) for g in FBS_SCAMS),
    ("real dev: collection macro-F1", _real("collection_macro_f1")),
    *((f"real dev: collection F1 {lab}", _real("collection_f1", lab)) for lab in LABELS),
)
NAMES = ("linear", "stacked_lr", "stacked_hgb", "stacked_hgb_small")


def format_table(seeds: list[dict]) -> str:
    head = "| figure | seed | " + " | ".join(NAMES) + " |"
    lines = [head, "|---|---:|" + "---:|" * len(NAMES)]
    for title, get in ROWS:
        for s in seeds:
            try:
                cells = [get(s, n) for n in NAMES]
            except KeyError:
                continue
            lines.append(f"| {title} | {s['seed']} | "
                         + " | ".join("–" if c is None else f"{c:.3f}" for c in cells) + " |")
    for s in seeds:
        if "throughput" in s:
            t = s["throughput"]
            cells = [f"{t['predict_us_median']:.0f} µs/msg (predict)"] + [
                f"+{t['extra_us_median'][n]:.1f} µs (+{100 * t['extra_share'][n]:.1f} %)" for n in NAMES[1:]]
            lines.append(f"| cost per message | {s['seed']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_sweep(seeds: list[dict]) -> str:
    """FBS non-scam false alarms / FBS scam recall / spam scam recall / collection macro-F1 per prior share."""
    lines = ["| seed | share of other | " + " | ".join(NAMES) + " |", "|---:|---:|" + "---|" * len(NAMES)]
    for s in seeds:
        for share, by_name in s.get("real_dev_prior_sweep", {}).items():
            cells = [f"{v['fbs_nonscam_false_alarms']:.3f} / {v['fbs_scam_recall']:.3f} / {v['spam_scam_recall']:.3f}"
                     f" / {v['collection_macro_f1']:.3f}" for v in (by_name[n] for n in NAMES)]
            lines.append(f"| {s['seed']} | {share} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT / "data" / "corpus.jsonl"), help="the corpus (snapshotted)")
    parser.add_argument("--real", default=None, help="folder of the real dev set (read only), e.g. ../shared/real-dev")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--folds", type=int, default=5, help="grouped folds (out-of-fold scores and calibration)")
    parser.add_argument("--threads", default="1", help="BLAS/OpenMP threads (read before imports)")
    parser.add_argument("--no-timing", action="store_true", help="skip the throughput measurement")
    parser.add_argument("--out", default=None, help="results JSON (default benchmarks/results/second-stage-<ts>.json)")
    args = parser.parse_args(argv)

    CACHE.mkdir(parents=True, exist_ok=True)
    snapshot = CACHE / "corpus-snapshot.jsonl"
    shutil.copyfile(args.data, snapshot)
    records = read_records([str(snapshot)])
    key = f"{corpus_hash(records)[:12]}-{source_digest()}"
    git = {"cwd": ROOT, "capture_output": True, "text": True}
    commit = subprocess.run(["git", "log", "--oneline", "-1"], check=False, **git).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", "dunning_nlp", "data/corpus.jsonl"],
                                check=False, **git).stdout.strip())
    print(f"corpus {args.data}: {len(records)} records, sha256 {corpus_hash(records)[:16]}; commit {commit[:7]}"
          f"{' (uncommitted changes to dunning_nlp/ or the corpus)' if dirty else ''}", flush=True)
    real = Path(args.real) if args.real else None
    results = []
    for seed in args.seeds:
        results.append(run_seed(seed, records, args.folds, real, key, timing=not args.no_timing))
        print(f"  seed {seed} done in {results[-1]['seconds']:.0f} s", flush=True)
    print(format_table(results))
    print("\nreal dev at other deployment priors: FBS non-scam false alarms / FBS scam recall / spam scam recall"
          " / collection macro-F1")
    print(format_sweep(results))
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / f"second-stage-{stamp}.json"
    payload = {"commit": commit, "uncommitted_changes": dirty, "corpus_records": len(records),
               "corpus_sha256": corpus_hash(records), "library_sources": key.split("-", 1)[1],
               "threads": os.environ["OMP_NUM_THREADS"], "argv": sys.argv[1:], "seeds": results}
    out.write_text(json.dumps(payload, indent=1, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
