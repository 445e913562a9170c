"""`agentdata sandbox build|doctor`: the sandbox image and the health of the engine."""

from __future__ import annotations

import json

import typer

from agentdata.envs.code_repair.sandbox import doctor as sandbox_doctor
from agentdata.envs.code_repair.sandbox import image as sandbox_image
from agentdata.envs.code_repair.sandbox.apt_sources import MIRROR_ENV
from agentdata.envs.code_repair.sandbox.docker_container import DEFAULT_IMAGE
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
        mirror: str | None = typer.Option(
            None,
            "--mirror",
            help=f"Debian archive mirror for --offline (default: ${MIRROR_ENV}, else the"
            " host's apt sources).",
        ),
        fresh_base: bool = typer.Option(
            False, "--fresh-base", help="With --offline: rebuild the Debian base image too."
        ),
    ) -> None:
        """Build the sandbox image from the packaged Dockerfile (agentdata.containers)."""
        try:
            image_id = sandbox_image.build_image(
                tag,
                offline=offline,
                mirror=mirror,
                reuse_base=not fresh_base,
                log=lambda s: typer.echo(s, err=True),
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
        report = sandbox_doctor.doctor(tag)
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

