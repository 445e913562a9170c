"""Every rule of the whitelist, both ways: a valid use is accepted, an invalid one rejected."""

from __future__ import annotations

import pytest

from agentdata.envs.logic.parser import parse_formula
from agentdata.envs.logic.rules import RULE_NAMES, check_rule

# rule -> (cited formulas, claim) pairs: first the valid uses, then the invalid ones
VALID: list[tuple[str, list[str], str]] = [
    ("modus_ponens", ["Rain → Wet", "Rain"], "Wet"),
    ("modus_ponens", ["Cat(tom)", "Cat(tom) → Mammal(tom)"], "Mammal(tom)"),
    ("modus_tollens", ["Rain → Wet", "¬Wet"], "¬Rain"),
    ("modus_tollens", ["Rain → ¬Wet", "Wet"], "¬Rain"),
    ("universal_instantiation", ["∀x (Cat(x) → Mammal(x))"], "Cat(tom) → Mammal(tom)"),
    ("universal_instantiation", ["∀x ∀y Likes(x, y)"], "∀y Likes(ann, y)"),
    ("universal_instantiation", ["∀x ∀y Likes(x, y)"], "Likes(ann, bob)"),
    ("universal_modus_ponens", ["∀x (Cat(x) → Mammal(x))", "Cat(tom)"], "Mammal(tom)"),
    (
        "universal_modus_ponens",
        ["Big(ann) ∧ Red(ann)", "∀y ((Big(y) ∧ Red(y)) → ¬Kind(y))"],
        "¬Kind(ann)",
    ),
    (
        "universal_modus_ponens",
        ["∀x ∀y (Parent(x, y) → Older(x, y))", "Parent(ann, bob)"],
        "Older(ann, bob)",
    ),
    ("existential_generalization", ["Cat(tom)"], "∃x Cat(x)"),
    ("existential_generalization", ["Likes(ann, bob)"], "∃z Likes(ann, z)"),
    ("and_intro", ["Rain", "Wet"], "Rain ∧ Wet"),
    ("and_intro", ["Rain ∧ Wet", "Cold"], "Rain ∧ (Wet ∧ Cold)"),
    ("and_elim", ["Rain ∧ Wet"], "Wet"),
    ("and_elim", ["(Rain ∧ Wet) ∧ Cold"], "Rain ∧ Cold"),
    ("or_intro", ["Rain"], "Rain ∨ Snow"),
    ("or_intro", ["Rain"], "Snow ∨ Rain"),
    ("disjunctive_syllogism", ["Rain ∨ Snow", "¬Rain"], "Snow"),
    ("disjunctive_syllogism", ["¬Snow", "(Rain ∨ Snow) ∨ Sun", "¬Sun"], "Rain"),
    ("hypothetical_syllogism", ["Rain → Wet", "Wet → Slippery"], "Rain → Slippery"),
    ("hypothetical_syllogism", ["∀x (A(x) → B(x))", "∀y (B(y) → C(y))"], "∀z (A(z) → C(z))"),
    ("contraposition", ["Rain → Wet"], "¬Wet → ¬Rain"),
    ("contraposition", ["∀x (Cat(x) → ¬Fish(x))"], "∀x (Fish(x) → ¬Cat(x))"),
    ("double_negation", ["¬¬Rain"], "Rain"),
    ("double_negation", ["Rain"], "¬¬Rain"),
    ("de_morgan", ["¬(Rain ∧ Wet)"], "¬Rain ∨ ¬Wet"),
    ("de_morgan", ["¬Rain ∧ ¬Wet"], "¬(Rain ∨ Wet)"),
    ("de_morgan", ["¬∀x Cat(x)"], "∃x ¬Cat(x)"),
    ("biconditional_elim", ["Rain ↔ Wet"], "Wet → Rain"),
    ("biconditional_elim", ["Knight(a) ↔ ¬Knight(b)", "Knight(a)"], "¬Knight(b)"),
    ("biconditional_elim", ["∀x (Cat(x) ↔ Feline(x))"], "∀x (Cat(x) → Feline(x))"),
    ("xor_elim", ["Rain ⊕ Sun", "Rain"], "¬Sun"),
    ("xor_elim", ["Rain ⊕ Sun", "¬Sun"], "Rain"),
]

INVALID: list[tuple[str, list[str], str]] = [
    ("modus_ponens", ["Rain → Wet", "Wet"], "Rain"),  # affirming the consequent
    ("modus_ponens", ["Rain → Wet"], "Wet"),  # a cite short
    ("modus_tollens", ["Rain → Wet", "¬Rain"], "¬Wet"),  # denying the antecedent
    ("universal_instantiation", ["∀x (Cat(x) → Mammal(x))"], "Cat(tom) → Mammal(bob)"),
    ("universal_instantiation", ["Cat(tom)"], "Cat(tom)"),
    ("universal_modus_ponens", ["∀x (Cat(x) → Mammal(x))", "Mammal(tom)"], "Cat(tom)"),
    ("universal_modus_ponens", ["∀x (Cat(x) → Mammal(x))", "Cat(tom)"], "Mammal(bob)"),
    ("existential_generalization", ["Cat(tom)"], "∀x Cat(x)"),
    ("existential_generalization", ["Cat(tom)"], "∃x Dog(x)"),
    ("and_intro", ["Rain"], "Rain ∧ Wet"),
    ("and_intro", ["Rain", "Wet"], "Rain ∧ Cold"),
    ("and_elim", ["Rain ∨ Wet"], "Rain"),
    ("and_elim", ["Rain ∧ Wet"], "Cold"),
    ("or_intro", ["Rain ∨ Snow"], "Rain"),
    ("or_intro", ["Rain"], "Snow ∨ Sun"),
    ("disjunctive_syllogism", ["Rain ∨ Snow", "Rain"], "Snow"),
    ("disjunctive_syllogism", ["Rain ∨ Snow", "¬Rain"], "Rain"),
    ("hypothetical_syllogism", ["Rain → Wet", "Slippery → Wet"], "Rain → Slippery"),
    ("hypothetical_syllogism", ["Rain → Wet", "Wet → Slippery"], "Slippery → Rain"),
    ("contraposition", ["Rain → Wet"], "¬Rain → ¬Wet"),  # the inverse, not the contrapositive
    ("contraposition", ["Rain ∧ Wet"], "¬Wet → ¬Rain"),
    ("double_negation", ["¬Rain"], "Rain"),
    ("double_negation", ["¬¬Rain"], "¬Rain"),
    ("de_morgan", ["¬(Rain ∧ Wet)"], "¬Rain ∧ ¬Wet"),
    ("de_morgan", ["¬∀x Cat(x)"], "∀x ¬Cat(x)"),
    ("biconditional_elim", ["Rain → Wet"], "Wet → Rain"),
    ("biconditional_elim", ["Rain ↔ Wet", "Rain"], "¬Wet"),
    ("xor_elim", ["Rain ⊕ Sun", "Rain"], "Sun"),
    ("xor_elim", ["Rain ∨ Sun", "¬Sun"], "Rain"),
]


def _check(rule: str, cites: list[str], claim: str) -> str | None:
    return check_rule(rule, [parse_formula(c) for c in cites], parse_formula(claim))


@pytest.mark.parametrize(("rule", "cites", "claim"), VALID)
def test_valid_use_is_accepted(rule: str, cites: list[str], claim: str) -> None:
    assert _check(rule, cites, claim) is None


@pytest.mark.parametrize(("rule", "cites", "claim"), INVALID)
def test_invalid_use_is_rejected_with_a_reason(rule: str, cites: list[str], claim: str) -> None:
    reason = _check(rule, cites, claim)
    assert reason is not None and len(reason) > 10


def test_every_rule_is_covered_both_ways() -> None:
    assert {r for r, _, _ in VALID} == set(RULE_NAMES)
    assert {r for r, _, _ in INVALID} == set(RULE_NAMES)


def test_bound_variable_names_do_not_matter() -> None:
    assert (
        _check("universal_modus_ponens", ["∀y (Cat(y) → Mammal(y))", "Cat(tom)"], "Mammal(tom)")
        is None
    )
    assert _check("and_elim", ["∀x Cat(x) ∧ Rain"], "∀z Cat(z)") is None
