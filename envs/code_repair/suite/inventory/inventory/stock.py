"""Stock kept per SKU as lots consumed first-in, first-out."""

from __future__ import annotations

from dataclasses import dataclass


class StockError(Exception):
    """Raised for unknown SKUs, bad quantities or insufficient stock."""


@dataclass
class Lot:
    """A quantity received at one unit cost (cents)."""

    quantity: int
    unit_cost: int


class Inventory:
    """Quantities and FIFO cost of every SKU."""

    def __init__(self) -> None:
        self._lots: dict[str, list[Lot]] = {}

    def receive(self, sku: str, quantity: int, unit_cost: int) -> None:
        """Add a lot of `quantity` units bought at `unit_cost` cents each."""
        if quantity <= 0:
            raise StockError("quantity must be positive")
        if unit_cost < 0:
            raise StockError("unit cost must not be negative")
        self._lots.setdefault(sku, []).append(Lot(quantity, unit_cost))

    def quantity(self, sku: str) -> int:
        """Units on hand (0 for an unknown SKU)."""
        return sum(lot.quantity for lot in self._lots.get(sku, []))

    def ship(self, sku: str, quantity: int) -> int:
        """Remove units, oldest lots first; return their total cost in cents."""
        if quantity <= 0:
            raise StockError("quantity must be positive")
        available = self.quantity(sku)
        if quantity > available:
            raise StockError(f"only {available} units of {sku} on hand")
        lots = self._lots[sku]
        cost = 0
        remaining = quantity
        while remaining > 0:
            lot = lots[0]
            take = min(lot.quantity, remaining)
            cost += take * lot.unit_cost
            lot.quantity -= take
            remaining -= take
            if lot.quantity == 0:
                lots.pop(0)
        return cost

    def value(self, sku: str | None = None) -> int:
        """Total cost of the units on hand, for one SKU or all."""
        skus = [sku] if sku is not None else sorted(self._lots)
        total = 0
        for name in skus:
            for lot in self._lots.get(name, []):
                total += lot.quantity * lot.unit_cost
        return total

    def average_cost(self, sku: str) -> int:
        """Average unit cost on hand, rounded down; error when none on hand."""
        units = self.quantity(sku)
        if units == 0:
            raise StockError(f"no units of {sku} on hand")
        return self.value(sku) // units

    def low_stock(self, threshold: int) -> list[str]:
        """SKUs with fewer than `threshold` units, sorted."""
        return sorted(sku for sku in self._lots if self.quantity(sku) < threshold)

    def skus(self) -> list[str]:
        """SKUs with units on hand, sorted."""
        return sorted(sku for sku, lots in self._lots.items() if lots)
