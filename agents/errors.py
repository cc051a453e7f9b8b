"""Errors of the scenario agents (statuses are the API's: assistant/api/errors.py)."""

from retrieval.errors import ServiceError


class AgentError(ServiceError):
    """Base of the agents' errors."""

    code = "agent_error"


class InvalidAgentInput(AgentError):
    """The agent's input is wrong; the message names the field and why."""

    code = "invalid_agent_input"


class UnknownAgent(AgentError):
    """No agent is registered under that name."""

    code = "agent_not_found"


class RuleError(AgentError):
    """A rules file is malformed (a row without a source, an unknown source, a bad status), or
    no row of a table applies to the case at hand."""

    code = "rule_error"
