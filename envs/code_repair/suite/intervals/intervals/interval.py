"""A half-open interval [lo, hi) over integers."""

from __future__ import annotations

from dataclasses import dataclass


class IntervalError(ValueError):
    """Raised for an interval whose bounds are out of order."""


@dataclass(frozen=True, order=True)
class Interval:
    """The integers x with lo <= x < hi. An interval with lo == hi is empty."""

    lo: int
    hi: int

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            raise IntervalError(f"lo {self.lo} is greater than hi {self.hi}")

    @property
    def length(self) -> int:
        """Number of integers in the interval."""
        return self.hi - self.lo

    def is_empty(self) -> bool:
        """True when the interval holds no integer."""
        return self.lo == self.hi

    def contains(self, x: int) -> bool:
        """True when x lies in the interval."""
        return self.lo <= x < self.hi

    def overlaps(self, other: Interval) -> bool:
        """True when the two intervals share at least one integer."""
        if self.is_empty() or other.is_empty():
            return False
        return self.lo < other.hi and other.lo < self.hi

    def touches(self, other: Interval) -> bool:
        """True when the intervals overlap or are adjacent (no gap between them)."""
        return self.lo <= other.hi and other.lo <= self.hi

    def intersect(self, other: Interval) -> Interval | None:
        """The common part, or None when there is none."""
        lo = max(self.lo, other.lo)
        hi = min(self.hi, other.hi)
        if lo >= hi:
            return None
        return Interval(lo, hi)

    def hull(self, other: Interval) -> Interval:
        """The smallest interval that covers both."""
        return Interval(min(self.lo, other.lo), max(self.hi, other.hi))

    def shift(self, offset: int) -> Interval:
        """The interval moved by offset."""
        return Interval(self.lo + offset, self.hi + offset)

    def scale(self, factor: int) -> Interval:
        """Both bounds multiplied by a non-negative factor."""
        if factor < 0:
            raise IntervalError("factor must be non-negative")
        return Interval(self.lo * factor, self.hi * factor)

    def split(self, at: int) -> tuple[Interval, Interval]:
        """Two intervals [lo, at) and [at, hi); `at` is clamped into the interval."""
        point = min(max(at, self.lo), self.hi)
        return Interval(self.lo, point), Interval(point, self.hi)

    def midpoint(self) -> int:
        """The middle integer (rounded down) of a non-empty interval."""
        if self.is_empty():
            raise IntervalError("empty interval has no midpoint")
        return self.lo + (self.hi - self.lo - 1) // 2

    def distance(self, other: Interval) -> int:
        """Size of the gap between two intervals; 0 when they touch."""
        if self.hi <= other.lo:
            return other.lo - self.hi
        if other.hi <= self.lo:
            return self.lo - other.hi
        return 0

    def chunks(self, size: int) -> list[Interval]:
        """Consecutive pieces of at most `size` integers covering the interval."""
        if size <= 0:
            raise IntervalError("size must be positive")
        pieces = []
        for start in range(self.lo, self.hi, size):
            pieces.append(Interval(start, min(start + size, self.hi)))
        return pieces
