"""Conversation ids the server issues: unguessable, and bound to the caller they were issued to.

A session id is `<nonce>.<signature>`: 144 random bits, and an HMAC of the nonce and its
owner under the server's secret. The owner is the caller's hashed API key, or `anonymous`
for callers without a key. So a keyed caller can continue only the sessions issued to its
key, and an anonymous citizen only the one whose id it was given with its first answer:
citizens behind one NAT address no longer share anything, and an id made up by a client
(`s7`) or issued to someone else is unknown (404). The turns are stored under the nonce.
"""

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from assistant.errors import NotFound

ANONYMOUS = "anonymous"
PATTERN = r"^[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{22}$"


class SessionTokens:
    """Issues and verifies session ids with one secret."""

    def __init__(self, secret: bytes):
        self._secret = secret

    @classmethod
    def from_file(cls, path: Path) -> "SessionTokens":
        """The secret kept in `path`, created (owner-only) on first use, so that ids survive
        a restart; set YUKUAI_SESSION_SECRET instead when several processes serve the API."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        return cls(path.read_bytes())

    def _sign(self, owner: str, nonce: str) -> str:
        digest = hmac.new(self._secret, f"{owner}:{nonce}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest)[:22].decode()

    def issue(self, owner: str) -> tuple[str, str]:
        """A new (session id, storage key) for `owner`."""
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._sign(owner, nonce)}", nonce

    def verify(self, session_id: str, owner: str) -> str:
        """The storage key of `session_id` if it was issued to `owner`; NotFound otherwise
        (the same answer whether the id is made up or someone else's)."""
        nonce, _, signature = session_id.partition(".")
        if not hmac.compare_digest(signature.encode(), self._sign(owner, nonce).encode()):
            raise NotFound("no such conversation for this caller; omit session_id to start one",
                           code="session_not_found", field="session_id")
        return nonce
