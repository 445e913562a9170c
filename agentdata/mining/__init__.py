"""Correction mining: verified training data (SFT, DPO, step labels, curricula) from the store.

`mine(store, MineRequest(...))` selects in SQL, streams one episode at a time, and writes an
export plus its data card atomically. Cycles follow the steps' `retry_of` links.
"""

from agentdata.mining._export import ExportReport, Reexecute
from agentdata.mining._kinds import KINDS, Sample
from agentdata.mining._mine import MineRequest, mine

__all__ = ["KINDS", "ExportReport", "MineRequest", "Reexecute", "Sample", "mine"]
