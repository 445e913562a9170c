#!/usr/bin/env bash
# mypy --strict over the one import root. The card's folders (envs/, schemas/, replay/) install
# as agentdata.envs/.schemas/.replay through setuptools' package-dir, which mypy cannot follow,
# so it checks a tree of symlinks laid out as the installed package.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir "$tree/agentdata"
for f in agentdata/* agentdata/.[!.]*; do [ -e "$f" ] && ln -s "$root/$f" "$tree/agentdata/"; done
for d in envs schemas replay; do ln -s "$root/$d" "$tree/agentdata/$d"; done
cd "$tree"
python3 -m mypy --config-file "$root/pyproject.toml" "$@"
