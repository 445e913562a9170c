"""Lossless storage of any Python `str` in SQL text columns.

UTF-8 cannot carry lone surrogates (byte-level model output produces them) and PostgreSQL
text cannot hold NUL. Such a text is stored as its ASCII JSON string literal, which
`json.loads` turns back into the exact original, and the row says which columns were
escaped; every other text is stored as it is.
"""

from __future__ import annotations

import json


def needs_escape(text: str) -> bool:
    """True when `text` holds a lone surrogate or NUL."""
    if "\x00" in text:
        return True
    if text.isascii():  # O(1) for str: the common case needs no encoding pass
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def escape(text: str) -> str:
    """The ASCII JSON literal of `text` (reversed by `unescape`)."""
    return json.dumps(text, ensure_ascii=True)


def unescape(stored: str) -> str:
    """The original text of an `escape`d value; ValueError when it is not one."""
    value = json.loads(stored)
    if not isinstance(value, str):
        raise ValueError("escaped text is not a JSON string")
    return value


def store_text(text: str | None, name: str, escaped: list[str]) -> str | None:
    """`text` ready for a text column; appends `name` to `escaped` when it was escaped."""
    if text is None or not needs_escape(text):
        return text
    escaped.append(name)
    return escape(text)


def load_text(stored: str | None, name: str, escaped: frozenset[str]) -> str | None:
    """Inverse of `store_text` given the row's escaped column names."""
    if stored is None or name not in escaped:
        return stored
    return unescape(stored)


def join_names(names: list[str]) -> str | None:
    """The `escaped` column value: comma-separated names, None when nothing was escaped."""
    return ",".join(names) if names else None


def split_names(value: str | None) -> frozenset[str]:
    """Inverse of `join_names`."""
    return frozenset(value.split(",")) if value else frozenset()
