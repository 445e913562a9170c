"""Math task specs: from generators or from JSONL files (GSM8K and `{"id","problem","answer"}`).

A task's metadata holds what verification needs: `answer` (text), `reference` (actions that
solve it), `variables` (letters of the problem) and `solutions` (list of {var: "p/q"}; empty
when unknown). The hash is `content_hash` of the prompt, family, difficulty and metadata.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from agentdata.envs.math.answer_read import read_answer
from agentdata.envs.math.errors import AnswerParseError, TaskFileError
from agentdata.envs.math.generators import generate
from agentdata.envs.task_check import RejectedTask, TaskFileReport
from agentdata.envs.text_env import build_task, task_id
from agentdata.schemas import JsonValue, TaskSpec

MAX_TASK_FILE_BYTES = 512 * 1024**2
_STANDALONE_LETTER = re.compile(r"(?<![A-Za-z])([A-Za-z])(?![A-Za-z])")
_ARTICLES = frozenset({"a", "A", "I"})


def procedural_task(family: str, difficulty: int, seed: int) -> TaskSpec:
    """The generated task `<family>-d<difficulty>-s<seed>`."""
    gen = generate(family, difficulty, seed)
    metadata: dict[str, JsonValue] = {
        "answer": gen.answer,
        "reference": list(gen.reference),
        "variables": list(gen.variables),
        "solutions": [dict(s) for s in gen.solutions],
        "source": "generator",
    }
    return build_task(
        task_id(family, difficulty, seed),
        gen.prompt,
        family=family,
        difficulty=difficulty,
        metadata=metadata,
    )


def guess_variables(problem: str) -> list[str]:
    """Single letters that stand alone in a problem (`2x + 3 = 7` -> x), articles excluded."""
    found = {m.group(1) for m in _STANDALONE_LETTER.finditer(problem)} - _ARTICLES
    return sorted(found)


def gsm8k_reference(answer: str) -> tuple[list[str], str]:
    """Split a GSM8K answer into its reasoning lines and the final value after `####`."""
    body, _, final = answer.rpartition("####")
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    return lines, final.strip()


def _task_from_record(record: object, path: str, line: int) -> TaskSpec:
    if not isinstance(record, dict):
        raise TaskFileError(path, line, "expected a JSON object")
    if "question" in record and "problem" not in record:
        question, answer = record.get("question"), record.get("answer")
        if not isinstance(question, str) or not isinstance(answer, str):
            raise TaskFileError(path, line, "GSM8K record needs string `question` and `answer`")
        if "####" not in answer:
            raise TaskFileError(path, line, "GSM8K answer does not end in `#### N`")
        steps, final = gsm8k_reference(answer)
        tid, family, prompt = f"gsm8k-{line}", "gsm8k", question
        reference: list[JsonValue] = list(steps)
        metadata: dict[str, JsonValue] = {
            "answer": final,
            "reference": reference,
            "solution": answer,
        }
    else:
        tid_raw, prompt_raw, final_raw = (
            record.get("id"),
            record.get("problem"),
            record.get("answer"),
        )
        if not isinstance(tid_raw, str | int) or isinstance(tid_raw, bool) or not str(tid_raw):
            raise TaskFileError(path, line, "record needs an `id` (string or integer)")
        if not isinstance(prompt_raw, str) or not prompt_raw.strip():
            raise TaskFileError(path, line, "record needs a non-empty string `problem`")
        if not isinstance(final_raw, str | int | float) or isinstance(final_raw, bool):
            raise TaskFileError(path, line, "record needs an `answer` (string or number)")
        tid, prompt, final = str(tid_raw), prompt_raw, str(final_raw)
        family = str(record.get("family") or "jsonl")
        solution = record.get("solution")
        metadata = {
            "answer": final,
            "reference": [],
            "solution": solution if isinstance(solution, str) else None,
        }
    try:
        read_answer(final)
    except AnswerParseError as exc:
        raise TaskFileError(path, line, f"answer {final!r} is not readable: {exc}") from exc
    letters: list[JsonValue] = [] if family == "gsm8k" else list(guess_variables(prompt))
    metadata.update(
        {"variables": letters, "solutions": [], "source": Path(path).name, "line": line}
    )
    return build_task(tid, prompt, family=family, difficulty=None, metadata=metadata)


@dataclass(frozen=True)
class TaskFile:
    """Usable tasks of one JSONL file, in file order, addressable by id, and the rejected
    records (each with its line and reason)."""

    path: str
    ids: tuple[str, ...]
    tasks: dict[str, TaskSpec]
    rejected: tuple[RejectedTask, ...] = ()


def _record_id(record: object) -> str | None:
    raw = record.get("id") if isinstance(record, dict) else None
    return str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else None


def _checked_file(path: str | Path) -> Path:
    file = Path(path)
    if not file.is_file():
        raise TaskFileError(str(path), 0, "no such file")
    if file.stat().st_size > MAX_TASK_FILE_BYTES:
        raise TaskFileError(str(path), 0, f"file larger than {MAX_TASK_FILE_BYTES} bytes")
    return file


def _read_records(name: str, file: Path) -> TaskFile:
    tasks: dict[str, TaskSpec] = {}
    rejected: list[RejectedTask] = []
    with file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            record: object = None
            try:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise TaskFileError(name, number, f"not UTF-8: {exc}") from exc
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise TaskFileError(name, number, f"invalid JSON: {exc.msg}") from exc
                task = _task_from_record(record, name, number)
                if task.id in tasks:
                    raise TaskFileError(name, number, f"duplicate task id {task.id!r}")
            except TaskFileError as exc:
                rejected.append(RejectedTask(number, _record_id(record), exc.reason))
                continue
            tasks[task.id] = task
    return TaskFile(name, tuple(tasks), tasks, tuple(rejected))


def load_task_file(path: str | Path) -> TaskFile:
    """Read a JSONL task file. A record that cannot be used (malformed JSON, a missing field,
    an unreadable gold answer) is rejected with its line and reason in `TaskFile.rejected`;
    TaskFileError only when the file itself cannot be read or holds no usable task."""
    loaded = _read_records(str(path), _checked_file(path))
    if not loaded.tasks:
        first = loaded.rejected[0] if loaded.rejected else None
        detail = f" (line {first.line}: {first.reason})" if first else ""
        raise TaskFileError(str(path), 0, f"no usable tasks in file{detail}")
    return loaded


def check_task_file(path: str | Path) -> TaskFileReport:
    """Per-line report of a math task file (see `agentdata tasks check`)."""
    loaded = _read_records(str(path), _checked_file(path))
    return TaskFileReport(str(path), "math", len(loaded.tasks), loaded.rejected)


def solutions_of(task: TaskSpec) -> list[dict[str, Fraction]]:
    """The task's known solutions as exact values (empty when unknown)."""
    raw = task.metadata.get("solutions")
    out: list[dict[str, Fraction]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict):
            out.append({str(k): Fraction(str(v)) for k, v in sorted(item.items())})
    return out


def variables_of(task: TaskSpec) -> frozenset[str]:
    """The letters that name variables in the task."""
    raw = task.metadata.get("variables")
    return frozenset(str(v) for v in raw) if isinstance(raw, list) else frozenset()
