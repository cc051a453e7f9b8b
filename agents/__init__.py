"""Scenario agents, registered by name. Adding one: write a module with an `Agent` subclass
(its input and decision models, patterns, assessment and texts, plus agents/rules/NAME.yaml)
and add one `register(...)` line below; the API and the CLI list and run whatever is
registered. Importing this package builds no agent: each is built on its first use.
"""

from agents.base import Agent
from agents.context import BackendModel, RunContext
from agents.crowd import CrowdAgent
from agents.fire import FireAgent
from agents.noise import NoiseAgent
from agents.registry import AgentRegistry

AGENTS = AgentRegistry()
register = AGENTS.register
get_agent = AGENTS.get_agent


def run_agent(name: str, payload: object, ctx: RunContext | None = None) -> dict:
    """Run agent `name` on `payload` (free text and/or fields): decision, work_order, reply,
    brief and trace."""
    return get_agent(name).run(payload, ctx)


register(NoiseAgent)
register(FireAgent)
register(CrowdAgent)

__all__ = ["AGENTS", "Agent", "AgentRegistry", "BackendModel", "RunContext", "get_agent",
           "register", "run_agent"]
