"""`pip install .` gives a package that works from any directory: model and dictionary ship inside it."""

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_classifies_outside_the_repo(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(wheels)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("dunning_nlp-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"dunning_nlp/models/default.joblib", "dunning_nlp/models/default.json",
            "dunning_nlp/resources/userdict.txt", "dunning_nlp/py.typed"} <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "dunning-nlp = dunning_nlp.cli.app:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                              str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import dunning_nlp, sys; assert dunning_nlp.__file__.startswith(sys.argv[1]), dunning_nlp.__file__; "
            "print(dunning_nlp.classify('您好，您在XX借款已逾期3天，请今日还款').label)")
    run = subprocess.run([sys.executable, "-c", code, str(target)], cwd=elsewhere, capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "reminder"
