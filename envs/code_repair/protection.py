"""Which workspace paths the agent may change for the grade (editable / protected globs).

A graded submission is the agent's change restricted to editable files: everything that is a
test or configures the test run is protected. A task may narrow what is editable
(`Task.editable`) or replace the default protected list (`Task.protected`); the
`ALWAYS_PROTECTED` globs (start-up hooks, compiled code, conftest files) apply to every task,
because changing them can only serve to change how the tests run.

Globs are matched against workspace-relative POSIX paths: a glob without `/` matches the
file name at any depth (`conftest.py`), one with `/` matches from the repository root
(`tests/**`); `**` spans directories, `*` and `?` stay within one path component.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ALWAYS_PROTECTED: tuple[str, ...] = (
    "conftest.py",
    "*.pth",
    "sitecustomize.py",
    "usercustomize.py",
    "*.pyc",
    "*.pyo",
    "**/__pycache__/**",
    "*.so",
    "*.pyd",
)
DEFAULT_PROTECTED: tuple[str, ...] = (
    "test_*.py",
    "*_test.py",
    "tests/**",
    "test/**",
    "testing/**",
    "**/tests/**",
    "**/test/**",
    "pytest.ini",
    ".pytest.ini",
    "tox.ini",
    "setup.cfg",
    "pyproject.toml",
    "noxfile.py",
)
# Modules the test run itself imports: a new top-level module of that name would shadow them.
TEST_RUNNER_MODULES = frozenset({
    "pytest", "_pytest", "py", "pluggy", "iniconfig", "packaging", "exceptiongroup", "tomli",
})  # fmt: skip


@functools.lru_cache(maxsize=512)
def _regex(glob: str) -> re.Pattern[str]:
    anchored = "/" in glob
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    body = "".join(out)
    return re.compile(body if anchored else f"(?:.*/)?{body}")


def matches(path: str, globs: Iterable[str]) -> str | None:
    """The first glob matching `path`, or None."""
    for glob in globs:
        if _regex(glob.lstrip("/")).fullmatch(path):
            return glob
    return None


def shadowed_module(path: str, original: frozenset[str]) -> str | None:
    """The module a new top-level file or package would shadow (stdlib or test runner)."""
    top = path.split("/", 1)[0]
    name = top.removesuffix(".py") if "/" not in path else top
    if not name.isidentifier() or top in original or name + ".py" in original:
        return None
    if name in TEST_RUNNER_MODULES or name in sys.stdlib_module_names:
        return name
    return None


@dataclass(frozen=True)
class PathPolicy:
    """Editable / protected globs of one task."""

    editable: tuple[str, ...] | None = None
    protected: tuple[str, ...] = DEFAULT_PROTECTED

    @classmethod
    def of(cls, editable: Sequence[str] | None, protected: Sequence[str] | None) -> PathPolicy:
        """The policy of a task's optional `editable` / `protected` fields."""
        return cls(
            None if editable is None else tuple(editable),
            DEFAULT_PROTECTED if protected is None else tuple(protected),
        )

    def why_protected(self, path: str, original: frozenset[str] = frozenset()) -> str | None:
        """Why a change to `path` is not graded (None: it is editable)."""
        glob = matches(path, ALWAYS_PROTECTED) or matches(path, self.protected)
        if glob is not None:
            return f"protected ({glob})"
        if self.editable is not None and matches(path, self.editable) is None:
            return "not editable in this task"
        shadow = shadowed_module(path, original)
        if shadow is not None:
            return f"shadows the module {shadow!r}"
        return None

    def is_test_path(self, path: str) -> bool:
        """Whether `path` is a test or test configuration (protected by a glob)."""
        return (matches(path, ALWAYS_PROTECTED) or matches(path, self.protected)) is not None
