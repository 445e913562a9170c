"""z3 and the ground decider agree; task files load per line; generated tasks are seeded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agentdata.cli import build_app
from agentdata.envs.logic.env import procedural_task
from agentdata.envs.logic.errors import TaskFileError
from agentdata.envs.logic.generators import FAMILY_NAMES, decide, generate
from agentdata.envs.logic.ground import ground_entails
from agentdata.envs.logic.parser import parse_formula
from agentdata.envs.logic.solver import Prover
from agentdata.envs.logic.tasks import load_task_file
from tests.envs.logic.conftest import DATA


@pytest.fixture(scope="module")
def prover() -> Prover:
    p = Prover(5.0)
    yield p  # type: ignore[misc]
    p.close()


def test_z3_agrees_with_the_ground_decider_on_generated_tasks(prover: Prover) -> None:
    answer_of = {"entailed": "True", "refuted": "False", "neither": "Unknown"}
    for family in FAMILY_NAMES:
        for difficulty in (1, 3, 5):
            gen, answer = generate(family, difficulty, 17)
            decision = prover.entails(gen.premises, gen.conclusion)
            assert answer_of[decision.result] == answer, (family, difficulty)


def test_decisions_by_hand(prover: Prover) -> None:
    premises = [parse_formula(p) for p in ["∀x (Cat(x) → Mammal(x))", "Cat(tom)", "∃x Dog(x)"]]
    cases = {"Mammal(tom)": "entailed", "¬Mammal(tom)": "refuted", "Dog(tom)": "neither",
             "∃y Dog(y)": "entailed", "∀y Dog(y)": "neither"}
    for goal, expected in cases.items():
        assert prover.entails(premises, parse_formula(goal)).result == expected
        assert ground_entails(premises, parse_formula(goal)) == expected
    clash = [parse_formula("Rain"), parse_formula("¬Rain")]
    assert prover.entails(clash, parse_formula("Wet")).result == "inconsistent"


def test_outside_the_fragment_the_ground_decider_abstains() -> None:
    premises = [parse_formula("∀x ∃y Likes(x, y)")]
    assert ground_entails(premises, parse_formula("∃y Likes(ann, y)")) is None


def test_task_file_loads_good_lines_and_reports_the_rest(prover: Prover) -> None:
    loaded = load_task_file(DATA / "sample.jsonl", prover)
    assert loaded.ids == ("cats", "fish", "open", "xor")
    answers = {tid: loaded.tasks[tid].metadata["answer"] for tid in loaded.ids}
    assert answers == {"cats": "True", "fish": "False", "open": "Unknown", "xor": "False"}
    assert "All cats are mammals." in loaded.tasks["cats"].prompt
    reasons = {r.line: r.reason for r in loaded.rejected}
    assert "disagrees with the solver, which finds True" in reasons[4]
    assert "column 7" in reasons[5]
    assert "CYRILLIC" in reasons[6]
    assert "inconsistent" in reasons[7]
    assert "invalid JSON" in reasons[8]


def test_unreadable_task_file_is_a_typed_error(tmp_path: Path, prover: Prover) -> None:
    with pytest.raises(TaskFileError):
        load_task_file(tmp_path / "missing.jsonl", prover)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    with pytest.raises(TaskFileError, match="no valid task"):
        load_task_file(bad, prover)


def test_tasks_check_cli_lists_each_rejected_line() -> None:
    result = CliRunner().invoke(build_app(), ["tasks", "check", str(DATA / "sample.jsonl"),
                                              "--env", "logic"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert [line.split(":")[1] for line in lines[:-1]] == ["4", "5", "6", "7", "8"]
    assert lines[-1] == "4 task(s) usable, 5 rejected"


def test_every_answer_is_decided_not_assumed() -> None:
    for family in FAMILY_NAMES:
        for seed in range(15):
            gen, answer = generate(family, 1 + seed % 5, seed)
            assert decide(gen.premises, gen.conclusion) == answer
            assert len(gen.premises_text) == len(gen.premises) and gen.conclusion_text


_DUMP = (
    "import json; from agentdata.envs.logic.env import procedural_task as t; "
    "from agentdata.envs.logic.generators import FAMILY_NAMES as F; "
    "print(json.dumps([t(f, d, s).model_dump() for f in F for d in (1, 5) for s in (0, 9)], "
    "sort_keys=True))"
)


def test_same_seed_same_tasks_across_processes_and_hash_seeds() -> None:
    outputs = []
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run([sys.executable, "-c", _DUMP], capture_output=True, text=True,
                             env=env, check=True, timeout=300)
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    here = [procedural_task(f, d, s).model_dump() for f in FAMILY_NAMES for d in (1, 5)
            for s in (0, 9)]
    assert json.loads(outputs[0]) == here
    assert procedural_task("knights", 3, 1).hash != procedural_task("knights", 3, 2).hash
