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
    assert ("0.2*50", "10", "prose") in pairs
    assert all(c.lhs != "50" for c in action.claims)  # "20% of 50 = 10" is prose, not a claim
    assert action.answer == "72"


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
