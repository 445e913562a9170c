"""The Debian mirror of the offline image build, read from the host's own apt sources.

No package host is named in the code: the offline build uses the archive this machine
already installs from — the first enabled `deb` source (one-line `sources.list` format or
deb822 `.sources`) that carries the wanted suite — unless a mirror is given explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from agentdata.envs.code_repair.sandbox.errors import SandboxError

MIRROR_ENV = "AGENTDATA_APT_MIRROR"
SOURCES_HINT = (
    "pass a Debian archive mirror with `agentdata sandbox build --offline --mirror URL` "
    "(or set AGENTDATA_APT_MIRROR), or add a `deb URL {suite} main` line to "
    "/etc/apt/sources.list"
)


class MirrorNotFoundError(SandboxError):
    """No apt source of the host serves the suite the offline image is built from."""


@dataclass(frozen=True)
class AptSource:
    """One enabled `deb` source: where it is, which suites and components it serves."""

    uri: str
    suites: tuple[str, ...]
    components: tuple[str, ...]
    origin: str


def _one_line_sources(path: Path) -> list[AptSource]:
    found: list[AptSource] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        words = raw.split("#", 1)[0].split()
        if len(words) > 1 and words[1].startswith("["):  # `[arch=… signed-by=…]` options
            end = next((i for i, w in enumerate(words) if w.endswith("]")), len(words))
            words = words[:1] + words[end + 1 :]
        if len(words) >= 3 and words[0] == "deb":
            found.append(AptSource(words[1], (words[2],), tuple(words[3:]), str(path)))
    return found


def _deb822_sources(path: Path) -> list[AptSource]:
    found: list[AptSource] = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for raw in stanza.splitlines():
            if raw.startswith("#") or not raw.strip():
                continue
            if raw[0] in " \t" and key:  # a continuation line
                fields[key] += " " + raw.strip()
                continue
            key, _, value = raw.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() in ("no", "false", "0"):
            continue
        for uri in fields.get("uris", "").split():
            suites = tuple(fields.get("suites", "").split())
            found.append(AptSource(uri, suites, tuple(fields.get("components", "").split()),
                                   str(path)))  # fmt: skip
    return found


def host_sources(root: Path = Path("/")) -> list[AptSource]:
    """Every enabled `deb` source under `root`/etc/apt, in apt's reading order."""
    apt = root / "etc" / "apt"
    files = [apt / "sources.list"]
    parts = apt / "sources.list.d"
    if parts.is_dir():
        files += sorted(p for p in parts.iterdir() if p.suffix in (".list", ".sources"))
    found: list[AptSource] = []
    for path in files:
        if not path.is_file():
            continue
        parse = _deb822_sources if path.suffix == ".sources" else _one_line_sources
        found += parse(path)
    return found


def find_mirror(suite: str, root: Path = Path("/")) -> str:
    """The URI of the host's first source serving `suite` (component main), or raise.

    Sources reached through `cdrom:` or apt transports other than http(s)/file are left out.
    """
    for src in host_sources(root):
        if suite not in src.suites or (src.components and "main" not in src.components):
            continue
        if src.uri.split(":", 1)[0] in ("http", "https", "file"):
            return src.uri
    raise MirrorNotFoundError(
        f"no apt source of this host serves Debian {suite!r} (read {root / 'etc/apt'}); "
        + SOURCES_HINT.format(suite=suite)
    )


def resolve_mirror(suite: str, explicit: str | None = None, root: Path = Path("/")) -> str:
    """The mirror to debootstrap `suite` from: `explicit`, else $AGENTDATA_APT_MIRROR, else
    the host's apt sources (`find_mirror`)."""
    return explicit or os.environ.get(MIRROR_ENV) or find_mirror(suite, root)
