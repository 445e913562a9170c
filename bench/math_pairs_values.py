"""Generated (gold, submission, equal-by-the-rules) pairs of the value kinds, for
bench/bench_math_verify.py: fractions, rounded decimals, radicals, pi and large exact numbers,
degrees and text units, percent, scientific notation, base subscripts, complex numbers, words and
decimals. Each takes the seeded `random.Random` and writes one drawn value in equal and unequal
forms; the verdict is what envs/math/README.md's rules give by construction.
"""

from __future__ import annotations

import random
from fractions import Fraction

Pairs = list[tuple[str, str, bool]]


def frac(rng: random.Random) -> Pairs:
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


def rounded(rng: random.Random) -> Pairs:
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


def radical(rng: random.Random) -> Pairs:
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


def pi_large(rng: random.Random) -> Pairs:
    k, e = rng.randint(2, 9), rng.randint(9, 60)
    return [
        (f"{k}\\pi", f"\\pi \\cdot {k}", True),
        (f"{k}\\pi", f"{k + 1}\\pi", False),
        (f"10^{{{e}}}", "1" + "0" * e, True),
        (f"10^{{{e}}}", "1" + "0" * (e - 1) + "1", False),
        (f"\\frac{{1}}{{2^{{{e}}}}}", f"\\frac{{1}}{{2^{{{e + 1}}}}}", False),
    ]


def units(rng: random.Random) -> Pairs:
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


def percent(rng: random.Random) -> Pairs:
    n = rng.randint(1, 99)
    return [
        (f"{n}\\%", f"{n}", True),
        (f"{n}\\%", f"{n}%", True),
        (f"{n}\\%", f"{n} \\%", True),
        (f"{n}\\%", f"{n + 1}\\%", False),
        (f"{n}\\%", f"{n / 100}", False),
    ]


def sci(rng: random.Random) -> Pairs:
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


def based(rng: random.Random) -> Pairs:
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


def complex_number(rng: random.Random) -> Pairs:
    a, b = rng.randint(1, 9), rng.randint(1, 9)
    gold = f"{a}+{b}i"
    return [
        (gold, f"{b}i + {a}", True),
        (gold, f"{a}-{b}i", False),
        (gold, f"{b}+{a}i", a == b),
        (f"{a * a - b * b}+{2 * a * b}i", f"({a}+{b}i)^2", True),
    ]


def word_decimal(rng: random.Random) -> Pairs:
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
