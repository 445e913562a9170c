import pytest
from intervals import Interval, IntervalError


def test_length_and_empty():
    assert Interval(2, 7).length == 5
    assert Interval(3, 3).length == 0
    assert Interval(3, 3).is_empty()
    assert not Interval(3, 4).is_empty()


def test_bounds_out_of_order_rejected():
    with pytest.raises(IntervalError):
        Interval(5, 4)


def test_contains_is_half_open():
    iv = Interval(0, 3)
    assert iv.contains(0)
    assert iv.contains(2)
    assert not iv.contains(3)
    assert not iv.contains(-1)


def test_overlaps():
    assert Interval(0, 5).overlaps(Interval(4, 9))
    assert Interval(4, 9).overlaps(Interval(0, 5))
    assert not Interval(0, 5).overlaps(Interval(5, 9))
    assert not Interval(0, 5).overlaps(Interval(2, 2))


def test_touches_adjacent():
    assert Interval(0, 5).touches(Interval(5, 9))
    assert Interval(5, 9).touches(Interval(0, 5))
    assert not Interval(0, 4).touches(Interval(5, 9))


def test_intersect():
    assert Interval(0, 5).intersect(Interval(3, 9)) == Interval(3, 5)
    assert Interval(3, 9).intersect(Interval(0, 5)) == Interval(3, 5)
    assert Interval(0, 5).intersect(Interval(5, 9)) is None
    assert Interval(0, 10).intersect(Interval(2, 4)) == Interval(2, 4)


def test_hull():
    assert Interval(0, 2).hull(Interval(5, 9)) == Interval(0, 9)
    assert Interval(5, 9).hull(Interval(0, 2)) == Interval(0, 9)


def test_shift():
    assert Interval(1, 4).shift(3) == Interval(4, 7)
    assert Interval(1, 4).shift(-1) == Interval(0, 3)


def test_scale():
    assert Interval(1, 4).scale(3) == Interval(3, 12)
    assert Interval(1, 4).scale(0) == Interval(0, 0)
    with pytest.raises(IntervalError):
        Interval(1, 4).scale(-2)


def test_split_inside_and_clamped():
    assert Interval(0, 10).split(4) == (Interval(0, 4), Interval(4, 10))
    assert Interval(0, 10).split(-3) == (Interval(0, 0), Interval(0, 10))
    assert Interval(0, 10).split(12) == (Interval(0, 10), Interval(10, 10))


def test_midpoint():
    assert Interval(0, 10).midpoint() == 4
    assert Interval(0, 9).midpoint() == 4
    assert Interval(7, 8).midpoint() == 7
    with pytest.raises(IntervalError):
        Interval(2, 2).midpoint()


def test_distance():
    assert Interval(0, 3).distance(Interval(7, 9)) == 4
    assert Interval(7, 9).distance(Interval(0, 3)) == 4
    assert Interval(0, 5).distance(Interval(5, 6)) == 0
    assert Interval(0, 5).distance(Interval(2, 3)) == 0


def test_chunks():
    assert Interval(0, 10).chunks(4) == [Interval(0, 4), Interval(4, 8), Interval(8, 10)]
    assert Interval(0, 8).chunks(4) == [Interval(0, 4), Interval(4, 8)]
    assert Interval(3, 3).chunks(2) == []
    with pytest.raises(IntervalError):
        Interval(0, 3).chunks(0)


def test_ordering():
    assert sorted([Interval(3, 4), Interval(0, 9), Interval(0, 2)]) == [
        Interval(0, 2),
        Interval(0, 9),
        Interval(3, 4),
    ]
