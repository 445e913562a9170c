"""A small stock ledger with FIFO costing and order pricing (amounts in integer cents)."""

from inventory.pricing import Line, apply_discount, bulk_price, order_total, split_evenly, tax
from inventory.stock import Inventory, Lot, StockError

__all__ = [
    "Inventory",
    "Line",
    "Lot",
    "StockError",
    "apply_discount",
    "bulk_price",
    "order_total",
    "split_evenly",
    "tax",
]
