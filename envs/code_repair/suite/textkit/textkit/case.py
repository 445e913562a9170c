"""Converting identifiers between naming conventions."""

from __future__ import annotations


def split_words(name: str) -> list[str]:
    """Words of an identifier in any of snake, kebab, camel or space-separated form."""
    words: list[str] = []
    current = ""
    for i, ch in enumerate(name):
        if ch in "_- ":
            if current:
                words.append(current)
            current = ""
            continue
        starts_word = ch.isupper() and i > 0 and current and not current[-1].isupper()
        if starts_word:
            words.append(current)
            current = ""
        current += ch
    if current:
        words.append(current)
    return [w.lower() for w in words]


def snake_case(name: str) -> str:
    """'parseHttpRequest' -> 'parse_http_request'."""
    return "_".join(split_words(name))


def kebab_case(name: str) -> str:
    """'parse_http_request' -> 'parse-http-request'."""
    return "-".join(split_words(name))


def camel_case(name: str) -> str:
    """'parse_http_request' -> 'parseHttpRequest'."""
    words = split_words(name)
    if not words:
        return ""
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


def title_case(text: str, minor: tuple[str, ...] = ("a", "an", "of", "the", "and")) -> str:
    """Capitalize words except minor ones, which stay lower unless first."""
    out = []
    for i, word in enumerate(text.split()):
        lower = word.lower()
        if i > 0 and lower in minor:
            out.append(lower)
        else:
            out.append(lower[:1].upper() + lower[1:])
    return " ".join(out)
