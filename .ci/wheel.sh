#!/usr/bin/env bash
# The installed package, from a wheel: build it, install it into a fresh venv (dependencies
# from the system site-packages), then run the README's main command (--episodes 5, into a
# temporary store), import the environments, check that the sandbox image's files come from
# the wheel's package data, and run `agentdata sandbox build --offline` (under a throwaway
# tag, reusing the Debian base image .ci/docker.sh made), all from a directory outside the
# repository so that nothing is imported from the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The build backend's requirements (pyproject.toml), installed once, so no isolated build env
python3 -c "import setuptools, wheel" 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check "setuptools>=68" wheel
# Built from a copy of the checkout's files (tracked, and untracked ones git does not ignore),
# as from a fresh clone: a stale build/ left in the working tree cannot hide a missing
# package-data entry.
src=.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    src="$work/src"
    mkdir "$src"
    git ls-files -z --cached --others --exclude-standard \
        | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$src"
fi
python3 -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation "$src" \
    -w "$work/dist"
python3 -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps "$work"/dist/*.whl
cd "$work"
"$work/venv/bin/agentdata" rollout --env agentdata/Math-v0 --policy oracle \
    --policy-arg error_rate=0.3 --episodes 5 --seed 0 --db "sqlite:///$work/smoke.db" --json
"$work/venv/bin/python" - "$PWD" <<'PY'
import sys
from pathlib import Path

import io
import tarfile
from importlib import resources

import agentdata
import agentdata.envs.math
from agentdata.envs.code_repair.sandbox.image import CONTEXT_PACKAGE, build_context

where = Path(agentdata.__file__).resolve()
assert "site-packages" in where.parts, f"imported from the source tree: {where}"
assert Path(agentdata.envs.math.__file__).resolve().is_relative_to(where.parent)
context = Path(str(resources.files(CONTEXT_PACKAGE))).resolve()
assert context.is_relative_to(where.parent), f"image files not from the wheel: {context}"
with tarfile.open(fileobj=io.BytesIO(build_context())) as tar:
    names = tar.getnames()
assert "Dockerfile" in names, f"the wheel's build context lacks the Dockerfile: {names}"
print(f"wheel smoke OK: agentdata from {where.parent}, image context {names}")
PY
# The image build from the installed wheel (a throwaway tag; the layers are cached).
smoke_tag=agentdata-sandbox:wheel-smoke
"$work/venv/bin/agentdata" sandbox build --offline --tag "$smoke_tag"
docker image rm "$smoke_tag" >/dev/null 2>&1 || true
echo "wheel sandbox build OK"
