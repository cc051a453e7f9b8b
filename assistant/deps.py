"""FastAPI dependencies, as Annotated aliases used by the routers."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from assistant.config import Settings
from assistant.db import caller_id
from assistant.errors import Forbidden, Unauthorized
from assistant.services import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


def _api_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or None


def get_role(request: Request) -> str:
    """The caller's role from `Authorization: Bearer KEY` or `X-API-Key`; no key = anonymous role."""
    settings: Settings = request.app.state.services.settings
    key = _api_key(request)
    if not key:
        return settings.anonymous_role
    role = settings.api_keys.get(key)
    if role is None:
        raise Unauthorized("the API key is not valid")
    return role


@dataclass(frozen=True)
class Caller:
    """Who is calling: role and a hashed identity (for sessions, audit and the rate limit)."""

    role: str
    id: str


def get_caller(request: Request, role: Annotated[str, Depends(get_role)]) -> Caller:
    services: Services = request.app.state.services
    caller = Caller(role, caller_id(_api_key(request), request.client.host if request.client else None))
    services.limiter.check(caller.id)
    return caller


STAFF_ROLES = ("staff", "admin")


def get_staff(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """The caller, who must hold a staff role (agents, work orders)."""
    if caller.role not in STAFF_ROLES:
        raise Forbidden("scenario agents and work orders are for staff; use a staff API key")
    return caller


ServicesDep = Annotated[Services, Depends(get_services)]
CurrentRole = Annotated[str, Depends(get_role)]
CallerDep = Annotated[Caller, Depends(get_caller)]
StaffDep = Annotated[Caller, Depends(get_staff)]
