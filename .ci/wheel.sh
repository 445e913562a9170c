#!/usr/bin/env bash
# The installed package, from a wheel: build it, install it into a fresh venv (dependencies
# from the system site-packages), then run the README's main command (--episodes 5, into a
# temporary store) and import the environments, from a directory outside the repository so
# that nothing is imported from the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The build backend's requirements (pyproject.toml), installed once, so no isolated build env
python3 -c "import setuptools, wheel" 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check "setuptools>=68" wheel
python3 -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation . -w "$work/dist"
python3 -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps "$work"/dist/*.whl
cd "$work"
"$work/venv/bin/agentdata" rollout --env agentdata/Math-v0 --policy oracle \
    --policy-arg error_rate=0.3 --episodes 5 --seed 0 --db "sqlite:///$work/smoke.db" --json
"$work/venv/bin/python" - "$PWD" <<'PY'
import sys
from pathlib import Path

import agentdata
import agentdata.envs.math

where = Path(agentdata.__file__).resolve()
assert "site-packages" in where.parts, f"imported from the source tree: {where}"
assert Path(agentdata.envs.math.__file__).resolve().is_relative_to(where.parent)
print(f"wheel smoke OK: agentdata {agentdata.__name__} from {where.parent}")
PY
