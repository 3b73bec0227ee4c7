#!/usr/bin/env bash
# Create ./.venv and install the project with its extras. Idempotent: a second run reuses
# the venv, the portable llama-cpp-python wheel in .ci-cache/wheels and pip's cache.
#   EXTRAS=local,test,docx bash scripts/bootstrap.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
EXTRAS=${EXTRAS:-local}
LLAMA_VERSION=0.3.36
WHEELS=.ci-cache/wheels

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip

if [[ ",$EXTRAS," == *",local,"* ]]; then
  if ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
    if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
      echo "==> building llama-cpp-python $LLAMA_VERSION portable (no AMX/AVX512; ~6-10 min on 2 cores)"
      mkdir -p "$WHEELS"
      # The native build uses AMX instructions these CPUs advertise but cannot run; pip's
      # wheel cache ignores CMAKE_ARGS, so build into a project-local folder, uncached.
      CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DLLAMA_CURL=OFF" \
      CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
        .venv/bin/python -m pip wheel --quiet --no-cache-dir --no-deps -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
    fi
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl
  fi
fi

echo "==> installing summarizer[$EXTRAS]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --find-links "$WHEELS" -e ".[$EXTRAS]"
