"""JSON request bodies as the routes see them: depth-limited, with lone surrogates replaced.

JSON may encode half of a UTF-16 pair (`"\\ud800"`); Python decodes it to a string that no
encoder accepts, so the embedder, the database driver, the log handler and the response
writer would each fail on it later. It is replaced with U+FFFD here, once, for every route.
A body nested deeper than any request of ours needs is refused before anything walks it.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from assistant.errors import InvalidInput
from retrieval.text import replace_surrogates

MAX_DEPTH = 32


def clean_json(value: Any, max_depth: int = MAX_DEPTH) -> Any:
    """`value` (parsed JSON) with lone surrogates replaced in every string, keys included.
    InvalidInput if it is nested deeper than `max_depth`."""
    root = [value]
    stack: list[tuple[Any, Any, int]] = [(root, 0, 0)]  # (container, index or key, depth)
    while stack:
        parent, slot, depth = stack.pop()
        item = parent[slot]
        if isinstance(item, str):
            parent[slot] = replace_surrogates(item)
        elif isinstance(item, list | dict):
            if depth >= max_depth:
                raise InvalidInput(f"the JSON body is nested more than {max_depth} levels deep",
                                   code="json_too_deep", field="body")
            if isinstance(item, dict):
                item = parent[slot] = {replace_surrogates(k): v for k, v in item.items()}
                stack.extend((item, k, depth + 1) for k in item)
            else:
                stack.extend((item, i, depth + 1) for i in range(len(item)))
    return root[0]


class GuardedRequest(Request):
    """A request whose `json()` is parsed once, depth-limited and surrogate-free."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                parsed = json.loads(body)
            except RecursionError:
                raise InvalidInput(f"the JSON body is nested more than {MAX_DEPTH} levels deep",
                                   code="json_too_deep", field="body") from None
            except ValueError as e:  # JSONDecodeError, or bytes that are not UTF-8/16/32
                raise InvalidInput(f"the body is not valid JSON: {str(e)[:120]}",
                                   code="invalid_json", field="body") from None
            self._json = clean_json(parsed)
        return self._json


class GuardedRoute(APIRoute):
    """The route class of every router: handlers receive a GuardedRequest."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler, takes_body = super().get_route_handler(), self.body_field is not None

        async def guarded(request: Request) -> Response:
            request = GuardedRequest(request.scope, request.receive)
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            json_body = kind in ("", "application/json") or kind.endswith("+json")
            # Parsed here, where our error reaches the error table; FastAPI's body reader
            # turns any exception of its own call into a bare 400.
            if takes_body and json_body and await request.body():
                await request.json()
            return await handler(request)

        return guarded
