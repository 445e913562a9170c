"""A real vLLM rollout (CPU build, tiny random model) recorded token-in/token-out, then replayed."""

from __future__ import annotations

import json
from pathlib import Path

from agentdata.store import Store
from tests.llm.conftest import ENGINE_ARGS, agentdata, rollout_json

ENVS = {
    "agentdata/Math-v0": ("family=arithmetic", "max_steps=3"),
    "agentdata/Logic-v0": ("max_steps=3",),
}
EPISODES = {"agentdata/Math-v0": 8, "agentdata/Logic-v0": 4}
"""8 first math prompts of ~640 tokens exceed vLLM's default tokens per engine step on its CPU
build (4,096): the policy's CPU default (no chunked prefill) keeps each prompt whole, and the
seeded requests run out of the box."""


def test_vllm_rollout_records_tokens_and_replays(tiny_model: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "vllm.db")
    for env_id, env_args in ENVS.items():
        n = str(EPISODES[env_id])
        args = ["--db", db, "--env", env_id, "--policy", "vllm", "--episodes", n]
        args += ["--concurrency", n, "--run", env_id.split("/")[1], "--seed", "3"]
        args += ["--policy-arg", f"model={tiny_model}", "--policy-arg", "temperature=1.0"]
        for arg in ENGINE_ARGS:
            args += ["--policy-arg", arg]
        for arg in env_args:
            args += ["--env-arg", arg]
        summary = rollout_json(*args)
        assert summary["episodes"] == EPISODES[env_id] and summary["steps"] >= EPISODES[env_id]
    with Store.open(db) as store:
        runs = store.list_runs()
        assert {r.env_id for r in runs} == set(ENVS)
        for run in runs:
            spec = run.policy
            assert spec.name == "vllm" and spec.model == str(tiny_model)
            assert spec.revision and spec.revision.startswith("local-")
            assert spec.sampling["temperature"] == 1.0 and spec.sampling["max_tokens"] == 16
            assert spec.kwargs["enable_prefix_caching"] is True
            assert spec.kwargs["enable_chunked_prefill"] is False  # the CPU build's default
            episodes = store.episodes(run.id)
            assert len({e.policy.seed for e in episodes}) == len(episodes)  # per-episode seeds
            for episode in episodes:
                steps = store.load_steps(episode.id)
                assert steps
                for step in steps:
                    out = step.policy_output
                    assert out is not None and out.prompt_token_ids and out.completion_token_ids
                    assert out.logprobs is not None
                    assert len(out.logprobs) == len(out.completion_token_ids)
                    assert all(lp <= 0.0 for lp in out.logprobs)
                    assert out.finish_reason in ("stop", "length")
                    assert len(out.completion_token_ids) <= 16
                # Gibberish is a typed failure the env fed back, never a crash.
                assert episode.status in ("terminated", "truncated")
                kinds = {s.failure.kind for s in steps if s.failure}
                assert kinds <= {"parse_error", "verification_failed", "invalid_action"}
            # Later turns see earlier ones (the transcript grows), within the context budget.
            first = [s.policy_output for s in store.load_steps(episodes[0].id)]
            sizes = [len(o.prompt_token_ids or []) for o in first if o]
            assert sizes[-1] >= sizes[0] and max(sizes) <= 1024 - 16
    # Replay re-checks every step from the recorded actions, without the model.
    out = agentdata("replay", "--db", db, "--all", "--json")
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["checked"] == sum(EPISODES.values())
    assert report["identical"] == report["checked"]
