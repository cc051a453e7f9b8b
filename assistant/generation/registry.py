"""Model configs (model_configs/*.yaml): which backend answers a request's `model`."""

import os
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from assistant.errors import InvalidInput, ModelUnavailable, NotFound

DEFAULT_TEMPERATURE, DEFAULT_MAX_TOKENS = 0.2, 1024
_ENV = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")


def _expand(value):
    """${VAR:-default} in strings, from the environment."""
    if isinstance(value, str):
        return _ENV.sub(lambda m: os.environ.get(m.group(1), m.group(2) or ""), value)
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    return value


class ModelConfig(BaseModel):
    """One servable model: its backend and how to reach or load it."""

    name: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    backend: str
    description: str = ""
    default: bool = False
    # False: the model is served as is (no retrieval, no guard), like vLLM would serve it.
    # Only staff, evaluators and admins may call such a model.
    grounded: bool = True
    base_url: str | None = None
    api_key: str | None = None
    served_model: str | None = None
    path: str | None = None
    params: dict = Field(default_factory=dict)
    timeout_s: float = 60.0
    vllm: dict | None = None

    def generation_params(self, temperature: float | None = None,
                          max_tokens: int | None = None) -> dict:
        """Sampling for one request: the request's values, else the config's `params`, else
        one set of defaults for every model and endpoint."""
        return {"temperature": self.params.get("temperature", DEFAULT_TEMPERATURE)
                if temperature is None else temperature,
                "max_tokens": int(self.params.get("max_tokens", DEFAULT_MAX_TOKENS))
                if max_tokens is None else max_tokens}


class ModelRegistry:
    """The configured models by name, with their backends built on first use."""

    def __init__(self, configs: list[ModelConfig]):
        if not configs:
            raise ModelUnavailable("no model configs found: add a YAML file to model_configs/")
        self.configs = {c.name: c for c in configs}
        defaults = [c for c in configs if c.default]
        self.default = (defaults or configs)[0].name
        self._backends: dict = {}

    @classmethod
    def from_dirs(cls, *dirs: Path) -> "ModelRegistry":
        configs = []
        for d in dirs:
            for path in sorted(Path(d).glob("*.yaml")):
                try:
                    configs.append(ModelConfig(**_expand(yaml.safe_load(path.read_text(encoding="utf-8")))))
                except (yaml.YAMLError, ValidationError, TypeError) as e:
                    raise ModelUnavailable(f"model config {path} is invalid: {e}") from e
        return cls(configs)

    def get(self, name: str | None) -> ModelConfig:
        if name is None or name == "":
            return self.configs[self.default]
        if not isinstance(name, str) or name not in self.configs:
            raise NotFound(f"unknown model {name!r}; GET /v1/models lists them",
                           code="model_not_found")
        return self.configs[name]

    def backend(self, name: str):
        """The generation backend of model `name`, loaded once."""
        from assistant.generation.backends import load_backend

        config = self.get(name)
        if config.name not in self._backends:
            self._backends[config.name] = load_backend(config)
        return self._backends[config.name]

    def check_access(self, config: ModelConfig, role: str) -> None:
        if not config.grounded and role == "citizen":
            raise InvalidInput(f"model {config.name!r} is not available to citizens",
                               code="model_forbidden", field="model")
