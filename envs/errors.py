"""The root of every error the environments package raises on purpose."""

from __future__ import annotations


class EnvError(Exception):
    """Base of all errors raised by `envs` (task files, sandboxes, patches, verifiers)."""
