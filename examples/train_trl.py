"""Train a few TRL SFT and DPO steps on a tiny local model from `agentdata mine` exports.

    agentdata mine --run demo --kind correction --out data/correction.jsonl
    agentdata mine --run demo --kind dpo --out data/dpo.jsonl
    python examples/train_trl.py --model PATH_TO_TINY_CAUSAL_LM \
        --sft data/correction.jsonl --dpo data/dpo.jsonl --steps 3

Needs torch, transformers and trl (`pip install -e '.[train]'` plus torch). The model is a
local directory (or a cached hub id) of a small causal LM with a chat template, trained in
float32. `--json` prints, per trainer, the mean training loss, the export rows read and the
optimizer steps taken. CI runs it (tests/llm/test_train_trl.py) on a tiny random Llama.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

TRL_COLUMNS = {"sft": ("prompt", "completion"), "dpo": ("prompt", "chosen", "rejected")}


def load(path: Path, trainer: str) -> Any:
    """The export as a `datasets.Dataset`, keeping the columns the trainer reads."""
    import datasets

    kind = "parquet" if path.suffix == ".parquet" else "json"
    data = datasets.load_dataset(kind, data_files=str(path), split="train")
    keep = TRL_COLUMNS[trainer]
    return data.remove_columns([c for c in data.column_names if c not in keep])


def train(
    model_path: str, sft: Path | None, dpo: Path | None, steps: int
) -> dict[str, dict[str, float]]:
    """A few optimizer steps of each trainer: per trainer its mean training loss, the rows
    of the export it read and the optimizer steps it took."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    report: dict[str, dict[str, float]] = {}
    common: dict[str, Any] = {"max_steps": steps, "per_device_train_batch_size": 2,
                              "logging_steps": 1, "report_to": [], "save_strategy": "no",
                              "use_cpu": not torch.cuda.is_available()}  # fmt: skip
    with tempfile.TemporaryDirectory() as out:
        if sft is not None:
            model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32)
            data = load(sft, "sft")
            trainer = SFTTrainer(
                model=model, processing_class=tokenizer, train_dataset=data,
                args=SFTConfig(output_dir=out, max_length=1024, **common),
            )  # fmt: skip
            result = trainer.train()
            report["sft"] = {"loss": float(result.training_loss), "rows": len(data),
                             "steps": result.global_step}  # fmt: skip
        if dpo is not None:
            model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32)
            data = load(dpo, "dpo")
            trainer = DPOTrainer(
                model=model, processing_class=tokenizer, train_dataset=data,
                args=DPOConfig(output_dir=out, max_length=1024, **common),
            )  # fmt: skip
            result = trainer.train()
            report["dpo"] = {"loss": float(result.training_loss), "rows": len(data),
                             "steps": result.global_step}  # fmt: skip
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="Local path (or cached id) of a tiny LM.")
    parser.add_argument("--sft", type=Path, help="A correction or reflection export.")
    parser.add_argument("--dpo", type=Path, help="A dpo export.")
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.sft is None and args.dpo is None:
        parser.error("give --sft and/or --dpo")
    report = train(args.model, args.sft, args.dpo, args.steps)
    print(
        json.dumps(report)
        if args.json
        else "\n".join(
            f"{k}: loss {v['loss']:.4f} after {v['steps']:.0f} steps over {v['rows']:.0f} rows"
            for k, v in report.items()
        )
    )


if __name__ == "__main__":
    main()
