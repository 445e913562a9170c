"""Final answers compared per second on the shipped GSM8K pairs, as ratios in the same run.

Pairs: every gold of tests/data/gsm8k against itself and against a near miss (gold + 1). Three
comparers, all in this process and on one core:

* `full reader`: `answers.compare_read` (read both sides into typed kinds, then compare), the
  baseline of the ratios;
* `plain-integer fast path`: `answers.compare` (two plain integers compare as `int`s);
* `math-verify` (when importable): `verify(parse(gold), parse(submission))`, both parsed on every
  pair as the others do; install it in a separate venv and pass `--math-verify-venv DIR` (see
  bench/bench_math_verify.py).

Each comparer runs the pairs repeatedly for at least `--seconds`. Run:
`python bench/bench_math_answers.py [--seconds 1.0] [--math-verify-venv DIR]`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from bench_math_verify import math_verify_comparer  # this folder (run as a script)

from agentdata.envs.math.answers import compare, compare_read
from agentdata.envs.math.tasks import load_task_file

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "gsm8k" / "train.jsonl"

Comparer = Callable[[str, str], bool]


def gsm8k_pairs(path: Path) -> list[tuple[str, str]]:
    """(submission, gold) pairs: each gold with itself and with gold + 1."""
    out: list[tuple[str, str]] = []
    for task in load_task_file(path).tasks.values():
        gold = str(task.metadata["answer"])
        out += [(gold, gold), (str(int(gold.replace(",", "")) + 1), gold)]
    return out


def rate(fn: Comparer, pairs: list[tuple[str, str]], seconds: float) -> tuple[float, int]:
    """Answers per second, and how many pairs were judged equal in one pass."""
    accepted = sum(fn(got, gold) for got, gold in pairs)
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for got, gold in pairs:
            fn(got, gold)
        done += len(pairs)
    return done / elapsed, accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--math-verify-venv", default=None)
    args = parser.parse_args()
    pairs = gsm8k_pairs(args.data)
    comparers: dict[str, Comparer] = {
        "full reader": lambda got, gold: compare_read(got, gold).correct,
        "plain-integer fast path": lambda got, gold: compare(got, gold).correct,
    }
    theirs = math_verify_comparer(args.math_verify_venv)
    if theirs is not None:
        comparers["math-verify"] = theirs
    print(f"pairs: {len(pairs)} (GSM8K golds vs themselves and vs gold + 1)")
    base = None
    for name, fn in comparers.items():
        per_s, accepted = rate(fn, pairs, args.seconds)
        base = base or per_s
        print(f"{name:>24}: {per_s:>10,.0f} answers/s  x{per_s / base:6.2f}  ({accepted} accepted)")
    if theirs is None:
        print("math-verify: not importable; pass --math-verify-venv DIR (see the docstring)")


if __name__ == "__main__":
    main()
