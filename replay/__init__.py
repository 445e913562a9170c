"""Deterministic replay of recorded episodes, step diffs, fork-from-step, determinism audit.

`replay_episode(store, id)` rebuilds the environment from the episode record alone, feeds
the recorded actions back and compares every step; `fork_episode` re-executes a prefix and
lets a policy continue; `run_audit` checks that every registered environment gives
byte-identical records across processes; `export_html` writes an offline page of an episode.
"""

from agentdata.replay._diff import Divergence, compare_steps
from agentdata.replay._rebuild import UNREPLAYABLE_CODES, EnvCache, Unreplayable, rebuild
from agentdata.replay._replayer import ReplayResult, replay_episode, replay_many

__all__ = [
    "UNREPLAYABLE_CODES",
    "Divergence",
    "EnvCache",
    "ReplayResult",
    "Unreplayable",
    "compare_steps",
    "rebuild",
    "replay_episode",
    "replay_many",
]
