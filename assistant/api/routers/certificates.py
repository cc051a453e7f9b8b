"""POST /v1/certificates/recognize: read a photographed certificate (政务证照识别).

The image is read in memory and never stored. Identity numbers are shown in full only to the
roles in `YUKUAI_REVEAL_ID_ROLES` (staff and admin by default); see docs/architecture.md.
"""

import base64
import binascii

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from assistant.api.deps import CallerDep, ServicesDep
from assistant.api.jsonbody import GuardedRoute
from assistant.api.schemas import errors
from assistant.errors import InvalidInput, UnsupportedMedia

PATH = "/v1/certificates/recognize"
router = APIRouter(tags=["certificates"], route_class=GuardedRoute)


class FieldValue(BaseModel):
    value: str
    confidence: float = Field(description="The lowest OCR confidence among the value's text lines.")
    box: list[int] = Field(description="[x0, y0, x1, y1] in the uploaded image's pixels.")


class CheckResult(BaseModel):
    name: str
    fields: list[str]
    status: str = Field(description="pass | fail | unknown (could not be decided)")
    message: str


class Recognition(BaseModel):
    type: str = Field(description="id_card_front, id_card_back, business_licence, driving_licence, "
                                  "social_security_card, household_register, marriage_certificate "
                                  "or unknown")
    type_name: str | None
    rotation: int = Field(description="Degrees clockwise the image was turned to read it.")
    fields: dict[str, FieldValue] = Field(description="Keyed by the label printed on the document.")
    checks: list[CheckResult]
    needs_review: bool
    reasons: list[str]
    ids_masked: bool
    seconds: float


class Base64Image(BaseModel):
    image: str = Field(description="The image, base64-encoded (a data: URL prefix is allowed).")


async def _image_bytes(request: Request) -> bytes:
    """The upload from a multipart form (field `file` or `image`), a JSON body {"image": base64}
    or a raw image/* body."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=4)
        upload = form.get("file") or form.get("image")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("send the image as the multipart file field `file`", field="file")
        return await upload.read()
    if kind == "application/json":
        try:
            body = Base64Image.model_validate(await request.json())
        except ValueError:
            raise InvalidInput('send JSON as {"image": "<base64>"}', field="image") from None
        data = body.image.split(",", 1)[1] if body.image.startswith("data:") else body.image
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("image is not valid base64", code="invalid_base64", field="image") from None
    if kind.startswith("image/"):
        return await request.body()
    raise UnsupportedMedia("send multipart/form-data, application/json or an image/* body")


@router.post(PATH, response_model=Recognition, responses=errors(415, 503), openapi_extra={"requestBody": {"content": {
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
    "application/json": {"schema": Base64Image.model_json_schema()},
    "image/jpeg": {}, "image/png": {}, "image/webp": {}}}})
async def recognize(request: Request, caller: CallerDep, services: ServicesDep):
    """Type, key fields (with confidence and box), checks and `needs_review` for one document
    photo (JPEG, PNG or WebP)."""
    data = await _image_bytes(request)
    result = await run_in_threadpool(services.recognizer.recognize, data)
    return result.to_dict(reveal_ids=caller.role in services.settings.reveal_id_roles)
