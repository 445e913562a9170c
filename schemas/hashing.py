"""Canonical JSON and content hashes: the same value gives the same bytes in every process."""

from __future__ import annotations

import hashlib
import json

import orjson

from agentdata.schemas.json_types import JsonValue


def canonical_json(value: JsonValue) -> str:
    """Serialize `value` with sorted keys and no whitespace (stable across processes).

    orjson does it in Rust (~5x faster: this runs for every recorded state); values it
    refuses (integers beyond 64 bits, non-string keys) take the standard library's path.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def text_hash(text: str) -> str:
    """sha256 hex digest of a text (UTF-8, invalid surrogates escaped)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def content_hash(value: JsonValue) -> str:
    """sha256 hex digest of the canonical JSON of `value`."""
    return text_hash(canonical_json(value))
