"""Fitting text into a width."""

from __future__ import annotations


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than width gets a line of its own."""
    if width < 1:
        raise ValueError("width must be positive")
    lines: list[str] = []
    line = ""
    for word in text.split():
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = line + " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def truncate(text: str, limit: int, marker: str = "...") -> str:
    """Cut text to at most `limit` characters, ending with marker when cut."""
    if limit < len(marker):
        raise ValueError("limit shorter than the marker")
    if len(text) <= limit:
        return text
    return text[: limit - len(marker)] + marker


def center(text: str, width: int, fill: str = " ") -> str:
    """Pad text on both sides to width; an odd extra pad goes to the right."""
    if len(fill) != 1:
        raise ValueError("fill must be one character")
    missing = width - len(text)
    if missing <= 0:
        return text
    left = missing // 2
    right = missing - left
    return fill * left + text + fill * right
