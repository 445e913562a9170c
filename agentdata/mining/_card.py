"""The data card written beside every export: counts, provenance and what was verified."""

from __future__ import annotations

from collections import Counter

from agentdata.mining._export import ExportReport

_HOW = {
    "correction": "the failed step's verdict was incorrect (or it failed with a typed failure) "
    "and the corrected step, linked to it by `retry_of`, passed its verifier",
    "reflection": "as for correction: the attempt failed verification, the fix passed",
    "dpo": "every `rejected` side ends in a step that failed verification and every `chosen` "
    "side in the step that passed it (the same sub-goal, linked by `retry_of`)",
    "steps": "each label is the recorded verdict of its step (false: failed or incorrect)",
    "positive": "the episode was solved and none of its steps failed",
    "groups": "rewards are the recorded episode rewards",
    "curriculum": "pass rates count the run's solved episodes per task",
}

_COLUMNS = {
    "correction": "`prompt`, `completion` (TRL conversational prompt-completion: loss on the "
    "completion, the corrected turns, only)",
    "reflection": "`prompt`, `completion` (one assistant turn: attempt, reflection, fix)",
    "dpo": "`prompt`, `chosen`, `rejected` (TRL conversational preference)",
    "steps": "`prompt`, `completions`, `labels` (TRL stepwise supervision)",
    "positive": "`messages` (TRL conversational language modeling; every turn verified)",
    "groups": "`task_id`, `prompt`, `completions`, `rewards`, `successes`",
    "curriculum": "`task_id`, `prompt`, `samples`, `successes`, `pass_rate`, `pass_at_1`, "
    "`pass_at_k`, `k`, `mean_reward`, ordered easiest first",
}


def _table(title: str, counts: Counter[str]) -> list[str]:
    lines = [f"| {title} | samples |", "|---|---|"]
    lines += [f"| {key} | {n} |" for key, n in sorted(counts.items())] or ["| — | 0 |"]
    return [*lines, ""]


def _refusals(refused: Counter[str]) -> str:
    if not refused:
        return "none"
    return ", ".join(
        f"{n} {reason} (text no UTF-8 file can hold)" for reason, n in sorted(refused.items())
    )


def render_card(report: ExportReport, *, run_id: str, verified: bool, filters: str) -> str:
    """Markdown data card of one export."""
    kind = report.kind
    lines = [
        f"# {report.path.name}: {kind} samples mined by agentdata",
        "",
        f"- run: `{run_id}`; filters: {filters or 'none'}",
        f"- samples: {report.samples} from {len(report.episodes)} episodes "
        f"({report.mined} mined, {report.duplicates} duplicates removed by normalised "
        f"content, {report.unbalanced} dropped by --balance, "
        f"{sum(report.refused.values())} refused: {_refusals(report.refused)})",
        f"- columns: {_COLUMNS[kind]}; every row also has `error_type`, `difficulty` and "
        "`provenance` (run, episode and step ids, env, task id and hash, verifiers with "
        "versions, policy spec, error type)",
        f"- verified as recorded: {_HOW[kind]}",
        (
            "- re-executed (--verify): every sample's episode was replayed up to its fix and "
            f"the claims re-checked; {report.unverified} samples no longer verified and were "
            "dropped"
            if verified
            else "- not re-executed (run with --verify to replay every fix before export)"
        ),
        "",
        *_table("env", report.by_env),
        *_table("difficulty", report.by_difficulty),
        *_table("error type", report.by_error_type),
    ]
    return "\n".join(lines)
