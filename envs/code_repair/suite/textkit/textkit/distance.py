"""String distances."""

from __future__ import annotations


def levenshtein(a: str, b: str) -> int:
    """Minimum number of insertions, deletions and substitutions turning a into b."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        previous = current
    return previous[-1]


def hamming(a: str, b: str) -> int:
    """Number of positions where two equal-length strings differ."""
    if len(a) != len(b):
        raise ValueError("strings differ in length")
    return sum(1 for x, y in zip(a, b, strict=True) if x != y)


def common_prefix(words: list[str]) -> str:
    """Longest prefix shared by all words ('' for no words)."""
    if not words:
        return ""
    prefix = words[0]
    for word in words[1:]:
        end = 0
        for x, y in zip(prefix, word, strict=False):
            if x != y:
                break
            end += 1
        prefix = prefix[:end]
    return prefix
