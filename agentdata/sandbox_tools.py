"""Sandbox image build and diagnosis, as plain functions (the CLI only formats them).

`build_image` makes the image the Docker backend runs (`DEFAULT_IMAGE`) from
`containers/Dockerfile`. Online it starts `FROM python:3.11-slim`; offline it first makes
the base image from Debian packages — `debootstrap --variant=minbase` into a temporary
directory, then `docker import` of that tree — and runs the same Dockerfile on top of it
with the network off, so no container registry is ever contacted.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agentdata.envs.code_repair.sandbox.docker_backend import DEFAULT_IMAGE
from agentdata.envs.code_repair.sandbox.errors import SandboxError, SandboxUnavailableError
from agentdata.envs.code_repair.sandbox.lifecycle import LABEL_SANDBOX, owner_alive

CONTAINERS_DIR = Path(__file__).resolve().parents[1] / "containers"
OFFLINE_BASE = "agentdata-sandbox-base:bookworm"
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
DEBIAN_PACKAGES = ("python3", "python3-pytest", "git")
# Left out of the imported tree: package caches that the image never needs.
ROOTFS_EXCLUDES = ("./var/cache/apt/archives", "./var/lib/apt/lists", "./usr/share/doc")


class ImageBuildError(SandboxError):
    """Building the sandbox image failed."""


Log = Callable[[str], None]


def _client() -> Any:
    from agentdata.envs.code_repair.sandbox.docker_backend import docker_client

    return docker_client()


def image_present(tag: str = DEFAULT_IMAGE, client: Any = None) -> bool:
    """Whether the engine holds `tag`."""
    import docker

    client = client or _client()
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def _docker_build(client: Any, tag: str, base: str | None, offline: bool, log: Log) -> str:
    import docker

    buildargs = {"BASE": base} if base else {}
    try:
        image, lines = client.images.build(
            path=str(CONTAINERS_DIR),
            dockerfile="Dockerfile",
            tag=tag,
            buildargs=buildargs,
            network_mode="none" if offline else None,
            rm=True,
            forcerm=True,
        )
    except docker.errors.BuildError as err:
        tail = "".join(str(x.get("stream", x.get("error", ""))) for x in err.build_log)[-3000:]
        raise ImageBuildError(f"docker build failed: {err}\n{tail}") from err
    except docker.errors.DockerException as err:
        raise ImageBuildError(f"docker build failed: {err}") from err
    for line in lines:
        text = str(line.get("stream", "")).rstrip()
        if text:
            log(text)
    return str(image.id)


def build_offline_base(
    client: Any, tag: str = OFFLINE_BASE, mirror: str = DEBIAN_MIRROR, log: Log = print
) -> str:
    """debootstrap a minimal bookworm with python3, pytest and git; `docker import` it."""
    debootstrap = shutil.which("debootstrap")
    if debootstrap is None:
        raise ImageBuildError("debootstrap is not installed: apt-get install -y debootstrap")
    with tempfile.TemporaryDirectory(prefix="agentdata-rootfs-") as tmp:
        root = Path(tmp) / "rootfs"
        cmd = [
            debootstrap, "--variant=minbase", "--include=" + ",".join(DEBIAN_PACKAGES),
            DEBIAN_SUITE, str(root), mirror,
        ]  # fmt: skip
        log("$ " + " ".join(cmd))
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise ImageBuildError(f"debootstrap failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
        excludes = [f"--exclude={p}/*" for p in ROOTFS_EXCLUDES]
        log(f"$ tar -C {root} -c . | docker import - {tag}")
        tar = subprocess.Popen(
            ["tar", "-C", str(root), *excludes, "-c", "."], stdout=subprocess.PIPE
        )
        assert tar.stdout is not None
        repo, _, version = tag.partition(":")
        try:
            client.api.import_image(src=tar.stdout, repository=repo, tag=version or "latest")
        except Exception as err:
            raise ImageBuildError(f"docker import failed: {err}") from err
        finally:
            tar.stdout.close()
            tar.wait()
        if tar.returncode != 0:
            raise ImageBuildError(f"tar of the root file system failed ({tar.returncode})")
    return str(client.images.get(tag).id)


def build_image(
    tag: str = DEFAULT_IMAGE,
    offline: bool = False,
    *,
    mirror: str = DEBIAN_MIRROR,
    reuse_base: bool = True,
    log: Log = print,
) -> str:
    """Build the sandbox image and return its id (see the module docstring)."""
    client = _client()
    base: str | None = None
    if offline:
        base = OFFLINE_BASE
        if not (reuse_base and image_present(base, client)):
            build_offline_base(client, base, mirror, log)
    return _docker_build(client, tag, base, offline, log)


def ensure_image(tag: str = DEFAULT_IMAGE, log: Log = print) -> bool:
    """Build `tag` offline unless present; True when a build ran."""
    if image_present(tag):
        return False
    build_image(tag, offline=True, log=log)
    return True


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
        client = _client()
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
    return report
