"""The HTTP API: the app, its dependencies, middleware, routers and request/response schemas."""
