"""Rule-chain families: ProntoQA-style ontologies and ProofWriter-style open-world rule bases."""

from __future__ import annotations

import itertools

import numpy as np

from agentdata.envs.logic.chain import prove
from agentdata.envs.logic.formula import (
    Atom,
    Formula,
    Not,
    fmt,
    fold,
    forall,
    implies,
    negate,
    substitute,
)
from agentdata.envs.logic.generators import ANSWER_OF, Generated, GeneratorError
from agentdata.envs.logic.sampling import chance, index, order, sample

CONCEPTS = (
    "wumpus",
    "yumpus",
    "zumpus",
    "dumpus",
    "rompus",
    "numpus",
    "tumpus",
    "vumpus",
    "impus",
    "jompus",
    "gorpus",
    "shumpus",
    "lempus",
    "sterpus",
    "grimpus",
    "lorpus",
    "brimpus",
    "felpus",
)
PROPERTIES = (
    "red",
    "blue",
    "green",
    "hot",
    "cold",
    "small",
    "large",
    "happy",
    "shy",
    "bright",
    "dull",
    "sour",
    "sweet",
    "wooden",
    "metallic",
    "kind",
    "rough",
    "quiet",
    "furry",
    "young",
    "big",
)
NAMES = ("alex", "fae", "max", "polly", "rex", "sally", "sam", "stella", "wren", "bob", "anne")


def _pick(rng: np.random.Generator, pool: tuple[str, ...], k: int) -> list[str]:
    return [pool[int(i)] for i in sample(rng, len(pool), k)]


def _cap(name: str) -> str:
    return name[0].upper() + name[1:]


def _lit(pred: str, who: str, positive: bool = True) -> Formula:
    atom = Atom(_cap(pred), (who,))
    return atom if positive else Not(atom)


def _shuffled(
    rng: np.random.Generator, premises: list[Formula], texts: list[str]
) -> tuple[list[Formula], list[str]]:
    perm = order(rng, len(premises))
    return [premises[i] for i in perm], [texts[i] for i in perm]


def prontoqa(rng: np.random.Generator, difficulty: int) -> Generated:
    """A chain `c0 → c1 → ... → ±prop` of `difficulty + 1` rules, a fact `c0(e)`, and
    `difficulty` distractor rules; the question is `prop(e)` (True or False)."""
    depth = difficulty + 1
    concepts = _pick(rng, CONCEPTS, depth + difficulty)
    chain, others = concepts[:depth], concepts[depth:]
    prop, other_prop = _pick(rng, PROPERTIES, 2)
    who = NAMES[index(rng, len(NAMES))]
    positive = chance(rng, 0.5)
    premises: list[Formula] = [_lit(chain[0], who)]
    texts = [f"{_cap(who)} is a {chain[0]}."]
    for a, b in itertools.pairwise(chain):
        premises.append(forall("x", implies(_lit(a, "x"), _lit(b, "x"))))
        texts.append(f"Every {a} is a {b}.")
    premises.append(forall("x", implies(_lit(chain[-1], "x"), _lit(prop, "x", positive))))
    texts.append(f"Every {chain[-1]} is {'' if positive else 'not '}{prop}.")
    for k, other in enumerate(others):  # distractors: rules that never fire for `who`
        if k % 2 == 0:
            premises.append(forall("x", implies(_lit(other, "x"), _lit(prop, "x", not positive))))
            texts.append(f"Every {other} is {'not ' if positive else ''}{prop}.")
        else:
            source = chain[index(rng, depth)]
            premises.append(forall("x", implies(_lit(source, "x"), _lit(other_prop, "x"))))
            texts.append(f"Every {source} is {other_prop}.")
    premises, texts = _shuffled(rng, premises, texts)
    conclusion = _lit(prop, who)
    proof = _chain_proof(premises, who, chain, _lit(prop, who, positive))
    return Generated(
        premises,
        conclusion,
        texts,
        f"{_cap(who)} is {prop}.",
        intended="True" if positive else "False",
        proof=proof,
    )


def _chain_proof(premises: list[Formula], who: str, chain: list[str], last: Formula) -> list[str]:
    """The gold proof: one `universal_modus_ponens` per rule of the chain."""
    where = {f: f"p{i}" for i, f in enumerate(premises, start=1)}
    cite = where[_lit(chain[0], who)]
    proof: list[str] = []
    heads = [_lit(c, who) for c in chain[1:]] + [last]
    for n, (source, head) in enumerate(zip(chain, heads, strict=True), start=1):
        rule = forall("x", implies(_lit(source, "x"), substitute(head, {who: "x"})))
        proof.append(f"derive {fmt(head)} from {where[rule]}, {cite} by universal_modus_ponens")
        cite = f"s{n}"
    return proof


def _fact_text(who: str, prop: str, positive: bool) -> str:
    return f"{_cap(who)} is {'' if positive else 'not '}{prop}."


def proofwriter(rng: np.random.Generator, difficulty: int) -> Generated:
    """An open-world rule base: facts (some negated) and rules with one- or two-literal
    bodies; the question's answer (True, False or Unknown) is drawn first and a query with
    that answer is searched for."""
    from agentdata.envs.logic.ground import Theory

    for _ in range(50):
        people = _pick(rng, NAMES, 2 + (difficulty > 2))
        attrs = _pick(rng, PROPERTIES, 4 + difficulty)
        premises: list[Formula] = []
        texts: list[str] = []
        for _ in range(2 + difficulty):
            who, prop = people[index(rng, len(people))], attrs[index(rng, 3)]
            positive = chance(rng, 0.8)
            if _lit(prop, who, positive) not in premises:
                premises.append(_lit(prop, who, positive))
                texts.append(_fact_text(who, prop, positive))
        for _ in range(1 + difficulty):
            size = 2 if difficulty >= 3 and rng.random() < 0.5 else 1
            body = _pick(rng, tuple(attrs), size + 1)
            head, body = body[-1], body[:-1]
            positive = chance(rng, 0.7)
            premises.append(
                forall(
                    "x",
                    implies(fold("and", [_lit(b, "x") for b in body]), _lit(head, "x", positive)),
                )
            )
            texts.append(
                f"If someone is {' and '.join(body)} then they are "
                f"{'' if positive else 'not '}{head}."
            )
        want = ("True", "False", "Unknown")[index(rng, 3)]
        candidates = [(p, a) for p in people for a in attrs]
        perm = order(rng, len(candidates))[:8]
        theory = Theory(premises)
        found: tuple[Formula, str] | None = None
        consistent = True
        for pick in perm:
            who, prop = candidates[pick]
            result = theory.entails(_lit(prop, who))
            if result not in ANSWER_OF:  # inconsistent facts and rules: draw again
                consistent = False
                break
            if found is None or ANSWER_OF[result] == want:
                found = (_lit(prop, who), ANSWER_OF[result])
            if ANSWER_OF[result] == want:
                break
        if consistent and found is not None:
            return _proofwriter_task(rng, premises, texts, found)
    raise GeneratorError("no consistent rule base in 50 draws")


def _proofwriter_task(
    rng: np.random.Generator, premises: list[Formula], texts: list[str], found: tuple[Formula, str]
) -> Generated:
    query, answer = found
    if answer == "False" and chance(rng, 0.5):  # ask the negated question half the time
        query, answer = negate(query), "True"
    premises, texts = _shuffled(rng, premises, texts)
    proof = (prove(premises, query) or []) if answer != "Unknown" else []
    atom = query.body if isinstance(query, Not) else query
    assert isinstance(atom, Atom)
    text = _fact_text(atom.args[0], atom.pred.lower(), isinstance(query, Atom))
    return Generated(premises, query, texts, text, intended=answer, proof=proof)
