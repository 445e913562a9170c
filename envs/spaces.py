"""A text space that admits any Unicode string up to a length."""

from __future__ import annotations

import string
from typing import Any

from gymnasium.spaces import Text

_SAMPLE_CHARSET = string.printable


class UnicodeText(Text):
    """`gymnasium.spaces.Text` whose `contains` accepts every Unicode string within the length.

    Observations echo file contents and agent text, which may hold any character; samples are
    still drawn from printable ASCII so `action_space.sample()` gives readable fuzz input.
    """

    def __init__(self, max_length: int, *, min_length: int = 0, seed: int | None = None) -> None:
        super().__init__(max_length, min_length=min_length, charset=_SAMPLE_CHARSET, seed=seed)

    def contains(self, x: Any) -> bool:
        """True for any `str` whose length is within the bounds."""
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def __repr__(self) -> str:
        return f"UnicodeText({self.min_length}, {self.max_length})"
