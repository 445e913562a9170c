"""The image build's inputs: the mirror read from apt sources, the packaged build context."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from agentdata.envs.code_repair.sandbox.apt_sources import (
    MIRROR_ENV,
    MirrorNotFoundError,
    find_mirror,
    host_sources,
    resolve_mirror,
)
from agentdata.envs.code_repair.sandbox.errors import SandboxError
from agentdata.envs.code_repair.sandbox.image import build_context

ONE_LINE = """\
# deb http://commented.invalid/debian bookworm main
deb-src http://source.invalid/debian bookworm main
deb [arch=amd64 signed-by=/k.gpg] http://one.invalid/debian bookworm main contrib
deb cdrom:[Debian 12]/ bookworm main
"""
DEB822 = """\
Types: deb
URIs: http://off.invalid/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb deb-src
URIs: http://a.invalid/debian
  http://b.invalid/debian
Suites: bookworm bookworm-updates
Components: main
"""


def apt_root(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / "etc" / "apt" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_one_line_and_deb822_sources_are_read_in_apt_order(tmp_path: Path) -> None:
    root = apt_root(
        tmp_path,
        {
            "sources.list.d/b.sources": DEB822,
            "sources.list.d/a.list": ONE_LINE,
            "sources.list.d/c.list.disabled": "deb http://disabled.invalid/debian bookworm main",
        },
    )
    uris = [s.uri for s in host_sources(root) if s.uri.startswith("http")]
    assert uris == ["http://one.invalid/debian", "http://a.invalid/debian", "http://b.invalid/debian"]
    assert find_mirror("bookworm", root) == "http://one.invalid/debian"
    assert find_mirror("bookworm-updates", root) == "http://a.invalid/debian"


def test_no_source_for_the_suite_says_how_to_set_one(tmp_path: Path) -> None:
    root = apt_root(tmp_path, {"sources.list": "deb http://x.invalid/ubuntu noble main\n"})
    with pytest.raises(MirrorNotFoundError) as caught:
        find_mirror("bookworm", root)
    assert isinstance(caught.value, SandboxError)
    message = str(caught.value)
    assert "--mirror" in message and MIRROR_ENV in message and "bookworm" in message
    with pytest.raises(MirrorNotFoundError):
        find_mirror("bookworm", tmp_path / "nothing-here")


def test_explicit_mirror_then_environment_then_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = apt_root(tmp_path, {"sources.list": "deb http://host.invalid/debian bookworm main\n"})
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    assert resolve_mirror("bookworm", None, root) == "http://host.invalid/debian"
    monkeypatch.setenv(MIRROR_ENV, "http://env.invalid/debian")
    assert resolve_mirror("bookworm", None, root) == "http://env.invalid/debian"
    assert resolve_mirror("bookworm", "http://flag.invalid/d", root) == "http://flag.invalid/d"


def test_build_context_is_the_packaged_dockerfile() -> None:
    with tarfile.open(fileobj=io.BytesIO(build_context())) as tar:
        assert tar.getnames() == ["Dockerfile"]
        member = tar.extractfile("Dockerfile")
        assert member is not None
        text = member.read().decode()
    assert "ARG BASE=" in text and "USER 1000:1000" in text


def test_no_package_host_is_named_in_the_sandbox_code() -> None:
    import agentdata.envs.code_repair.sandbox as pkg

    for path in Path(pkg.__file__).parent.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path
