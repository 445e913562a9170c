"""The package's shape: one error tree, a cheap `import agentdata`, imports in one direction."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import agentdata
from agentdata.errors import AgentdataError

REPO = Path(__file__).resolve().parents[2]
# Installed module prefix -> source folder (setuptools package-dir in pyproject.toml).
ROOTS = {
    "agentdata": REPO / "agentdata",
    "agentdata.envs": REPO / "envs",
    "agentdata.schemas": REPO / "schemas",
    "agentdata.replay": REPO / "replay",
}
# Files that are not modules of the package: task repositories shipped as data, migration
# scripts run by Alembic.
NOT_MODULES = ("/suite/", "/migrations/")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for prefix, folder in ROOTS.items():
        for path in sorted(folder.rglob("*.py")):
            if any(part in path.as_posix() for part in NOT_MODULES):
                continue
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join((prefix, *parts))
            found[name] = path
    return found


MODULES = _modules()


def test_every_exception_class_derives_from_agentdata_error() -> None:
    strays: list[str] = []
    checked = 0
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        if not any(isinstance(node, ast.ClassDef) for node in tree.body):
            continue
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != name or not issubclass(cls, BaseException):
                continue
            checked += 1
            if not issubclass(cls, AgentdataError):
                strays.append(f"{name}.{cls.__qualname__}")
    assert checked >= 40, checked  # the scan found the package's exception classes
    assert strays == []


def test_branches_keep_the_builtin_bases_callers_catch() -> None:
    from agentdata.envs.code_repair.env import CodeRepairConfigError
    from agentdata.envs.logic.errors import ConfigError as LogicConfigError
    from agentdata.envs.math.errors import ConfigError as MathConfigError
    from agentdata.envs.math.errors import UnknownTaskError

    assert MathConfigError is LogicConfigError is agentdata.ConfigError  # one ConfigError
    assert issubclass(CodeRepairConfigError, agentdata.ConfigError)
    assert issubclass(agentdata.ConfigError, ValueError)
    assert issubclass(UnknownTaskError, KeyError)
    assert issubclass(UnknownTaskError, agentdata.TaskError)


def test_public_names_resolve_and_are_listed() -> None:
    assert sorted(agentdata.__all__) == agentdata.__all__
    for name in agentdata.__all__:
        assert getattr(agentdata, name) is not None, name
    assert set(agentdata.__all__) <= set(dir(agentdata))
    with pytest.raises(AttributeError):
        _ = agentdata.no_such_name


def test_import_agentdata_is_cheap() -> None:
    heavy = ["sqlalchemy", "alembic", "sympy", "docker", "agentdata.cli"]
    code = (
        "import signal, sys\n"
        "before = signal.getsignal(signal.SIGTERM)\n"
        "import agentdata, agentdata.envs.math\n"
        "assert signal.getsignal(signal.SIGTERM) is before, 'a signal handler was installed'\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
        "agentdata.Store\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/"
    ).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True"  # the check itself can see a lazy import happen


# Imports point one way: errors <- schemas <- envs <- core <- replay <- cli.
LAYERS = ["errors", "schemas", "envs", "core", "replay", "cli"]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "agentdata":
        return None
    if module == "agentdata":
        return None  # the public facade (lazy, resolves names on first use)
    second = parts[1]
    if second in ("errors", "schemas", "envs", "replay", "cli"):
        return second
    if second == "__main__":
        return "cli"
    return "core"


def _imports(path: Path, name: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                base = name.split(".")[: -node.level]
                found.append(".".join([*base, node.module]))
            else:
                found.append(node.module)
    return found


def test_imports_point_one_way() -> None:
    wrong: list[str] = []
    for name, path in MODULES.items():
        mine = _layer(name)
        if mine is None:
            continue
        for target in _imports(path, name):
            theirs = _layer(target)
            if theirs is not None and LAYERS.index(theirs) > LAYERS.index(mine):
                wrong.append(f"{name} ({mine}) imports {target} ({theirs})")
    assert "agentdata.replay._replayer" in MODULES and "agentdata.cli" in MODULES
    assert wrong == []
