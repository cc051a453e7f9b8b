"""Who is calling, and FastAPI dependencies as Annotated aliases used by the routers."""

import hashlib
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import Headers

from assistant.errors import Forbidden, Unauthorized
from assistant.roles import STAFF_ROLES
from assistant.services import Services

# RFC 6750: "Bearer", one space, a token68.
_BEARER = re.compile(r"Bearer ([A-Za-z0-9._~+/-]+=*)", re.IGNORECASE)
AUTH_FORM = "send `Authorization: Bearer <API key>` (or `X-API-Key: <API key>`), or no key at all"


def presented_key(headers: Headers) -> str | None:
    """The API key a request presents in a well-formed header, else None (malformed headers
    are refused by `get_role`; the rate limiter only needs to tell callers apart)."""
    if m := _BEARER.fullmatch(headers.get("authorization", "")):
        return m.group(1)
    return headers.get("x-api-key", "").strip() or None


def caller_id(api_key: str | None, client: str | None) -> str:
    """A stable, non-reversible identity for a key (or an anonymous client address)."""
    raw = f"key:{api_key}" if api_key else f"anon:{client or '-'}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def get_services(request: Request) -> Services:
    return request.app.state.services


def _address(request: Request) -> str:
    # The peer, or the client a trusted proxy names (YUKUAI_TRUSTED_PROXIES; see app.py).
    return request.client.host if request.client else "-"


def _api_key(request: Request) -> str | None:
    """The key of a well-formed `Authorization: Bearer` or `X-API-Key` header; Unauthorized
    for an Authorization header of any other form (a typo must not silently downgrade a
    staff client to an anonymous citizen)."""
    auth = request.headers.get("authorization")
    if auth is not None and not _BEARER.fullmatch(auth):
        raise Unauthorized(f"malformed Authorization header; {AUTH_FORM}",
                           code="malformed_authorization", field="authorization")
    return presented_key(request.headers)


def get_role(request: Request) -> str:
    """The caller's role from its API key; no key = the anonymous role. Failed attempts are
    counted per client address, and an address over the limit is refused before its key is
    even looked at, so keys cannot be guessed at speed."""
    services: Services = request.app.state.services
    address = _address(request)
    try:
        key = _api_key(request)
    except Unauthorized:
        services.auth_failures.blocked(address)
        services.auth_failures.record(address)
        raise
    if not key:
        return services.settings.anonymous_role
    services.auth_failures.blocked(address)
    role = services.settings.api_keys.get(key)
    if role is None:
        services.auth_failures.record(address)
        raise Unauthorized(f"the API key is not valid; {AUTH_FORM}")
    return role


@dataclass(frozen=True)
class Caller:
    """Who is calling: role, a hashed identity (audit, sessions) and whether a key says so
    (anonymous callers are told apart only by address, which NAT and proxies share)."""

    role: str
    id: str
    keyed: bool


def get_caller(request: Request, role: Annotated[str, Depends(get_role)]) -> Caller:
    key = _api_key(request)
    return Caller(role, caller_id(key, _address(request)), keyed=key is not None)


def get_staff(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """The caller, who must hold a staff role (agents, work orders)."""
    if caller.role not in STAFF_ROLES:
        raise Forbidden("scenario agents and work orders are for staff; use a staff API key")
    return caller


ServicesDep = Annotated[Services, Depends(get_services)]
CurrentRole = Annotated[str, Depends(get_role)]
CallerDep = Annotated[Caller, Depends(get_caller)]
StaffDep = Annotated[Caller, Depends(get_staff)]
