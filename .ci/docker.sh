#!/usr/bin/env bash
# Make the Docker engine and the sandbox image available; safe to run any number of times.
#   - installs docker.io when dockerd is missing
#   - starts dockerd (no bridge, no iptables: sandboxes use network_mode=none) if not running
#   - builds the sandbox image offline (debootstrap + docker import) unless it is present
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dockerd >/dev/null 2>&1; then
    echo "docker.sh: installing docker.io" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
if ! command -v debootstrap >/dev/null 2>&1 || ! command -v bwrap >/dev/null 2>&1; then
    echo "docker.sh: installing debootstrap and bubblewrap" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap bubblewrap >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
    echo "docker.sh: starting dockerd" >&2
    nohup dockerd --bridge=none --iptables=false --ip-forward=false \
        >/tmp/dockerd.log 2>&1 &
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
    docker info >/dev/null 2>&1 || { echo "docker.sh: dockerd did not start" >&2; tail -20 /tmp/dockerd.log >&2; exit 1; }
fi

python - <<'PY'
from agentdata.envs.code_repair.sandbox.image import ensure_image
from agentdata.envs.code_repair.sandbox import DEFAULT_IMAGE
import sys
built = ensure_image(DEFAULT_IMAGE, log=lambda s: print(s, file=sys.stderr))
print(f"docker.sh: {DEFAULT_IMAGE} {'built' if built else 'present'}", file=sys.stderr)
PY
