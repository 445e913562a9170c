"""Slot leases: how several workers on one run share its episodes without duplicates.

Each planned slot of a run has a row in `slots`. A worker claims free slots atomically
(`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the claim transaction writes
first, so it holds the database's write lock before it reads) and holds them under a
lease that a heartbeat renews. A slot is free when nobody holds it, its lease ran out, or
its holder is a process of this host that no longer exists (so a resume after a crash need
not wait for the lease). A slot is done when a finished episode of it exists.

Finish only if owner: a worker that stalled (alive, but silent past its lease) may find its
slot taken over when it resumes. The runner therefore commits a slot episode's steps and
final fields with the status still `running`, and `finish_owned` then flips the status in
one transaction that first re-checks (and row-locks) the slot's owner. An episode whose
slot another worker took over is kept, with every step and its outcome, as `incomplete`
with an `error` saying so (and a warning is logged): it is never counted as its slot's,
so each slot is finished once and nothing is dropped silently.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from agentdata.schemas import FINISHED_STATUSES
from agentdata.store._models import Episode, Slot, Step

_HOST = socket.gethostname()


def insert_ignore(conn: Connection, table: Any) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for the connection's dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def pid_alive(pid: int) -> bool:
    """True unless process `pid` of this host is gone (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _owner_gone(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    return host == _HOST and pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid))


@dataclass
class SlotLeases:
    """This worker's leases on the slots of one run."""

    engine: Engine
    run_id: str
    lease_s: float = 120.0
    owner: str = field(default_factory=lambda: f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}")

    def plan(self, n_slots: int) -> None:
        """Make sure slots 0..n_slots-1 exist (a slot's attempts start at its episode count)."""
        with self.engine.begin() as conn:
            have = set(conn.scalars(select(Slot.slot).where(Slot.run_id == self.run_id)))
            missing = [s for s in range(n_slots) if s not in have]
            if not missing:
                return
            counts = dict(
                conn.execute(
                    select(Episode.slot, func.count())
                    .where(Episode.run_id == self.run_id)
                    .group_by(Episode.slot)
                ).all()
            )
            conn.execute(
                insert_ignore(conn, Slot),
                [
                    {"run_id": self.run_id, "slot": s, "attempts": int(counts.get(s, 0))}
                    for s in missing
                ],
            )

    def claim(self, limit: int, n_slots: int) -> list[tuple[int, int]]:
        """Claim up to `limit` free, unfinished slots below `n_slots`: [(slot, attempt)].

        The claimed slots' `running` episodes (their worker died) become `incomplete`.
        """
        if limit <= 0:
            return []
        now = time.time()
        with self.engine.begin() as conn:
            self._renew(conn, now)  # first a write: SQLite then holds the write lock
            stmt = (
                select(Slot.slot, Slot.attempts)
                .where(
                    Slot.run_id == self.run_id,
                    Slot.slot < n_slots,
                    or_(
                        Slot.owner.is_(None),
                        Slot.lease_until < now,
                        Slot.owner.in_(self._gone_owners(conn, now)),
                    ),
                    ~self._finished(),
                )
                .order_by(Slot.slot)
                .limit(limit)
            )
            if conn.dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True, of=Slot)
            rows = [(int(s), int(a)) for s, a in conn.execute(stmt).all()]
            for slot, attempt in rows:
                conn.execute(
                    update(Slot)
                    .where(Slot.run_id == self.run_id, Slot.slot == slot)
                    .values(owner=self.owner, lease_until=now + self.lease_s, attempts=attempt + 1)
                )
            if rows:
                mark_incomplete(conn, self.run_id, [s for s, _ in rows])
        return rows

    def held_elsewhere(self, n_slots: int) -> int:
        """Unfinished slots below `n_slots` that other live workers hold."""
        now = time.time()
        with self.engine.connect() as conn:
            gone = self._gone_owners(conn, now)
            return int(
                conn.execute(
                    select(func.count()).where(
                        Slot.run_id == self.run_id,
                        Slot.slot < n_slots,
                        Slot.owner.is_not(None),
                        Slot.owner != self.owner,
                        Slot.lease_until >= now,
                        Slot.owner.not_in(gone) if gone else Slot.owner.is_not(None),
                        ~self._finished(),
                    )
                ).scalar_one()
            )

    def unfinished(self, n_slots: int) -> int:
        """Slots below `n_slots` without a finished episode (held by anyone, or by nobody)."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(
                        Slot.run_id == self.run_id, Slot.slot < n_slots, ~self._finished()
                    )
                ).scalar_one()
            )

    def finish_owned(self, finishes: list[tuple[str, int, str, str | None]]) -> list[str]:
        """Set the final status of each `(episode id, slot, status, error)` whose slot this
        worker still holds, in one transaction; returns the ids of the others (their slot was
        taken over: they become `incomplete`, see the module docstring). Their steps and
        final fields must be committed already."""
        if not finishes:
            return []
        with self.engine.begin() as conn:
            # a write first: SQLite's write lock, PostgreSQL's row locks on the slots
            held = set(
                conn.scalars(
                    update(Slot)
                    .where(
                        Slot.run_id == self.run_id,
                        Slot.owner == self.owner,
                        Slot.slot.in_(sorted({slot for _e, slot, _s, _r in finishes})),
                    )
                    .values(lease_until=time.time() + self.lease_s)
                    .returning(Slot.slot)
                )
            )
            by_status: dict[str, list[str]] = {}
            lost: list[str] = []
            for episode_id, slot, status, error in finishes:
                if slot in held:
                    by_status.setdefault(status, []).append(episode_id)
                    continue
                lost.append(episode_id)
                why = f"; it ended {status!r}" + (f": {error}" if error else "")
                message = (
                    f"not counted: slot {slot} was taken over by another worker after this "
                    f"worker's lease ran out{why}"
                )
                conn.execute(
                    update(Episode)
                    .where(Episode.id == episode_id)
                    .values(status="incomplete", error=message)
                )
            for status, ids in sorted(by_status.items()):
                conn.execute(update(Episode).where(Episode.id.in_(ids)).values(status=status))
        return lost

    def renew(self) -> None:
        """Extend the lease of every slot this worker holds."""
        with self.engine.begin() as conn:
            self._renew(conn, time.time())

    def release(self) -> None:
        """Give up every slot this worker holds (their unfinished episodes are crashed)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(Slot)
                .where(Slot.run_id == self.run_id, Slot.owner == self.owner)
                .values(owner=None, lease_until=None)
            )

    def _renew(self, conn: Connection, now: float) -> None:
        conn.execute(
            update(Slot)
            .where(Slot.run_id == self.run_id, Slot.owner == self.owner)
            .values(lease_until=now + self.lease_s)
        )

    def _gone_owners(self, conn: Connection, now: float) -> list[str]:
        owners = conn.scalars(
            select(Slot.owner)
            .distinct()
            .where(Slot.run_id == self.run_id, Slot.owner.is_not(None), Slot.lease_until >= now)
        )
        return [o for o in owners if o is not None and o != self.owner and _owner_gone(o)]

    def _finished(self) -> Any:
        return exists().where(
            and_(
                Episode.run_id == Slot.run_id,
                Episode.slot == Slot.slot,
                Episode.status.in_(sorted(FINISHED_STATUSES)),
            )
        )


def mark_incomplete(conn: Connection, run_id: str, slots: list[int] | None = None) -> list[str]:
    """Mark the run's `running` episodes (of `slots`, default all) `incomplete`; their ids.

    Their step counts are recounted from the steps that were committed.
    """
    stmt = select(Episode.id).where(Episode.run_id == run_id, Episode.status == "running")
    if slots is not None:
        stmt = stmt.where(Episode.slot.in_(slots))
    ids = list(conn.scalars(stmt.order_by(Episode.slot, Episode.id)))
    if not ids:
        return ids
    counts = dict(
        conn.execute(
            select(Step.episode_id, func.count())
            .where(Step.episode_id.in_(ids))
            .group_by(Step.episode_id)
        ).all()
    )
    for episode_id in ids:
        conn.execute(
            update(Episode)
            .where(Episode.id == episode_id)
            .values(status="incomplete", num_steps=int(counts.get(episode_id, 0)))
        )
    return ids


class Heartbeat:
    """Renews a worker's slot leases from a thread while its episodes run (steps may be
    slower than the lease)."""

    def __init__(self, leases: SlotLeases) -> None:
        self._leases = leases
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="agentdata-lease", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._leases.lease_s / 3):
            try:
                self._leases.renew()
            except Exception:  # a missed renewal is retried; the lease has slack for two
                continue

    def stop(self) -> None:
        """Stop renewing (the leases are then released or run out)."""
        self._stop.set()
        self._thread.join()
