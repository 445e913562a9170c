"""Unified diffs: make, parse and strictly apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentdata.envs.code_repair.patches import (
    PatchApplyError,
    PatchParseError,
    PatchPathError,
    apply_patch,
    apply_to_mapping,
    make_diff,
    parse_patch,
)

OLD = "".join(f"line {i}\n" for i in range(1, 21))


def test_roundtrip_single_change() -> None:
    new = OLD.replace("line 10\n", "line ten\n")
    patch = make_diff(OLD, new, "pkg/mod.py")
    assert patch.startswith("--- a/pkg/mod.py\n+++ b/pkg/mod.py\n@@ -7,7 +7,7 @@")
    assert apply_to_mapping(patch, {"pkg/mod.py": OLD}) == {"pkg/mod.py": new}


def test_roundtrip_many_hunks_insert_delete() -> None:
    new = "header\n" + OLD.replace("line 5\n", "").replace("line 18\n", "line 18\nextra\n")
    patch = make_diff(OLD, new, "a.py")
    assert len(parse_patch(patch)[0].hunks) == 2
    assert apply_to_mapping(patch, {"a.py": OLD})["a.py"] == new


def test_no_newline_at_end_of_file() -> None:
    old, new = "a\nb", "a\nc"
    patch = make_diff(old, new, "f.txt")
    assert "\\ No newline at end of file" in patch
    assert apply_to_mapping(patch, {"f.txt": old})["f.txt"] == new
    added = make_diff("a\nb", "a\nb\n", "f.txt")
    assert apply_to_mapping(added, {"f.txt": "a\nb"})["f.txt"] == "a\nb\n"


def test_offset_is_tolerated_but_content_is_strict() -> None:
    new = OLD.replace("line 10\n", "line ten\n")
    patch = make_diff(OLD, new, "m.py")
    shifted = "zero\nzero\n" + OLD
    assert apply_to_mapping(patch, {"m.py": shifted})["m.py"] == "zero\nzero\n" + new
    with pytest.raises(PatchApplyError) as err:
        apply_to_mapping(patch, {"m.py": OLD.replace("line 9\n", "line nine\n")})
    assert err.value.path == "m.py"
    assert err.value.hunk == 1


def test_create_and_delete_files(tmp_path: Path) -> None:
    (tmp_path / "gone.py").write_text("x = 1\n")
    patch = make_diff("", "print('hi')\n", "new/file.py")
    patch = patch.replace("--- a/new/file.py", "--- /dev/null")
    patch += make_diff("x = 1\n", "", "gone.py").replace("+++ b/gone.py", "+++ /dev/null")
    assert apply_patch(tmp_path, patch) == ["gone.py", "new/file.py"]
    assert (tmp_path / "new/file.py").read_text() == "print('hi')\n"
    assert not (tmp_path / "gone.py").exists()


def test_failed_patch_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(OLD)
    (tmp_path / "b.py").write_text(OLD)
    good = make_diff(OLD, OLD.replace("line 2\n", "two\n"), "a.py")
    bad = make_diff("other\n", "thing\n", "b.py")
    with pytest.raises(PatchApplyError):
        apply_patch(tmp_path, good + bad)
    assert (tmp_path / "a.py").read_text() == OLD


def test_missing_file_and_escaping_paths(tmp_path: Path) -> None:
    with pytest.raises(PatchApplyError, match="does not exist"):
        apply_patch(tmp_path, make_diff("a\n", "b\n", "nope.py"))
    for evil in ("../../etc/passwd", "/etc/passwd"):
        text = f"--- {evil}\n+++ {evil}\n@@ -1 +1 @@\n-a\n+b\n"
        with pytest.raises(PatchPathError):
            apply_patch(tmp_path, text)


@pytest.mark.parametrize(
    "text",
    ["", "just words\n", "--- a/x\nno plus line\n", "--- a/x\n+++ b/x\n@@ bad @@\n",
     "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n"],
)
def test_malformed_patches(text: str) -> None:
    with pytest.raises(PatchParseError):
        parse_patch(text)


def test_equal_texts_give_empty_diff() -> None:
    assert make_diff(OLD, OLD, "x.py") == ""
