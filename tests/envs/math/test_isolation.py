"""The isolated worker: results, typed remote errors, timeouts that kill and restart."""

from __future__ import annotations

import operator
import os
import time

import pytest

from agentdata.envs.isolation import IsolatedWorker, RemoteError, VerifierTimeout, WorkerCrashed


def test_call_timeout_restart_and_close() -> None:
    worker = IsolatedWorker(timeout_s=1.0)
    try:
        assert worker.call(operator.add, 2, 3) == 5
        first = worker.pid
        assert first is not None
        started = time.perf_counter()
        with pytest.raises(VerifierTimeout):
            worker.call(time.sleep, 30)
        assert time.perf_counter() - started < 20
        assert not worker.alive and worker.restarts == 1
        assert worker.call(operator.mul, 6, 7) == 42  # a fresh worker
        assert worker.pid not in (None, first)
        with pytest.raises(RemoteError) as info:
            worker.call(int, "not a number")
        assert info.value.remote_type == "ValueError"
        assert worker.call(operator.neg, 1) == -1  # still usable after a remote error
        with pytest.raises(WorkerCrashed):
            worker.call(os._exit, 3)
        assert worker.call(abs, -4) == 4
    finally:
        worker.close()
    assert not worker.alive


def test_rejects_bad_timeout() -> None:
    with pytest.raises(ValueError):
        IsolatedWorker(timeout_s=0)
