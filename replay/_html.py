"""`export-html`: one self-contained HTML page of an episode that works offline.

Everything is inline (CSS, no scripts, no fonts, no images, no links to the network); each
step is a collapsible `<details>` block whose summary shows index, verdict, failure, reward
and latency, so a long episode stays readable. Every recorded text is HTML-escaped.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from agentdata.schemas import EpisodeRecord, JsonValue, StepRecord
from agentdata.store import Store

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
h1{font-size:1.3em}table.meta td{padding:.1em .8em .1em 0;vertical-align:top}
pre{background:#f6f6f6;padding:.6em;white-space:pre-wrap;word-break:break-word;margin:.3em 0}
details{border:1px solid #ddd;border-radius:4px;margin:.4em 0;padding:.3em .6em}
summary{cursor:pointer;font-family:monospace}
.correct{color:#1a7f37}.incorrect{color:#cf222e}.neutral{color:#9a6700}
.failure{color:#cf222e;font-weight:bold}.label{font-weight:bold;margin-top:.5em}
.tree li{font-family:monospace}
"""


def _pre(value: JsonValue) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=2, sort_keys=True)
    return f"<pre>{escape(text)}</pre>"


def _header(episode: EpisodeRecord, children: list[EpisodeRecord]) -> str:
    rows = [
        ("episode", episode.id),
        ("run", f"{episode.run_id} (slot {episode.slot}, sample {episode.sample_index})"),
        ("environment", f"{episode.env_id} {json.dumps(episode.env_kwargs, sort_keys=True)}"),
        ("task", f"{episode.task_id} (hash {episode.task_hash[:16]})"),
        ("seed", str(episode.seed)),
        ("policy", json.dumps(episode.policy.model_dump(mode="json"), sort_keys=True)),
        ("status", episode.status),
        ("steps", str(episode.num_steps)),
        ("total reward", f"{episode.total_reward:g}"),
        ("success", str(episode.success)),
        ("package version", episode.package_version),
        ("started / ended", f"{episode.started_at} / {episode.ended_at}"),
    ]
    if episode.parent_id:
        rows.append(("forked from", f"{episode.parent_id} at step {episode.fork_step}"))
    if episode.error:
        rows.append(("error", episode.error))
    body = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in rows)
    tree = ""
    if children:
        items = "".join(
            f"<li>fork {escape(c.id)} at step {c.fork_step} ({escape(c.status)})</li>"
            for c in children
        )
        tree = f"<div class='label'>forks</div><ul class='tree'>{items}</ul>"
    return f"<table class='meta'>{body}</table>{tree}"


def _step(step: StepRecord) -> str:
    verdict = step.verdict
    label = verdict.label if verdict else "none"
    summary = [f"step {step.index}", f"<span class='{escape(label)}'>{escape(label)}</span>"]
    if verdict and verdict.error_type:
        summary.append(escape(verdict.error_type))
    if step.failure:
        summary.append(f"<span class='failure'>{escape(step.failure.kind)}</span>")
    summary.append(f"reward {step.reward:g}")
    if step.terminated:
        summary.append("terminated")
    if step.truncated:
        summary.append("truncated")
    if step.retry_of is not None:
        summary.append(f"retry of {step.retry_of}")
    parts = [
        "<div class='label'>action</div>",
        _pre(step.action_raw),
        "<div class='label'>parsed action</div>",
        _pre(step.action_parsed),
        "<div class='label'>observation</div>",
        _pre(step.observation),
    ]
    if verdict:
        parts += ["<div class='label'>verdict</div>", _pre(verdict.model_dump(mode="json"))]
    if step.failure:
        parts += ["<div class='label'>failure</div>", _pre(step.failure.model_dump(mode="json"))]
    lat = step.latency
    parts.append(
        "<div class='label'>retries / latency</div>"
        f"<pre>retry_of {step.retry_of}  infra_retries {step.infra_retries}\n"
        f"policy {lat.policy_s * 1e3:.2f} ms  env {lat.env_s * 1e3:.2f} ms  "
        f"verifier {lat.verifier_s * 1e3:.2f} ms</pre>"
    )
    parts.append(
        f"<div class='label'>state</div><pre>before {step.state_before}\n"
        f"after  {step.state_after}</pre>"
    )
    if step.info:
        parts += ["<div class='label'>info</div>", _pre(step.info)]
    if step.policy_output:
        parts += [
            "<div class='label'>policy output</div>",
            _pre(step.policy_output.model_dump(mode="json")),
        ]
    return f"<details><summary>{' · '.join(summary)}</summary>{''.join(parts)}</details>"


def episode_html(
    episode: EpisodeRecord, steps: list[StepRecord], children: list[EpisodeRecord]
) -> str:
    """The page as a string."""
    title = escape(f"agentdata episode {episode.id}")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1>{_header(episode, children)}"
        "<details open><summary>reset: initial observation</summary>"
        f"{_pre(episode.initial_observation)}<pre>state {escape(episode.initial_state)}</pre>"
        "</details>" + "".join(_step(s) for s in steps) + "</body></html>\n"
    )


def export_html(store: Store, episode_id: str, path: Path) -> Path:
    """Write the page of `episode_id` to `path` (NotFoundError for an unknown id)."""
    episode = store.get_episode(episode_id)
    steps = store.load_steps(episode_id)
    children = store.episodes(parent_id=episode_id)
    path.write_text(episode_html(episode, steps, children), encoding="utf-8")
    return path
