"""GET/POST /v1/search: hybrid search of the corpus, filtered by the caller's role."""

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.api.deps import CallerDep, ServicesDep
from assistant.api.jsonbody import GuardedRoute
from assistant.api.schemas import NOT_BLANK, errors, whole_number
from assistant.roles import audiences
from retrieval.search import MAX_K, MAX_QUERY_CHARS

router = APIRouter(tags=["search"], route_class=GuardedRoute, responses=errors(503))
Text = {"min_length": 1, "max_length": MAX_QUERY_CHARS, "pattern": NOT_BLANK}


class SearchRequest(BaseModel):
    model_config = ConfigDict(strict=True, json_schema_extra={"examples": [{"query": "社保卡丢了怎么办"}]})

    query: str = Field(description="Question or keywords.", **Text)
    k: int = Field(5, ge=1, le=MAX_K)
    category: str | None = None
    region: str | None = None
    doc_type: str | None = None
    mode: Literal["hybrid", "dense", "sparse"] = "hybrid"

    _whole = field_validator("k", mode="before")(whole_number)


class Hit(BaseModel):
    doc_id: str
    chunk_id: str
    title: str
    section: str | None
    article: str | None
    score: float
    text: str
    category: str | None
    doc_type: str | None


class SearchResponse(BaseModel):
    query: str
    role: str
    hits: list[Hit]


async def _search(req: SearchRequest, role: str, services) -> SearchResponse:
    hits = await run_in_threadpool(
        services.searcher().search, req.query, audiences(role), req.k, category=req.category,
        region=req.region, doc_type=req.doc_type, mode=req.mode,
    )
    return SearchResponse(query=req.query, role=role, hits=[h.to_dict() for h in hits])


@router.post("/v1/search", response_model=SearchResponse)
async def search_post(req: SearchRequest, caller: CallerDep, services: ServicesDep):
    return await _search(req, caller.role, services)


@router.get("/v1/search", response_model=SearchResponse)
async def search_get(caller: CallerDep, services: ServicesDep,
                     q: str = Query(description="Question or keywords.", **Text),
                     k: int = Query(5, ge=1, le=MAX_K), category: str | None = None,
                     region: str | None = None, doc_type: str | None = None):
    req = SearchRequest(query=q, k=k, category=category, region=region, doc_type=doc_type)
    return await _search(req, caller.role, services)
