"""Red-team: answers that try to be graded correct without committing to the right value.

Each hedge or value-changing word is refused (a format error) or rejected, never accepted; the
honest form next to it still grades right.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentdata.envs.math.answers import compare
from agentdata.envs.math.env import MathEnv
from agentdata.envs.math.errors import AnswerParseError


def accepted(got: str, gold: str) -> bool:
    """Whether `got` is graded correct (an unreadable answer never is)."""
    try:
        return compare(got, gold).correct
    except AnswerParseError:
        return False


# (hedge or trick, gold, the honest answer that is accepted)
ATTACKS = [
    ("1, 2, 3", "2", "2"),
    ("2, 2", "2", "2"),
    ("2 or 3", "2", "2"),
    ("x = 2 \\text{ or } x = 3", "x = 2", "x = 2"),
    ("\\boxed{3} or \\boxed{2}", "2", "\\boxed{2}"),
    ("\\boxed{2} \\text{ and } \\boxed{3}", "3", "\\boxed{3} \\text{ and } \\boxed{3}"),
    ("(A) or (B)", "\\text{(A)}", "(A)"),
    ("(A), (B)", "(B)", "\\text{(B)}"),
    ("(B) 12 or (A) 11", "(B)", "(B) 12"),
    ("negative 5", "5", "5"),
    ("not 5", "5", "5"),
    ("at least 5", "5", "5"),
    ("about 5", "5", "she has 5"),
    ("less than 5", "5", "5 apples"),
    ("5 thousand", "5", "5"),
    ("5 squared", "5", "5 meters squared"),
    ("2 dozen", "2", "2"),
    ("5 halves", "5", "5"),
    ("\\pm 2", "2", "2"),
    ("[1, 2]", "\\{1, 2\\}", "\\{2, 1\\}"),
    ("\\{1, 2\\}", "[1, 2]", "[1, 2]"),
    ("(1, 2)", "\\{1, 2\\}", "1, 2"),
    ("x \\geq 2", "2", "x = 2"),
    ("-\u200b5", "5", "5"),
    ("−5", "5", "5"),
    ("2i", "2", "2 + 0i"),
]


@pytest.mark.parametrize(("attack", "gold", "honest"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_hedges_and_tricks_are_never_accepted(attack: str, gold: str, honest: str) -> None:
    assert not accepted(attack, gold), f"{attack!r} accepted for {gold!r}"
    assert accepted(honest, gold), f"honest {honest!r} rejected for {gold!r}"


def test_scale_words_multiply() -> None:
    assert compare("5 thousand", "5000").correct
    assert compare("\\$1.5 million", "1500000").correct
    assert not compare("5 thousand", "50000").correct


def test_nested_and_repeated_boxes_are_one_answer() -> None:
    assert compare("\\boxed{\\boxed{2}}", "2").correct
    assert compare("so \\boxed{2}, that is \\boxed{ 2 }", "2").correct
    with pytest.raises(AnswerParseError, match="several different"):
        compare("\\boxed{2} or \\boxed{3}", "2")


def test_unicode_digits_are_their_value_and_invisible_characters_unreadable() -> None:
    assert compare("２", "2").correct  # fullwidth two is two
    assert not compare("２", "3").correct
    with pytest.raises(AnswerParseError):
        compare("\u200b5", "5")


def test_free_form_hedge_between_boxes_or_answer_lines_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps({"id": "t", "problem": "What is 1 + 1?", "answer": "2"}) + "\n")
    env = MathEnv(tasks=str(path))
    try:
        env.reset(seed=0, options={"task_id": "t"})
        _, reward, terminated, _, info = env.step("It is \\boxed{3} or maybe \\boxed{2}.")
        assert (reward, terminated) == (0.0, False)
        assert info["verdict"].error_type == "format_error"
        _, reward, terminated, _, info = env.step("answer: 3\nanswer: 2")
        assert info["verdict"].error_type == "format_error"
        _, reward, terminated, _, info = env.step("It is \\boxed{2}.\nanswer: 2")
        assert (reward, terminated) == (1.0, True)
    finally:
        env.close()
