"""Scenario agents (noise, fire safety, crowd control)."""
