"""task.json's fields: the `Task` model and its validation (see TASKS.md).

The rest of the format (the directory layout, content hash, loading and writing whole task
directories and suites) is in `taskformat.py`, which re-exports `Task`.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"


def relative_path(value: str, what: str) -> str:
    """`value` when it is a relative path inside the task directory, else ValueError."""
    pure = PurePosixPath(value)
    if not value or pure.is_absolute() or ".." in pure.parts or "\\" in value:
        raise ValueError(f"{what} must be a relative path inside the task directory")
    return value


class Task(BaseModel):
    """The content of task.json."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=ID_PATTERN, description="Unique task id (also a safe file name).")
    problem_statement: str = Field(min_length=1, description="What the agent is told.")
    image: str = Field(min_length=1, description="Container image the tests run in.")
    test_command: str = Field(
        min_length=1,
        description="Shell command run in the repo root; the grader appends pytest arguments "
        "(--junitxml=PATH and optionally test ids).",
    )
    fail_to_pass: list[str] = Field(min_length=1, description="Tests failing before the fix.")
    pass_to_pass: list[str] = Field(description="Tests passing before and after the fix.")
    difficulty: int | None = Field(default=None, ge=1, description="1 = easiest.")
    reference_patch: str | None = Field(
        default=None, description="Path (relative to the task dir) of a unified diff fixing it."
    )
    setup: list[str] | None = Field(default=None, description="Shell commands run before tests.")
    editable: list[str] | None = Field(
        default=None,
        description="Globs of the files whose changes are graded (default: every file that is "
        "not protected); see protection.py for the glob syntax.",
    )
    protected: list[str] | None = Field(
        default=None,
        description="Globs whose changes are dropped from the graded patch (default: tests and "
        "test configuration, protection.DEFAULT_PROTECTED; start-up hooks, compiled files and "
        "conftest.py are always protected).",
    )
    plugins: list[str] | None = Field(
        default=None,
        description="pytest plugins the grade loads with `-p` (plugin autoload is off).",
    )

    @field_validator("fail_to_pass", "pass_to_pass")
    @classmethod
    def _node_ids(cls, ids: list[str]) -> list[str]:
        for node_id in ids:
            if "::" not in node_id or node_id.startswith(("/", "::")):
                raise ValueError(f"{node_id!r} is not a pytest node id 'path.py::name'")
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate test ids")
        return ids

    @field_validator("editable", "protected")
    @classmethod
    def _globs(cls, globs: list[str] | None) -> list[str] | None:
        for glob in globs or []:
            if not glob or glob.startswith(("/", "-")) or ".." in glob.split("/"):
                raise ValueError(f"{glob!r} is not a repository-relative glob")
        return globs

    @field_validator("plugins")
    @classmethod
    def _plugin_names(cls, names: list[str] | None) -> list[str] | None:
        for name in names or []:
            if not all(part.isidentifier() for part in name.split(".")):
                raise ValueError(f"{name!r} is not a plugin module name")
        return names

    @field_validator("reference_patch")
    @classmethod
    def _patch_path(cls, value: str | None) -> str | None:
        return None if value is None else relative_path(value, "reference_patch")

    @field_validator("setup", mode="before")
    @classmethod
    def _setup_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value  # one command may be a string

    @model_validator(mode="after")
    def _disjoint(self) -> Task:
        both = sorted(set(self.fail_to_pass) & set(self.pass_to_pass))
        if both:
            raise ValueError(f"tests in both fail_to_pass and pass_to_pass: {both}")
        return self

    def to_json(self) -> str:
        """task.json text: fixed key order, two-space indent, trailing newline."""
        data = self.model_dump(mode="json", exclude_none=True)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
