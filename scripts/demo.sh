#!/usr/bin/env bash
# Set up (if needed) and classify the bundled sample SMS dumps; results go to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
.venv/bin/dunning-nlp batch data/samples --redact -o out/sample_predictions.csv
echo "wrote out/sample_predictions.csv"
.venv/bin/dunning-nlp report data/samples --redact -o out/sample_report.html
echo "wrote out/sample_report.html (open it in a browser)"
