"""The agents by name. A class is registered; the agent is built (rules loaded, graph
compiled) once, on first use, whichever thread gets there first.

Example:
    AGENTS.register(NoiseAgent)   # nothing is built yet
    AGENTS["noise"]               # built now, and the same object from then on
    list(AGENTS)                  # names only: builds nothing
"""

import threading
from collections.abc import Iterator, Mapping

from agents.base import Agent
from agents.errors import UnknownAgent


class AgentRegistry(Mapping[str, Agent]):
    """A read-only mapping name → agent whose agents are built on access."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Agent]] = {}
        self._built: dict[str, Agent] = {}
        self._lock = threading.Lock()

    def register(self, agent: type[Agent] | Agent) -> type[Agent] | Agent:
        """Add an agent class under its `name` (or an agent already built, e.g. in a test);
        a later registration under the same name replaces the earlier one."""
        cls = agent if isinstance(agent, type) else type(agent)
        with self._lock:
            self._classes[cls.name] = cls
            self._built.pop(cls.name, None)
            if not isinstance(agent, type):
                self._built[cls.name] = agent
        return agent

    def unregister(self, name: str) -> None:
        with self._lock:
            self._classes.pop(name, None)
            self._built.pop(name, None)

    def agent_class(self, name: str) -> type[Agent]:
        """The class registered as `name`, or UnknownAgent (a 404 in the API)."""
        cls = self._classes.get(name)
        if cls is None:
            raise UnknownAgent(f"unknown agent {name!r}; GET /v1/agents lists them: "
                               f"{sorted(self._classes)}", field="name")
        return cls

    def classes(self) -> list[type[Agent]]:
        """The registered classes, in registration order (what listing needs; builds nothing)."""
        return list(self._classes.values())

    def built(self) -> list[str]:
        """Names of the agents built so far."""
        return list(self._built)

    def get_agent(self, name: str) -> Agent:
        """The agent `name`, built now if this is its first use."""
        agent = self._built.get(name)
        if agent is not None:
            return agent
        cls = self.agent_class(name)
        with self._lock:  # one build per agent, even when requests race for it
            agent = self._built.get(name)
            if agent is None:
                agent = self._built[name] = cls()
            return agent

    def __getitem__(self, name: str) -> Agent:
        if name not in self._classes:
            raise KeyError(name)
        return self.get_agent(name)

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._classes))

    def __len__(self) -> int:
        return len(self._classes)
