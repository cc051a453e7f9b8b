"""Certificate recognition with the real OCR on rendered documents: every type, a turned and
degraded photo, planted invalid values, unknown pages; the HTTP route (uploads, masking by
role, bad input, no values in logs) and the CLI."""

import base64
import io
import json
import logging

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.certificates import Recognizer
from assistant.cli import app as cli
from assistant.config import Settings
from assistant.services import Services
from evals.certificates.dataset import TODAY, plan, render_sample
from evals.certificates.runner import evaluate
from tests.conftest import CITIZEN_KEY, STAFF_KEY

pytestmark = pytest.mark.slow
ITEMS = {item["id"]: item for item in plan()}


def _sample(item_id: str, **change) -> tuple[bytes, dict]:
    img, truth = render_sample({**ITEMS[item_id], **change})
    buf = io.BytesIO()
    img.save(buf, "JPEG" if truth["degraded"] else "PNG", quality=92)
    return buf.getvalue(), truth


@pytest.fixture(scope="module")
def recognizer():
    r = Recognizer(today=lambda: TODAY)
    r.warm_up()
    return r


@pytest.mark.parametrize("item_id", [
    "id_card_front-002", "id_card_back-002", "business_licence-002", "driving_licence-002",
    "social_security_card-002", "household_register-002", "marriage_certificate-002",
])
def test_every_type_is_read_field_for_field(recognizer, item_id):
    data, truth = _sample(item_id)
    result = recognizer.recognize(data)
    assert result.type == truth["type"]
    assert {f.label: f.value for f in result.fields.values()} == truth["fields"]
    assert not result.needs_review, result.reasons
    assert all(c.status != "fail" for c in result.checks)


@pytest.mark.parametrize("quarter", [90, 180, 270])
def test_a_turned_skewed_photo_on_a_desk_is_read(recognizer, quarter):
    data, truth = _sample("id_card_front-004", degraded=True, quarter=quarter)
    result = recognizer.recognize(data)
    assert (result.type, result.rotation) == ("id_card_front", (360 - quarter) % 360)
    assert result.fields["公民身份号码"].value == truth["fields"]["公民身份号码"]
    # The ID number's box lies in the lower part of the card as photographed (turned back).
    x0, y0, x1, y1 = result.fields["公民身份号码"].box
    assert x1 > x0 and y1 > y0


@pytest.mark.parametrize("item_id, check", [
    ("id_card_front-000", "id_check_digit"),      # a specimen with a wrong check digit
    ("business_licence-000", "uscc_check_char"),
    ("id_card_back-000", "not_expired"),
])
def test_planted_invalid_values_are_flagged(recognizer, item_id, check):
    data, truth = _sample(item_id)
    assert truth["planted"]
    result = recognizer.recognize(data)
    assert result.needs_review
    assert check in {c.name for c in result.checks if c.status == "fail"}
    assert any(check_reason in " ".join(result.reasons) for check_reason in ("校验码", "过期"))


def test_an_unsupported_document_is_unknown_not_forced(recognizer):
    data, _ = _sample("unknown-001")
    result = recognizer.recognize(data)
    assert result.type == "unknown" and result.fields == {} and result.needs_review


def test_eval_runner_scores_a_small_generated_set(tmp_path, recognizer):
    from evals.certificates.dataset import generate

    truth = generate(tmp_path, per_type=1, unknown=1)
    result = evaluate(recognizer, truth)
    assert result["images"] == 8 and result["type_accuracy"] == 1.0
    assert result["validators"]["planted"] == 7 and result["validators"]["planted_flagged"] == 1.0
    assert result["field_accuracy"]["clean"] >= 0.95 and result["latency_s"]["p50"] > 0
    assert set(result["per_type"]["clean"]) == {row for row in result["latency_s_by_type"]} - {"unknown"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("certs"), rate_limit_per_minute=0,
                        api_keys={STAFF_KEY: "staff", CITIZEN_KEY: "citizen"}, max_upload_bytes=2_000_000)
    services = Services.build(settings)
    with TestClient(create_app(services=services)) as c:
        yield c
    services.close()


def test_upload_as_multipart_and_base64_with_ids_masked_by_role(client, caplog):
    data, truth = _sample("id_card_front-002")
    number = truth["fields"]["公民身份号码"]
    with caplog.at_level(logging.DEBUG):
        staff = client.post("/v1/certificates/recognize", files={"file": ("id.png", data, "image/png")},
                            headers={"Authorization": f"Bearer {STAFF_KEY}"})
        citizen = client.post("/v1/certificates/recognize",
                              json={"image": base64.b64encode(data).decode()},
                              headers={"Authorization": f"Bearer {CITIZEN_KEY}"})
    assert staff.status_code == 200 and citizen.status_code == 200
    assert staff.json()["fields"]["公民身份号码"]["value"] == number
    shown = citizen.json()["fields"]["公民身份号码"]["value"]
    assert shown == number[:6] + "*" * 8 + number[-4:] and citizen.json()["ids_masked"]
    assert citizen.json()["fields"]["姓名"]["value"] == truth["fields"]["姓名"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "certificate read" in logged
    for value in truth["fields"].values():
        assert value not in logged


def test_bad_uploads_get_a_clear_4xx_and_the_server_stays_up(client):
    blank = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(blank, "PNG")
    huge = io.BytesIO()
    Image.new("L", (8000, 6250)).save(huge, "PNG")  # 50 megapixels, a few kB
    cases = [
        ({"files": {"file": ("x.txt", b"hello, not an image", "text/plain")}}, 415, "not_an_image"),
        ({"files": {"file": ("t.png", _sample("id_card_front-002")[0][:3000], "image/png")}}, 422, "corrupt_image"),
        ({"files": {"file": ("b.png", blank.getvalue(), "image/png")}}, 422, "blank_image"),
        ({"files": {"file": ("h.png", huge.getvalue(), "image/png")}}, 413, "image_too_large"),
        ({"content": b"\xff\xd8\xff" + b"\0" * 2_100_000, "headers": {"content-type": "image/jpeg"}},
         413, "payload_too_large"),
        ({"content": b"\0" * 3_000_000, "headers": {"content-type": "image/jpeg"}}, 413, "payload_too_large"),
        ({"json": {"image": "not base64!"}}, 400, "invalid_base64"),
        ({"json": {"picture": "x"}}, 400, "invalid_input"),
        ({"content": b"x", "headers": {"content-type": "text/plain"}}, 415, "unsupported_media_type"),
    ]
    for kwargs, status, code in cases:
        r = client.post("/v1/certificates/recognize", **kwargs)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), kwargs.keys()
    # Other routes keep the small default body limit.
    assert client.post("/v1/search", content=b"x" * 300_000).status_code == 413
    assert client.get("/healthz").status_code == 200


def test_cli_recognize_prints_one_json_document(tmp_path):
    data, truth = _sample("social_security_card-002")
    path = tmp_path / "card.png"
    path.write_bytes(data)
    out = CliRunner().invoke(cli, ["recognize", str(path), "--role", "staff", "--json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["type"] == "social_security_card"
    assert body["fields"]["社会保障号码"]["value"] == truth["fields"]["社会保障号码"]
    missing = CliRunner().invoke(cli, ["recognize", str(tmp_path / "none.png"), "--json"])
    assert missing.exit_code == 2 and json.loads(missing.stdout)["error"]["code"] == "path_not_found"
