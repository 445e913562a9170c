"""Prose recall on GSM8K chains without calculator annotations (issue: >= 97%, no false flag).

For every chain of the shipped GSM8K sample the `<<expr=value>>` annotations are stripped. Two
figures are printed:

* gold chains flagged: chains with any claim judged incorrect (target 0);
* changed claims flagged at that claim: for each annotation whose value is written right after
  an `=` in the prose (`48/2 = <<48/2=24>>24`), that written value alone is changed (+1, or
  one unit in the last written place for decimals) and the chain re-checked; it counts when
  the first incorrect claim is the changed one.

Run: `python bench/bench_math_prose.py [--data FILE] [--show N]`.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from agentdata.envs.math.actions import ActionParseError, parse_action
from agentdata.envs.math.answers import run_here
from agentdata.envs.math.checks import Checker, ClaimResult
from agentdata.envs.math.tasks import load_task_file

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "gsm8k" / "train.jsonl"
ANNOTATION = re.compile(r"<<[^<>]*>>")
WRITTEN = re.compile(r"=\s*\$?<<[^<>]*>>(\$?)(-?\d[\d,]*(?:\.\d+)?)")


def check(text: str) -> list[ClaimResult]:
    checker = Checker(frozenset(), None, run_here)
    try:
        action = parse_action(text, frozenset(), 10_000)
    except ActionParseError:  # nothing checkable in the prose
        return []
    return [checker.check(claim) for claim in action.claims]


def changed(value: str) -> str:
    number = float(value.replace(",", ""))
    if "." in value:  # one more in the last written place
        places = len(value.split(".")[1])
        return f"{number + 10**-places:.{places}f}"
    return str(int(number) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", type=int, default=0, help="print this many misses")
    args = parser.parse_args()
    tasks = load_task_file(args.data)
    chains = flagged_gold = total = hit = 0
    misses: list[str] = []
    for task in tasks.tasks.values():
        solution = str(task.metadata.get("solution", "")).rpartition("####")[0]
        chains += 1
        gold = check(ANNOTATION.sub("", solution))
        if any(r.status == "incorrect" for r in gold):
            flagged_gold += 1
            bad = next(r.claim.text for r in gold if r.status == "incorrect")
            lines = ANNOTATION.sub("", solution).splitlines()
            rhs = bad.split(" = ")[-1]
            where = next((ln for ln in lines if "=" in ln and rhs in ln), "")
            misses.append(f"GOLD FLAGGED: {bad}  <- {where.strip()[:140]}")
        for match in WRITTEN.finditer(solution):
            total += 1
            start, end = match.span(2)
            new = changed(match.group(2))
            text = ANNOTATION.sub("", solution[:start] + new + solution[end:])
            wrong = [r for r in check(text) if r.status == "incorrect"]
            first = wrong[0].claim.rhs.replace(",", "").replace(" ", "") if wrong else ""
            if wrong and new.replace(",", "") in first:
                hit += 1
            else:
                line = next(ln for ln in text.splitlines() if new in ln)
                misses.append(f"MISSED: {line.strip()[:140]}")
    print(f"GSM8K sample: {chains} chains, annotations stripped")
    print(f"gold chains flagged           : {flagged_gold} of {chains}")
    print(f"changed claims flagged at it  : {hit} of {total} ({100 * hit / max(total, 1):.1f}%)")
    for miss in misses[: args.show]:
        print("  " + miss)


if __name__ == "__main__":
    main()
