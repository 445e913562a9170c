"""Half-open integer intervals and sets of them."""

from intervals.interval import Interval, IntervalError
from intervals.intervalset import IntervalSet

__all__ = ["Interval", "IntervalError", "IntervalSet"]
