"""FastAPI dependencies, as Annotated aliases used by the routers."""

from typing import Annotated

from fastapi import Depends, Request

from assistant.config import Settings
from assistant.errors import Unauthorized
from assistant.services import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_role(request: Request) -> str:
    """The caller's role from `Authorization: Bearer KEY` or `X-API-Key`; no key = anonymous role."""
    settings: Settings = request.app.state.services.settings
    auth = request.headers.get("authorization", "")
    key = auth[7:].strip() if auth.lower().startswith("bearer ") else request.headers.get("x-api-key")
    if not key:
        return settings.anonymous_role
    role = settings.api_keys.get(key)
    if role is None:
        raise Unauthorized("the API key is not valid")
    return role


ServicesDep = Annotated[Services, Depends(get_services)]
CurrentRole = Annotated[str, Depends(get_role)]
