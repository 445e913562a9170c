"""JSON value type used inside records (pydantic's recursive JSON type)."""

from __future__ import annotations

from pydantic import JsonValue

__all__ = ["JsonValue"]
