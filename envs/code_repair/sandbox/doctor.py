"""`agentdata sandbox doctor`: what the sandboxes need, what is there, and how to fix it."""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass, field
from typing import Any

from agentdata.envs.code_repair.sandbox.apt_sources import MirrorNotFoundError, resolve_mirror
from agentdata.envs.code_repair.sandbox.docker_container import DEFAULT_IMAGE, docker_client
from agentdata.envs.code_repair.sandbox.errors import SandboxUnavailableError
from agentdata.envs.code_repair.sandbox.image import DEBIAN_SUITE, image_present
from agentdata.envs.code_repair.sandbox.lifecycle import LABEL_SANDBOX, owner_alive


@dataclass
class Check:
    """One line of `agentdata sandbox doctor`."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass
class DoctorReport:
    """Everything `doctor` found; `ok` when the Docker backend is usable."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the engine runs and the image is present."""
        need = {"docker engine", "sandbox image"}
        return all(c.ok for c in self.checks if c.name in need)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks]}


def doctor(tag: str = DEFAULT_IMAGE) -> DoctorReport:
    """Say what is installed, running and missing for the sandboxes, and how to fix it."""
    report = DoctorReport()
    add = report.checks.append
    try:
        import docker

        add(Check("docker sdk", True, f"docker {docker.__version__}"))
    except ImportError:
        add(Check("docker sdk", False, "not importable", "pip install 'docker>=7'"))
        return report
    dockerd = shutil.which("dockerd")
    add(Check("dockerd binary", dockerd is not None, dockerd or "not found",
              "" if dockerd else "apt-get install -y docker.io"))  # fmt: skip
    client = None
    try:
        client = docker_client()
        version = client.version().get("Version", "?")
        add(Check("docker engine", True, f"running, server {version}"))
    except SandboxUnavailableError as err:
        add(Check("docker engine", False, str(err).split(";")[0],
                  "bash .ci/docker.sh (starts dockerd without networking)"))  # fmt: skip
    if client is not None:
        present = image_present(tag, client)
        detail = f"{tag} present" if present else f"{tag} missing"
        add(Check("sandbox image", present, detail,
                  "" if present else "agentdata sandbox build --offline"))  # fmt: skip
        found = client.containers.list(all=True, filters={"label": f"{LABEL_SANDBOX}=1"})
        orphans = [c for c in found if not owner_alive(c.labels or {})]
        add(Check("sandbox containers", not orphans,
                  f"{len(found)} labelled, {len(orphans)} orphaned",
                  "they are reaped when the next sandbox starts" if orphans else ""))  # fmt: skip
    else:
        add(Check("sandbox image", False, "unknown (no engine)", "start the engine first"))
    bwrap = shutil.which("bwrap")
    add(Check("bwrap (fallback backend)", bwrap is not None, bwrap or "not found",
              "" if bwrap else "apt-get install -y bubblewrap"))  # fmt: skip
    deboot = shutil.which("debootstrap")
    add(Check("debootstrap (offline build)", deboot is not None, deboot or "not found",
              "" if deboot else "apt-get install -y debootstrap"))  # fmt: skip
    try:
        add(Check("apt mirror (offline build)", True, resolve_mirror(DEBIAN_SUITE)))
    except MirrorNotFoundError as err:
        detail, _, fix = str(err).partition("; ")
        add(Check("apt mirror (offline build)", False, detail, fix))
    return report
