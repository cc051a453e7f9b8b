"""The command line (`yukuai`): one Typer app, plus the command groups other packages
register (`yukuai eval` comes from evals/cli.py)."""

from assistant.cli.main import add_plugin_commands, app

add_plugin_commands()

__all__ = ["app"]
