"""Episodes as chat: the shapes TRL's trainers read (conversational messages, prompt/completion).

An episode is a conversation: a system turn naming the environment, the user turn with the
problem (the reset observation), then per step the assistant's action and the environment's
feedback (the observation) as a user turn.
"""

from __future__ import annotations

from agentdata.mining._views import EpisodeView, StepView

Message = dict[str, str]


def system_prompt(env_id: str) -> str:
    """The system turn of every exported conversation."""
    return (
        f"You are solving a task in the {env_id} environment. Reply with one action per turn; "
        "the environment answers with feedback on it."
    )


def opening(episode: EpisodeView) -> list[Message]:
    """System and user (problem) turns."""
    return [
        {"role": "system", "content": system_prompt(episode.env_id)},
        {"role": "user", "content": episode.initial_observation},
    ]


def turns(steps: list[StepView], *, last_feedback: bool = True) -> list[Message]:
    """Assistant action + environment feedback per step (feedback of the last one optional)."""
    out: list[Message] = []
    for i, step in enumerate(steps):
        out.append({"role": "assistant", "content": step.action})
        if last_feedback or i < len(steps) - 1:
            out.append({"role": "user", "content": step.observation})
    return out


def turn_pairs(steps: list[StepView]) -> list[tuple[Message, Message]]:
    """(assistant action, user feedback) per step, rendered once per episode: the samples of
    its cycles slice them instead of re-rendering the shared prefix for every cycle."""
    return [
        ({"role": "assistant", "content": s.action}, {"role": "user", "content": s.observation})
        for s in steps
    ]


def pair_turns(
    pairs: list[tuple[Message, Message]], start: int, stop: int, *, last_feedback: bool = True
) -> list[Message]:
    """`turns(steps[start:stop], last_feedback=...)` from pre-rendered `turn_pairs`."""
    out = [message for pair in pairs[start:stop] for message in pair]
    if out and not last_feedback:
        out.pop()
    return out


def reflection(step: StepView) -> str:
    """A short reflection naming the error, from the failed step's verdict and evidence."""
    verdict, failure = step.details()
    kind = step.error_type or failure.get("kind") or "error"
    message = str(verdict.get("message") or failure.get("message") or "").strip()
    evidence = verdict.get("evidence") or {}
    failing = evidence.get("failing") if isinstance(evidence, dict) else None
    detail = f" Failing tests: {', '.join(map(str, failing[:5]))}." if failing else ""
    said = f" {message.rstrip('.')}." if message else ""
    return f"Wait, that is wrong ({kind}).{said}{detail} Let me correct it."


def transcript(steps: list[StepView]) -> str:
    """The actions of `steps`, one per line (a completion in the standard text format)."""
    return "\n".join(step.action for step in steps)
