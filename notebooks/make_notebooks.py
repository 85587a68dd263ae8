"""Write the three notebooks from the cell sources below (outputs empty).

The notebooks only call library functions (``dunning_nlp.train.training``,
``dunning_nlp.train.corpus``) and plot; this script keeps their source reviewable
as Python.  Run ``python notebooks/make_notebooks.py`` after editing it.

Parameters are read from environment variables so CI can run every notebook
quickly: ``DNLP_LIMIT`` (groups per label and split; empty = all),
``DNLP_OUT`` (model output directory; by default a new directory, so that
the bundled ``models/default.*`` is never replaced), ``DNLP_EXTRA`` (your labelled files,
separated by ``:``), ``DNLP_SEED``, ``DNLP_FAMILY``, ``DNLP_MODEL``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

PARAMS = '''# Parameters (environment variables let CI run this quickly; edit freely)
import os
SEED = int(os.environ.get("DNLP_SEED", "0"))
LIMIT = int(os.environ["DNLP_LIMIT"]) if os.environ.get("DNLP_LIMIT") else None   # groups per label; None = all
OUT_DIR = os.environ.get("DNLP_OUT") or None   # None = a new directory models/trained-<time>; never the bundled model
EXTRA = [p for p in os.environ.get("DNLP_EXTRA", "").split(":") if p]            # your labelled CSV/JSONL files
FAMILY = os.environ.get("DNLP_FAMILY") or None                                   # None = compare and pick
MODEL = os.environ.get("DNLP_MODEL") or None                                     # None = bundled model
FOLDS = int(os.environ.get("DNLP_FOLDS", "5"))'''

SETUP = '''import matplotlib.pyplot as plt
plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "DejaVu Sans"]
from dunning_nlp import LABELS'''

NB1 = [
    ("markdown", "# 01 · Explore the corpus\nCounts by label, script, origin and length, and examples of each label. "
                 "Everything is computed by `dunning_nlp.train.corpus.corpus_summary`."),
    ("code", PARAMS),
    ("code", SETUP + "\nfrom dunning_nlp.train.corpus import read_records, corpus_summary"),
    ("code", "records = read_records()\nif EXTRA:\n    records += read_records(EXTRA)\n"
             "summary = corpus_summary(records)\n"
             "print(summary['n'], 'records')\nsummary['by_label'], summary['groups']"),
    ("code", "fig, axes = plt.subplots(1, 3, figsize=(15, 4))\n"
             "axes[0].bar(LABELS, [summary['by_label'].get(l, 0) for l in LABELS]); axes[0].set_title('records by label')\n"
             "for i, script in enumerate(['hans', 'hant']):\n"
             "    axes[1].bar([x + i * 0.4 for x in range(len(LABELS))], [summary['by_script'][l].get(script, 0) for l in LABELS],\n"
             "                width=0.4, label=script)\n"
             "axes[1].set_xticks(range(len(LABELS)), LABELS); axes[1].legend(); axes[1].set_title('script')\n"
             "axes[2].bar(list(summary['by_origin']), list(summary['by_origin'].values())); axes[2].set_title('origin')\n"
             "plt.tight_layout(); plt.show()"),
    ("code", "plt.figure(figsize=(8, 4))\n"
             "plt.hist([summary['lengths'][l] for l in LABELS], bins=30, stacked=True, label=list(LABELS))\n"
             "plt.xlabel('characters'); plt.legend(); plt.title('message length by label'); plt.show()\n"
             "summary['length']"),
    ("code", "import random\nrng = random.Random(SEED)\nfor label in LABELS:\n"
             "    print(f'--- {label}')\n"
             "    for r in rng.sample([r for r in records if r.label == label], 3):\n"
             "        print(f'  [{r.script}, {r.origin}] {r.text}')"),
]

NB2 = [
    ("markdown", "# 02 · Train\nLoads `data/` plus optional files of your own (`EXTRA`), compares model families "
                 "with grouped cross-validation, fits the best with calibration, evaluates on held-out groups and "
                 "saves the model (compiled `.npz`, scikit-learn `.joblib`) and its manifest. It calls `dunning_nlp.train.training.run_training`, exactly what "
                 "`dunning-nlp train` runs, so the same data and seed give the same model."),
    ("code", PARAMS),
    ("code", SETUP + "\nfrom dunning_nlp.train.training import run_training\nfrom dunning_nlp.cli.app import format_metrics"),
    ("code", "report = run_training(extra=EXTRA, family=FAMILY, seed=SEED, n_splits=FOLDS, out_dir=OUT_DIR,\n"
             "                      limit_per_label=LIMIT)\nreport['family'], report['model_path']"),
    ("code", "for family, row in report['cv_comparison'].items():\n"
             "    print(f\"{family:<14} grouped-CV macro-F1 {row['macro_f1']:.4f} ± {row['std']:.4f}\")\n"
             "if report['cv_comparison']:\n"
             "    names = list(report['cv_comparison'])\n"
             "    plt.bar(names, [report['cv_comparison'][n]['macro_f1'] for n in names]); plt.ylim(0.8, 1)\n"
             "    plt.title('grouped CV macro-F1 by family'); plt.show()"),
    ("code", "print(format_metrics(report['metrics']))"),
]

NB3 = [
    ("markdown", "# 03 · Evaluate\nPer-label precision/recall/F1, confusion matrix, calibration curve, the "
                 "misclassified examples with their evidence, and robustness on obfuscated text — for the bundled "
                 "model or `MODEL`, on the held-out split. Calls `dunning_nlp.train.training`."),
    ("code", PARAMS),
    ("code", SETUP + "\nimport numpy as np\nfrom dunning_nlp.train.training import run_evaluation, misclassified, calibration_table\n"
                     "from dunning_nlp.cli.app import format_metrics"),
    ("code", "data = None\nresult = run_evaluation(MODEL, data, seed=SEED)\nclf, test = result['classifier'], result['records']\n"
             "if LIMIT:  # a quick run: an evenly spaced subset of the held-out split\n    test = test[:: max(1, len(test) // (LIMIT * 25))]\n    from dunning_nlp.train.training import evaluate\n"
             "    result['metrics'] = evaluate(clf, test, seed=SEED)\nprint(format_metrics(result['metrics']))"),
    ("code", "cm = np.array(result['metrics']['clean']['confusion'])\nfig, ax = plt.subplots(figsize=(5, 5))\n"
             "ax.imshow(cm, cmap='Blues')\nax.set_xticks(range(5), LABELS, rotation=45); ax.set_yticks(range(5), LABELS)\n"
             "for i in range(5):\n    for j in range(5):\n        ax.text(j, i, cm[i, j], ha='center', va='center')\n"
             "ax.set_xlabel('predicted'); ax.set_ylabel('true'); plt.show()"),
    ("code", "table = calibration_table(clf, test)\n"
             "plt.plot([0, 1], [0, 1], '--', color='grey')\n"
             "plt.plot([r['confidence'] for r in table], [r['accuracy'] for r in table], 'o-')\n"
             "plt.xlabel('confidence'); plt.ylabel('accuracy'); plt.title('calibration'); plt.show()\ntable"),
    ("code", "errors = misclassified(clf, test)\nprint(len(errors), 'misclassified of', len(test))\n"
             "for e in errors[:25]:\n    print(f\"{e['true']:>11} -> {e['predicted']:<11} {e['score']:.2f}  {e['text'][:70]}\")\n"
             "    print('             evidence:', '; '.join(e['evidence'][:4]))"),
    ("code", "m = result['metrics']\nprint(f\"macro-F1 clean {m['clean']['macro_f1']:.4f}, obfuscated {m['perturbed']['macro_f1']:.4f}, "
             "drop {m['perturbed_drop']:+.4f}\")"),
]


def build(cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        nb.cells.append(nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


def main() -> int:
    for name, cells in (("01_explore_data", NB1), ("02_train", NB2), ("03_evaluate", NB3)):
        nbformat.write(build(cells), HERE / f"{name}.ipynb")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
