"""The OpenAI-compatible policy against a real vLLM server (tiny model) on 127.0.0.1.

Also its failure handling: a flaky front (every other request answered 503) is retried
with backoff and the retries are recorded on the steps; a dead server ends the episodes
as typed `policy_error` crashes after the retries, and the run still exits 0.
"""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentdata.store import Store
from tests.llm.conftest import rollout_json


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def vllm_server(tiny_model: Path) -> Iterator[str]:
    """`vllm serve` of the tiny model on 127.0.0.1; yields its /v1 base URL."""
    port = _free_port()
    log = open(tiny_model.parent / "server.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(tiny_model),
         "--host", "127.0.0.1", "--port", str(port), "--gpu-memory-utilization", "0.15",
         "--max-model-len", "1024", "--disable-log-stats", "--enforce-eager",
         "--distributed-executor-backend", "uni"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "VLLM_NO_USAGE_STATS": "1"},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 900
        while True:
            assert proc.poll() is None, (tiny_model.parent / "server.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5):
                    break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, "vLLM server did not start in 900 s"
                time.sleep(2)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers every other POST with 503; forwards the rest to the real server."""

    upstream = ""
    count = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with _Flaky.lock:
            _Flaky.count += 1
            fail = _Flaky.count % 2 == 1
        if fail:
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        request = urllib.request.Request(
            _Flaky.upstream + self.path.removeprefix("/v1"),
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as reply:
            data = reply.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def _run(db: str, base_url: str, model: Path, name: str, *extra: str) -> dict[str, object]:
    args = ["--db", db, "--env", "agentdata/Math-v0", "--policy", "openai", "--run", name]
    args += ["--episodes", "3", "--concurrency", "3", "--env-arg", "max_steps=2"]
    args += ["--policy-arg", f"base_url={base_url}", "--policy-arg", f"model={model}"]
    args += ["--policy-arg", "max_tokens=16", "--policy-arg", "backoff_s=0.05"]
    for arg in extra:
        args += ["--policy-arg", arg]
    return rollout_json(*args)


def test_openai_policy_against_vllm_server(
    vllm_server: str, tiny_model: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "openai.db")
    summary = _run(db, vllm_server, tiny_model, "direct", "token_ids=true", "concurrency=2")
    assert summary["episodes"] == 3
    _Flaky.upstream = vllm_server
    front = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=front.serve_forever, daemon=True).start()
    try:
        flaky_url = f"http://127.0.0.1:{front.server_address[1]}/v1"
        _run(db, flaky_url, tiny_model, "flaky", "max_retries=3")
    finally:
        front.shutdown()
    with Store.open(db) as store:
        direct, flaky = (store.episodes(r) for r in ("direct", "flaky"))
        for episode in direct:
            assert episode.status in ("terminated", "truncated")
            for step in store.load_steps(episode.id):
                out = step.policy_output
                assert out and out.completion_token_ids and out.prompt_token_ids
                assert out.logprobs and len(out.logprobs) == len(out.completion_token_ids)
                assert out.finish_reason in ("stop", "length") and out.infra_retries == 0
        retries = [
            s.policy_output.infra_retries
            for e in flaky
            for s in store.load_steps(e.id)
            if s.policy_output
        ]
        assert all(e.status in ("terminated", "truncated") for e in flaky)
        assert retries and sum(retries) >= len(retries) // 2 and max(retries) >= 1


def test_dead_server_is_a_typed_policy_error(tiny_model: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "dead.db")
    dead = f"http://127.0.0.1:{_free_port()}/v1"
    summary = _run(db, dead, tiny_model, "dead", "max_retries=2", "timeout_s=2")
    assert summary["success_rate"] == 0.0  # the run exits 0: every episode crashed, typed
    with Store.open(db) as store:
        episodes = store.episodes("dead")
        assert len(episodes) == 3
        for episode in episodes:
            assert episode.status == "crashed"
            assert episode.error and episode.error.startswith("policy_error: APIConnectionError")
            assert "after 2 retries" in episode.error
