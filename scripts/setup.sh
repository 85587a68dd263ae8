#!/usr/bin/env bash
# Create .venv (once) and install the project with its test extras. Idempotent; offline-safe after the first run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.dunning_nlp-installed
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | { grep -v "^WARNING: Location" || true; }
  .venv/bin/python -m pip install --quiet -e ".[train,test,notebooks,spark${EXTRAS:+,$EXTRAS}]" 2>&1 | { grep -v "^WARNING: Location" || true; }
  .venv/bin/python -c "import dunning_nlp, jieba, sklearn, opencc, nbclient, matplotlib, pyspark, pyarrow, pandas" # fail loudly if the install did not work
  touch "$stamp"
fi
