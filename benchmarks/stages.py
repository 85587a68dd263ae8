"""Where ``dunning-nlp batch`` spends its time, stage by stage, on one dump (one process, no profiler).

Usage (from the repository root)::

    DUNNING_NLP_TOKENIZER=jieba .venv/bin/python benchmarks/stages.py DUMP.jsonl

Runs the batch command's own loop (read, classify in chunks, render CSV) in this process with timers wrapped
around each stage's function, then prints seconds and microseconds per message per stage.  cProfile's
per-call overhead distorts a pipeline of many small calls; these timers only cost one clock read per call
of the stage functions.  Nested stages (OpenCC inside normalisation, segmentation inside the word block) are
shown indented and are included in their parent's figure.
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dunning_nlp import batch  # noqa: E402
from dunning_nlp import io as readers  # noqa: E402
from dunning_nlp.model import classifier as model  # noqa: E402
from dunning_nlp.model import compiled  # noqa: E402
from dunning_nlp.text import normalize as normalise  # noqa: E402
from dunning_nlp.text import signals as signals_module  # noqa: E402

TIMES: dict[str, float] = {}


def timed(owner, attr: str, stage: str, when=None) -> None:
    """Replace ``owner.attr`` by a wrapper adding its wall time to ``TIMES[stage]`` (when ``when(args)``)."""
    func = getattr(owner, attr)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            if when is None or when(args):
                TIMES[stage] = TIMES.get(stage, 0.0) + time.perf_counter() - start

    setattr(owner, attr, wrapper)


STAGES = (
    # (label, depth)
    ("read", 0), ("normalise", 0), ("opencc", 1), ("word block", 0), ("segmentation", 1), ("char n-grams", 0),
    ("signals", 0), ("assemble rows", 0), ("scoring", 0), ("evidence", 0), ("output rows", 0), ("csv", 0),
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", help="a JSONL dump (e.g. the benchmark's real or distinct dump)")
    args = parser.parse_args(argv)
    import dunning_nlp

    classifier = dunning_nlp.load()
    classifier.predict(["预热"])  # load the dictionary outside the timings
    timed(compiled.CompiledModel, "normalise", "normalise")
    timed(normalise, "_to_simplified", "opencc")
    timed(compiled.TextBlock, "counts", "word block", lambda a: a[0].analyzer == "word")
    timed(compiled.TextBlock, "counts", "char n-grams", lambda a: a[0].analyzer == "char")
    timed(compiled.JiebaTokenizer, "__call__", "segmentation")
    timed(compiled, "signal_columns", "signals")
    timed(compiled.CompiledModel, "transform", "transform (all features)")
    timed(model.Classifier, "_scores", "scoring")
    timed(model.Classifier, "_ranked_contributions", "evidence")
    timed(model.Classifier, "_evidence", "evidence")
    timed(batch.Row, "cells", "output rows")
    timed(batch, "render_rows", "csv")
    timed(model.Classifier, "predict", "predict (all)")

    start = time.perf_counter()
    messages = list(readers.read_messages(args.dump, "auto", strict=False))
    TIMES["read"] = time.perf_counter() - start
    out = io.StringIO()
    for _, text in batch._run(messages, classifier, None, None, False, 1, batch.CHUNK, "csv"):
        out.write(text)
    total = time.perf_counter() - start
    n = len(messages)
    TIMES["assemble rows"] = TIMES.pop("transform (all features)") - sum(
        TIMES.get(s, 0.0) for s in ("word block", "char n-grams", "signals"))
    predict = TIMES.pop("predict (all)")
    inside = sum(TIMES.get(s, 0.0) for s in ("normalise", "word block", "char n-grams", "signals", "assemble rows",
                                              "scoring", "evidence"))
    rows = [(label, depth, TIMES.get(label, 0.0)) for label, depth in STAGES]
    rows.append(("other in predict", 0, predict - inside))
    rows.append(("other (chunking, loop)", 0, total - TIMES["read"] - predict
                 - TIMES.get("output rows", 0.0) - TIMES.get("csv", 0.0)))
    print(f"{n} messages, {total:.2f} s, {n / total:,.0f} msg/s  (tokenizer: "
          f"{os.environ.get('DUNNING_NLP_TOKENIZER', 'auto')})")
    print(f"{'stage':<26}{'s':>8}{'µs/msg':>9}{'share':>8}")
    for label, depth, seconds in rows:
        print(f"{'  ' * depth + label:<26}{seconds:8.2f}{seconds / n * 1e6:9.1f}{seconds / total:8.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
