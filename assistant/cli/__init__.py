"""The command line (`yukuai`): one Typer app."""

from assistant.cli.main import app

__all__ = ["app"]
