"""Claims in free prose without variables (GSM8K style): `3 bags * 4 apples = 12 apples`.

Each `=` of a line splits it; the left side is read backwards from the `=` as long as it is
arithmetic, dropping unit words (`3 bags * 4 apples`), unit rates (`5 snakes/jaguar * 6`,
`$60/large painting x 8`), money and possessives, reading `x` between numbers as times and
`of` between numbers as times (`1/3 of 90`, `20% of 50`); it stops at words that come before a
number (`Natalia sold 48/2`) or at punctuation (`Total: 3 + 4`, `so far, 18 / 6`). The right
side is the number (or short arithmetic) right after the `=`, units dropped (`$3/day`,
`21ml`). A left side that is a bare number (`1 dozen = 12`) is no computation and is skipped.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\$?\s?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)%?)"
    r"|(?P<op>[-+*/×÷·−–^()])"
    r"|(?P<word>[A-Za-z][A-Za-z’'\-]*)"
    r"|(?P<other>\S))"
)

Tok = tuple[str, str]


def _tokens(text: str) -> list[Tok]:
    out: list[Tok] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        value = match.group(kind)
        glued = match.start(kind) == match.start() and out and out[-1][0] == "num"
        times = value == "x" and text[match.end() :].lstrip()[:1] in tuple("0123456789($.")
        if kind == "word" and len(value) == 1 and glued and not times:
            kind = "var"  # "2S", "1.2Y", "8x": algebra, not a unit
        out.append((kind, value.replace("$", "").replace(" ", "") if kind == "num" else value))
    return out


def _left(tokens: list[Tok]) -> str | None:
    kept: list[Tok] = []  # right to left
    i = len(tokens) - 1
    while i >= 0:
        kind, text = tokens[i]
        if kind in ("num", "op"):
            kept.append((kind, text))
            i -= 1
            continue
        if kind == "var":
            return None
        if kind != "word":
            break
        j = i
        while j >= 0 and tokens[j][0] == "word":
            j -= 1
        run = [t for _, t in tokens[j + 1 : i + 1]]
        left = tokens[j] if j >= 0 else None
        right = kept[-1] if kept else None
        between_numbers = (
            left is not None
            and left[0] == "num"
            and right is not None
            and (right[0] == "num" or right[1] == "(")
        )
        if run == ["of"] and between_numbers:
            kept.append(("op", "*"))
            i = j
            continue
        if run[-1] == "x" and right is not None and (right[0] == "num" or right[1] == "("):
            kept.append(("op", "*"))  # "60 students x 2/3": x is times, "students" a unit
            i -= 1
            continue
        if right is None or (right[0] == "op" and right[1] != "("):
            if left is not None and left[1] == "/" and j >= 1 and (
                tokens[j - 1][0] in ("num", "word") or tokens[j - 1][1] == ")"
            ):
                i = j - 1  # a unit rate: "5 snakes/jaguar", "$60/large painting"
                continue
            if left is not None and (left[0] == "num" or left[1] == ")"):
                i = j  # unit words after a number
                continue
        break
    kept.reverse()
    while kept and kept[0][0] == "op" and kept[0][1] not in "(-−–":
        kept.pop(0)
    if not any(k == "op" for k, _ in kept) or sum(k == "num" for k, _ in kept) < 2:
        return None
    text = " ".join(t for _, t in kept)
    return text if text.count("(") == text.count(")") else None


def _right(tokens: list[Tok]) -> str | None:
    out: list[str] = []
    pos = 0
    if pos < len(tokens) and tokens[pos][1] in "-−–":
        out.append("-")
        pos += 1
    if pos >= len(tokens) or tokens[pos][0] != "num":
        return None
    out.append(tokens[pos][1])
    pos += 1
    while (
        pos + 1 < len(tokens)
        and tokens[pos][0] == "op"
        and tokens[pos][1] not in "()"
        and tokens[pos + 1][0] == "num"
    ):
        out += [tokens[pos][1], tokens[pos + 1][1]]
        pos += 2
    if pos < len(tokens) and (tokens[pos][1] in ("(", "^") or tokens[pos][0] == "var"):
        return None
    return " ".join(out)


def prose_claims(line: str) -> list[tuple[str, str]]:
    """(lhs, rhs) of each arithmetic claim of a prose line without variables."""
    parts = line.split("=")
    claims: list[tuple[str, str]] = []
    for index in range(len(parts) - 1):
        lhs = _left(_tokens(parts[index]))
        rhs = _right(_tokens(parts[index + 1]))
        if lhs is not None and rhs is not None:
            claims.append((lhs, rhs))
    return claims
