"""Writing an export: dedupe, --verify, --balance, JSONL or Parquet, temp file + rename, card.

The export is written under a temporary name in the output's directory and renamed into
place only when complete, so an interrupted export never leaves a half-written file under
the final name. Memory holds one digest per distinct sample and the per-stratum counts.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from agentdata.errors import ConfigError
from agentdata.mining import _arrow as arrow
from agentdata.mining._kinds import Sample

Encoded = tuple[dict[str, Any], bytes]
"""An export row and its JSON line (encoded once, written as is)."""

Reexecute = Callable[[str, int], Sequence[tuple[bool, bool]] | None]
"""(episode id, last step index) -> per re-executed step (passed, failed); None: unreplayable."""

FORMATS = ("jsonl", "parquet")
_BATCH = 1000


@dataclass
class ExportReport:
    """What an export wrote (`--json` prints `as_json`)."""

    kind: str
    path: Path
    card: Path
    samples: int = 0
    by_error_type: Counter[str] = field(default_factory=Counter)
    by_env: Counter[str] = field(default_factory=Counter)
    by_difficulty: Counter[str] = field(default_factory=Counter)
    episodes: set[str] = field(default_factory=set)
    mined: int = 0
    duplicates: int = 0
    unverified: int = 0
    unbalanced: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    """Samples that cannot be written, by reason (`lone_surrogate`: text UTF-8 cannot carry)."""

    def as_json(self) -> dict[str, Any]:
        """{"samples", "by_kind", "by_error_type", "episodes", ...} for `mine --json`."""
        return {
            "samples": self.samples,
            "by_kind": {self.kind: self.samples},
            "by_error_type": dict(sorted(self.by_error_type.items())),
            "episodes": len(self.episodes),
            "mined": self.mined,
            "duplicates": self.duplicates,
            "dropped_unverified": self.unverified,
            "dropped_by_balance": self.unbalanced,
            "refused": dict(sorted(self.refused.items())),
            "path": str(self.path),
            "card": str(self.card),
        }


def card_path(out: Path) -> Path:
    """The data card beside an export: `x.jsonl` -> `x.card.md`."""
    return out.with_name(f"{out.stem}.card.md")


def check_output(out: Path, force: bool) -> None:
    """Refuse to overwrite an existing export (or its card) without --force."""
    for path in (out, card_path(out)):
        if path.exists() and not force:
            raise ConfigError(f"{path} exists; pass --force to overwrite it")
    if not out.parent.is_dir():
        raise ConfigError(f"output directory {out.parent} does not exist")


_META = ("error_type", "difficulty", "provenance")
"""Row keys that describe a sample rather than being its training content (last in a row)."""


def content_key(row: dict[str, Any]) -> bytes:
    """Digest of a row's training content, whitespace runs collapsed (provenance excluded)."""
    return _digest(orjson.dumps({k: v for k, v in row.items() if k not in _META}))


_SPACES = re.compile(b"  +")


def _digest(content: bytes) -> bytes:
    # Whitespace inside JSON strings is raw spaces or \n \t \r escapes (orjson escapes every
    # other control character and writes no whitespace between tokens), so once the escapes
    # are spaces, collapsing runs of spaces is all the normalising left (C-speed passes).
    # Rows of one kind share their key order, so the JSON needs no key sorting.
    for escape in (b"\\n", b"\\t", b"\\r"):
        content = content.replace(escape, b" ")
    if b"  " in content:
        content = _SPACES.sub(b" ", content)
    return hashlib.blake2b(content, digest_size=16).digest()


LONE_SURROGATE = "lone_surrogate"
"""Refusal reason: the sample holds a lone surrogate, which no UTF-8 file (JSONL, Parquet) and
no tokenizer can carry; the sample is dropped rather than silently altered."""


def encode(row: dict[str, Any]) -> tuple[bytes, bytes] | None:
    """(training content JSON, JSON line) of `row`, each serialised once; None when the row
    holds a lone surrogate (see `LONE_SURROGATE`)."""
    content = {k: v for k, v in row.items() if k not in _META}
    meta = {k: row[k] for k in _META if k in row}
    try:
        body, tail = orjson.dumps(content), orjson.dumps(meta)
    except orjson.JSONEncodeError:
        if _has_lone_surrogate(row):
            return None
        raise
    # The line is `row` as JSON: its content keys, then its metadata (one pass over each).
    return body, (body[:-1] + b"," + tail[1:] if content and meta else orjson.dumps(row))


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _stratum(row: dict[str, Any]) -> tuple[str, str]:
    """--balance strata: (difficulty, error type)."""
    return (str(row.get("difficulty")), str(row.get("error_type")))


class _Verifier:
    """Re-checks each sample's claims against a re-execution of its episode (cached)."""

    def __init__(self, reexecute: Reexecute) -> None:
        self.reexecute = reexecute
        self._episode: str | None = None
        self._result: Sequence[tuple[bool, bool]] | None = None

    def ok(self, sample: Sample) -> bool:
        if sample.episode_id is None or not sample.claims:
            return True  # aggregate rows (groups, curriculum) carry no fix to re-execute
        last = max(i for i, _ in sample.claims)
        if sample.episode_id != self._episode or (
            self._result is not None and len(self._result) <= last
        ):
            self._episode, self._result = sample.episode_id, self.reexecute(sample.episode_id, last)
        if self._result is None or len(self._result) <= last:
            return False
        for idx, want in sample.claims:
            passed, failed = self._result[idx]
            if (want == "passed" and not passed) or (want == "failed" and not failed):
                return False
            if want == "not_failed" and failed:
                return False
        return True


def write_export(
    samples: Iterable[Sample],
    *,
    kind: str,
    out: Path,
    fmt: str = "jsonl",
    force: bool = False,
    dedupe: bool = True,
    balance: bool = False,
    reexecute: Reexecute | None = None,
    card: Callable[[ExportReport], str],
) -> ExportReport:
    """Write `samples` to `out` atomically, with a data card beside it; return the counts."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    check_output(out, force)
    if fmt == "parquet":
        arrow.pyarrow_module()  # fail before mining, not after
    report = ExportReport(kind, out, card_path(out))
    verifier = _Verifier(reexecute) if reexecute is not None else None
    temps: list[Path] = []
    try:
        rows = _accepted(samples, report, dedupe, verifier)
        if balance:  # strata sizes are known only at the end: spool, then keep `cap` of each
            spool, strata = _temp(out, temps), Counter[tuple[str, str]]()
            with spool.open("wb") as fh:
                for row, line in rows:
                    strata[_stratum(row)] += 1
                    fh.write(line + b"\n")
            rows = _kept(_read(spool), min(strata.values(), default=0), report)
        final = _temp(out, temps)
        if fmt == "jsonl":
            with final.open("wb") as fh:
                fh.writelines(line + b"\n" for _row, line in _counted(rows, report))
        else:
            _write_parquet((row for row, _line in _counted(rows, report)), kind, final)
        card_tmp = _temp(out, temps)
        card_tmp.write_text(card(report), encoding="utf-8")
        os.replace(final, out)
        os.replace(card_tmp, report.card)
    finally:
        for path in temps:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    return report


def _accepted(
    samples: Iterable[Sample], report: ExportReport, dedupe: bool, verifier: _Verifier | None
) -> Iterator[Encoded]:
    """Rows (with their JSON line) that can be written, are new (by normalised content) and,
    with --verify, still verify."""
    seen: set[bytes] = set()
    for sample in samples:
        report.mined += 1
        encoded = encode(sample.row)
        if encoded is None:
            report.refused[LONE_SURROGATE] += 1
            continue
        content, line = encoded
        if dedupe:
            key = _digest(content)
            if key in seen:
                report.duplicates += 1
                continue
            seen.add(key)
        if verifier is not None and not verifier.ok(sample):
            report.unverified += 1
            continue
        yield sample.row, line


def _temp(out: Path, temps: list[Path]) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    temps.append(Path(name))
    return temps[-1]


def _read(path: Path) -> Iterator[Encoded]:
    with path.open("rb") as fh:
        for line in fh:
            yield orjson.loads(line), line.rstrip(b"\n")


def _kept(rows: Iterator[Encoded], cap: int, report: ExportReport) -> Iterator[Encoded]:
    """Rows kept by --balance: the first `cap` of every stratum (episode-id order)."""
    taken: Counter[tuple[str, str]] = Counter()
    for row, line in rows:
        key = _stratum(row)
        if taken[key] >= cap:
            report.unbalanced += 1
            continue
        taken[key] += 1
        yield row, line


def _counted(rows: Iterator[Encoded], report: ExportReport) -> Iterator[Encoded]:
    for row, line in rows:
        report.samples += 1
        prov = row["provenance"]
        report.by_env[prov["env_id"]] += 1
        report.by_difficulty[str(row.get("difficulty"))] += 1
        if row.get("error_type"):
            report.by_error_type[row["error_type"]] += 1
        report.episodes.update(prov["episode_ids"])
        yield row, line


def _write_parquet(rows: Iterator[dict[str, Any]], kind: str, path: Path) -> None:
    pa = arrow.pyarrow_module()
    schema = arrow.schema(kind)
    with pa.parquet.ParquetWriter(str(path), schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(arrow.typed_row(row))
            if len(batch) >= _BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
