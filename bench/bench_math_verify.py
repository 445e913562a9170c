"""Agreement with Math-Verify on the same (gold, submission) pairs.

Pairs: every gold of the shipped GSM8K sample against itself in several written forms and
against near misses, plus a seeded generated set over the competition answer kinds (fractions,
rounded decimals, radicals, pi, large exact numbers, intervals and unions, sets, tuples, lists
of solutions, equations, degrees, text units, percent, scientific notation, base subscripts,
complex numbers, matrices, multiple-choice letters), each value written in equal and unequal
forms. Every pair carries the verdict the rules of envs/math/README.md give by construction
(`rule`), so a disagreement says which side is right; pairs whose verdict is a policy of those
rules (rounded decimals, percent as written, rounded scientific notation) are marked `policy`.

Our side is `agentdata.envs.math.answers.compare` (an unreadable submission is a reject). The
other is `math_verify.verify(parse(gold), parse(submission))` with both wrapped in `$...$`.
Math-Verify is not a dependency: install it in a separate venv and name that venv, e.g.

    python3 -m venv --system-site-packages /var/cache/agentdata/venv-mathverify
    /var/cache/agentdata/venv-mathverify/bin/pip install math-verify
    python bench/bench_math_verify.py --math-verify-venv /var/cache/agentdata/venv-mathverify

Without it only our side is printed (accuracy against the rules). Options: `--per-kind N`
(values per generated kind), `--seed`, `--examples N` (examples per disagreement class).
"""

from __future__ import annotations

import argparse
import random
import site
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from agentdata.envs.math.answers import compare
from agentdata.envs.math.errors import AnswerParseError
from agentdata.envs.math.tasks import load_task_file

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "gsm8k" / "train.jsonl"


@dataclass(frozen=True)
class Pair:
    """One (gold, submission) pair and its verdict under envs/math/README.md's rules."""

    kind: str
    gold: str
    submitted: str
    rule: bool
    policy: bool = False


Gen = Callable[[random.Random], list[tuple[str, str, bool]]]


def gsm8k_pairs(path: Path) -> list[Pair]:
    out: list[Pair] = []
    for task in load_task_file(path).tasks.values():
        gold = str(task.metadata["answer"])
        n = int(gold.replace(",", ""))
        forms = [gold, f"\\boxed{{{gold}}}", f"The answer is {gold}.", f"{n}.00", f"{n:,}"]
        out += [Pair("gsm8k", gold, form, True) for form in forms]
        misses = [str(n + 1), str(n - 1), f"{n}.5", f"\\boxed{{{n + 1}}}"]
        out += [Pair("gsm8k", gold, miss, False) for miss in misses]
        out.append(Pair("gsm8k", gold, str(n * 10), n == 0))
    return out


def _frac(rng: random.Random) -> list[tuple[str, str, bool]]:
    q = rng.randint(2, 40)
    p = rng.choice([k for k in range(1, 3 * q) if Fraction(k, q).denominator == q])
    k = rng.randint(2, 9)
    short = f"\\frac{p}{q}" if p < 10 and q < 10 else f"\\frac{{{p}}}{{{q}}}"
    gold = f"\\frac{{{p}}}{{{q}}}"
    return [
        (gold, f"\\dfrac{{{k * p}}}{{{k * q}}}", True),
        (gold, f"{p}/{q}", True),
        (gold, short, True),
        (gold, f"\\frac{{{p + 1}}}{{{q}}}", False),
        (gold, f"\\frac{{{q}}}{{{p}}}", p == q),
    ]


def _rounded(rng: random.Random) -> list[tuple[str, str, bool]]:
    q = rng.choice([3, 6, 7, 9, 11, 12, 13])
    p = rng.choice([k for k in range(1, q) if Fraction(k, q).denominator == q])
    value = Fraction(p, q)
    two, three = f"{float(value):.2f}", f"{float(value):.3f}"
    off = f"{float(value) + 0.01:.2f}"
    return [
        (f"\\frac{{{p}}}{{{q}}}", two, True),
        (f"\\frac{{{p}}}{{{q}}}", three, True),
        (f"\\frac{{{p}}}{{{q}}}", off, False),
        (two, f"\\frac{{{p}}}{{{q}}}", True),
        (two, three, False),
    ]


def _radical(rng: random.Random) -> list[tuple[str, str, bool]]:
    a, b = rng.randint(2, 9), rng.choice([2, 3, 5, 6, 7, 10, 11])
    gold = f"{a}\\sqrt{{{b}}}"
    return [
        (gold, f"\\sqrt{{{a * a * b}}}", True),
        (gold, f"\\sqrt{{{b}}} \\cdot {a}", True),
        (gold, f"{a}\\sqrt{{{b + 1}}}", False),
        (gold, f"{a + 1}\\sqrt{{{b}}}", False),
        (gold, f"{a * a * b}", False),
        (f"\\frac{{\\sqrt{{{b}}}}}{{{b}}}", f"\\frac{{1}}{{\\sqrt{{{b}}}}}", True),
        (f"\\frac{{\\sqrt{{{b}}}}}{{{b}}}", f"\\frac{{1}}{{\\sqrt{{{b + 1}}}}}", False),
        (f"{a}", f"\\sqrt[3]{{{a**3}}}", True),
        (f"{a}", f"\\sqrt[3]{{{a**3 + 1}}}", False),
        (f"\\frac{{\\sqrt{{{b}}}}}{{2}}", f"\\sqrt{{{b}}}/2", True),
        (f"\\frac{{\\sqrt{{{b}}}}}{{2}}", f"\\sqrt{{{b}/2}}", False),
    ]


def _pi_large(rng: random.Random) -> list[tuple[str, str, bool]]:
    k, e = rng.randint(2, 9), rng.randint(9, 60)
    return [
        (f"{k}\\pi", f"\\pi \\cdot {k}", True),
        (f"{k}\\pi", f"{k + 1}\\pi", False),
        (f"10^{{{e}}}", "1" + "0" * e, True),
        (f"10^{{{e}}}", "1" + "0" * (e - 1) + "1", False),
        (f"\\frac{{1}}{{2^{{{e}}}}}", f"\\frac{{1}}{{2^{{{e + 1}}}}}", False),
    ]


def _interval(rng: random.Random) -> list[tuple[str, str, bool]]:
    a, b, c = sorted(rng.sample(range(-20, 20), 3))
    gold, union = f"[{a}, {b})", f"(-\\infty, {a}] \\cup ({b}, {c})"
    return [
        (gold, f"\\left[ {a},{b} \\right)", True),
        (gold, f"[{a}, {b}]", False),
        (gold, f"({a}, {b})", False),
        (union, f"({b}, {c}) \\cup (-\\infty, {a}]", True),
        (union, f"(-\\infty, {a}) \\cup ({b}, {c})", False),
        (f"({a}, {b})", f"({b}, {a})", False),
        (f"[{a}, \\infty)", f"[{a},\\infty)", True),
        (f"[{a}, \\infty)", f"({a}, \\infty)", False),
        (f"[{a}, \\infty)", f"x \\geq {a}", True),
        (f"[{a}, \\infty)", f"x > {a}", False),
        (gold, f"x \\in [{a}, {b})", True),
        (gold, f"x \\in [{a}, {b}]", False),
    ]


def _set_tuple(rng: random.Random) -> list[tuple[str, str, bool]]:
    a, b, c = rng.sample(range(-9, 15), 3)
    gold = f"\\{{{a}, {b}, {c}\\}}"
    return [
        (gold, f"\\{{{c}, {a}, {b}\\}}", True),
        (gold, f"\\{{{a}, {b}\\}}", False),
        (gold, f"\\{{{a}, {b}, {c + 1}\\}}", False),
        (gold, f"\\{{{a}\\}} \\cup \\{{{b}, {c}\\}}", True),
        (gold, f"\\{{{a}\\}} \\cup \\{{{b}\\}}", False),
        (gold, f"{c}, {b}, {a}", True),
        (f"({a}, {b})", f"({a},{b})", True),
        (f"({a}, {b}, {c})", f"({b}, {a}, {c})", False),
        (f"{a}, {b}", f"{b}, {a}", True),
        (f"{a}, {b}", f"x = {b} \\text{{ or }} x = {a}", True),
        (f"{a}, {b}", f"{a}", False),
        (f"{a}", f"{a}, {b}, {c}", False),
        (f"{a}, {b}", f"{a}, {b}, {c}", False),
    ]


def _equation(rng: random.Random) -> list[tuple[str, str, bool]]:
    m, b = rng.randint(2, 9), rng.randint(1, 9)
    gold = f"y = {m}x + {b}"
    return [
        (gold, f"{m}x + {b}", True),
        (gold, f"y={b}+{m}x", True),
        (gold, f"{m}x - {b}", False),
        (f"x = {b}", f"{b}", True),
        (f"x = {b}", f"x = {b + 1}", False),
    ]


def _units(rng: random.Random) -> list[tuple[str, str, bool]]:
    n, u = rng.randint(1, 359), rng.choice(["cm", "inches", "dollars", "meters"])
    return [
        (f"{n}^\\circ", f"{n}", True),
        (f"{n}^\\circ", f"{n}^{{\\circ}}", True),
        (f"{n}^\\circ", f"{n + 1}^\\circ", False),
        (f"{n}\\text{{ {u}}}", f"{n}", True),
        (f"{n}\\text{{ {u}}}", f"{n} {u}", True),
        (f"{n}\\text{{ {u}}}", f"{n + 1}\\text{{ {u}}}", False),
        (f"\\${n}.50", f"{n}.5", True),
        (f"\\${n}", f"\\${n + 1}", False),
        (f"{n}^\\circ", f"{n}°", True),
    ]


def _percent(rng: random.Random) -> list[tuple[str, str, bool]]:
    n = rng.randint(1, 99)
    return [
        (f"{n}\\%", f"{n}", True),
        (f"{n}\\%", f"{n}%", True),
        (f"{n}\\%", f"{n} \\%", True),
        (f"{n}\\%", f"{n + 1}\\%", False),
        (f"{n}\\%", f"{n / 100}", False),
    ]


def _sci(rng: random.Random) -> list[tuple[str, str, bool]]:
    m, e = rng.randint(2, 9), rng.randint(3, 8)
    d = rng.randint(1, 9)
    return [
        (f"{m} \\times 10^{{{e}}}", f"{m}" + "0" * e, True),
        (f"{m} \\times 10^{{{e}}}", f"{m}\\cdot10^{e}", True),
        (f"{m} \\times 10^{{{e}}}", f"{m}" + "0" * (e - 1) + "1", False),
        (f"{m} \\times 10^{{{e}}}", f"{m} \\times 10^{{{e + 1}}}", False),
        (f"{m}.{d} \\times 10^{{{e}}}", f"{m}{d}" + "0" * (e - 2) + "3", True),
        (f"{m}{d}" + "0" * (e - 2) + "3", f"{m}.{d} \\times 10^{{{e}}}", False),
        (f"{m}e-{e}", "0", False),
    ]


def _based(rng: random.Random) -> list[tuple[str, str, bool]]:
    base = rng.choice([2, 3, 5, 8])
    n = rng.randint(base + 1, 400)
    digits = ""
    while n:
        digits, n = "0123456789"[n % base] + digits, n // base
    near = digits[:-1] + ("1" if digits[-1] == "0" else "0")
    return [
        (f"{digits}_{base}", f"{digits}_{{{base}}}", True),
        (f"{digits}_{base}", digits, True),
        (f"{digits}_{base}", f"{near}_{base}", False),
        (f"{digits}_{base}", str(int(digits, base)), False),
    ]


def _complex(rng: random.Random) -> list[tuple[str, str, bool]]:
    a, b = rng.randint(1, 9), rng.randint(1, 9)
    gold = f"{a}+{b}i"
    return [
        (gold, f"{b}i + {a}", True),
        (gold, f"{a}-{b}i", False),
        (gold, f"{b}+{a}i", a == b),
        (f"{a * a - b * b}+{2 * a * b}i", f"({a}+{b}i)^2", True),
    ]


def _matrix(rng: random.Random) -> list[tuple[str, str, bool]]:
    a, b, c, d = rng.sample(range(-9, 10), 4)
    gold = f"\\begin{{pmatrix}} {a} & {b} \\\\ {c} & {d} \\end{{pmatrix}}"
    return [
        (gold, f"\\begin{{bmatrix}}{a}&{b}\\\\{c}&{d}\\end{{bmatrix}}", True),
        (gold, f"\\begin{{pmatrix}} {a} & {c} \\\\ {b} & {d} \\end{{pmatrix}}", False),
        (gold, f"\\begin{{pmatrix}} {a} & {b} \\\\ {c} & {d + 1} \\end{{pmatrix}}", False),
    ]


def _word_decimal(rng: random.Random) -> list[tuple[str, str, bool]]:
    day, other = rng.sample(["Monday", "Tuesday", "Friday", "Sunday"], 2)
    k = rng.randint(1, 99)
    return [
        (f"\\text{{{day}}}", day, True),
        (f"\\text{{{day}}}", day.lower(), True),
        (f"\\text{{{day}}}", other, False),
        (f"{k / 4}", f"\\frac{{{k}}}{{4}}", True),
        (f"{k / 4}", f"\\frac{{{k + 1}}}{{4}}", False),
        (f"-\\frac{{{k}}}{{7}}", f"\\frac{{-{k}}}{{7}}", True),
        (f"-\\frac{{{k}}}{{7}}", f"\\frac{{{k}}}{{7}}", False),
        (f"-\\frac{{{k}}}{{4}}", f"{-k / 4}", True),
        (f"-\\frac{{{k}}}{{4}}", f"{k / 4}", False),
        (f"{1000 * k + 7}", f"{k}{{,}}007", True),
        (f"{1000 * k + 7}", f"{k}\\,007", True),
    ]


def _choice(rng: random.Random) -> list[tuple[str, str, bool]]:
    letter = rng.choice("ABCDE")
    other = rng.choice([x for x in "ABCDE" if x != letter])
    gold = f"\\text{{({letter})}}"
    return [
        (gold, f"({letter})", True),
        (gold, letter, True),
        (gold, f"\\textbf{{({letter})}}", True),
        (gold, f"({other})", False),
        (gold, other, False),
        (gold, f"({letter}) 12", True),
        (gold, f"({other}) 12", False),
    ]


GENERATED: dict[str, Gen] = {
    "fraction": _frac, "rounded": _rounded, "radical": _radical, "pi/large": _pi_large,
    "interval": _interval, "set/tuple/list": _set_tuple, "equation": _equation,
    "degree/unit": _units, "percent": _percent, "sci": _sci, "base": _based,
    "complex": _complex, "matrix": _matrix, "choice": _choice, "word/decimal": _word_decimal,
}  # fmt: skip
POLICY = {"rounded", "percent", "sci"}


def generated_pairs(seed: int, per_kind: int) -> list[Pair]:
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    out: list[Pair] = []
    for kind, gen in GENERATED.items():
        for _ in range(per_kind):
            for gold, sub, rule in gen(rng):
                if (gold, sub) not in seen:
                    seen.add((gold, sub))
                    out.append(Pair(kind, gold, sub, rule, kind in POLICY))
    return out


def ours(pair: Pair) -> bool:
    try:
        return compare(pair.submitted, pair.gold).correct
    except AnswerParseError:
        return False


def math_verify_comparer(venv: str | None) -> Callable[[str, str], bool] | None:
    """Math-Verify as `(submission, gold) -> equal` (both wrapped in `$...$`), or None when it
    cannot be imported (from `venv`'s site-packages when given)."""
    if venv:
        for packages in Path(venv).glob("lib/python*/site-packages"):
            site.addsitedir(str(packages))
    try:
        from math_verify import parse, verify  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return lambda got, gold: bool(verify(parse(f"${gold}$"), parse(f"${got}$")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--per-kind", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--math-verify-venv", default=None)
    args = parser.parse_args()
    pairs = gsm8k_pairs(args.data) + generated_pairs(args.seed, args.per_kind)
    theirs = math_verify_comparer(args.math_verify_venv)
    rows = [(p, ours(p), theirs(p.submitted, p.gold) if theirs else None) for p in pairs]
    n = len(rows)
    print(f"pairs: {n} ({sum(p.kind == 'gsm8k' for p in pairs)} GSM8K, "
          f"{sum(p.kind != 'gsm8k' for p in pairs)} generated; {sum(p.rule for p in pairs)} equal "
          f"by the rules)")  # fmt: skip
    for name, col in (("ours", 1), ("math-verify", 2)):
        if col == 2 and theirs is None:
            print("math-verify: not importable; install it in a venv and pass "
                  "--math-verify-venv DIR (see this script's docstring)")  # fmt: skip
            continue
        right = sum(r[col] == r[0].rule for r in rows)
        fa = sum(r[col] and not r[0].rule for r in rows)
        fr = sum(not r[col] and r[0].rule for r in rows)
        strict = [r for r in rows if not r[0].policy]
        print(f"{name}: {right}/{n} = {100 * right / n:.1f}% as the rules say "
              f"(false accepts {fa}, false rejects {fr}; without policy pairs "
              f"{100 * sum(r[col] == r[0].rule for r in strict) / len(strict):.1f}%)")  # fmt: skip
    for pair, us, _ in rows:
        if us != pair.rule:
            print(f"  ours wrong: {pair}")
    if theirs is None:
        return
    agree = sum(r[1] == r[2] for r in rows)
    print(f"agreement: {agree}/{n} = {100 * agree / n:.1f}%")
    classes: dict[tuple[str, str, str], list[Pair]] = defaultdict(list)
    for pair, us, them in rows:
        if us != them:
            right = "ours right" if us == pair.rule else "math-verify right"
            what = "we accept" if us else "we reject"
            tag = " (policy)" if pair.policy else ""
            classes[(pair.kind, what, right + tag)].append(pair)
    print("disagreements (kind | our verdict | who is right by the README rules): count")
    for key, items in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {key[0]} | {key[1]} | {key[2]}: {len(items)}")
        for pair in items[: args.examples]:
            print(f"      gold {pair.gold!r}  submitted {pair.submitted!r}")
    totals = Counter(k[2].split(" (")[0] for k, v in classes.items() for _ in v)
    print(f"disagreements: {sum(totals.values())} ({dict(totals)})")


if __name__ == "__main__":
    main()
