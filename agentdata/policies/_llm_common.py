"""What the LLM policies share: argument splitting, the extra check, per-turn seeds."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

from agentdata.errors import MissingExtraError

SAMPLING_KEYS = frozenset(
    {
        "temperature", "top_p", "top_k", "min_p", "max_tokens", "min_tokens", "stop",
        "presence_penalty", "frequency_penalty", "repetition_penalty", "n_logprobs",
    }
)  # fmt: skip
"""`--policy-arg` keys that are sampling parameters (recorded in `PolicySpec.sampling`)."""

DEFAULT_SAMPLING: dict[str, Any] = {"temperature": 1.0, "top_p": 1.0, "max_tokens": 512}


def require_extra(module: str, extra: str) -> None:
    """Raise a `MissingExtraError` saying how to install `extra` when `module` is missing."""
    if importlib.util.find_spec(module) is None:
        raise MissingExtraError(
            f"this needs the {module!r} package: pip install 'agentdata[{extra}]'"
        )


def split_sampling(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(sampling parameters with defaults, the remaining kwargs)."""
    sampling = dict(DEFAULT_SAMPLING)
    rest: dict[str, Any] = {}
    for key, value in kwargs.items():
        (sampling if key in SAMPLING_KEYS else rest)[key] = value
    return sampling, rest


def turn_seed(episode_seed: int, turn: int) -> int:
    """The sampling seed of an episode's n-th generation (stable across processes)."""
    digest = hashlib.sha256(f"{episode_seed}:turn:{turn}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def local_revision(model: str) -> str | None:
    """For a model directory: a hash of its config files and of its file names and sizes.

    Reading every weight byte would cost minutes for a large model; names, sizes and the
    configs identify a checkpoint well enough to notice that a directory changed.
    """
    root = Path(model)
    if not root.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        digest.update(f"{rel}:{path.stat().st_size}\n".encode())
        if path.suffix in {".json", ".jinja", ".txt"} and path.stat().st_size < 10_000_000:
            digest.update(path.read_bytes())
    return "local-" + digest.hexdigest()[:16]
