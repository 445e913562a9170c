"""Splitting text into words, sentences and n-grams."""

from __future__ import annotations

PUNCTUATION = ".,;:!?()\"'"


def tokenize(text: str, keep_punct: bool = False) -> list[str]:
    """Split text into lower-case words; punctuation becomes its own token if kept."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch.isalnum() or ch in "-_":
            word += ch
            continue
        if word:
            tokens.append(word.lower())
            word = ""
        if keep_punct and ch in PUNCTUATION:
            tokens.append(ch)
    if word:
        tokens.append(word.lower())
    return tokens


def sentences(text: str) -> list[str]:
    """Split text after '.', '!' or '?' followed by a space or the end; strip each part."""
    parts: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        at_end = i == len(text) - 1
        if ch in ".!?" and (at_end or text[i + 1] == " "):
            piece = text[start : i + 1].strip()
            if piece:
                parts.append(piece)
            start = i + 1
    rest = text[start:].strip()
    if rest:
        parts.append(rest)
    return parts


def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    """All runs of n consecutive tokens, in order."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def word_counts(text: str, min_count: int = 1) -> list[tuple[str, int]]:
    """(word, count) pairs with count >= min_count, most frequent first, ties alphabetical."""
    counts: dict[str, int] = {}
    for token in tokenize(text):
        counts[token] = counts.get(token, 0) + 1
    items = [(word, count) for word, count in counts.items() if count >= min_count]
    items.sort(key=lambda item: (-item[1], item[0]))
    return items
