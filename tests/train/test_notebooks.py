"""The notebooks: stripped in git, in sync with their generator, executable, and equal to the CLI."""

import json

import nbformat
import numpy as np
import pytest

from conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_explore_data.ipynb", "02_train.ipynb", "03_evaluate.ipynb"]


@pytest.mark.parametrize("name", NAMES)
def test_outputs_are_stripped(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, name


def test_notebooks_match_their_generator(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_notebooks", NOTEBOOKS / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for name in NAMES:
        assert (tmp_path / name).read_text(encoding="utf-8") == (NOTEBOOKS / name).read_text(encoding="utf-8")


def _execute(name, tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb


@pytest.fixture()
def quick_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DNLP_LIMIT", "12")
    monkeypatch.setenv("DNLP_FOLDS", "3")
    monkeypatch.setenv("DNLP_SEED", "3")
    monkeypatch.setenv("DNLP_OUT", str(tmp_path / "nb_model"))
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01_explore_data.ipynb", "03_evaluate.ipynb"])
def test_notebook_runs_top_to_bottom(name, quick_env):
    nb = _execute(name, quick_env)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert images, "plots did not render"


@pytest.mark.slow
def test_train_notebook_and_cli_give_the_same_model(quick_env):
    from dunning_nlp.cli.app import main
    import dunning_nlp

    _execute("02_train.ipynb", quick_env)
    nb_model = quick_env / "nb_model" / "default.joblib"
    cli_dir = quick_env / "cli_model"
    assert main(["train", "--limit-per-label", "12", "--folds", "3", "--seed", "3", "-o", str(cli_dir)]) == 0
    a, b = dunning_nlp.load(nb_model), dunning_nlp.load(cli_dir / "default.joblib")
    manifest_a = json.loads(nb_model.with_suffix(".json").read_text(encoding="utf-8"))
    manifest_b = json.loads((cli_dir / "default.json").read_text(encoding="utf-8"))
    assert manifest_a["training_data_sha256"] == manifest_b["training_data_sha256"]
    assert manifest_a["family"] == manifest_b["family"] and manifest_a["metrics"] == manifest_b["metrics"]
    texts = [r["text"] for r in map(json.loads, (ROOT / "data" / "challenge.jsonl").read_text(encoding="utf-8").splitlines())]
    np.testing.assert_allclose(a.predict_proba(texts), b.predict_proba(texts), rtol=0, atol=1e-12)
