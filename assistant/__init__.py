"""The yukuai service: API, CLI, configuration and errors."""
