"""LaTeX answer text to the plain grammar of `exact.py` (a bounded scanner, no regex backtracking).

`\\frac{a}{b}` / `\\dfrac` / `\\tfrac` / `\\cfrac` and the shorthand `\\frac43` become `((a)/(b))`,
`\\sqrt2` / `\\sqrt{x}` become `((x)^(1/2))`, `\\sqrt[3]{x}` `((x)^(1/(3)))`; `\\pi` `π`,
`\\infty` `∞`; `\\cdot` / `\\times` `*`, `\\div` `/`; braces become parentheses; spacing,
`\\left` / `\\right`, degrees (`^\\circ`), `\\$` and `\\%` (kept as `%`) are handled;
`\\text{...}` / `\\mbox{...}` keep their words (callers drop unit words). Any other command is
an `AnswerParseError`, so an unreadable gold names the command it could not read.
"""

from __future__ import annotations

import re

from agentdata.envs.math.errors import AnswerParseError

MAX_LATEX_CHARS = 2_000

_FRACS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
_TEXTS = frozenset(
    {"text", "mbox", "mathrm", "textbf", "textrm", "mathbf", "textit", "operatorname"}
)
_SYMBOLS = {
    "pi": "π",
    "infty": "∞",
    "infinity": "∞",
    "cdot": "*",
    "times": "*",
    "div": "/",
    "ast": "*",
    "%": "%",
    "$": "",
    "{": "{",
    "}": "}",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    " ": " ",
    "quad": " ",
    "qquad": " ",
    "left": "",
    "right": "",
    "big": "",
    "Big": "",
    "displaystyle": "",
    "circ": "",
    "degree": "",
    "dots": "…",
    "ldots": "…",
    "cdots": "…",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "cup": "∪",
    "pm": "±",
    "neq": "≠",
}
_DEGREES = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|°|\\degree")
_THOUSANDS = re.compile(r"(?<=\d)\{,\}(?=\d{3})")


def _command(text: str, pos: int) -> tuple[str, int]:
    """Name of the command starting at `text[pos] == '\\'` and the position after it."""
    end = pos + 1
    if end < len(text) and text[end].isalpha():
        while end < len(text) and text[end].isalpha():
            end += 1
        return text[pos + 1 : end], end
    return text[pos + 1 : end + 1], end + 1


def _group(text: str, pos: int) -> tuple[str, int]:
    """One argument at `pos`: a balanced `{...}` group, a command, or a single character."""
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos >= len(text):
        raise AnswerParseError("a LaTeX command is missing its argument")
    if text[pos] == "{":
        depth = 0
        for end in range(pos, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                return text[pos + 1 : end], end + 1
        raise AnswerParseError("unbalanced braces")
    if text[pos] == "\\":
        end = _command(text, pos)[1]
        return text[pos:end], end
    return text[pos], pos + 1


def _optional(text: str, pos: int) -> tuple[str | None, int]:
    """An optional `[...]` argument (as in `\\sqrt[3]{x}`)."""
    if pos < len(text) and text[pos] == "[":
        end = text.find("]", pos)
        if end < 0:
            raise AnswerParseError("unclosed `[` in \\sqrt[n]")
        return text[pos + 1 : end], end + 1
    return None, pos


def strip_degrees(text: str) -> str:
    """Remove degree marks (`30^\\circ`, `30^{\\circ}`, `30°`)."""
    return _DEGREES.sub("", text)


def to_plain(text: str, depth: int = 0) -> str:
    """Convert LaTeX math to the plain grammar (see the module doc)."""
    if len(text) > MAX_LATEX_CHARS:
        raise AnswerParseError(f"answer longer than {MAX_LATEX_CHARS} characters")
    if depth > 24:
        raise AnswerParseError("LaTeX nested too deeply")
    text = _THOUSANDS.sub(",", strip_degrees(text))
    out: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char != "\\":
            out.append({"{": "(", "}": ")", "$": ""}.get(char, char))
            pos += 1
            continue
        name, pos = _command(text, pos)
        if name in _FRACS:
            num, pos = _group(text, pos)
            den, pos = _group(text, pos)
            out.append(f"(({to_plain(num, depth + 1)})/({to_plain(den, depth + 1)}))")
        elif name == "sqrt":
            order, pos = _optional(text, pos)
            arg, pos = _group(text, pos)
            index = "2" if order is None else to_plain(order, depth + 1)
            out.append(f"(({to_plain(arg, depth + 1)})^(1/({index})))")
        elif name in _TEXTS:
            arg, pos = _group(text, pos)
            out.append(f" {arg} ")
        elif name in _SYMBOLS:
            out.append(_SYMBOLS[name])
        elif name in ("begin", "end"):
            raise AnswerParseError("a LaTeX environment inside an expression")
        else:
            raise AnswerParseError(f"unsupported LaTeX command \\{name}")
    return "".join(out)
