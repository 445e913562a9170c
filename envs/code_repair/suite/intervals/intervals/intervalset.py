"""Sets of integers stored as sorted, disjoint, non-adjacent intervals."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from intervals.interval import Interval


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort and merge overlapping or adjacent intervals; empty ones are dropped."""
    ordered = sorted(i for i in intervals if not i.is_empty())
    merged: list[Interval] = []
    for current in ordered:
        if merged and current.lo <= merged[-1].hi:
            last = merged.pop()
            merged.append(Interval(last.lo, max(last.hi, current.hi)))
        else:
            merged.append(current)
    return merged


class IntervalSet:
    """An immutable set of integers built from intervals."""

    def __init__(self, intervals: Iterable[Interval] = ()) -> None:
        self._parts = tuple(merge(intervals))

    def __iter__(self) -> Iterator[Interval]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IntervalSet):
            return NotImplemented
        return self._parts == other._parts

    def __hash__(self) -> int:
        return hash(self._parts)

    def __repr__(self) -> str:
        inner = ", ".join(f"[{p.lo}, {p.hi})" for p in self._parts)
        return f"IntervalSet({inner})"

    @property
    def size(self) -> int:
        """How many integers the set holds."""
        return sum(p.length for p in self._parts)

    def contains(self, x: int) -> bool:
        """True when x is in the set (binary search over the parts)."""
        lo, hi = 0, len(self._parts)
        while lo < hi:
            mid = (lo + hi) // 2
            part = self._parts[mid]
            if x < part.lo:
                hi = mid
            elif x >= part.hi:
                lo = mid + 1
            else:
                return True
        return False

    def add(self, interval: Interval) -> IntervalSet:
        """The set with `interval` added."""
        return IntervalSet([*self._parts, interval])

    def union(self, other: IntervalSet) -> IntervalSet:
        """All integers in either set."""
        return IntervalSet([*self._parts, *other._parts])

    def intersection(self, other: IntervalSet) -> IntervalSet:
        """Integers in both sets."""
        result = []
        i = j = 0
        while i < len(self._parts) and j < len(other._parts):
            common = self._parts[i].intersect(other._parts[j])
            if common is not None:
                result.append(common)
            if self._parts[i].hi < other._parts[j].hi:
                i += 1
            else:
                j += 1
        return IntervalSet(result)

    def subtract(self, interval: Interval) -> IntervalSet:
        """The set without the integers of `interval`."""
        result = []
        for part in self._parts:
            left, rest = part.split(interval.lo)
            _, right = rest.split(interval.hi)
            result.append(left)
            result.append(right)
        return IntervalSet(result)

    def gaps(self) -> list[Interval]:
        """The holes between consecutive parts, in order."""
        holes = []
        for before, after in zip(self._parts, self._parts[1:], strict=False):
            holes.append(Interval(before.hi, after.lo))
        return holes

    def complement(self, within: Interval) -> IntervalSet:
        """Integers of `within` that are not in the set."""
        remaining = IntervalSet([within])
        for part in self._parts:
            remaining = remaining.subtract(part)
        return remaining

    def span(self) -> Interval | None:
        """The hull of all parts, or None for the empty set."""
        if not self._parts:
            return None
        return Interval(self._parts[0].lo, self._parts[-1].hi)
