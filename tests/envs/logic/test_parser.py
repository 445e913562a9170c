"""FOLIO-notation parser: operators and spellings, errors at the column, limits, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentdata.envs.logic.errors import FormulaError
from agentdata.envs.logic.formula import Atom, Bin, Formula, Not, Quant, fmt
from agentdata.envs.logic.parser import (
    MAX_ARITY,
    MAX_DEPTH,
    MAX_FORMULA_CHARS,
    MAX_QUANTIFIER_DEPTH,
    parse_formula,
)

P, Q = Atom("P", ("x",)), Atom("Q", ("x",))


@pytest.mark.parametrize(
    ("unicode", "ascii_text"),
    [
        ("∀x (Cat(x) → Mammal(x))", "forall x (Cat(x) -> Mammal(x))"),
        ("∃x (Cat(x) ∧ ¬Black(x))", "exists x (Cat(x) & ~Black(x))"),
        ("Rain ∨ Snow", "Rain | Snow"),
        ("Knight(a) ⊕ Knight(b)", "Knight(a) ^ Knight(b)"),
        ("Rain ↔ Wet", "Rain <-> Wet"),
    ],
)
def test_unicode_and_ascii_spellings_agree(unicode: str, ascii_text: str) -> None:
    assert parse_formula(unicode) == parse_formula(ascii_text)
    assert fmt(parse_formula(ascii_text)) == unicode


def test_precedence_and_associativity() -> None:
    assert parse_formula("¬P(x) ∧ Q(x)") == Bin("and", Not(P), Q)
    assert parse_formula("A ∧ B ∨ C") == Bin("or", Bin("and", Atom("A"), Atom("B")), Atom("C"))
    assert parse_formula("A → B → C") == Bin("imp", Atom("A"), Bin("imp", Atom("B"), Atom("C")))
    assert parse_formula("∀x P(x) → Q(x)") == Bin("imp", Quant("all", "x", P), Q)
    assert parse_formula("A ↔ B → C") == Bin("iff", Atom("A"), Bin("imp", Atom("B"), Atom("C")))


def test_predicates_and_constants_of_any_arity() -> None:
    f = parse_formula("Between(a, b, c) ∧ Rain ∧ Owns(ann_2, car1)")
    assert isinstance(f, Bin)
    assert Atom("Between", ("a", "b", "c")) in (f.left.left, f.left.right)  # type: ignore[union-attr]
    assert parse_formula("Rain") == Atom("Rain")


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("Cat(x", 6),
        ("Cat(x) ∧", 9),
        ("Cat(x)) ∧ Dog(x)", 7),
        ("∀ (Cat(x))", 3),
        ("Cat(x) && Dog(x)", 9),
        ("Cat(x,) ", 7),
        ("Cat(tоm)", 6),  # Cyrillic о
        ("Ｃat(tom)", 1),  # fullwidth C
        ("Cat(tom)\u200b", 9),  # zero-width space
        ("Cat(tom) − Dog(tom)", 10),  # minus sign, not an operator
    ],
)
def test_errors_point_at_the_column(text: str, column: int) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert info.value.column == column, str(info.value)
    assert f"column {column}" in str(info.value)


def test_lookalike_message_names_the_character() -> None:
    with pytest.raises(FormulaError, match="CYRILLIC SMALL LETTER O"):
        parse_formula("Cat(tоm)")
    with pytest.raises(FormulaError, match="looks like 'C'"):
        parse_formula("Ｃat(tom)")


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("P ∧ " * (MAX_FORMULA_CHARS // 4) + "P", "chars"),
        ("¬" * (MAX_DEPTH + 1) + "P", "depth"),
        ("".join(f"∀x{i} " for i in range(MAX_QUANTIFIER_DEPTH + 1)) + "P(x0)", "quantifier_depth"),
        (f"P({', '.join(['a'] * (MAX_ARITY + 1))})", "arity"),
        (" ∧ ".join(["P(a, b, c, d, e, f, g, h)"] * 61), "nodes"),
    ],
    ids=["chars", "depth", "quantifiers", "arity", "nodes"],
)
def test_limits_are_typed_errors(text: str, limit: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert info.value.limit == limit


def test_deep_parentheses_parse_without_recursion() -> None:
    assert parse_formula("(" * 1000 + "P" + ")" * 1000) == Atom("P")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("PQx(),∀∃¬∧∨⊕→↔~&|^-<> ab\n\tаＰ\x00")), max_size=60))
def test_fuzz_only_formula_errors(text: str) -> None:
    try:
        f = parse_formula(text)
    except FormulaError:
        return
    assert parse_formula(fmt(f)) == f


def _formulas() -> st.SearchStrategy[Formula]:
    atoms = st.builds(
        Atom,
        st.sampled_from(["P", "Q", "Likes"]),
        st.lists(st.sampled_from(["a", "b", "x"]), max_size=3).map(tuple),
    )
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.builds(Not, inner),
            st.builds(Bin, st.sampled_from(["and", "or", "xor", "imp", "iff"]), inner, inner),
            st.builds(Quant, st.sampled_from(["all", "ex"]), st.sampled_from(["x", "y"]), inner),
        ),
        max_leaves=12,
    )


@settings(max_examples=300, deadline=None)
@given(_formulas())
def test_printed_formulas_parse_back_to_the_same_tree(f: Formula) -> None:
    assert parse_formula(fmt(f)) == f
