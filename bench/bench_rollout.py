"""Benchmark of LLM rollouts with the vLLM policy (one engine, reused by every measurement).

Prints, on the same prompts and seeds:
* batched rollout (one generate call per turn over every live episode) against the same
  rollout with one generate call per episode and turn (target >= 5x on the CPU tiny model),
* the framework (runner + env + recorder + store) against raw `LLM.generate` replaying the
  very prompts the rollout recorded, turn by turn in the same batches (target >= 80%).

Without --model it builds the tiny random Llama of the tests (CPU build of vLLM works).
On a GPU: python bench/bench_rollout.py --model Qwen/Qwen2.5-1.5B-Instruct --tp 1 \
          --max-num-seqs 256 --episodes 256 --max-tokens 256 --gpu-memory-utilization 0.85

Usage: python bench/bench_rollout.py [--model M] [--tp N] [--max-num-seqs N] [--episodes N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gymnasium

from agentdata._runner import RolloutConfig, run_rollouts
from agentdata.policies import Action, Turn
from agentdata.policies._vllm_policy import VLLMPolicy
from agentdata.policies.tiny_model import build_tiny_chat_model
from agentdata.schemas import PolicySpec, TaskSpec
from agentdata.store import Store


class Shared:
    """Lends one loaded policy to several runs: `close` leaves the engine up."""

    def __init__(self, inner: VLLMPolicy, per_episode: bool) -> None:
        self.inner, self.per_episode = inner, per_episode
        self.calls = 0

    def spec(self) -> PolicySpec:
        return self.inner.spec()

    def start(self, key: str, env: gymnasium.Env[str, str], task: TaskSpec, seed: int) -> None:
        self.inner.start(key, env, task, seed)

    def act(self, turns: Sequence[Turn]) -> list[Action]:
        if not self.per_episode:
            self.calls += 1
            return self.inner.act(turns)
        out = []
        for turn in turns:  # the baseline: one generate call per episode
            self.calls += 1
            out += self.inner.act([turn])
        return out

    def end(self, key: str) -> None:
        self.inner.end(key)

    def close(self) -> None:
        pass


def rollout(policy: Shared, db: str, name: str, args: argparse.Namespace) -> tuple[float, Store]:
    config = RolloutConfig(
        env_id="agentdata/Math-v0",
        policy="vllm",
        episodes=args.episodes,
        seed=1,
        env_kwargs={"family": "arithmetic", "max_steps": args.turns},
        concurrency=args.episodes,
        run_id=name,
    )
    store = Store.open(db)
    started = time.perf_counter()
    run_rollouts(store, config, policy=policy)  # type: ignore[arg-type]
    return time.perf_counter() - started, store


def recorded(store: Store, run_id: str) -> tuple[dict[int, list[Any]], int]:
    """Prompt ids and seeds per turn index, as the rollout sent them; completion tokens."""
    by_turn: dict[int, list[Any]] = defaultdict(list)
    tokens = 0
    for episode in store.episodes(run_id):
        for step in store.load_steps(episode.id):
            out = step.policy_output
            assert out and out.prompt_token_ids and out.completion_token_ids is not None
            by_turn[step.index].append((out.prompt_token_ids, episode.policy.seed))
            tokens += len(out.completion_token_ids)
    return by_turn, tokens


def raw_generate(policy: VLLMPolicy, by_turn: dict[int, list[Any]]) -> tuple[float, int]:
    """`LLM.generate` on the recorded prompts, one call per turn like the batched rollout."""
    from vllm.inputs import TokensPrompt

    llm = policy._llm
    tokens, started = 0, time.perf_counter()
    for turn in sorted(by_turn):
        prompts = [TokensPrompt(prompt_token_ids=ids) for ids, _ in by_turn[turn]]
        params = [policy._params(seed, turn) for _, seed in by_turn[turn]]
        for result in llm.generate(prompts, params, use_tqdm=False):
            tokens += len(result.outputs[0].token_ids)
    return time.perf_counter() - started, tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model name or directory (default: tiny random Llama)")
    parser.add_argument("--tp", type=int, default=1, help="tensor parallel size")
    parser.add_argument("--max-num-seqs", type=int, default=64)
    parser.add_argument("--episodes", type=int, default=32)
    parser.add_argument("--turns", type=int, default=3, help="env max_steps")
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--max-model-len", type=int, default=2048)
    parser.add_argument("--gpu-memory-utilization", type=float, default=0.15)
    parser.add_argument(
        "--enforce-eager", action="store_true", help="no graph capture/compile (CPU build)"
    )
    parser.add_argument(
        "--max-num-batched-tokens",
        type=int,
        help="tokens per engine step (default: every sequence's whole prompt, so no prefill "
        "is chunked: vLLM's CPU build fails seeded requests whose prefill is chunked)",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-rollout-"))
    model = args.model or str(build_tiny_chat_model(tmp / "tiny"))
    engine: dict[str, Any] = {
        "tensor_parallel_size": args.tp,
        "max_num_seqs": args.max_num_seqs,
        "max_model_len": args.max_model_len,
        "gpu_memory_utilization": args.gpu_memory_utilization,
    }
    if args.tp == 1:
        engine["distributed_executor_backend"] = "uni"
    if args.enforce_eager:
        engine["enforce_eager"] = True
    engine["max_num_batched_tokens"] = args.max_num_batched_tokens or (
        args.max_model_len * args.max_num_seqs
    )
    policy = VLLMPolicy(model, max_tokens=args.max_tokens, temperature=1.0, **engine)
    db = str(tmp / "bench.db")
    try:
        rollout(Shared(policy, False), db, "warmup", args)[1].close()
        batched = Shared(policy, per_episode=False)
        t_batched, store = rollout(batched, db, "batched", args)
        by_turn, tok_batched = recorded(store, "batched")
        store.close()
        single = Shared(policy, per_episode=True)
        t_single, store = rollout(single, db, "per-episode", args)
        _, tok_single = recorded(store, "per-episode")
        store.close()
        t_raw, tok_raw = raw_generate(policy, by_turn)
    finally:
        policy.close()
    n_steps = sum(len(v) for v in by_turn.values())
    rate = {"batched": tok_batched / t_batched, "single": tok_single / t_single}
    print(
        f"model {model} tp={args.tp} max_num_seqs={args.max_num_seqs}; {args.episodes} "
        f"episodes x <= {args.turns} turns, max_tokens {args.max_tokens}; {n_steps} steps"
    )
    print(
        f"batched rollout: {t_batched:.2f} s, {batched.calls} generate calls, "
        f"{rate['batched']:.0f} completion tok/s, {n_steps / t_batched:.1f} steps/s"
    )
    print(
        f"one call per episode: {t_single:.2f} s, {single.calls} generate calls, "
        f"{rate['single']:.0f} completion tok/s"
    )
    print(
        f"batched / per-episode throughput: {rate['batched'] / rate['single']:.1f}x (target >= 5x)"
    )
    raw_rate = tok_raw / t_raw
    print(
        f"raw LLM.generate on the recorded prompts: {t_raw:.2f} s, {raw_rate:.0f} tok/s; "
        f"framework / raw: {100 * rate['batched'] / raw_rate:.0f}% (target >= 80%)"
    )


if __name__ == "__main__":
    main()
