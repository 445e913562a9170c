"""Action parsing: labelled steps, answers, free-form chains with annotations."""

from __future__ import annotations

import pytest

from agentdata.envs.math.actions import LABELS, ActionParseError, final_answer, parse_action

NONE: frozenset[str] = frozenset()


def test_labelled_step_chain() -> None:
    action = parse_action("step transpose: x = 10 - 3 = 7", frozenset({"x"}))
    assert action.kind == "step"
    assert [(c.lhs, c.rhs, c.label) for c in action.claims] == [
        ("x", "10 - 3", "transpose"),
        ("10 - 3", "7", "transpose"),
    ]
    assert not action.bad_labels


def test_unlisted_label() -> None:
    action = parse_action("step guess: x = 7", frozenset({"x"}))
    assert action.bad_labels == ("guess",)
    assert "guess" not in LABELS


def test_answer() -> None:
    assert parse_action("answer: 3/4", NONE).answer == "3/4"
    assert parse_action("Answer:  \\boxed{5}", NONE).answer == "\\boxed{5}"


@pytest.mark.parametrize("text", ["", "   \n ", "answer:", "step compute: 48/2", "hello there"])
def test_unparseable(text: str) -> None:
    with pytest.raises(ActionParseError):
        parse_action(text, NONE)


def test_gsm8k_annotations_and_prose() -> None:
    text = (
        "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n"
        "She earned 0.2 x 50 = $10 and 20% of 50 = 10 dollars.\n"
        "#### 72"
    )
    action = parse_action(text, NONE)
    assert action.kind == "freeform"
    pairs = [(c.lhs, c.rhs, c.source) for c in action.claims]
    assert ("48/2", "24", "annotation") in pairs
    assert ("0.2 * 50", "10", "prose") in pairs
    assert ("20% * 50", "10", "prose") in pairs  # "x of y" is a product
    assert action.answer == "72"


@pytest.mark.parametrize(
    ("line", "claim"),
    [
        ("3 bags * 4 apples = 12 apples", ("3 * 4", "12")),
        ("He sold 48/2 = 24 clips", ("48 / 2", "24")),
        ("Total: $3 + $4 = $7", ("3 + 4", "7")),
        ("so far, 18 / 6 = 3 packs", ("18 / 6", "3")),
        ("1/3 of 90 = 30", ("1/3 * 90", "30")),
        ("5 snakes/jaguar * 6 jaguars = 30 snakes", ("5 * 6", "30")),
        ("$780/year / 12 months/year = $65/month", ("780 / 12", "65")),
        ("60 students x 2/3 = 40 students", ("60 * 2 / 3", "40")),
        ("Randy's 60 trees / 2 = 30 trees", ("60 / 2", "30")),
        ("2 wheels * 10ml of oil per wheel = 20ml", ("2 * 10", "20")),
        ("25% of 80 = 20", ("25% * 80", "20")),
    ],
)
def test_prose_claims(line: str, claim: tuple[str, str]) -> None:
    action = parse_action(line, NONE)
    assert [(c.lhs.replace(" ", ""), c.rhs) for c in action.claims] == [
        (claim[0].replace(" ", ""), claim[1])
    ]


@pytest.mark.parametrize(
    "line", ["1 dozen = 12", "All had S + 2S + 4S = 7S = 847", "Total:x+3+2x+12+8x=301"]
)
def test_prose_without_a_computation(line: str) -> None:
    claims = [c for c in parse_action(line + "\nanswer: 1", NONE).claims if c.source == "prose"]
    assert claims == []


def test_freeform_boxed_and_step_lines() -> None:
    text = "First 3 + 4 = 7.\nstep guess: 7 * 2 = 14\nSo \\boxed{14}"
    action = parse_action(text, NONE)
    assert action.bad_labels == ("guess",)
    assert action.answer == "14"


def test_final_answer_precedence() -> None:
    assert final_answer("\\boxed{3}\nanswer: 4") == "4"
    assert final_answer("so \\boxed{\\frac{1}{2}}") == "\\frac{1}{2}"
    assert final_answer("no answer here") is None


def test_glued_and_range_prose_is_skipped() -> None:
    action = parse_action("Her height = 80cm/2 = <<80/2=40>>40cm", NONE)
    assert [c.source for c in action.claims] == ["annotation"]
