"""Public models: the JSON the API shows of stored rows, apart from the stored (SQLAlchemy)
models, so that a column added to a table reaches no client until a field is added here.

The API's routers use them as `response_model`; the work-order store returns their JSON
form (`model_dump(mode="json", by_alias=True)`) as plain dicts.
"""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, PlainSerializer

from assistant.store.base import as_utc

# ISO 8601 in UTC with its offset ("2026-11-20T09:00:00+00:00", as `isoformat` writes it;
# pydantic's own JSON form would write "Z").
UtcDateTime = Annotated[datetime, AfterValidator(as_utc),
                        PlainSerializer(datetime.isoformat, return_type=str, when_used="json")]


class WorkOrderEventOut(BaseModel):
    """One step of a work order's history: who moved it from which status to which, when."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    at: UtcDateTime
    from_status: str | None = Field(serialization_alias="from",
                                    validation_alias=AliasChoices("from", "from_status"),
                                    description="None for the step that created the order.")
    to_status: str = Field(serialization_alias="to",
                           validation_alias=AliasChoices("to", "to_status"))
    actor: str
    note: str
    department: str | None


class WorkOrderOut(BaseModel):
    """A work order (事件单) as staff see it, its whole history included."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: int
    agent: str
    category: str
    title: str
    summary: str
    department: str
    priority: str
    status: str
    created: UtcDateTime
    updated: UtcDateTime
    sla_deadline: UtcDateTime
    sla_rule: str = Field(description="The row of agents/rules/sla.yaml the deadline applies.")
    decision: dict
    history: list[WorkOrderEventOut] = Field(validation_alias=AliasChoices("history", "events"))
