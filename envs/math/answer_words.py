"""Words around a numeric answer, and hedged boxes.

Unit words after a value are dropped (`72 clips`, `5 cm^2`) and words before it too
(`she has 72`), except words that change the value, which must never be dropped:

* a scale word right after the value multiplies it (`5 thousand` is 5000);
* a power, fraction or dozen word right after it (`5 squared`, `5 halves`, `2 dozen`) and a
  modifier before it (`negative 5`, `not 5`, `at least 5`, `about 5`) make the answer
  unreadable (a format error naming the word), never the bare number.

Several `\\boxed{}` answers that differ (`\\boxed{3} or \\boxed{2}`) are a hedge: unreadable,
whichever comes last.
"""

from __future__ import annotations

import re

from agentdata.envs.math.errors import AnswerParseError

_UNITS = re.compile(r"(?:\s+[A-Za-z][A-Za-z.]+(?:\^\(?\d\)?)?)+$")
_LEADING_WORDS = re.compile(r"^(?:[A-Za-z]{2,}\s+)+(?=[-\d.(π])")
SCALES = {"hundred": 100, "thousand": 1_000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# Right after the value these change it, but are also counted things (`2 dozen` eggs when the
# question asks how many dozen): unreadable rather than guessed. `quarters` stays a unit (coins).
VALUE_WORDS = frozenset(
    {
        "squared", "cubed", "dozen", "dozens", "half", "halves", "third", "thirds", "fourth",
        "fourths", "fifth", "fifths", "sixth", "sixths", "seventh", "sevenths", "eighth", "eighths",
        "ninth", "ninths", "tenth", "tenths", "hundredth", "hundredths", "thousandth",
        "thousandths", "millionth", "millionths", "plus", "minus",
    }
)
MODIFIERS = frozenset(
    {
        "not", "no", "negative", "minus", "neg", "least", "most", "more", "less", "fewer", "than",
        "about", "approximately", "approx", "around", "roughly", "nearly", "almost", "circa",
        "over", "under", "above", "below", "between", "except", "maybe", "perhaps", "either",
        "neither", "nor",
    }
)
_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")


def strip_words(plain: str) -> str:
    """The value of `plain` without its unit and leading words (scale words applied)."""
    units = _UNITS.search(plain)
    if units is not None:
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", units.group(0))]
        if words[0] in VALUE_WORDS:  # `5 squared`; `5 meters squared` is a unit
            raise AnswerParseError(f"the word {words[0]!r} changes the value in {plain.strip()!r}")
        plain = plain[: units.start()]
        if words[0] in SCALES:
            plain = f"({plain.strip()})*{SCALES[words[0]]}"
    leading = _LEADING_WORDS.match(plain)
    if leading is not None:
        words = [w.lower() for w in leading.group(0).split()]
        if bad := next((w for w in words if w in MODIFIERS), None):
            raise AnswerParseError(f"the word {bad!r} changes the value in {plain.strip()!r}")
        plain = plain[leading.end() :]
    return plain.strip()


def _braced(text: str, brace: int) -> str | None:
    """The text inside the braces opening at `brace` (balanced), or None when unclosed."""
    depth = 0
    for pos in range(brace, len(text)):
        if text[pos] == "{":
            depth += 1
        elif text[pos] == "}":
            depth -= 1
            if depth == 0:
                return text[brace + 1 : pos]
    return None


def boxed_answers(text: str) -> list[str]:
    """Contents of the `\\boxed{...}` / `\\fbox{...}` in `text` that hold no other box (the
    innermost of nested boxes), in order; an unclosed box is left out."""
    out: list[str] = []
    for match in _BOX.finditer(text):
        inner = _braced(text, match.end() - 1)
        if inner is not None and _BOX.search(inner) is None:
            out.append(inner)
    return out


def boxed_content(text: str) -> str | None:
    """The content of the box that answers: the last one, or None without a closed box.
    AnswerParseError when boxes with different contents hedge between answers."""
    boxes = boxed_answers(text)
    if len({"".join(box.split()) for box in boxes}) > 1:
        shown = ", ".join(repr(box.strip()[:40]) for box in boxes[:4])
        raise AnswerParseError(f"several different \\boxed{{}} answers ({shown}); give one")
    return boxes[-1] if boxes else None
