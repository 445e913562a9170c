"""Logic tasks: premises, a conclusion and an answer (True, False or Unknown).

JSONL records: `{"id", "premises": [formula, ...], "conclusion": formula, "answer"
(optional), "premises_text": [...] (optional), "conclusion_text" (optional), "difficulty"
(optional)}`. z3 decides every record: a missing answer is computed, a given one is checked.
A record that does not parse, that z3 contradicts, or whose premises are inconsistent is
reported with its line and reason (`TaskFile.rejected`; `agentdata tasks check FILE --env
logic` lists them) and the rest of the file loads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agentdata.envs.logic.errors import FormulaError, TaskFileError
from agentdata.envs.logic.formula import Formula, fmt
from agentdata.envs.logic.parser import parse_formula
from agentdata.envs.logic.solver import Prover
from agentdata.envs.task_check import RejectedTask, TaskFileReport
from agentdata.envs.text_env import build_task
from agentdata.schemas import JsonValue, TaskSpec

MAX_TASK_FILE_BYTES = 256 * 1024**2
MAX_PREMISES = 64
ANSWER_OF = {"entailed": "True", "refuted": "False", "neither": "Unknown"}


@dataclass
class TaskFile:
    """Loaded tasks (in file order) and the lines that were reported instead."""

    path: str
    ids: tuple[str, ...]
    tasks: dict[str, TaskSpec]
    rejected: list[RejectedTask] = field(default_factory=list)


def render_prompt(
    premises: Sequence[str],
    conclusion: str,
    premises_text: Sequence[str] | None,
    conclusion_text: str | None,
) -> str:
    """The problem as the agent sees it: numbered premises, natural language beside."""
    lines = ["Premises:"]
    for i, formula in enumerate(premises, start=1):
        said = f"   # {premises_text[i - 1]}" if premises_text else ""
        lines.append(f"p{i}: {formula}{said}")
    said = f"   # {conclusion_text}" if conclusion_text else ""
    lines += [
        f"Conclusion: {conclusion}{said}",
        "Is the conclusion True, False or Unknown given the premises?",
    ]
    return "\n".join(lines)


def logic_task(
    tid: str,
    premises: Sequence[Formula],
    conclusion: Formula,
    answer: str,
    *,
    family: str | None,
    difficulty: int | None,
    premises_text: Sequence[str] | None = None,
    conclusion_text: str | None = None,
    proof: Sequence[str] = (),
    extra: dict[str, JsonValue] | None = None,
) -> TaskSpec:
    """A TaskSpec whose metadata holds everything verification and the oracle need."""
    shown = [fmt(p) for p in premises]
    goal = fmt(conclusion)
    metadata: dict[str, JsonValue] = {
        "premises": list(shown),
        "conclusion": goal,
        "answer": answer,
        "premises_text": list(premises_text) if premises_text else None,
        "conclusion_text": conclusion_text,
        "proof": list(proof),
        **(extra or {}),
    }
    prompt = render_prompt(shown, goal, premises_text, conclusion_text)
    return build_task(tid, prompt, family=family, difficulty=difficulty, metadata=metadata)


def premises_of(task: TaskSpec) -> list[Formula]:
    """The task's premises, parsed."""
    raw = task.metadata.get("premises")
    return [parse_formula(str(p)) for p in (raw if isinstance(raw, list) else [])]


def conclusion_of(task: TaskSpec) -> Formula:
    """The task's conclusion, parsed."""
    return parse_formula(str(task.metadata.get("conclusion", "")))


def _strings(value: object, what: str, n: int | None = None) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"`{what}` must be a list of strings")
    if n is not None and len(value) != n:
        raise ValueError(f"`{what}` has {len(value)} entries for {n} premises")
    return list(value)


def _task_from_record(record: object, line: int, prover: Prover, source: str) -> TaskSpec:
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    tid = record.get("id")
    if not isinstance(tid, str | int) or isinstance(tid, bool) or not str(tid):
        raise ValueError("record needs an `id` (string or integer)")
    premises_raw = _strings(record.get("premises"), "premises")
    if not 1 <= len(premises_raw) <= MAX_PREMISES:
        raise ValueError(f"`premises` needs 1 to {MAX_PREMISES} formulas")
    conclusion_raw = record.get("conclusion")
    if not isinstance(conclusion_raw, str):
        raise ValueError("record needs a string `conclusion`")
    texts = record.get("premises_text")
    premises_text = None if texts is None else _strings(texts, "premises_text", len(premises_raw))
    conclusion_text = record.get("conclusion_text")
    if conclusion_text is not None and not isinstance(conclusion_text, str):
        raise ValueError("`conclusion_text` must be a string")
    difficulty = record.get("difficulty")
    if difficulty is not None and (not isinstance(difficulty, int) or isinstance(difficulty, bool)):
        raise ValueError("`difficulty` must be an integer")
    given = record.get("answer")
    if given is not None and given not in ANSWER_OF.values():
        raise ValueError(f"`answer` must be True, False or Unknown, got {given!r}")
    premises: list[Formula] = []
    for i, text in enumerate(premises_raw, start=1):
        try:
            premises.append(parse_formula(text))
        except FormulaError as exc:
            raise ValueError(f"premise p{i} does not parse: {exc}") from exc
    try:
        conclusion = parse_formula(conclusion_raw)
    except FormulaError as exc:
        raise ValueError(f"conclusion does not parse: {exc}") from exc
    decision = prover.entails(premises, conclusion)
    if decision.result == "inconsistent":
        raise ValueError("the premises are inconsistent (they entail everything)")
    computed = ANSWER_OF.get(decision.result)
    if computed is None and given is None:
        raise ValueError(f"no answer given and the solver is undecided: {decision.reason}")
    if computed is not None and given is not None and computed != given:
        raise ValueError(f"answer {given} disagrees with the solver, which finds {computed}")
    return logic_task(
        str(tid),
        premises,
        conclusion,
        str(computed or given),
        family=str(record.get("family") or "jsonl"),
        difficulty=difficulty,
        premises_text=premises_text,
        conclusion_text=conclusion_text,
        extra={"source": source, "line": line, "answer_checked": computed is not None},
    )


def load_task_file(path: str | Path, prover: Prover) -> TaskFile:
    """Read a JSONL task file; bad lines become `problems`, the rest loads. Raise
    TaskFileError only when the file cannot be read or holds no valid task."""
    name, file = str(path), Path(path)
    if not file.is_file():
        raise TaskFileError(f"{name}: no such file")
    if file.stat().st_size > MAX_TASK_FILE_BYTES:
        raise TaskFileError(f"{name}: larger than {MAX_TASK_FILE_BYTES} bytes")
    out = TaskFile(name, (), {})
    with file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            tid: str | None = None
            try:
                try:
                    record = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise ValueError(f"invalid JSON: {exc}") from exc
                if isinstance(record, dict) and isinstance(record.get("id"), str | int):
                    tid = str(record["id"])
                if tid is not None and tid in out.tasks:
                    raise ValueError(f"duplicate task id {tid!r}")
                task = _task_from_record(record, number, prover, file.name)
            except ValueError as exc:
                out.rejected.append(RejectedTask(number, tid, str(exc)))
                continue
            out.tasks[task.id] = task
    out.ids = tuple(out.tasks)
    if not out.tasks:
        detail = "; ".join(f"line {p.line}: {p.reason}" for p in out.rejected[:5])
        raise TaskFileError(f"{name}: no valid task ({detail or 'empty file'})")
    return out


def check_task_file(path: str | Path, timeout_s: float = 5.0) -> TaskFileReport:
    """Per-line report of a logic task file (see `agentdata tasks check`); z3 runs in a
    worker process with `timeout_s` per record."""
    prover = Prover(timeout_s)
    try:
        loaded = load_task_file(path, prover)
    finally:
        prover.close()
    return TaskFileReport(str(path), "logic", len(loaded.tasks), tuple(loaded.rejected))
