"""Puzzle families: knights and knaves, categorical syllogisms, propositional puzzles."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from agentdata.envs.logic.formula import Atom, Bin, Formula, Not, Quant, conj, forall, implies
from agentdata.envs.logic.generators import ANSWER_OF, Generated, GeneratorError
from agentdata.envs.logic.ground import Theory, ground_sat
from agentdata.envs.logic.sampling import chance, index, order, sample
from agentdata.envs.logic.truthtable import TruthTable

PEOPLE = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")
TERMS = (
    "artist",
    "beekeeper",
    "chemist",
    "dancer",
    "engineer",
    "farmer",
    "gardener",
    "historian",
    "inventor",
    "juggler",
    "knitter",
    "linguist",
    "musician",
    "novelist",
    "painter",
    "poet",
)
ATOMS = (
    ("Rain", "it rains", "it does not rain"),
    ("Wet", "the street is wet", "the street is not wet"),
    ("Cold", "it is cold", "it is not cold"),
    ("Wind", "it is windy", "it is not windy"),
    ("Snow", "it snows", "it does not snow"),
    ("Sun", "the sun shines", "the sun does not shine"),
    ("Ice", "the road is icy", "the road is not icy"),
    ("Late", "the bus is late", "the bus is not late"),
)


def _evaluate(f: Formula, value: dict[Formula, bool]) -> bool:
    """Truth of a quantifier-free ground formula under an assignment of its atoms."""
    if isinstance(f, Atom):
        return value[f]
    if isinstance(f, Not):
        return not _evaluate(f.body, value)
    if isinstance(f, Quant):
        raise GeneratorError("quantifier in a propositional evaluation")
    a, b = _evaluate(f.left, value), _evaluate(f.right, value)
    return {"and": a and b, "or": a or b, "xor": a != b, "imp": not a or b, "iff": a == b}[f.op]


def _knight(who: str, positive: bool = True) -> Formula:
    atom = Atom("Knight", (who,))
    return atom if positive else Not(atom)


def _kind(who: str, positive: bool) -> str:
    return f"{who.title()} is a {'knight' if positive else 'knave'}"


def _statement(rng: np.random.Generator, speaker: str, people: list[str]) -> tuple[Formula, str]:
    others = [p for p in people if p != speaker]
    x = others[index(rng, len(others))]
    y = people[index(rng, len(people))]  # the speaker may talk about themself
    px, py = chance(rng, 0.5), chance(rng, 0.5)
    form = index(rng, 5)
    if form == 0 or x == y:
        return _knight(x, px), _kind(x, px)
    if form == 1:
        return conj(_knight(x, px), _knight(y, py)), f"{_kind(x, px)} and {_kind(y, py)}"
    if form == 2:
        return Bin("or", _knight(x, px), _knight(y, py)), f"{_kind(x, px)} or {_kind(y, py)}"
    if form == 3:
        return Bin("iff", _knight(speaker), _knight(x)), f"{x.title()} and I are of the same kind"
    return Bin(
        "xor", _knight(x), _knight(y)
    ), f"exactly one of {x.title()} and {y.title()} is a knight"


def knights(rng: np.random.Generator, difficulty: int) -> Generated:
    """`difficulty + 1` inhabitants, each `Knight(s) ↔ statement`; statements are added until
    exactly one assignment of roles fits (a bit-parallel truth table over the 2^n rows); the
    question is one inhabitant's role."""
    n = difficulty + 1
    for _ in range(100):
        people = sorted(PEOPLE[i] for i in sample(rng, len(PEOPLE), n))
        roles = {p: chance(rng, 0.5) for p in people}
        truth = {_knight(p): r for p, r in roles.items()}
        table = TruthTable([_knight(p) for p in people])
        models = table.full
        premises: list[Formula] = []
        texts: list[str] = []
        for turn in range(3 * n):
            speaker = people[turn % n]
            for _ in range(20):  # a statement whose truth matches the speaker's role
                claim, said = _statement(rng, speaker, people)
                if _evaluate(claim, truth) == roles[speaker]:
                    break
            else:
                continue
            premise = Bin("iff", _knight(speaker), claim)
            premises.append(premise)
            texts.append(f'{speaker.title()} says: "{said}." (Knights tell the truth, knaves lie.)')
            models &= table.rows(premise)
            if turn >= n - 1 and models.bit_count() == 1:
                target = people[index(rng, n)]
                positive = chance(rng, 0.5)
                intended = "True" if roles[target] == positive else "False"
                return Generated(
                    premises,
                    _knight(target, positive),
                    texts,
                    f"{_kind(target, positive)}.",
                    intended=intended,
                )
    raise GeneratorError("no knights-and-knaves puzzle with a unique solution in 100 draws")


def _categorical(form: str, s: str, p: str) -> tuple[Formula, str]:
    """A (all), E (no), I (some), O (some ... not) statements over predicates S and P."""
    sx, px = Atom(s.title(), ("x",)), Atom(p.title(), ("x",))
    if form == "A":
        return forall("x", implies(sx, px)), f"All {s}s are {p}s."
    if form == "E":
        return forall("x", implies(sx, Not(px))), f"No {s}s are {p}s."
    if form == "I":
        return Quant("ex", "x", conj(sx, px)), f"Some {s}s are {p}s."
    return Quant("ex", "x", conj(sx, Not(px))), f"Some {s}s are not {p}s."


def _search(
    rng: np.random.Generator, premises: list[Formula], candidates: list[tuple[Formula, str]]
) -> tuple[Formula, str, str] | None:
    """A candidate conclusion with the drawn answer (or the first decided one); None when the
    premises are inconsistent."""
    want = ("True", "False", "Unknown")[index(rng, 3)]
    first: tuple[Formula, str, str] | None = None
    theory = Theory(premises, [formula for formula, _ in candidates])
    for pick in order(rng, len(candidates)):
        formula, text = candidates[pick]
        result = theory.entails(formula)
        if result not in ANSWER_OF:
            return None
        if first is None or ANSWER_OF[result] == want:
            first = (formula, text, ANSWER_OF[result])
        if ANSWER_OF[result] == want:
            break
    return first


def syllogism(rng: np.random.Generator, difficulty: int) -> Generated:
    """A chain of `difficulty + 1` categorical premises from the first term to the last
    (sorites at higher levels), maybe an existence premise, and a categorical conclusion
    relating the ends (first-order semantics: no existential import)."""
    for _ in range(50):
        terms = [TERMS[int(i)] for i in sample(rng, len(TERMS), difficulty + 2)]
        premises: list[Formula] = []
        texts: list[str] = []
        for a, b in pairwise(terms):
            form = "AAAEIO"[index(rng, 6)]
            f, t = _categorical(form, a, b)
            premises.append(f)
            texts.append(t)
        if rng.random() < 0.5:
            premises.append(Quant("ex", "x", Atom(terms[0].title(), ("x",))))
            texts.append(f"There is at least one {terms[0]}.")
        candidates = [
            _categorical(form, s, p)
            for form in "AEIO"
            for s, p in ((terms[0], terms[-1]), (terms[-1], terms[0]))
        ]
        found = _search(rng, premises, candidates)
        if found is not None:
            perm = order(rng, len(premises))
            return Generated(
                [premises[i] for i in perm],
                found[0],
                [texts[i] for i in perm],
                found[1],
                intended=found[2],
            )
    raise GeneratorError("no consistent syllogism in 50 draws")


def _phrase(atom: tuple[str, str, str], positive: bool) -> tuple[Formula, str]:
    return (Atom(atom[0]) if positive else Not(Atom(atom[0]))), atom[1 if positive else 2]


def propositional(rng: np.random.Generator, difficulty: int) -> Generated:
    """`difficulty + 2` premises (implications, disjunctions, exclusive ors, biconditionals,
    facts) over `difficulty // 2 + 3` atoms; the conclusion is a literal."""
    for _ in range(50):
        pool = [ATOMS[i] for i in sample(rng, len(ATOMS), difficulty // 2 + 3)]
        premises: list[Formula] = []
        texts: list[str] = []
        for _ in range(difficulty + 2):
            picks = [pool[int(i)] for i in sample(rng, len(pool), 3)]
            (a, ta), (b, tb), (c, tc) = (_phrase(p, chance(rng, 0.7)) for p in picks)
            form = index(rng, 6)
            f, t = [
                (implies(a, b), f"If {ta}, then {tb}."),
                (Bin("or", a, b), f"{ta} or {tb}."),
                (Bin("xor", a, b), f"Either {ta} or {tb}, but not both."),
                (Bin("iff", a, b), f"{ta} if and only if {tb}."),
                (implies(conj(a, b), c), f"If {ta} and {tb}, then {tc}."),
                (a, f"{ta}."),
            ][form]
            premises.append(f)
            texts.append(t[0].upper() + t[1:])
        if not ground_sat(premises):
            continue
        candidates = [
            (f, t[0].upper() + t[1:] + ".")
            for atom in pool
            for f, t in (_phrase(atom, True), _phrase(atom, False))
        ]
        found = _search(rng, premises, candidates)
        if found is not None:
            return Generated(premises, found[0], texts, found[1], intended=found[2])
    raise GeneratorError("no consistent propositional puzzle in 50 draws")
