"""The project's data is its own: no text in data/ copies a message of the real dev set.

The check is ``../shared/tools/check_no_copies.py`` (maintained beside the real dev set); the test skips
where ``../shared`` is not checked out beside the repository.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

CHECK = ROOT.parent / "shared" / "tools" / "check_no_copies.py"


@pytest.mark.skipif(not CHECK.exists(), reason="../shared (the real dev set and its copy check) is not present")
@pytest.mark.slow
def test_no_text_in_data_copies_a_real_dev_message():
    done = subprocess.run([sys.executable, str(CHECK), str(ROOT / "data")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " 0 project texts copy" in " " + done.stdout.splitlines()[-1]
