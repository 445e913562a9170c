"""The package version recorded in every run and episode."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version


@cache  # reading distribution metadata costs ~1 ms; the answer cannot change in-process
def package_version() -> str:
    """Installed version of the `agentdata` distribution."""
    try:
        return version("agentdata")
    except PackageNotFoundError:
        return "0+unknown"
