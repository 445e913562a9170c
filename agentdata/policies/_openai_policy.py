"""The OpenAI-compatible policy: chat completions against any server (`vllm serve`, ...).

Requests for a turn's episodes go out concurrently (at most `concurrency` at once) from
one event loop. Timeouts, connection errors, 429 and 5xx answers are retried with
exponential backoff; the retries a turn needed are recorded on its step
(`PolicyOutput.infra_retries`). A turn that still fails ends only its own episode
(a `policy_error` crash). Envs with tools (code repair) get them as `tools=`; a tool call
in the answer becomes the action, and the env's reply goes back as the `tool` message.

Importing this module does not import `openai`; constructing the policy does (extra `openai`).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from typing import Any

import gymnasium

from agentdata.errors import ConfigError
from agentdata.policies._base import Action, Turn
from agentdata.policies._chat import Conversation, start_conversation
from agentdata.policies._llm_common import require_extra, split_sampling, turn_seed
from agentdata.schemas import PolicyOutput, PolicySpec, TaskSpec

_OPENAI_SAMPLING = frozenset(
    {"temperature", "top_p", "max_tokens", "stop", "presence_penalty", "frequency_penalty"}
)
_RETRY_STATUS = frozenset({408, 409, 429})


class OpenAIPolicy:
    """Chat completions with bounded concurrency, timeouts and retries (module docstring).

    Sampling keys as for vLLM (those the OpenAI API lacks, e.g. `top_k`, travel in the
    request body as vLLM accepts them). `token_ids=true` asks a vLLM server for prompt and
    completion token ids; `api_key` defaults to $OPENAI_API_KEY (never recorded).
    """

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        revision: str | None = None,
        concurrency: int = 16,
        timeout_s: float = 120.0,
        max_retries: int = 4,
        backoff_s: float = 0.5,
        use_tools: bool = True,
        logprobs: bool = True,
        token_ids: bool = False,
        max_history_turns: int | None = None,
        **kwargs: Any,
    ) -> None:
        require_extra("openai", "openai")
        self.sampling, unknown = split_sampling(kwargs)
        if unknown:
            raise ConfigError(f"unknown openai policy arguments: {sorted(unknown)}")
        if int(concurrency) < 1 or float(timeout_s) <= 0 or int(max_retries) < 0:
            raise ConfigError("concurrency >= 1, timeout_s > 0 and max_retries >= 0 required")
        self.model, self.base_url, self.revision = model, base_url, revision
        self._api_key = api_key or os.environ.get("OPENAI_API_KEY") or "EMPTY"
        self.options: dict[str, Any] = {
            "concurrency": int(concurrency),
            "timeout_s": float(timeout_s),
            "max_retries": int(max_retries),
            "backoff_s": float(backoff_s),
            "use_tools": bool(use_tools),
            "logprobs": bool(logprobs),
            "token_ids": bool(token_ids),
            "max_history_turns": None if max_history_turns is None else int(max_history_turns),
        }
        self._loop = asyncio.new_event_loop()
        self._client: Any = None
        self._chats: dict[str, Conversation] = {}
        self._seeds: dict[str, int] = {}

    def spec(self) -> PolicySpec:
        return PolicySpec(
            name="openai",
            model=self.model,
            revision=self.revision,
            sampling=self.sampling,
            kwargs={"base_url": self.base_url, **self.options},
        )

    def start(self, key: str, env: gymnasium.Env[str, str], task: TaskSpec, seed: int) -> None:
        self._chats[key] = start_conversation(env)
        self._seeds[key] = seed

    def act(self, turns: Sequence[Turn]) -> list[Action]:
        return self._loop.run_until_complete(self._act_all(turns))

    def end(self, key: str) -> None:
        self._chats.pop(key, None)
        self._seeds.pop(key, None)

    def close(self) -> None:
        self._chats.clear()
        if self._client is not None:
            self._loop.run_until_complete(self._client.close())
            self._client = None
        if not self._loop.is_closed():
            self._loop.close()

    # -- requests -------------------------------------------------------------------------
    async def _act_all(self, turns: Sequence[Turn]) -> list[Action]:
        if self._client is None:
            from openai import AsyncOpenAI

            # Retries are ours (counted and recorded), so the client's own are off.
            self._client = AsyncOpenAI(base_url=self.base_url, api_key=self._api_key, max_retries=0)
        gate = asyncio.Semaphore(self.options["concurrency"])

        async def one(turn: Turn) -> Action:
            async with gate:
                return await self._act_one(turn)

        return list(await asyncio.gather(*(one(t) for t in turns)))

    def _request(self, chat: Conversation, seed: int) -> dict[str, Any]:
        body: dict[str, Any] = {}
        request: dict[str, Any] = {
            "model": self.model,
            "messages": chat.window(self.options["max_history_turns"]),
            "seed": turn_seed(seed, chat.turns),
            "timeout": self.options["timeout_s"],
        }
        for key, value in self.sampling.items():
            if key == "n_logprobs":
                request["top_logprobs"] = int(value)
            elif key in _OPENAI_SAMPLING:
                request[key] = value
            else:
                body[key] = value
        if self.options["logprobs"]:
            request["logprobs"] = True
        if self.options["token_ids"]:
            body["return_token_ids"] = True
        if chat.tools and self.options["use_tools"]:
            request["tools"] = chat.tools
        if body:
            request["extra_body"] = body
        return request

    async def _act_one(self, turn: Turn) -> Action:
        import openai

        chat = self._chats[turn.key]
        chat.add_observation(turn.observation)
        request = self._request(chat, self._seeds[turn.key])
        retries = 0
        while True:
            try:
                response = await self._client.chat.completions.create(**request)
                break
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                error: Exception = exc
            except openai.APIStatusError as exc:
                if exc.status_code < 500 and exc.status_code not in _RETRY_STATUS:
                    return Action("", error=f"server refused the request: {exc}")
                error = exc
            if retries >= self.options["max_retries"]:
                return Action("", error=f"{type(error).__name__} after {retries} retries: {error}")
            await asyncio.sleep(self.options["backoff_s"] * 2**retries)
            retries += 1
        return _to_action(chat, response, retries)


def _to_action(chat: Conversation, response: Any, retries: int) -> Action:
    """The action text (a tool call or the message text) and its metadata."""
    if not response.choices:
        return Action("", error="the server returned no choices")
    choice = response.choices[0]
    message = choice.message
    calls = list(message.tool_calls or [])
    if calls:
        first = calls[0].function
        text = chat.add_tool_call(calls[0].id, first.name, first.arguments, message.content)
        if len(calls) > 1:  # the env takes one call per step and says so
            text = "[" + ", ".join(_call_json(c) for c in calls) + "]"
    else:
        text = message.content or ""
        chat.add_text_action(text)
    content = getattr(choice.logprobs, "content", None) if choice.logprobs else None
    choice_extra = choice.model_extra or {}
    response_extra = response.model_extra or {}
    output = PolicyOutput(
        prompt_token_ids=response_extra.get("prompt_token_ids")
        or choice_extra.get("prompt_token_ids"),
        completion_token_ids=choice_extra.get("token_ids"),
        logprobs=[float(t.logprob) for t in content] if content else None,
        finish_reason=choice.finish_reason,
        infra_retries=retries,
    )
    return Action(text, output)


def _call_json(call: Any) -> str:
    return json.dumps({"name": call.function.name, "arguments": call.function.arguments})
