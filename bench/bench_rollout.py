"""Benchmark of LLM rollouts with the vLLM policy (one engine, reused by every measurement).

Prints, on the same prompts, seeds and sampling parameters:
* the framework (runner + env + recorder + store) against raw `LLM.generate` replaying the
  very token ids the rollout recorded, with the same `SamplingParams` (seed per request,
  logprobs) in the same batches (one call per turn over every episode); target >= 80%.
  The two arms alternate (framework, raw, raw, framework, ...) and the prefix cache is
  emptied before each, so neither reuses what the other computed; the median pair counts.
  What the framework does on top: renders each chat with the model's template and
  tokenises it, parses and verifies every action in the env, records each step (token ids,
  logprobs, state) through the store's background writer, and claims slot leases.
* batched rollout (one generate call per turn over every live episode) against the same
  rollout with one generate call per episode and turn (target >= 5x). That baseline serves
  one sequence per call, so its throughput does not depend on how many episodes it plays:
  it runs on the first `--single-episodes` episodes (same prompts and seeds) to save time.

Without --model it builds the tiny random Llama of the tests (CPU build of vLLM works).
On a GPU: python bench/bench_rollout.py --model Qwen/Qwen2.5-1.5B-Instruct --tp 1 \
          --max-num-seqs 256 --episodes 256 --max-tokens 256 --gpu-memory-utilization 0.85

Usage: python bench/bench_rollout.py [--model M] [--tp N] [--max-num-seqs N] [--episodes N]
"""

from __future__ import annotations

import argparse
import os
import statistics
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


def rollout(
    policy: Shared, db: str, name: str, args: argparse.Namespace, episodes: int, seed: int = 1
) -> tuple[float, Store]:
    config = RolloutConfig(
        env_id="agentdata/Math-v0",
        policy="vllm",
        episodes=episodes,
        seed=seed,
        env_kwargs={"family": "arithmetic", "max_steps": args.turns},
        concurrency=episodes,
        run_id=name,
    )
    store = Store.open(db)
    policy.inner._llm.reset_prefix_cache()  # each arm computes its prompts itself
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
    llm.reset_prefix_cache()
    tokens, started = 0, time.perf_counter()
    for turn in sorted(by_turn):
        prompts = [TokensPrompt(prompt_token_ids=ids) for ids, _ in by_turn[turn]]
        params = [policy._params(seed, turn) for _, seed in by_turn[turn]]
        for result in llm.generate(prompts, params, use_tqdm=False):
            tokens += len(result.outputs[0].token_ids)
    return time.perf_counter() - started, tokens


class GenerateClock:
    """Seconds spent inside `LLM.generate` (the rest of a rollout is the framework's own)."""

    def __init__(self, policy: VLLMPolicy) -> None:
        self.seconds = 0.0
        llm, inner = policy._llm, policy._llm.generate

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        llm.generate = timed


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model name or directory (default: tiny random Llama)")
    parser.add_argument("--tp", type=int, default=1, help="tensor parallel size")
    parser.add_argument("--max-num-seqs", type=int, default=64)
    parser.add_argument(
        "--episodes", type=int, help="live episodes (default: --max-num-seqs, one full batch)"
    )
    parser.add_argument("--turns", type=int, default=3, help="env max_steps")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--max-model-len", type=int, default=2048)
    parser.add_argument("--gpu-memory-utilization", type=float, default=0.15)
    parser.add_argument("--repeat", type=int, default=3, help="framework/raw pairs (median)")
    parser.add_argument(
        "--single-episodes", type=int, default=8, help="episodes of the per-episode baseline"
    )
    parser.add_argument(
        "--enforce-eager", action="store_true", help="no graph capture/compile (CPU build)"
    )
    parser.add_argument(
        "--max-num-batched-tokens",
        type=int,
        help="tokens per engine step (default: vLLM's; on its CPU build the policy turns "
        "chunked prefill off: seeded chunked prefills were seen failing there)",
    )
    args = parser.parse_args()
    if args.episodes is None:  # the batched arm fills the engine's batch, as a rollout would
        args.episodes = args.max_num_seqs
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
    if args.max_num_batched_tokens:
        engine["max_num_batched_tokens"] = args.max_num_batched_tokens
    policy = VLLMPolicy(model, max_tokens=args.max_tokens, temperature=1.0, **engine)
    clock = GenerateClock(policy)
    db = str(tmp / "bench.db")
    print(f"start: {load()}")
    pairs: list[tuple[float, float, float]] = []  # (framework tok/s, raw tok/s, own seconds)
    try:  # the warm-up plays other prompts (another seed)
        rollout(Shared(policy, False), db, "warmup", args, args.episodes, seed=2)[1].close()
        batched = Shared(policy, per_episode=False)
        by_turn: dict[int, list[Any]] = {}
        n_steps = 0
        for r in range(args.repeat):
            arms = ("framework", "raw") if r % 2 == 0 else ("raw", "framework")
            rates: dict[str, float] = {}
            for arm in arms:  # the first pair starts with the framework: raw replays its prompts
                if arm == "raw":
                    t_raw, tok_raw = raw_generate(policy, by_turn)
                    rates["raw"] = tok_raw / t_raw
                    continue
                before = clock.seconds
                t_fw, store = rollout(batched, db, f"batched-{r}", args, args.episodes)
                turns, tok_fw = recorded(store, f"batched-{r}")
                store.close()
                by_turn = by_turn or turns
                n_steps = sum(len(v) for v in turns.values())
                own = t_fw - (clock.seconds - before)
                rates["framework"] = tok_fw / t_fw
                print(
                    f"pair {r + 1}: framework {t_fw:.2f} s ({own:.2f} s outside generate), "
                    f"{rates['framework']:.0f} tok/s"
                )
            print(f"pair {r + 1}: raw LLM.generate {rates['raw']:.0f} tok/s")
            pairs.append((rates["framework"], rates["raw"], own))
        n_single = min(args.single_episodes or args.episodes, args.episodes)
        single = Shared(policy, per_episode=True)
        t_single, store = rollout(single, db, "per-episode", args, n_single)
        _, tok_single = recorded(store, "per-episode")
        store.close()
    finally:
        policy.close()
    ratios = [fw / raw for fw, raw, _ in pairs]
    fw_rate = statistics.median(fw for fw, _, _ in pairs)
    single_rate = tok_single / t_single
    print(
        f"model {model} tp={args.tp} max_num_seqs={args.max_num_seqs}; {args.episodes} "
        f"episodes x <= {args.turns} turns, max_tokens {args.max_tokens}; {n_steps} steps; "
        f"{batched.calls // max(args.repeat, 1)} generate calls per batched rollout"
    )
    print(
        "framework / raw LLM.generate on the same prompts: "
        + ", ".join(f"{100 * x:.0f}%" for x in ratios)
        + f"; median {100 * statistics.median(ratios):.0f}% (target >= 80%)"
    )
    print(
        "framework's own time (outside LLM.generate) per rollout: "
        + ", ".join(f"{own:.2f} s" for _, _, own in pairs)
        + "; the rest of the gap is generate itself running slower or faster (machine load)"
    )
    print(
        f"one generate call per episode ({n_single} episodes, {single.calls} calls): "
        f"{single_rate:.0f} tok/s; batched (median) {fw_rate:.0f} tok/s: "
        f"{fw_rate / single_rate:.1f}x (target >= 5x)"
    )
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
