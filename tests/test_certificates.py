"""Certificate recognition without OCR: validators, region table, safe decoding, field
extraction from OCR-shaped lines, masking, and the synthetic set's plan and planted faults."""

import io
from datetime import date

import numpy as np
import pytest
from PIL import Image

from assistant.certificates import validators as v
from assistant.certificates.catalog import TYPES
from assistant.certificates.fields import extract
from assistant.certificates.images import decode_image
from assistant.certificates.ocr import Line
from assistant.certificates.recognizer import Recognition, detect_type
from assistant.errors import ImageRejected, PayloadTooLarge, UnsupportedMedia
from evals.certificates.dataset import PER_TYPE, TODAY, plan, render_sample

LIMITS = {"max_bytes": 10_000_000, "max_pixels": 30_000_000}


def _png(img: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def _line(text: str, x: float, y: float, w: float, h: float = 30, angle_px: float = 0) -> Line:
    """An OCR line at (x, y) of size w x h, its right end lowered by angle_px (a tilted photo)."""
    return Line(text, 0.99, ((x, y), (x + w, y + angle_px), (x + w, y + h + angle_px), (x, y + h)))


def test_id_check_character_follows_gb11643():
    assert v.id_check_char("11010519491231002") == "X"  # the standard's own example
    assert [c.status for c in v.check_id_number("公民身份号码", "11010519491231002X")][:1] == ["pass"]
    wrong = v.check_id_number("公民身份号码", "110105194912310021")
    assert {c.name: c.status for c in wrong}["id_check_digit"] == "fail"
    assert v.check_id_number("公民身份号码", "1101051949")[0].name == "id_format"


def test_uscc_check_character_follows_gb32100():
    assert v.uscc_check_char("91350100M000100Y4") == "3"
    assert v.check_uscc("统一社会信用代码", "91350100M000100Y43")[0].status == "pass"
    assert v.check_uscc("统一社会信用代码", "91350100M000100Y44")[0].status == "fail"
    assert v.check_uscc("统一社会信用代码", "91350100M000100YI3")[0].name == "uscc_format"  # no I


def test_region_table_has_every_province_and_chongqing_county():
    table = v.regions()
    assert sum(code.endswith("0000") for code in table) == 34
    chongqing = {c: n for c, n in table.items() if c.startswith("50") and c != "500000"}
    assert len(chongqing) == 38
    assert chongqing["500101"] == "万州区" and chongqing["500155"] == "梁平区"
    assert chongqing["500156"] == "武隆区" and chongqing["500243"] == "彭水苗族土家族自治县"
    assert v.region_status("500103") == "pass"
    assert v.region_status("510104") == "unknown"  # Sichuan: province known, county not listed
    assert v.region_status("990101") == "fail"


def test_birth_sex_dates_and_expiry():
    id_ = "11010519491231002X"
    assert v.check_birth_matches("号", id_, "出生", "1949年12月31日").status == "pass"
    assert v.check_birth_matches("号", id_, "出生", "1949年12月30日").status == "fail"
    assert v.check_sex_matches("号", id_, "性别", "女").status == "pass"  # 17th digit 2: even
    assert v.check_sex_matches("号", id_, "性别", "男").status == "fail"
    today = date(2026, 11, 21)
    assert v.check_date("出生", "2026年02月30日", today).status == "fail"
    assert v.check_date("出生", "2030-01-01", today).status == "fail"
    assert v.check_expiry("有效期限", "2015.03.01-2035.03.01", today).status == "pass"
    assert v.check_expiry("有效期限", "2006.03.01-2026.03.01", today).status == "fail"
    assert v.check_expiry("有效期限", "2015.03.01-长期", today).status == "pass"
    assert v.check_expiry("营业期限", "2015年03月18日至2045年03月17日", today).status == "pass"
    assert v.check_expiry("有效期限", "2016-05-12至2010-05-12", today).name == "valid_period"


@pytest.mark.parametrize("data, error, code", [
    (b"", ImageRejected, "empty_image"),
    (b"%PDF-1.4 not an image at all", UnsupportedMedia, "not_an_image"),
    (_png(Image.new("RGB", (64, 64), "white"), "GIF"), UnsupportedMedia, "unsupported_image_type"),
    (_png(Image.new("RGB", (400, 300), (200, 200, 200))), ImageRejected, "blank_image"),
    # 50 megapixels of one colour compress to a few kilobytes: refused from the header alone.
    (_png(Image.new("L", (8000, 6250))), PayloadTooLarge, "image_too_large"),
    (b"\x89PNG" + b"\0" * 11_000_000, PayloadTooLarge, "payload_too_large"),
])
def test_bad_images_are_refused_with_a_stable_code(data, error, code):
    with pytest.raises(error) as caught:
        decode_image(data, **LIMITS)
    assert caught.value.code == code


def test_truncated_images_are_refused():
    noisy = Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 400, 3), np.uint8))
    for fmt in ("PNG", "JPEG", "WEBP"):
        data = _png(noisy, fmt)
        with pytest.raises(ImageRejected) as caught:
            decode_image(data[: len(data) // 2], **LIMITS)
        assert caught.value.code == "corrupt_image", fmt


def test_decoding_scales_large_photos_down_and_reports_the_factor():
    img = Image.fromarray(np.random.default_rng(1).integers(0, 255, (3000, 4000, 3), np.uint8))
    array, scale = decode_image(_png(img, "JPEG"), **LIMITS)
    assert max(array.shape[:2]) <= 2000 and scale == pytest.approx(4000 / array.shape[1])


def test_fields_from_tilted_lines_with_split_labels_and_wrapped_address():
    tilt = 12  # px over a line's width: about 3 degrees
    lines = [
        _line("姓", 60, 60, 28, angle_px=1), _line("名", 110, 61, 28, angle_px=1),
        _line("张晓明", 170, 62, 110, angle_px=tilt * 110 / 400),
        _line("性别男", 60, 125, 120, angle_px=4), _line("民族汉", 270, 128, 120, angle_px=4),
        _line("出生1990年3月7日", 60, 190, 380, angle_px=tilt),
        _line("住址", 60, 255, 70, angle_px=2), _line("重庆市渝中区民权路28号", 170, 258, 360, angle_px=tilt),
        _line("3单元12-4", 168, 302, 150, angle_px=4),
        _line("公民身份号码", 60, 450, 180, angle_px=5), _line("11010519491231002x", 260, 455, 360, angle_px=tilt),
    ]
    cert = TYPES["id_card_front"]
    assert detect_type(lines)[0] is cert
    got = {f.label: f.value for f in extract(lines, cert).values()}
    assert got == {"姓名": "张晓明", "性别": "男", "民族": "汉", "出生": "1990年3月7日",
                   "住址": "重庆市渝中区民权路28号3单元12-4", "公民身份号码": "11010519491231002X"}


def test_a_page_without_enough_anchor_words_is_unknown():
    lines = [_line("停车缴费收据", 100, 40, 300), _line("姓名张三", 80, 150, 200), _line("金额20.00元", 80, 220, 200)]
    assert detect_type(lines)[0] is None


def test_identity_numbers_are_masked_unless_revealed():
    from assistant.certificates.fields import Extracted

    result = Recognition("id_card_front", "居民身份证（人像面）", 0,
                         {"公民身份号码": Extracted("公民身份号码", "11010519491231002X", 0.99, (0, 0, 1, 1)),
                          "姓名": Extracted("姓名", "张三", 0.99, (0, 0, 1, 1))},
                         [], False, [], frozenset({"公民身份号码"}), 0.1)
    masked = result.to_dict()
    assert masked["fields"]["公民身份号码"]["value"] == "110105********002X" and masked["ids_masked"]
    assert result.to_dict(reveal_ids=True)["fields"]["公民身份号码"]["value"] == "11010519491231002X"


def test_eval_plan_has_300_images_and_planted_faults_really_are_invalid():
    items = plan()
    assert len(items) >= 300 and len({i["kind"] for i in items}) == 8
    assert sum(i["degraded"] for i in items) >= 150
    planted = [i for i in items if i["planted"]]
    assert {i["planted"] for i in planted} == {"id_check", "uscc_check", "expired"}
    for item in planted:
        _, truth = render_sample({**item, "degraded": False})
        f = truth["fields"]
        if item["planted"] == "expired":
            period = f.get("有效期限") or f["营业期限"]
            assert v.check_expiry("期限", period, TODAY).status == "fail"
        elif item["planted"] == "uscc_check":
            assert v.check_uscc("代码", f["统一社会信用代码"])[0].status == "fail"
        else:
            number = next(val for key, val in f.items() if key in (
                "公民身份号码", "证号", "社会保障号码", "公民身份证件编号", "身份证件号(1)"))
            assert v.check_id_number("号", number)[0].status == "fail"
    assert PER_TYPE * 7 + 16 == len(items)


def test_misread_district_names_are_corrected_against_the_region_table():
    from assistant.certificates.places import correct_places

    assert correct_places("重庆市培陵区滨江路1号") == "重庆市涪陵区滨江路1号"       # one character wrong
    assert correct_places("重庆市陵区滨江路1号") == "重庆市涪陵区滨江路1号"         # one missing
    assert correct_places("重庆市公安局西阳土家族苗族自治县分局") == "重庆市公安局酉阳土家族苗族自治县分局"
    assert correct_places("重庆市渝中区解放碑") == "重庆市渝中区解放碑"           # right: untouched
    assert correct_places("重庆市两江新区金开大道") == "重庆市两江新区金开大道"     # not a county: untouched
