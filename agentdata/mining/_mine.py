"""`mine`: check the request, select in SQL, build samples, write the export and its card."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from agentdata.errors import ConfigError, NotFoundError
from agentdata.mining import _miner as miner
from agentdata.mining._card import render_card
from agentdata.mining._difficulty import declared_difficulties
from agentdata.mining._export import ExportReport, Reexecute, write_export
from agentdata.mining._kinds import KINDS, Sample
from agentdata.mining._queries import Selection, stream, task_ids_select
from agentdata.schemas import ERROR_TYPES, FAILURE_KINDS
from agentdata.store import Store
from agentdata.store._models import Episode


@dataclass(frozen=True)
class MineRequest:
    """One `agentdata mine` invocation."""

    run_id: str
    kind: str
    out: Path
    fmt: str = "jsonl"
    env_ids: Sequence[str] = ()
    error_types: Sequence[str] = ()
    difficulties: Sequence[int] = ()
    balance: bool = False
    force: bool = False
    dedupe: bool = True
    drop_always_solved: bool = False
    """curriculum: leave out tasks every sample solved."""
    drop_never_solved: bool = False
    """curriculum: leave out tasks no sample solved."""


def mine(store: Store, req: MineRequest, *, reexecute: Reexecute | None = None) -> ExportReport:
    """Mine `req.kind` samples of a run into `req.out`; `reexecute` enables --verify."""
    if req.kind not in KINDS:
        raise ConfigError(f"unknown kind {req.kind!r}; kinds: {', '.join(KINDS)}")
    known = (*ERROR_TYPES, *FAILURE_KINDS)
    unknown = sorted(set(req.error_types) - set(known))
    if unknown:
        raise ConfigError(f"unknown error type(s) {unknown}; known: {', '.join(known)}")
    run = store.get_run(req.run_id)
    if run is None:
        raise NotFoundError(f"no run {req.run_id!r} in {store.url}")
    with store.engine.connect() as conn:
        envs = set(conn.scalars(select(Episode.env_id).where(Episode.run_id == run.id).distinct()))
    missing = sorted(set(req.env_ids) - envs)
    if missing:
        raise ConfigError(f"run {run.id!r} has no episodes of {missing}; it has {sorted(envs)}")
    sel = Selection(run.id, tuple(req.env_ids), tuple(req.error_types))
    tasks = [r.task_id for r in stream(store.engine, task_ids_select(sel))]
    difficulty = declared_difficulties(run.env_id, run.env_kwargs, tasks)
    if req.difficulties:
        wanted = set(req.difficulties)
        sel = Selection(sel.run_id, sel.env_ids, sel.error_types,
                        [t for t in tasks if difficulty.get(t) in wanted])  # fmt: skip
    samples = miner.samples(
        store.engine, sel, req.kind, difficulty.get, k=max(1, run.samples_per_task)
    )
    if req.kind == "curriculum":
        samples = _curriculum_order(samples, req)
    filters = ", ".join(
        f"{name}={','.join(map(str, values))}"
        for name, values in (("env", req.env_ids), ("error_type", req.error_types),
                             ("difficulty", req.difficulties))
        if values
    )  # fmt: skip
    # --verify re-executes episodes (environments, sandboxes): the collector stays on for them
    with _collector_paused() if reexecute is None else contextlib.nullcontext():
        return write_export(
            samples,
            kind=req.kind,
            out=req.out,
            fmt=req.fmt,
            force=req.force,
            dedupe=req.dedupe,
            balance=req.balance,
            reexecute=reexecute,
            card=lambda report: render_card(
                report, run_id=run.id, verified=reexecute is not None, filters=filters
            ),
        )


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while mining streams: it builds millions of
    short-lived, acyclic rows and messages (reference counting frees them), and the collector
    re-scanning them, with every object the environments imported, was a quarter of mining's
    CPU time. It is switched back on afterwards, also when mining fails."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _curriculum_order(samples: Iterator[Sample], req: MineRequest) -> Iterator[Sample]:
    """Tasks easiest first (pass rate, then declared difficulty); optionally drop extremes."""
    rows = []
    for sample in samples:
        rate = float(sample.row["pass_rate"])
        if (req.drop_always_solved and rate == 1.0) or (req.drop_never_solved and rate == 0.0):
            continue
        rows.append(sample)
    rows.sort(key=lambda s: (-float(s.row["pass_rate"]), s.difficulty or 0, str(s.row["task_id"])))
    yield from rows
