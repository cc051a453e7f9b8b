"""Scenario agents, registered by name. Adding one: write a module with an `Agent` subclass
(its input model, patterns, assessment and texts, plus agents/rules/NAME.yaml) and add one
`register(...)` line below; the API and the CLI list and run whatever is registered.
"""

from agents.base import Agent, RunContext
from agents.errors import UnknownAgent

AGENTS: dict[str, Agent] = {}


def register(agent: Agent) -> Agent:
    AGENTS[agent.name] = agent
    return agent


def get_agent(name: str) -> Agent:
    if name not in AGENTS:
        raise UnknownAgent(f"unknown agent {name!r}; GET /v1/agents lists them: {sorted(AGENTS)}",
                       field="name")
    return AGENTS[name]


def run_agent(name: str, payload: dict, ctx: RunContext | None = None) -> dict:
    """Run agent `name` on `payload` (free text and/or fields): decision, work_order, reply,
    brief and trace."""
    return get_agent(name).run(payload, ctx)


from agents.crowd import CrowdAgent
from agents.fire import FireAgent
from agents.noise import NoiseAgent

register(NoiseAgent())
register(FireAgent())
register(CrowdAgent())

__all__ = ["AGENTS", "Agent", "RunContext", "get_agent", "register", "run_agent"]
