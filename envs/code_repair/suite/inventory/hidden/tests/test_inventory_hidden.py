from inventory import Inventory, Line, apply_discount, bulk_price, order_total, split_evenly, tax


def test_hidden_ledger_conservation():
    inv = Inventory()
    inv.receive("bolt", 7, 12)
    inv.receive("bolt", 4, 15)
    inv.receive("nut", 2, 3)
    before = inv.value()
    shipped = inv.ship("bolt", 9)
    assert shipped == 7 * 12 + 2 * 15
    assert inv.value() == before - shipped
    assert inv.quantity("bolt") == 2
    assert inv.average_cost("bolt") == 15


def test_hidden_many_small_shipments():
    inv = Inventory()
    inv.receive("x", 3, 10)
    inv.receive("x", 3, 20)
    costs = [inv.ship("x", 1) for _ in range(6)]
    assert costs == [10, 10, 10, 20, 20, 20]
    assert inv.skus() == []
    assert inv.low_stock(1) == ["x"]


def test_hidden_pricing_consistency():
    assert sum(split_evenly(1000, 7)) == 1000
    assert max(split_evenly(1000, 7)) - min(split_evenly(1000, 7)) == 1
    assert bulk_price(250, 4, []) == 1000
    assert apply_discount(333, 33) == 223
    assert tax(999, 125) == 125


def test_hidden_order_total_rounding():
    lines = [Line("p", 3, 333), Line("q", 1, 1)]
    assert order_total(lines, 15, 60) == 901
