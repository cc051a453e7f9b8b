"""GET /v1/models: the configured models (model_configs/*.yaml)."""

from fastapi import APIRouter

from assistant.api.deps import ServicesDep
from assistant.api.jsonbody import GuardedRoute
from assistant.api.schemas import ModelCard, ModelList

router = APIRouter(tags=["models"], route_class=GuardedRoute)


@router.get("/v1/models", response_model=ModelList)
async def list_models(services: ServicesDep):
    return ModelList(data=[ModelCard(id=c.name, backend=c.backend, description=c.description,
                                     grounded=c.grounded)
                           for c in services.models.configs.values()])
