"""Per-line reports of task files: which records load and why the others do not.

Every environment that reads task files reports rejected records the same way, so
`agentdata tasks check FILE --env NAME` lists them for any environment: a record that cannot
be used (malformed JSON, a missing field, a gold answer that cannot be read) fails only that
task, never the whole file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RejectedTask:
    """One record of a task file that cannot be used, with the reason."""

    line: int
    """1-based line number in the file."""
    task_id: str | None
    """The record's task id when it could be read."""
    reason: str
    """Why the record was rejected, for a human."""


@dataclass(frozen=True, slots=True)
class TaskFileReport:
    """Result of checking one task file."""

    path: str
    env: str
    """Environment family whose loader read the file (e.g. `math`)."""
    loaded: int
    """Number of usable tasks."""
    rejected: tuple[RejectedTask, ...]
    """Records that fail, in file order."""

    def to_json(self) -> str:
        """The report as one JSON object (stable key order)."""
        return json.dumps(
            {
                "path": self.path,
                "env": self.env,
                "loaded": self.loaded,
                "rejected": [
                    {"line": r.line, "task_id": r.task_id, "reason": r.reason}
                    for r in self.rejected
                ],
            },
            sort_keys=True,
        )
