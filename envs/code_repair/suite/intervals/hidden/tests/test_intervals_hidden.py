from intervals import Interval, IntervalSet


def test_hidden_interval_roundtrip():
    iv = Interval(-4, 6)
    left, right = iv.split(iv.midpoint())
    assert left.length + right.length == iv.length
    assert left.hull(right) == iv
    assert iv.shift(4).scale(2) == Interval(0, 20)


def test_hidden_overlap_agrees_with_intersect():
    cases = [(0, 3, 2, 5), (0, 3, 3, 5), (4, 9, 0, 5), (1, 2, 0, 9), (0, 0, 0, 4)]
    for a, b, c, d in cases:
        x, y = Interval(a, b), Interval(c, d)
        assert x.overlaps(y) == (x.intersect(y) is not None)


def test_hidden_distance_and_touch():
    assert Interval(0, 1).distance(Interval(3, 4)) == 2
    assert not Interval(0, 1).touches(Interval(3, 4))
    assert Interval(-3, -1).touches(Interval(-1, 0))


def test_hidden_chunks_cover():
    pieces = Interval(5, 18).chunks(5)
    assert IntervalSet(pieces) == IntervalSet([Interval(5, 18)])
    assert [p.length for p in pieces] == [5, 5, 3]


def test_hidden_set_algebra():
    a = IntervalSet([Interval(0, 4), Interval(8, 12)])
    b = IntervalSet([Interval(2, 10)])
    inter = a.intersection(b)
    assert inter.size == 4
    assert a.union(b) == IntervalSet([Interval(0, 12)])
    assert a.complement(Interval(0, 12)) == IntervalSet([Interval(4, 8)])
    assert sum(1 for x in range(-2, 14) if a.contains(x)) == a.size


def test_hidden_subtract_middle_of_many():
    s = IntervalSet([Interval(0, 3), Interval(5, 9), Interval(12, 14)])
    out = s.subtract(Interval(2, 13))
    assert list(out) == [Interval(0, 2), Interval(13, 14)]
    assert out.gaps() == [Interval(2, 13)]
