from intervals import Interval, IntervalSet
from intervals.intervalset import merge


def test_merge_overlapping_and_adjacent():
    parts = [Interval(5, 8), Interval(0, 2), Interval(1, 3), Interval(8, 9)]
    assert merge(parts) == [Interval(0, 3), Interval(5, 9)]


def test_merge_drops_empty_and_keeps_gaps():
    assert merge([Interval(4, 4), Interval(0, 1), Interval(2, 3)]) == [
        Interval(0, 1),
        Interval(2, 3),
    ]


def test_merge_contained():
    assert merge([Interval(0, 10), Interval(2, 3)]) == [Interval(0, 10)]


def test_size_and_len():
    s = IntervalSet([Interval(0, 3), Interval(10, 12)])
    assert s.size == 5
    assert len(s) == 2
    assert IntervalSet().size == 0


def test_contains():
    s = IntervalSet([Interval(0, 3), Interval(10, 12), Interval(20, 21)])
    assert s.contains(0)
    assert s.contains(2)
    assert not s.contains(3)
    assert s.contains(11)
    assert not s.contains(12)
    assert s.contains(20)
    assert not s.contains(15)
    assert not s.contains(-5)


def test_add_and_union():
    s = IntervalSet([Interval(0, 3)]).add(Interval(3, 5))
    assert list(s) == [Interval(0, 5)]
    u = s.union(IntervalSet([Interval(8, 9)]))
    assert list(u) == [Interval(0, 5), Interval(8, 9)]


def test_intersection():
    a = IntervalSet([Interval(0, 5), Interval(10, 15)])
    b = IntervalSet([Interval(3, 12)])
    assert list(a.intersection(b)) == [Interval(3, 5), Interval(10, 12)]
    assert list(b.intersection(a)) == [Interval(3, 5), Interval(10, 12)]


def test_subtract():
    s = IntervalSet([Interval(0, 10)])
    assert list(s.subtract(Interval(3, 5))) == [Interval(0, 3), Interval(5, 10)]
    assert list(s.subtract(Interval(0, 10))) == []
    assert list(s.subtract(Interval(20, 30))) == [Interval(0, 10)]


def test_gaps():
    s = IntervalSet([Interval(0, 2), Interval(5, 6), Interval(9, 12)])
    assert s.gaps() == [Interval(2, 5), Interval(6, 9)]
    assert IntervalSet([Interval(0, 2)]).gaps() == []


def test_complement():
    s = IntervalSet([Interval(2, 4), Interval(6, 7)])
    assert list(s.complement(Interval(0, 10))) == [
        Interval(0, 2),
        Interval(4, 6),
        Interval(7, 10),
    ]


def test_span_and_equality():
    s = IntervalSet([Interval(6, 7), Interval(2, 4)])
    assert s.span() == Interval(2, 7)
    assert IntervalSet().span() is None
    assert s == IntervalSet([Interval(2, 3), Interval(3, 4), Interval(6, 7)])
    assert s != IntervalSet([Interval(2, 4)])
    assert repr(s) == "IntervalSet([2, 4), [6, 7))"
