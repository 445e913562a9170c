"""pytest run the grader's way, in a fresh grading sandbox (one exec).

* Start-up isolation: `python3 -I -B` (no user site, no PYTHON* variables, no current
  directory on `sys.path`, no bytecode written), `PYTEST_DISABLE_PLUGIN_AUTOLOAD=1` with the
  task's plugins named by `-p`, the cache provider off.
* Configuration from the grader: `-c` names an ini file the grader writes outside the
  workspace (so the repository's pytest.ini / setup.cfg / tox.ini / pyproject.toml are never
  read), `--rootdir` and `--confcutdir` are the workspace, `pythonpath` puts it on
  `sys.path` only after pytest is imported (a `pytest.py` in the repo cannot shadow it).
* The JUnit report goes to a fresh, randomly named directory under /tmp, outside the repo.
* A clean end: pytest's exit status is the command's; the report is read by
  `Sandbox.exec_then` only once the wrapper / PID 1 (out of the tests' reach) has killed
  every process of the run, so nothing of it is alive to write or trace the reader.
"""

from __future__ import annotations

import base64
import json
import secrets
import shlex
from collections.abc import Sequence

from agentdata.envs.code_repair.grading import LOG_TAIL_BYTES, TestRun
from agentdata.envs.code_repair.pytest_report import PytestReportError, parse_junit_xml
from agentdata.envs.code_repair.sandbox import WORKSPACE, Sandbox
from agentdata.envs.code_repair.taskformat import LoadedTask

GRADER_ENV = ("PYTHONNOUSERSITE=1 PYTHONDONTWRITEBYTECODE=1 PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 "
              "PYTHONHASHSEED=0")
# exit statuses of coreutils `timeout` when it had to stop the command (TERM, KILL)
TIMEOUT_EXITS = (124, 137)
EXEC_GRACE_S = 20.0
# Reads the report and the log tail after every process of the run is gone.
_READ_PY = r"""
import base64, json, os, sys
d = "@DIR@"
def get(name, tail=None):
    try:
        with open(os.path.join(d, name), "rb") as f:
            if tail:
                f.seek(max(0, os.path.getsize(f.name) - tail))
            return base64.b64encode(f.read(64 << 20)).decode("ascii")
    except OSError:
        return None
json.dump({"xml": get("report.xml"), "log": get("pytest.log", @TAIL@)}, sys.stdout)
"""


def grader_command(task: LoadedTask, tests: Sequence[str], report_dir: str,
                   timeout: float) -> str:
    """The shell command of one graded run (pytest's exit status is its own)."""
    ini = f"[pytest]\\npythonpath = {WORKSPACE}\\naddopts =\\njunit_family = xunit1\\n"
    plugins = "".join(f" -p {shlex.quote(p)}" for p in task.task.plugins or [])
    setup = "".join(f"{{ {cmd} ; }} && " for cmd in task.task.setup or [])
    pytest = (
        f"{GRADER_ENV} timeout -s KILL {timeout:.0f} python3 -I -B -m pytest "
        f"-c {report_dir}/pytest.ini --rootdir={WORKSPACE} --confcutdir={WORKSPACE} "
        f"-p no:cacheprovider{plugins} -o junit_family=xunit1 -q "
        f"--junitxml={report_dir}/report.xml -- {' '.join(shlex.quote(t) for t in tests)}"
    )
    return (
        f"umask 077; rm -rf {report_dir}; mkdir -p {report_dir} || exit 98; "
        f"printf '{ini}' > {report_dir}/pytest.ini || exit 98; cd {WORKSPACE} || exit 99; "
        f"( {setup}{pytest} ) </dev/null >{report_dir}/pytest.log 2>&1"
    )


def run_graded_pytest(box: Sandbox, task: LoadedTask, tests: Sequence[str], *,
                      timeout: float) -> TestRun:
    """Run the graded test files in `box` (a fresh sandbox holding the graded tree).

    Raises `SandboxError` only when the sandbox itself fails.
    """
    report_dir = f"/tmp/.{secrets.token_hex(8)}"
    cmd = grader_command(task, tests, report_dir, timeout)
    reader = _READ_PY.replace("@DIR@", report_dir).replace("@TAIL@", str(LOG_TAIL_BYTES))
    res, tail = box.exec_then(cmd, reader, timeout=timeout + EXEC_GRACE_S,
                              max_output_bytes=160 << 20)
    if res.timed_out or (res.exit_code in TIMEOUT_EXITS and res.duration_s >= timeout):
        return TestRun(None, res.exit_code, timed_out=True, duration_s=res.duration_s,
                       problem="the test run timed out")
    if res.oom_killed:
        return TestRun(None, res.exit_code, oom_killed=True, duration_s=res.duration_s,
                       problem="the test run was killed: out of memory")
    if tail is None:
        return TestRun(None, res.exit_code, duration_s=res.duration_s,
                       problem="processes of the test run survived every kill")
    try:
        got = json.loads(tail)
        xml = base64.b64decode(got["xml"]) if got.get("xml") else b""
        log = base64.b64decode(got["log"]).decode("utf-8", "replace") if got.get("log") else ""
    except (ValueError, KeyError, TypeError):
        return TestRun(None, res.exit_code, duration_s=res.duration_s,
                       problem=f"the grader could not read the report (exit {res.exit_code})")
    try:
        report = parse_junit_xml(xml)
    except PytestReportError as exc:
        return TestRun(None, res.exit_code, log_tail=log, duration_s=res.duration_s,
                       problem=f"pytest wrote no usable report (exit {res.exit_code}): {exc}")
    return TestRun(report, res.exit_code, log_tail=log, duration_s=res.duration_s)
