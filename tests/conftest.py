"""Shared fixtures.  The bundled model is loaded once per session."""

from __future__ import annotations

import json
import os
from pathlib import Path

# Tests segment with jieba unless a test asks for another back-end (rjieba is installed with the test extras).
os.environ["DUNNING_NLP_TOKENIZER"] = "jieba"

import pytest
from hypothesis import settings

# CI replays the same generated cases every run (a red build then means a code change, not a new random draw);
# local runs explore fresh cases.  Set HYPOTHESIS_PROFILE=explore in CI to search anew.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "explore"))

ROOT = Path(__file__).resolve().parent.parent


def needs_tools(*tools: str):
    """Skip a test when a command-line tool is missing — except under CI, where a missing tool must fail."""
    import shutil

    missing = [t for t in tools if not shutil.which(t)]
    skip = pytest.mark.skipif(bool(missing) and not os.environ.get("CI"),
                              reason=f"{', '.join(missing)} not installed (scripts/setup_browser.sh installs them)")

    def mark(test):  # a browser or PDF test takes seconds: part of the slow set
        return pytest.mark.slow(skip(test))

    return mark


DATA = ROOT / "data"


@pytest.fixture(scope="session")
def cli():
    """The one CLI runner (:func:`cli_runner.run_cli`): ``cli(argv, stdin="")`` → (code, out, err)."""
    from cli_runner import run_cli

    return run_cli


@pytest.fixture(scope="session")
def classifier():
    import dunning_nlp

    return dunning_nlp.load()


@pytest.fixture(scope="session")
def corpus_rows() -> list[dict]:
    with open(DATA / "corpus.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="session")
def small_model(tmp_path_factory):
    """A quickly trained model (few groups per label), saved with its manifest."""
    from dunning_nlp.train.training import run_training

    out = tmp_path_factory.mktemp("model")
    report = run_training(family="linear_svm", out_dir=str(out), name="small", limit_per_label=30, n_splits=3)
    return report["model_path"]
