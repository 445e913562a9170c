import pytest
from inventory import Line, apply_discount, bulk_price, order_total, split_evenly, tax
from inventory.pricing import round_half_up


def test_line_subtotal():
    assert Line("a", 3, 250).subtotal == 750


def test_round_half_up():
    assert round_half_up(5, 2) == 3
    assert round_half_up(7, 3) == 2
    assert round_half_up(8, 3) == 3
    assert round_half_up(0, 7) == 0
    assert round_half_up(10, 5) == 2


def test_apply_discount():
    assert apply_discount(1000, 10) == 900
    assert apply_discount(999, 10) == 899
    assert apply_discount(1000, 0) == 1000
    assert apply_discount(1000, 100) == 0
    assert apply_discount(5, 50) == 2


def test_apply_discount_range():
    with pytest.raises(ValueError):
        apply_discount(100, -1)
    with pytest.raises(ValueError):
        apply_discount(100, 101)


def test_bulk_price_tiers():
    tiers = [(10, 5), (50, 10), (100, 15)]
    assert bulk_price(100, 9, tiers) == 900
    assert bulk_price(100, 10, tiers) == 950
    assert bulk_price(100, 50, tiers) == 4500
    assert bulk_price(100, 120, tiers) == 10200
    assert bulk_price(100, 120, list(reversed(tiers))) == 10200


def test_tax():
    assert tax(1000, 80) == 80
    assert tax(1005, 100) == 101
    assert tax(1234, 0) == 0


def test_order_total():
    lines = [Line("a", 2, 500), Line("b", 1, 250)]
    assert order_total(lines) == 1250
    assert order_total(lines, discount_percent=20) == 1000
    assert order_total(lines, discount_percent=20, rate_permille=75) == 1075
    assert order_total([]) == 0


def test_split_evenly():
    assert split_evenly(100, 3) == [34, 33, 33]
    assert split_evenly(101, 3) == [34, 34, 33]
    assert split_evenly(99, 3) == [33, 33, 33]
    assert split_evenly(5, 1) == [5]
    with pytest.raises(ValueError):
        split_evenly(5, 0)
