"""Each `slamon` command imports its own module only: running `evaluate` or an import does
not load the web service, the scheduler or the dashboard."""

from __future__ import annotations

import subprocess
import sys

import click

from monitor.cli import COMMANDS, cli

HEAVY = ("fastapi", "uvicorn", "streamlit", "apscheduler", "monitor.cli.serve_cmd")


def test_every_listed_command_is_found_under_its_name() -> None:
    context = click.Context(cli)
    assert cli.list_commands(context) == list(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None and command.name == name
    assert cli.get_command(context, "no-such-command") is None


def test_a_command_loads_neither_the_service_nor_the_dashboard() -> None:
    for module in ("monitor.cli.evaluate_cmd", "monitor.cli.import_cmd", "monitor.cli.billing_cmd"):
        probe = f"import sys, {module}; print([m for m in {HEAVY!r} if m in sys.modules])"
        loaded = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert loaded == "[]", (module, loaded)
