"""`agentdata sandbox build|doctor`: the sandbox image and the health of the engine."""

from __future__ import annotations

import json
import sys

import typer

from agentdata import sandbox_tools
from agentdata.envs.code_repair.sandbox.docker_backend import DEFAULT_IMAGE
from agentdata.envs.code_repair.sandbox.errors import SandboxError


def register(app: typer.Typer) -> None:
    """Add the `sandbox` command group to `app`."""
    group = typer.Typer(help="Sandbox image and engine.", no_args_is_help=True)

    @group.command("build")
    def build(
        offline: bool = typer.Option(
            False, "--offline", help="Build from Debian packages (debootstrap), no registry."
        ),
        tag: str = typer.Option(DEFAULT_IMAGE, "--tag", help="Image tag to build."),
    ) -> None:
        """Build the sandbox image from containers/Dockerfile."""
        try:
            image_id = sandbox_tools.build_image(
                tag, offline=offline, log=lambda s: typer.echo(s, err=True)
            )
        except SandboxError as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(1) from err
        typer.echo(f"{tag} {image_id}")

    @group.command("doctor")
    def doctor(
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        tag: str = typer.Option(DEFAULT_IMAGE, "--tag", help="Image tag to look for."),
    ) -> None:
        """Say what is installed, running and missing, and how to fix it."""
        report = sandbox_tools.doctor(tag)
        if as_json:
            typer.echo(json.dumps(report.as_dict(), indent=2, sort_keys=True))
        else:
            for c in report.checks:
                mark = "ok  " if c.ok else "MISS"
                line = f"[{mark}] {c.name}: {c.detail}"
                typer.echo(line + (f"\n       fix: {c.fix}" if c.fix else ""))
        if not report.ok:
            raise typer.Exit(1)

    app.add_typer(group, name="sandbox")


def build_main(argv: list[str]) -> int:
    """Run `sandbox build ARGS` without the rest of the CLI (for containers/build.py)."""
    app = typer.Typer(add_completion=False)
    register(app)
    try:
        app(["sandbox", "build", *argv], standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except SystemExit as exc:  # click's usage errors
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(build_main(sys.argv[1:]))
