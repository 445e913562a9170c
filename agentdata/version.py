"""The package version recorded in every run and episode."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    """Installed version of the `agentdata` distribution."""
    try:
        return version("agentdata")
    except PackageNotFoundError:
        return "0+unknown"
