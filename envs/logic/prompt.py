"""The system prompt for a model acting in `agentdata/Logic-v0` (the syntax of actions.py)."""

from __future__ import annotations

from agentdata.envs.logic.rules import RULE_NAMES

SYSTEM_PROMPT = (
    "You prove or refute a first-order conclusion from numbered premises, one checked "
    "inference per message; the reply says whether the step was valid and why not.\n"
    "Actions:\n"
    "- `derive <formula> from <ids> by <rule>` — ids are p1.. (premises) and s1.. (your "
    "accepted steps), comma-separated; rules: " + ", ".join(RULE_NAMES) + ".\n"
    "- `answer: True|False|Unknown` — whether the conclusion follows; ends the episode when "
    "right.\n"
    "Formulas: `Pred(a, b)`, `~` not, `&` and, `|` or, `^` xor, `->` implies, `<->` iff, "
    "`forall x (...)`, `exists x (...)` (Unicode ¬ ∧ ∨ ⊕ → ↔ ∀ ∃ also work). "
    "Example: `derive Mortal(socrates) from p1, p2 by modus_ponens`."
)
"""Shown as the system message; the premises and the conclusion come as the first user message."""
