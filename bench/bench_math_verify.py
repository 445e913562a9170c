"""Agreement with Math-Verify on the same (gold, submission) pairs.

Pairs: every gold of the shipped GSM8K sample against itself in several written forms and
against near misses, plus a seeded generated set over the competition answer kinds (fractions,
rounded decimals, radicals, pi, large exact numbers, intervals and unions, sets, tuples, lists
of solutions, equations, degrees, text units, percent, scientific notation, base subscripts,
complex numbers, matrices, multiple-choice letters, hedges such as `\\boxed{3} or \\boxed{2}`),
each value written in equal and unequal forms (value kinds in bench/math_pairs_values.py).
Every pair carries the verdict the rules of envs/math/README.md give by construction (`rule`),
so a disagreement says which side is right; pairs whose verdict is a policy of those rules
(rounded decimals, percent as written, rounded scientific notation) are marked `policy`.

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
from pathlib import Path

from math_pairs_values import (  # this folder (run as a script)
    based,
    complex_number,
    frac,
    percent,
    pi_large,
    radical,
    rounded,
    sci,
    units,
    word_decimal,
)

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









def _matrix(rng: random.Random) -> list[tuple[str, str, bool]]:
    a, b, c, d = rng.sample(range(-9, 10), 4)
    gold = f"\\begin{{pmatrix}} {a} & {b} \\\\ {c} & {d} \\end{{pmatrix}}"
    return [
        (gold, f"\\begin{{bmatrix}}{a}&{b}\\\\{c}&{d}\\end{{bmatrix}}", True),
        (gold, f"\\begin{{pmatrix}} {a} & {c} \\\\ {b} & {d} \\end{{pmatrix}}", False),
        (gold, f"\\begin{{pmatrix}} {a} & {b} \\\\ {c} & {d + 1} \\end{{pmatrix}}", False),
    ]



def _hedge(rng: random.Random) -> list[tuple[str, str, bool]]:
    n = rng.randint(2, 99)
    letter, other = rng.sample("ABCDE", 2)
    return [
        (f"{n}", f"\\boxed{{{n + 1}}} \\text{{ or }} \\boxed{{{n}}}", False),
        (f"{n}", f"\\boxed{{{n}}}", True),
        (f"{n}", f"negative {n}", False),
        (f"{n}", f"at least {n}", False),
        (f"{n}", f"{n} squared", False),
        (f"{n}", f"{n} thousand", False),
        (f"{n * 1000}", f"{n} thousand", True),
        (f"\\pm {n}", f"{n}, -{n}", True),
        (f"\\pm {n}", f"{n}", False),
        (f"\\text{{({letter})}}", f"({other}) \\text{{ or }} ({letter})", False),
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


GENERATED: dict[str, Gen] = {  # the order fixes the seeded stream
    "fraction": frac, "rounded": rounded, "radical": radical, "pi/large": pi_large,
    "interval": _interval, "set/tuple/list": _set_tuple, "equation": _equation,
    "degree/unit": units, "percent": percent, "sci": sci, "base": based,
    "complex": complex_number, "matrix": _matrix, "choice": _choice, "word/decimal": word_decimal,
    "hedge": _hedge,
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
