"""Parquet schemas of every kind (explicit, so every batch and every file agree)."""

from __future__ import annotations

from typing import Any

from agentdata.errors import ConfigError
from agentdata.schemas.hashing import canonical_json


def pyarrow_module() -> Any:
    """pyarrow, or a clear error naming the extra that installs it."""
    try:
        import pyarrow
        import pyarrow.parquet  # registers the submodule
    except ImportError as exc:
        raise ConfigError(
            "--format parquet needs pyarrow: pip install 'agentdata[parquet]'"
        ) from exc
    return pyarrow


def schema(kind: str) -> Any:
    """The pyarrow schema of `kind`'s rows (column order as in the JSONL export)."""
    pa = pyarrow_module()
    text = pa.string()
    messages = pa.list_(pa.struct([("role", text), ("content", text)]))
    provenance = pa.struct(
        [
            ("run_id", text), ("episode_ids", pa.list_(text)), ("step_ids", pa.list_(pa.int64())),
            ("failed_step", pa.int64()), ("fix_step", pa.int64()), ("env_id", text),
            ("task_id", text), ("task_hash", text), ("verifiers", pa.list_(text)),
            ("policy", text), ("error_type", text), ("package_version", text),  # policy: JSON
        ]
    )  # fmt: skip
    columns: dict[str, list[tuple[str, Any]]] = {
        "correction": [("prompt", messages), ("completion", messages)],
        "reflection": [("prompt", messages), ("completion", messages)],
        "dpo": [("prompt", messages), ("chosen", messages), ("rejected", messages)],
        "steps": [("prompt", text), ("completions", pa.list_(text)),
                  ("labels", pa.list_(pa.bool_()))],
        "positive": [("messages", messages)],
        "groups": [("task_id", text), ("prompt", messages), ("completions", pa.list_(text)),
                   ("rewards", pa.list_(pa.float64())), ("successes", pa.list_(pa.bool_()))],
        "curriculum": [("task_id", text), ("prompt", text), ("samples", pa.int64()),
                       ("successes", pa.int64()), ("pass_rate", pa.float64()),
                       ("pass_at_1", pa.float64()), ("pass_at_k", pa.float64()),
                       ("k", pa.int64()), ("mean_reward", pa.float64())],
    }  # fmt: skip
    common = [("error_type", text), ("difficulty", pa.int64()), ("provenance", provenance)]
    return pa.schema(columns[kind] + common)


def typed_row(row: dict[str, Any]) -> dict[str, Any]:
    """`row` as the Parquet schema types it: the policy spec, an object of any keys (a JSON
    object in JSONL), becomes its canonical JSON text."""
    prov = row["provenance"]
    return {**row, "provenance": {**prov, "policy": canonical_json(prov["policy"])}}
