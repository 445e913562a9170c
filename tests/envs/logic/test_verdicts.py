"""Every verdict type through the environment, hand-written; the gold-chain perturbation test;
and a fuzz of whole actions (step never raises, failures are typed, state is untouched)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentdata.envs.logic.env import LogicEnv
from agentdata.envs.logic.formula import Atom, fmt, negate, signature
from agentdata.envs.logic.rules import RULE_NAMES
from agentdata.envs.logic.tasks import premises_of
from tests.envs.logic.conftest import DATA

ZOO = str(DATA / "verdicts.jsonl")


@pytest.fixture(scope="module")
def zoo() -> Iterator[LogicEnv]:
    env = LogicEnv(tasks=ZOO, verifier_timeout_s=1.0)
    yield env
    env.close()


def verdict_of(env: LogicEnv, action: str, task: str = "zoo", reset: bool = True) -> dict[str, Any]:
    if reset:
        env.reset(seed=0, options={"task_id": task})
    obs, _reward, _term, _trunc, info = env.step(action)
    v = info["verdict"]
    failure = info["failure"]
    return {
        "label": v.label,
        "error_type": v.error_type,
        "kind": failure and failure.kind,
        "obs": obs,
        "info": info,
    }


@pytest.mark.parametrize(
    ("action", "label", "error_type", "kind"),
    [
        ("derive Mammal(tom) from p1, p3 by universal_modus_ponens", "correct", None, None),
        (
            "derive Animal(tom) from p1, p3 by universal_modus_ponens",
            "incorrect",
            "logical_leap",
            "verification_failed",
        ),
        (
            "derive Mammal(tom) from p1, p9 by universal_modus_ponens",
            "incorrect",
            "hallucinated_step",
            "invalid_action",
        ),
        (
            "derive Bird(tom) from p1, p3 by universal_modus_ponens",
            "incorrect",
            "hallucinated_step",
            "invalid_action",
        ),
        (
            "derive Mammal(felix) from p1, p3 by universal_modus_ponens",
            "incorrect",
            "hallucinated_step",
            "invalid_action",
        ),
        (
            "derive Mammal(tom) from p1, s1 by universal_modus_ponens",  # cites itself
            "incorrect",
            "hallucinated_step",
            "invalid_action",
        ),
        (
            "derive Mammal(tom) from p1, p3 by resolution",
            "incorrect",
            "exceeding_rule_scope",
            "invalid_action",
        ),
        (
            "derive Mammal(rex) from p1, p5 by universal_modus_ponens",
            "incorrect",
            "illegal_transformation",
            "verification_failed",
        ),
        (
            "derive Fish(tom) from p4 by double_negation",
            "incorrect",
            "inconsistent_step",
            "verification_failed",
        ),
        (
            "derive Mammal(tom from p1, p3 by universal_modus_ponens",
            "incorrect",
            "format_error",
            "parse_error",
        ),
        (
            "derive Mammal(tom) from q1 by universal_modus_ponens",
            "incorrect",
            "format_error",
            "parse_error",
        ),
        ("answer: False", "incorrect", "wrong_answer", "verification_failed"),
        ("answer: True", "correct", None, None),
    ],
)
def test_verdict_types(
    zoo: LogicEnv, action: str, label: str, error_type: str | None, kind: str | None
) -> None:
    got = verdict_of(zoo, action)
    assert (got["label"], got["error_type"], got["kind"]) == (label, error_type, kind), got["obs"]


def test_citation_of_a_later_step_is_a_cycle(zoo: LogicEnv) -> None:
    got = verdict_of(zoo, "derive Mammal(tom) from p1, s4 by universal_modus_ponens")
    assert got["error_type"] == "hallucinated_step"
    assert got["info"]["verdict"].evidence["cycle"] is True


def test_inconsistent_with_an_accepted_step(zoo: LogicEnv) -> None:
    verdict_of(zoo, "derive Mammal(tom) from p1, p3 by universal_modus_ponens")
    got = verdict_of(zoo, "derive ¬Mammal(tom) from p3 by double_negation", reset=False)
    assert got["error_type"] == "inconsistent_step"


def test_narrowed_rules_make_other_rules_out_of_scope() -> None:
    env = LogicEnv(tasks=ZOO, rules="universal_modus_ponens")
    try:
        ok = verdict_of(env, "derive Mammal(tom) from p1, p3 by universal_modus_ponens")
        assert ok["label"] == "correct"
        out = verdict_of(env, "derive Cat(tom) → Mammal(tom) from p1 by universal_instantiation")
        assert out["error_type"] == "exceeding_rule_scope"
        assert "not in the allowed rules" in out["obs"]
    finally:
        env.close()


def test_slow_quantifier_nesting_is_undecided_not_a_verdict(zoo: LogicEnv) -> None:
    got = verdict_of(zoo, "derive ∃x R(x, x) from p1 by existential_generalization", task="hard")
    assert got["label"] == "neutral" and got["kind"] == "timeout"
    after = verdict_of(zoo, "derive Mammal(tom) from p1, p3 by universal_modus_ponens")
    assert after["label"] == "correct"  # the runner is unharmed: the next step is judged


def test_failed_steps_leave_the_state_and_link_the_retry(zoo: LogicEnv) -> None:
    verdict_of(zoo, "derive Animal(tom) from p1, p3 by universal_modus_ponens")
    fix = verdict_of(zoo, "derive Mammal(tom) from p1, p3 by universal_modus_ponens", reset=False)
    assert fix["label"] == "correct" and fix["info"]["retry_of"] == 0
    nxt = verdict_of(zoo, "derive Animal(tom) from p2, s1 by universal_modus_ponens", reset=False)
    assert nxt["label"] == "correct" and nxt["info"]["retry_of"] is None
    assert nxt["info"]["state"]["derived"] == ["Mammal(tom)", "Animal(tom)"]


def _perturbations(action: str, premises: list[str], step_no: int) -> list[str]:
    head, _, rule = action.rpartition(" by ")
    formula_text, _, ids = head.removeprefix("derive ").rpartition(" from ")
    cites = [c.strip() for c in ids.split(",")]
    out = [f"{head} by {r}" for r in RULE_NAMES if r != rule]
    formula = next(iter([f for f in [formula_text]]))
    from agentdata.envs.logic.parser import parse_formula

    f = parse_formula(formula)
    out.append(f"derive {fmt(negate(f))} from {ids} by {rule}")
    preds, consts = set(), set()
    for p in premises:
        pp, cc = signature(parse_formula(p))
        preds |= pp
        consts |= cc
    atom = f.body if not isinstance(f, Atom) else f
    assert isinstance(atom, Atom)
    for name, arity in sorted(preds):
        if arity == 1 and name != atom.pred:
            other = (
                fmt(Atom(name, atom.args))
                if isinstance(f, Atom)
                else fmt(negate(Atom(name, atom.args)))
            )
            out.append(f"derive {other} from {ids} by {rule}")
    out.append(f"derive {fmt(f).replace(atom.args[0], 'zed')} from {ids} by {rule}")
    for i in range(len(cites)):
        for j in range(1, len(premises) + 1):
            if f"p{j}" not in cites:
                changed = [*cites[:i], f"p{j}", *cites[i + 1 :]]
                out.append(f"derive {formula} from {', '.join(changed)} by {rule}")
        out.append(
            f"derive {formula} from {', '.join(cites[:i] + cites[i + 1 :]) or 'p1'} by {rule}"
        )
    out.append(f"derive {formula} from {ids}, s{step_no + 3} by {rule}")
    return out


def test_gold_prontoqa_chain_is_correct_and_every_perturbation_is_flagged() -> None:
    env = LogicEnv(verifier_timeout_s=5.0, max_steps=1000)
    try:
        _obs, info = env.reset(seed=0, options={"task_id": "prontoqa-d3-s11"})
        task = info["task"]
        proof = [str(a) for a in task.metadata["proof"]]
        premises = [fmt(p) for p in premises_of(task)]
        assert len(proof) == 4
        flagged = 0
        for n, action in enumerate(proof):
            for wrong in _perturbations(action, premises, n):
                _, _, _, _, bad = env.step(wrong)
                assert bad["verdict"].label != "correct", wrong
                flagged += 1
            _, _, _, _, good = env.step(action)
            assert good["verdict"].label == "correct", good["verdict"]
            assert good["retry_of"] is not None  # it re-attempts what the perturbations failed
        _, reward, term, _, _ = env.step(f"answer: {task.metadata['answer']}")
        assert term and reward == 1.0
        assert flagged > 100
    finally:
        env.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=80),
        st.builds(
            lambda f, ids, r: f"derive {f} from {ids} by {r}",
            st.text(alphabet=st.sampled_from(list("Cat(tom)Mx∀¬∧→ ,~&^")), max_size=30),
            st.sampled_from(["p1", "p1, p3", "s0", "p0", "s1, s1", "p999999", "", "p1,,p2"]),
            st.sampled_from([*RULE_NAMES, "x", "Modus_Ponens", ""]),
        ),
    )
)
def test_fuzz_actions_never_raise_and_leave_state(zoo: LogicEnv, action: str) -> None:
    zoo.reset(seed=0, options={"task_id": "zoo"})
    _, _, _, _, info = zoo.step(action)
    label = info["verdict"].label
    if label != "correct":
        assert info["failure"] is not None
        assert info["state"]["derived"] == []
