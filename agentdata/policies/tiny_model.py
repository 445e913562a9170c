"""A tiny random-weight Llama chat model, built locally, for tests and benches of LLM policies.

No model hub is needed: the tokenizer (byte-level BPE) is trained here on the envs' own
prompts, gets a chat template, and the model is a 2-layer Llama with random weights
(head_dim 64, which vLLM's CPU attention supports). Its output is gibberish, so most steps
are typed parse failures; the whole generation, recording and replay path is real.
Needs `transformers` and `tokenizers` (both come with the `vllm` extra).
"""

from __future__ import annotations

from pathlib import Path

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}<|end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
SPECIAL_TOKENS = ["<|end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|tool|>", "<|pad|>"]


def _corpus() -> list[str]:
    from agentdata.envs.code_repair.tools import SYSTEM_PROMPT as CODE_PROMPT
    from agentdata.envs.logic.prompt import SYSTEM_PROMPT as LOGIC_PROMPT
    from agentdata.envs.math.prompt import SYSTEM_PROMPT as MATH_PROMPT

    lines = [MATH_PROMPT, LOGIC_PROMPT, CODE_PROMPT]
    lines += [f"step compute: {a} + {b} = {a + b}" for a in range(40) for b in range(0, 40, 7)]
    lines += [f"answer: {n}" for n in range(100)]
    lines += ["Solve for x: 3x + 1 = 16", "The claim is false.", '{"tool": "submit"}']
    return lines


def build_tiny_chat_model(
    directory: str | Path,
    *,
    vocab_size: int = 512,
    hidden_size: int = 128,
    layers: int = 2,
    heads: int = 2,
    seed: int = 0,
) -> Path:
    """Write tokenizer + config + random weights to `directory`; returns it."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(_corpus(), trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|end|>", pad_token="<|pad|>", bos_token="<|system|>"
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(out)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 2,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads,
        head_dim=hidden_size // heads,
        max_position_embeddings=4096,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        torch_dtype="bfloat16",
    )
    model = LlamaForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(out)
    return out
