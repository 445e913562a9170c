"""The CLI through the real console script: exit codes, messages and JSON reports."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import dump, record_episodes, tamper_episode, tamper_step

from agentdata.store import Store


def agentdata(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["agentdata", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, list[str]]:
    db = tmp_path / "cli.db"
    with Store.open(str(db)) as store:
        ids = record_episodes(store, "agentdata/Math-v0", episodes=3)
    return db, ids


def test_replay_all_json_identical_exit_zero(recorded: tuple[Path, list[str]]) -> None:
    db, ids = recorded
    proc = agentdata("replay", "--all", "--json", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["checked"] == 3 and report["identical"] == 3
    assert report["diverged"] == [] and report["unreplayable"] == []
    proc = agentdata("replay", ids[0], "--db", str(db))
    assert proc.returncode == 0 and f"{ids[0]}: identical" in proc.stdout


def test_replay_reports_divergence_and_unreplayable_with_exit_one(
    recorded: tuple[Path, list[str]],
) -> None:
    db, (a, b, c) = recorded
    with Store.open(str(db)) as store:
        tamper_step(store, a, 1, observation="tampered", observation_ref=None)
        tamper_episode(store, b, env_id="agentdata/NotInstalled-v9")
        tamper_step(store, c, 0, payload='{"failure": {"kind": "no-such-kind"}}')
        before = dump(store)
    proc = agentdata("replay", "--run", "run-3", "--json", "--db", str(db))
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["checked"] == 3 and report["identical"] == 0
    (div,) = report["diverged"]
    assert (div["episode"], div["step"], div["field"], div["recorded"]) == (
        a,
        1,
        "observation",
        "tampered",
    )
    reasons = {u["episode"]: u["reason"] for u in report["unreplayable"]}
    assert reasons[b].startswith("env_not_installed: environment 'agentdata/NotInstalled-v9'")
    assert reasons[c].startswith("corrupt_record:")
    text = agentdata("replay", a, "--db", str(db))
    assert text.returncode == 1
    assert "DIVERGED at step 1, field observation" in text.stdout and "-tampered" in text.stdout
    with Store.open(str(db)) as store:
        assert dump(store) == before


def test_bad_input_gives_message_and_exit_two(
    recorded: tuple[Path, list[str]], tmp_path: Path
) -> None:
    db, _ = recorded
    proc = agentdata("replay", "ep-does-not-exist", "--db", str(db))
    assert proc.returncode == 2 and "no episode 'ep-does-not-exist'" in proc.stderr
    proc = agentdata("replay", "--all", "--db", str(tmp_path / "absent.db"))
    assert proc.returncode == 2 and "no store at" in proc.stderr
    assert not (tmp_path / "absent.db").exists()


def test_fork_show_and_export_html(recorded: tuple[Path, list[str]], tmp_path: Path) -> None:
    db, ids = recorded
    proc = agentdata(
        "fork",
        ids[0],
        "--at",
        "1",
        "--policy",
        "oracle",
        "--policy-arg",
        "error_rate=0.5",
        "--seed",
        "5",
        "--json",
        "--db",
        str(db),
    )
    assert proc.returncode == 0, proc.stderr
    child = json.loads(proc.stdout)
    assert child["parent_id"] == ids[0] and child["fork_step"] == 1
    shown = agentdata("show", ids[0], "--db", str(db))
    assert f"fork {child['id']} at step 1" in shown.stdout
    out = tmp_path / "page.html"
    proc = agentdata("export-html", child["id"], "-o", str(out), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "forked from" in out.read_text() and ids[0] in out.read_text()
