"""The vLLM policy: one offline `vllm.LLM` engine, one generate call per turn over every episode.

Prompts are rendered with the model's chat template and tokenised here, and the engine is
given the token ids (token-in/token-out): the step records exactly the ids the model saw and
produced, with per-token logprobs and the finish reason, so training never re-tokenises.
Each request carries its own seed (derived from the episode seed and the turn), so an
episode's samples do not depend on which other episodes shared its batch.

Importing this module does not import vLLM; constructing the policy does (extra `vllm`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium

from agentdata.errors import ConfigError
from agentdata.policies._base import Action, Turn
from agentdata.policies._chat import Conversation, start_conversation
from agentdata.policies._llm_common import (
    local_revision,
    require_extra,
    split_sampling,
    turn_seed,
)
from agentdata.schemas import PolicyOutput, PolicySpec, TaskSpec

ENGINE_DEFAULTS: dict[str, Any] = {"enable_prefix_caching": True}
CPU_ENGINE_DEFAULTS: dict[str, Any] = {"enable_chunked_prefill": False}
"""Added on vLLM's CPU build unless `enable_chunked_prefill` or `max_num_batched_tokens` is
given: seeded requests whose prefill was chunked were seen failing on that build, and every
request here is seeded. Without chunking, a prompt that does not fit an engine step waits for
the next one instead of being split."""


class VLLMPolicy:
    """Batched generation with an offline vLLM engine (see the module docstring).

    `model` is a name or a local directory; `revision` is recorded (for a directory without
    one, a hash of its configs and file sizes). Sampling keys (`temperature`, `top_p`,
    `max_tokens`, ...) become `SamplingParams`; `max_history_turns` bounds the transcript;
    every other keyword goes to `vllm.LLM` (e.g. `gpu_memory_utilization`, `max_model_len`,
    `tensor_parallel_size`, `max_num_seqs`), over `engine_defaults` (prefix caching; on the
    CPU build, no chunked prefill).
    """

    def __init__(
        self,
        model: str,
        revision: str | None = None,
        max_history_turns: int | None = None,
        **kwargs: Any,
    ) -> None:
        require_extra("vllm", "vllm")
        self.model = model
        self.revision = revision if revision is not None else local_revision(model)
        self.max_history_turns = None if max_history_turns is None else int(max_history_turns)
        self.sampling, engine_args = split_sampling(kwargs)
        self.engine_args = {**engine_defaults(engine_args), **engine_args}
        self._llm = _make_engine(model, revision, self.engine_args)
        self._tokenizer = self._llm.get_tokenizer()
        self._max_len = int(self._llm.llm_engine.model_config.max_model_len)
        self._chats: dict[str, Conversation] = {}
        self._seeds: dict[str, int] = {}

    def spec(self) -> PolicySpec:
        return PolicySpec(
            name="vllm",
            model=self.model,
            revision=self.revision,
            sampling=self.sampling,
            kwargs={**self.engine_args, "max_history_turns": self.max_history_turns},
        )

    def start(self, key: str, env: gymnasium.Env[str, str], task: TaskSpec, seed: int) -> None:
        self._chats[key] = start_conversation(env)
        self._seeds[key] = seed

    def act(self, turns: Sequence[Turn]) -> list[Action]:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        prompts: list[TokensPrompt] = []
        params: list[SamplingParams] = []
        for turn in turns:
            chat = self._chats[turn.key]
            chat.add_observation(turn.observation)
            prompts.append(TokensPrompt(prompt_token_ids=self._prompt_ids(chat)))
            params.append(self._params(self._seeds[turn.key], chat.turns))
        results = self._llm.generate(prompts, params, use_tqdm=False)
        actions = []
        for turn, result in zip(turns, results, strict=True):
            completion = result.outputs[0]
            ids = [int(t) for t in completion.token_ids]
            text = completion.text
            self._chats[turn.key].add_text_action(text)
            actions.append(
                Action(
                    text,
                    PolicyOutput(
                        prompt_token_ids=[int(t) for t in result.prompt_token_ids or []],
                        completion_token_ids=ids,
                        logprobs=_sampled_logprobs(ids, completion.logprobs),
                        finish_reason=completion.finish_reason,
                    ),
                )
            )
        return actions

    def end(self, key: str) -> None:
        self._chats.pop(key, None)
        self._seeds.pop(key, None)

    def close(self) -> None:
        self._chats.clear()
        engine = getattr(self, "_llm", None)
        if engine is not None:
            shutdown = getattr(engine.llm_engine, "shutdown", None) or getattr(
                getattr(engine.llm_engine, "engine_core", None), "shutdown", None
            )
            if callable(shutdown):
                shutdown()
            del self._llm

    # -- helpers ------------------------------------------------------------------------
    def _params(self, episode_seed: int, turn: int) -> Any:
        from vllm import SamplingParams

        args = {k: v for k, v in self.sampling.items() if k != "n_logprobs"}
        # logprobs=0: the sampled token's own logprob, nothing else.
        return SamplingParams(
            seed=turn_seed(episode_seed, turn), logprobs=self.sampling.get("n_logprobs", 0), **args
        )

    def _prompt_ids(self, chat: Conversation) -> list[int]:
        """The chat rendered with the model's template; old turns dropped until it fits."""
        budget = self._max_len - int(self.sampling.get("max_tokens") or 0)
        keep = chat.turns if self.max_history_turns is None else self.max_history_turns
        while True:
            ids = self._tokenizer.apply_chat_template(
                chat.window(keep), add_generation_prompt=True, tokenize=True, return_dict=False
            )
            if len(ids) <= budget or keep <= 0:
                break
            keep -= 1
        if len(ids) > budget:
            # Even the first exchange is too long: keep its end, where the question is.
            ids = ids[-max(budget, 1) :]
        return [int(t) for t in ids]


def engine_defaults(engine_args: dict[str, Any]) -> dict[str, Any]:
    """The engine arguments this policy adds to the user's (see `CPU_ENGINE_DEFAULTS`)."""
    from vllm.platforms import current_platform

    chunking = {"enable_chunked_prefill", "max_num_batched_tokens"} & engine_args.keys()
    if current_platform.is_cpu() and not chunking:
        return {**ENGINE_DEFAULTS, **CPU_ENGINE_DEFAULTS}
    return dict(ENGINE_DEFAULTS)


def _make_engine(model: str, revision: str | None, engine_args: dict[str, Any]) -> Any:
    from vllm import LLM

    try:
        return LLM(model=model, revision=revision, **engine_args)
    except TypeError as exc:
        raise ConfigError(f"bad vLLM engine argument: {exc}") from exc


def _sampled_logprobs(ids: list[int], logprobs: Any) -> list[float] | None:
    """The logprob of each sampled token (vLLM gives a dict of candidates per position)."""
    if logprobs is None:
        return None
    return [
        float(candidates[token].logprob) for token, candidates in zip(ids, logprobs, strict=True)
    ]
