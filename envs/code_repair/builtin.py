"""The built-in task suite: a checked-in manifest of validated mutants, materialised on demand.

Generating the suite runs pytest on hundreds of mutants (~100 s), too slow for every start. The
generator's output for one seed is kept as `builtin_suite.json`: per task the bug as a small
diff against the library (`envs/code_repair/suite/`), its FAIL_TO_PASS ids, difficulty, problem
statement and expected content hash; per library the sorted ids of all its tests
(PASS_TO_PASS = all - FAIL_TO_PASS). `builtin_suite_dir()` writes the task directories once
into `$AGENTDATA_CACHE` (default `~/.cache/agentdata`) under a name keyed by the manifest's
hash, byte-identical to what `agentdata tasks generate --seed 0` writes; later calls reuse it.
A library edited since the manifest was built is detected (hash mismatch): rebuild with
`python -m agentdata.envs.code_repair.builtin SUITE_DIR` after `agentdata tasks generate`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from agentdata.envs.code_repair.generate import PATCH_NAME, Library, load_library
from agentdata.envs.code_repair.patches import PatchError, apply_to_mapping, make_diff
from agentdata.envs.code_repair.taskformat import (
    DEFAULT_IMAGE,
    DEFAULT_TEST_COMMAND,
    LoadedTask,
    Task,
    load_suite,
    write_task,
)
from agentdata.errors import TaskError

MANIFEST = Path(__file__).parent / "builtin_suite.json"
MANIFEST_FORMAT = 1
_COMPLETE = ".complete"


class BuiltinSuiteError(TaskError):
    """The manifest does not materialise into the tasks it describes."""


def cache_root() -> Path:
    """`$AGENTDATA_CACHE`, or `~/.cache/agentdata`."""
    env = os.environ.get("AGENTDATA_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "agentdata"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_manifest(suite_dir: Path, seed: int) -> dict[str, object]:
    """A manifest from a generated suite directory (the generator's output for `seed`)."""
    libraries: dict[str, Library] = {}
    all_tests: dict[str, set[str]] = {}
    tasks: list[dict[str, object]] = []
    for loaded in load_suite(suite_dir):
        t = loaded.task
        name = t.id.split("-", 1)[0]
        lib = libraries.setdefault(name, load_library(name))
        repo = {k: v.decode("utf-8") for k, v in loaded.repo_files().items()}
        (path,) = [p for p in sorted(repo) if repo[p] != lib.files.get(p)]
        tests = all_tests.setdefault(name, set())
        tests.update(t.fail_to_pass, t.pass_to_pass)
        tasks.append({
            "id": t.id, "library": name, "bug": make_diff(lib.files[path], repo[path], path),
            "fail_to_pass": t.fail_to_pass, "difficulty": t.difficulty,
            "problem_statement": t.problem_statement, "hash": loaded.hash,
        })  # fmt: skip
    return {
        "format": MANIFEST_FORMAT,
        "seed": seed,
        "libraries": {k: sorted(v) for k, v in sorted(all_tests.items())},
        "tasks": tasks,
    }


def _materialise(manifest: dict[str, object], out: Path) -> list[LoadedTask]:
    libraries: dict[str, Library] = {}
    loaded: list[LoadedTask] = []
    all_tests: dict[str, list[str]] = manifest["libraries"]  # type: ignore[assignment]
    for entry in manifest["tasks"]:  # type: ignore[attr-defined]
        name = str(entry["library"])
        lib = libraries.setdefault(name, load_library(name))
        try:
            mutated_tree = apply_to_mapping(str(entry["bug"]), lib.files)
        except PatchError as exc:
            raise BuiltinSuiteError(f"{entry['id']}: the library changed: {exc}") from exc
        (path,) = [p for p in sorted(mutated_tree) if mutated_tree[p] != lib.files.get(p)]
        f2p = list(entry["fail_to_pass"])
        task = Task(
            id=str(entry["id"]), problem_statement=str(entry["problem_statement"]),
            image=DEFAULT_IMAGE, test_command=DEFAULT_TEST_COMMAND, fail_to_pass=f2p,
            pass_to_pass=[t for t in all_tests[name] if t not in set(f2p)],
            difficulty=entry["difficulty"], reference_patch=PATCH_NAME,
        )  # fmt: skip
        patch = make_diff(mutated_tree[path], lib.files[path], path)
        repo = {k: v.encode("utf-8") for k, v in mutated_tree.items()}
        hidden = {k: v.encode("utf-8") for k, v in lib.hidden.items()}
        done = write_task(out / task.id, task, repo, hidden, patch)
        if done.hash != entry["hash"]:
            raise BuiltinSuiteError(f"{task.id}: materialised hash differs from the manifest "
                                    "(the suite libraries changed; rebuild the manifest)")
        loaded.append(done)
    return loaded


def builtin_suite_dir(manifest_path: Path = MANIFEST) -> Path:
    """The built-in suite's directory, materialised into the cache on first use."""
    key = _digest(manifest_path)[:16]
    target = cache_root() / "code_repair" / f"builtin-{key}"
    if (target / _COMPLETE).is_file():
        return target
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BuiltinSuiteError(f"{manifest_path}: unknown manifest format")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename: concurrent first uses never see a half-written suite.
    tmp = Path(tempfile.mkdtemp(prefix=f".builtin-{key}-", dir=target.parent))
    try:
        _materialise(manifest, tmp)
        (tmp / _COMPLETE).write_text("ok\n", encoding="utf-8")
        try:
            tmp.rename(target)
        except OSError:
            if not (target / _COMPLETE).is_file():  # not a lost race: a real error
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def main(argv: list[str]) -> int:
    """`python -m agentdata.envs.code_repair.builtin SUITE_DIR [SEED]`: rewrite the manifest."""
    if not argv:
        usage = "usage: python -m agentdata.envs.code_repair.builtin SUITE_DIR [SEED]"
        print(usage, file=sys.stderr)
        return 2
    seed = int(argv[1]) if len(argv) > 1 else 0
    manifest = build_manifest(Path(argv[0]), seed)
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {MANIFEST} ({len(manifest['tasks'])} tasks)")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
