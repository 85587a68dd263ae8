#!/usr/bin/env bash
# Set up (if needed), check the package with ruff and mypy, and run the whole test suite (what CI runs).
# A fast local run: .venv/bin/python -m pytest -m "not slow"  (about a minute; CI runs everything).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_browser.sh
bash scripts/setup_java.sh
# Lint, format and type checks over the package (configured in pyproject.toml), then the tests.
.venv/bin/python -m ruff check dunning_nlp
.venv/bin/python -m ruff format --check dunning_nlp
.venv/bin/python -m mypy
set +e
.venv/bin/python -m pytest "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then echo "no tests were collected" >&2; exit 1; fi
exit "$code"
