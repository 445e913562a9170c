"""export-html: a self-contained page with every step, escaped, no external assets."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import record_episodes, tamper_step

from agentdata.replay._html import export_html
from agentdata.store import Store


def test_page_is_self_contained_and_complete(
    sqlite_store: Store, env_id: str, tmp_path: Path
) -> None:
    (episode_id,) = record_episodes(sqlite_store, env_id, episodes=1)
    tamper_step(
        sqlite_store, episode_id, 0, action_raw="<script>alert(1)</script>", action_ref=None
    )
    steps = sqlite_store.load_steps(episode_id)
    page = export_html(sqlite_store, episode_id, tmp_path / "e.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"(src|href)\s*=|https?://|@import|url\(", page)
    assert page.count("<details>") == len(steps)
    for s in steps[1:]:
        assert f"step {s.index}" in page
        if s.verdict:
            assert s.verdict.label in page
        if s.failure:
            assert s.failure.kind in page
    assert "retry_of" in page and "verifier" in page and "infra_retries" in page
