"""The callers' roles, in one place: which corpus audiences each may read, and who is staff."""

from typing import Literal, get_args

from assistant.errors import InvalidInput

Role = Literal["citizen", "staff", "evaluator", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
# Staff and admins work cases: agents, work orders, internal procedures, full ID numbers.
STAFF_ROLES: tuple[str, ...] = ("staff", "admin")
_AUDIENCES: dict[str, tuple[str, ...]] = {
    "citizen": ("public",), "evaluator": ("public",),
    "staff": ("public", "internal"), "admin": ("public", "internal"),
}


def audiences(role: str) -> tuple[str, ...]:
    """The corpus audiences `role` may read; InvalidInput for an unknown role."""
    if role not in _AUDIENCES:
        raise InvalidInput(f"unknown role {role!r}; one of {list(ROLES)}", code="invalid_role",
                           field="role")
    return _AUDIENCES[role]
