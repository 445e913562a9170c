"""LLM-policy plumbing that needs no model: env prompts, chat transcripts, the missing extras,
and the pipeline that keeps generation going while a slow env step runs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import gymnasium
import pytest

from agentdata._pipeline import Active, LockedStore, drive
from agentdata._recorder import EpisodeMeta, Recorder
from agentdata.envs import register_envs
from agentdata.envs.code_repair.tools import openai_tools, parse_tool_call
from agentdata.errors import ConfigError, MissingExtraError
from agentdata.policies import Action, Turn, make_policy
from agentdata.policies._chat import start_conversation
from agentdata.policies._llm_common import require_extra, split_sampling, turn_seed
from agentdata.schemas import PolicySpec, TaskSpec
from agentdata.store import Store


def _env(env_id: str, **kwargs: Any) -> gymnasium.Env[str, str]:
    register_envs()
    return gymnasium.make(env_id, **kwargs)


def test_math_prompt_documents_the_action_syntax() -> None:
    env = _env("agentdata/Math-v0", family="linear", difficulty=1)
    chat = start_conversation(env)
    system = chat.messages[0]
    assert system["role"] == "system" and chat.tools is None
    for syntax in ("step <label>:", "answer:", "transpose", "\\boxed"):
        assert syntax in system["content"]
    env.close()


def test_logic_prompt_documents_the_action_syntax() -> None:
    env = _env("agentdata/Logic-v0")
    system = start_conversation(env).messages[0]["content"]
    for syntax in ("derive <formula> from <ids> by <rule>", "answer: True|False|Unknown", "->"):
        assert syntax in system
    env.close()


def test_code_repair_prompt_and_tools_parse_back() -> None:
    from agentdata.envs.code_repair.env import CodeRepairEnv

    env = CodeRepairEnv.__new__(CodeRepairEnv)  # prompt and tools need no sandbox
    assert "run_tests" in env.system_prompt() and "submit" in env.system_prompt()
    assert env.tools() == openai_tools()
    names = {t["function"]["name"] for t in env.tools()}  # type: ignore[index]
    assert names == {"list_dir", "read_file", "search", "edit", "write_file", "run_tests", "submit"}


def test_tool_call_transcript_round_trips_to_an_action() -> None:
    env = _env("agentdata/Math-v0")
    chat = start_conversation(env)
    chat.add_observation("task")
    text = chat.add_tool_call("c1", "read_file", '{"path": "pkg/mod.py"}', None)
    call = parse_tool_call(text)  # the env parses what the policy sends
    assert call.tool == "read_file" and call.args["path"] == "pkg/mod.py"
    chat.add_observation("1: x = 1")
    assert chat.messages[-1] == {"role": "tool", "tool_call_id": "c1", "content": "1: x = 1"}
    chat.add_text_action("not a call")
    chat.add_observation("parse_error: Action is not valid JSON")
    # The window keeps the system prompt and the task, and never splits a call from its reply.
    window = chat.window(1)
    assert [m["role"] for m in window] == ["system", "user", "assistant", "user"]
    assert [m["role"] for m in chat.window(2)][2:4] == ["assistant", "tool"]
    env.close()


def test_sampling_split_and_turn_seeds() -> None:
    sampling, rest = split_sampling({"temperature": 0.5, "max_model_len": 512, "top_k": 4})
    assert sampling == {"temperature": 0.5, "top_p": 1.0, "max_tokens": 512, "top_k": 4}
    assert rest == {"max_model_len": 512}
    seeds = {turn_seed(7, t) for t in range(100)}
    assert len(seeds) == 100 and turn_seed(7, 3) == turn_seed(7, 3) != turn_seed(8, 3)


def test_missing_extras_say_how_to_install() -> None:
    with pytest.raises(MissingExtraError, match=r"pip install 'agentdata\[vllm\]'"):
        require_extra("agentdata_no_such_module", "vllm")
    with pytest.raises(ConfigError, match="model="):
        make_policy("openai", {})


@pytest.mark.parametrize(
    ("extra", "args"),
    [
        ("vllm", ["--policy", "vllm", "--policy-arg", "model=m"]),
        ("openai", ["--policy", "openai", "--policy-arg", "model=m"]),
        ("ray", ["--backend", "ray", "--policy", "oracle"]),
    ],
)
def test_cli_without_the_extra_is_a_clear_error(
    extra: str, args: list[str], tmp_path: Path
) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "agentdata", "rollout", "--db", str(tmp_path / "x.db"),
         "--env", "agentdata/Math-v0", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert f"pip install 'agentdata[{extra}]'" in out.stderr


class _SlowFirstStep(gymnasium.Wrapper[str, str, str, str]):
    """Math, except that the action "slow" sleeps first (a sandbox running a long test)."""

    def step(self, action: str) -> tuple[str, Any, bool, bool, dict[str, Any]]:
        if action == "slow":
            time.sleep(1.5)
        return self.env.step(action)


class _BatchLog:
    """A policy that logs which episodes each `act` call covered."""

    def __init__(self) -> None:
        self.batches: list[set[str]] = []

    def spec(self) -> PolicySpec:
        return PolicySpec(name="log")

    def start(self, key: str, env: gymnasium.Env[str, str], task: TaskSpec, seed: int) -> None:
        pass

    def act(self, turns: Sequence[Turn]) -> list[Action]:
        self.batches.append({t.key for t in turns})
        first = len(self.batches) == 1
        return [Action("slow" if first and t.key == "a" else "answer: 0") for t in turns]

    def end(self, key: str) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_slow_env_step_does_not_stall_the_batch(tmp_path: Path) -> None:
    store = Store.open(str(tmp_path / "s.db"))
    shared = LockedStore(store)
    policy = _BatchLog()
    pending: list[Active] = []
    for key in ("a", "b"):
        env = _SlowFirstStep(_env("agentdata/Math-v0", family="arithmetic", max_steps=6))
        rec = Recorder(env, shared.as_store(), env_id="agentdata/Math-v0", autoflush=False)
        rec.set_next_episode(
            EpisodeMeta(episode_id=key, run_id="r", slot=0, sample_index=0, policy=policy.spec())
        )
        obs, info = rec.reset(seed=1)
        pending.append(Active(recorder=rec, key=key, observation=obs, info=info))
    ended: list[str] = []

    def start_next() -> Active | bool | None:
        return pending.pop() if pending else False

    with ThreadPoolExecutor(max_workers=2) as pool:
        drive(policy, pool, start_next, lambda done: ended.extend(a.key for a in done))
    shared.flush()
    # While "a" sat in its 1.5 s step, "b" went on alone: 5 more batches without "a".
    assert policy.batches[0] == {"a", "b"}
    assert policy.batches[1:6] == [{"b"}] * 5
    assert ended == ["b", "a"]
    for key in ("a", "b"):
        steps = store.load_steps(key)
        assert len(steps) == 6 and steps[-1].truncated
    assert json.loads(json.dumps([s.action_raw for s in store.load_steps("a")]))[0] == "slow"
    store.close()
