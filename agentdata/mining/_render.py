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
