"""Order pricing in integer cents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One order line: quantity of a product at a unit price in cents."""

    sku: str
    quantity: int
    unit_price: int

    @property
    def subtotal(self) -> int:
        """Quantity times unit price."""
        return self.quantity * self.unit_price


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves up (non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def apply_discount(amount: int, percent: int) -> int:
    """Amount reduced by `percent` (0-100), rounded half up to a cent."""
    if percent < 0 or percent > 100:
        raise ValueError("percent must be between 0 and 100")
    return amount - round_half_up(amount * percent, 100)


def bulk_price(unit_price: int, quantity: int, tiers: list[tuple[int, int]]) -> int:
    """Line price with the best tier discount: tiers are (min quantity, percent)."""
    percent = 0
    for min_quantity, tier_percent in tiers:
        if quantity >= min_quantity and tier_percent > percent:
            percent = tier_percent
    return apply_discount(unit_price * quantity, percent)


def tax(amount: int, rate_permille: int) -> int:
    """Tax on amount at a rate in thousandths, rounded half up."""
    return round_half_up(amount * rate_permille, 1000)


def order_total(lines: list[Line], discount_percent: int = 0, rate_permille: int = 0) -> int:
    """Subtotal, less the order discount, plus tax on the discounted amount."""
    subtotal = sum(line.subtotal for line in lines)
    discounted = apply_discount(subtotal, discount_percent)
    return discounted + tax(discounted, rate_permille)


def split_evenly(amount: int, parts: int) -> list[int]:
    """Split amount into `parts` shares differing by at most one cent, larger first."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    share, extra = divmod(amount, parts)
    return [share + 1 if i < extra else share for i in range(parts)]
