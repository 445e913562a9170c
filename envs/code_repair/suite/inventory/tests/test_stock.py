import pytest
from inventory import Inventory, StockError


def make():
    inv = Inventory()
    inv.receive("apple", 10, 30)
    inv.receive("apple", 5, 40)
    inv.receive("pear", 3, 100)
    return inv


def test_receive_and_quantity():
    inv = make()
    assert inv.quantity("apple") == 15
    assert inv.quantity("pear") == 3
    assert inv.quantity("plum") == 0


def test_receive_rejects_bad_input():
    inv = Inventory()
    with pytest.raises(StockError):
        inv.receive("x", 0, 10)
    with pytest.raises(StockError):
        inv.receive("x", 2, -1)
    inv.receive("x", 1, 0)
    assert inv.quantity("x") == 1


def test_ship_fifo_cost_within_first_lot():
    inv = make()
    assert inv.ship("apple", 4) == 120
    assert inv.quantity("apple") == 11


def test_ship_fifo_cost_across_lots():
    inv = make()
    assert inv.ship("apple", 12) == 10 * 30 + 2 * 40
    assert inv.quantity("apple") == 3
    assert inv.ship("apple", 3) == 120
    assert inv.quantity("apple") == 0


def test_ship_exact_lot_then_next():
    inv = make()
    assert inv.ship("apple", 10) == 300
    assert inv.ship("apple", 1) == 40


def test_ship_rejects():
    inv = make()
    with pytest.raises(StockError):
        inv.ship("apple", 16)
    with pytest.raises(StockError):
        inv.ship("apple", 0)
    with pytest.raises(StockError):
        inv.ship("plum", 1)
    assert inv.quantity("apple") == 15


def test_value():
    inv = make()
    assert inv.value("apple") == 10 * 30 + 5 * 40
    assert inv.value() == 500 + 300
    inv.ship("apple", 10)
    assert inv.value("apple") == 200


def test_average_cost():
    inv = make()
    assert inv.average_cost("apple") == 500 // 15
    assert inv.average_cost("pear") == 100
    with pytest.raises(StockError):
        inv.average_cost("plum")


def test_low_stock_and_skus():
    inv = make()
    assert inv.low_stock(5) == ["pear"]
    assert inv.low_stock(3) == []
    assert inv.low_stock(100) == ["apple", "pear"]
    inv.ship("pear", 3)
    assert inv.skus() == ["apple"]
