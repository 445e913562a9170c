"""The scripted policy keeps actions as text, however the CLI decoded `--policy-arg`."""

from __future__ import annotations

from agentdata.cli._common import parse_kv
from agentdata.policies import make_policy
from agentdata.policies._scripted import ScriptedPolicy


def scripted(arg: str) -> list[str]:
    policy = make_policy("scripted", parse_kv([arg], "--policy-arg"))
    assert isinstance(policy, ScriptedPolicy)
    return policy.actions


def test_one_json_action_stays_one_text_action() -> None:
    assert scripted('actions={"tool": "submit"}') == ['{"tool": "submit"}']


def test_separated_and_listed_actions() -> None:
    assert scripted('actions={"tool": "a"}||{"tool": "submit"}') == [
        '{"tool": "a"}',
        '{"tool": "submit"}',
    ]
    assert scripted('actions=[{"tool": "a"}, "plain text", 42]') == [
        '{"tool": "a"}',
        "plain text",
        "42",
    ]
    assert scripted("actions=42") == ["42"]
    assert scripted("actions=answer: 7") == ["answer: 7"]
