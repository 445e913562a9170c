"""The oracle shared by the text environments: replay a reference solution, with fixable slips.

With `error_rate` p, each reference action is first sent wrong with probability p (while the
step budget leaves room for the fix); after the env's feedback the reference action follows,
so episodes hold fail->fix cycles. Every act draws the same numbers from the generator whatever
the feedback, so the stream (and the episode) depends only on the seed. Subclasses say how a
reference action goes wrong (`_mistake`).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from agentdata.schemas import TaskSpec


class ReplayOracle:
    """Base of the per-episode oracles (see `MathEnv.oracle`, `LogicEnv.oracle`)."""

    pick_range: ClassVar[tuple[int, int]] = (0, 1 << 30)
    """Bounds of the number drawn on every act and handed to `_mistake`."""
    neutral_is_failure: ClassVar[bool] = False
    """Whether a neutral verdict counts as a caught mistake."""

    def __init__(
        self,
        task: TaskSpec,
        rng: np.random.Generator,
        actions: list[str],
        *,
        error_rate: float,
        max_steps: int,
    ) -> None:
        if not 0.0 <= error_rate <= 1.0:
            raise ValueError(f"error_rate must be in [0, 1], got {error_rate}")
        self.task, self.rng, self.error_rate = task, rng, error_rate
        self.max_steps = max_steps
        self.actions = actions
        self.index = self.acts = 0
        self.fixing = False
        self.mistakes: list[str] = []

    def act(self, observation: str, info: dict[str, Any]) -> str:
        """Next action: the fix after a mistake, else the next reference action (maybe wrong)."""
        self.acts += 1
        draw = float(self.rng.random())  # always drawn: the stream does not depend on feedback
        pick = int(self.rng.integers(*self.pick_range))
        if self.fixing:
            self.fixing = False
            if not self._failed(info):
                self.mistakes.append("undetected")
            return self._next()
        if self.index >= len(self.actions):
            return self.actions[-1]
        remaining = len(self.actions) - self.index
        if draw < self.error_rate and self.acts + remaining <= self.max_steps:
            self.fixing = True
            return self._mistake(pick)
        return self._next()

    def _failed(self, info: dict[str, Any]) -> bool:
        verdict, failure = info.get("verdict"), info.get("failure")
        label = (
            verdict.get("label") if isinstance(verdict, dict) else getattr(verdict, "label", None)
        )
        if failure is not None or label == "incorrect":
            return True
        return self.neutral_is_failure and label != "correct"

    def _next(self) -> str:
        action = self.actions[min(self.index, len(self.actions) - 1)]
        self.index += 1
        self._sent(action)
        return action

    def _sent(self, action: str) -> None:
        """Hook: a reference action was sent (e.g. to track derived formulas)."""

    def _mistake(self, pick: int) -> str:
        """The current reference action, sent wrong (records its kind in `mistakes`)."""
        raise NotImplementedError
