"""Personal-data masking: each form masked, what must survive, the log filter, JSON values,
linear time on adversarial input, and how rarely the eval questions are altered."""

import io
import logging
import random
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.certificates.validators import id_check_char
from assistant.logs import MaskingFilter
from assistant.masking import count_pii, mask_data, mask_id_value, mask_pii
from evals.masking import DATASETS, dataset_texts, over_masking

CORPUS = Path(__file__).resolve().parents[1] / "corpora"


def _id(first17: str) -> str:
    return first17 + id_check_char(first17)


def _card(prefix: str, length: int) -> str:
    """A Luhn-valid card number of `length` digits starting with `prefix`."""
    body = prefix + "0" * (length - len(prefix) - 1)
    for last in "0123456789":
        digits = [int(c) for c in body + last][::-1]
        total = sum(d if i % 2 == 0 else (2 * d if d < 5 else 2 * d - 9)
                    for i, d in enumerate(digits))
        if total % 10 == 0:
            return body + last
    raise AssertionError


def _hidden(text: str, secret: str) -> bool:
    masked = mask_pii(text)
    return secret not in masked and len(masked) == len(text)


def test_the_documented_example_still_holds():
    assert (mask_pii("我叫张三，身份证11010519491231002X，电话13812345678")
            == "我叫张*，身份证110105********002X，电话138****5678")


def test_resident_ids_with_a_valid_check_or_birth_date():
    valid = _id("11010119900307757")
    assert mask_pii(f"身份证{valid}。") == f"身份证110101********{valid[-4:]}。"
    typo = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # wrong check character, real date
    assert mask_pii(f"号码{typo}") == f"号码110101********{typo[-4:]}"
    assert mask_pii("号码11010519491231002x") == "号码110105********002x"
    bad_date_bad_check = "110101199013457570"  # month 13; not a valid check either
    assert id_check_char(bad_date_bad_check[:17]) != "0"
    assert mask_pii(f"单号{bad_date_bad_check}") == f"单号{bad_date_bad_check}"


def test_ids_with_spaces_or_dashes_count_only_with_a_valid_check():
    valid = _id("11010119900307757")
    spaced = f"{valid[:6]} {valid[6:14]} {valid[14:]}"
    assert mask_pii(f"证件{spaced}") == f"证件{valid[:6]} ******** {valid[14:]}"
    dashed = f"{valid[:6]}-{valid[6:10]}-{valid[10:14]}-{valid[14:]}"
    assert _hidden(dashed, valid[6:10])
    wrong = spaced[:-1] + ("0" if spaced[-1] != "0" else "1")
    assert mask_pii(wrong) == wrong


def test_old_fifteen_digit_ids():
    assert mask_pii("旧证110105491231002") == "旧证110105*****1002"
    assert mask_pii("流水110105491331002") == "流水110105491331002"  # month 13


def test_full_width_digits_are_digits_and_the_rest_of_the_text_is_kept():
    assert mask_pii("手机：１３８１２３４５６７８，谢谢！") == "手机：１３８****５６７８，谢谢！"
    full = _id("11010119900307757").translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert _hidden(f"身份证{full}", full[6:14])


@pytest.mark.parametrize("length", [16, 17, 18, 19])
def test_bank_cards_pass_the_luhn_check(length):
    card = _card("62220212", length)
    assert mask_pii(f"卡号{card}") == f"卡号{card[:4]}{'*' * (length - 8)}{card[-4:]}"
    broken = card[:-1] + str((int(card[-1]) + 1) % 10)
    if length != 18 or id_check_char(broken[:17]) != broken[17]:  # else it reads as an ID
        assert mask_pii(f"单号{broken}") == f"单号{broken}"


def test_bank_cards_in_groups():
    card = _card("62220212", 19)
    grouped = " ".join(card[i:i + 4] for i in range(0, 19, 4))
    assert mask_pii(grouped) == f"{card[:4]} **** **** ***{card[15]} {card[16:]}"
    assert _hidden(f"{card[:6]}-{card[6:]}", card[6:15])


@pytest.mark.parametrize("text,masked", [
    ("13812345678", "138****5678"),
    ("电话+86 138 1234 5678", "电话+86 138 **** 5678"),
    ("+8613812345678", "+86138****5678"),
    ("008613812345678", "0086138****5678"),
    ("139-0000-1111", "139-****-1111"),
    ("tel:138-12345678", "tel:138-****5678"),
])
def test_mobile_phones(text, masked):
    assert mask_pii(text) == masked


@pytest.mark.parametrize("text,masked", [
    ("023-63811234", "023-****1234"),
    ("02363811234", "023****1234"),
    ("0871 6381234", "0871 ***1234"),
    ("(023)63811234", "(023)****1234"),
    ("（023）6381-1234", "（023）****-1234"),
    ("010 6381 1234", "010 **** 1234"),
    ("管理处电话83218483", "管理处电话****8483"),
])
def test_landlines(text, masked):
    assert mask_pii(text) == masked


def test_e_mail_addresses():
    assert mask_pii("邮箱 zhang.san@example.com.cn。") == "邮箱 z********@example.com.cn。"
    assert mask_pii("12345678@qq.com") == "1*******@qq.com"


@pytest.mark.parametrize("code,masked", [
    ("E12345678", "E******78"), ("EA1234567", "EA*****67"), ("G12345678", "G******78"),
    ("P1234567", "P*****67"), ("C12345678", "C******78"), ("H12345678", "H******78"),
    ("M12345678", "M******78"),
])
def test_passports_and_permits(code, masked):
    assert mask_pii(f"持{code}入境") == f"持{masked}入境"


def test_codes_inside_longer_tokens_are_not_passports_but_cued_ones_are():
    assert mask_pii("订单XE12345678Z") == "订单XE12345678Z"
    assert mask_pii("护照号：AB1234567") == "护照号：AB*****67"
    assert mask_pii("通行证号码 W12345678") == "通行证号码 W******78"


@pytest.mark.parametrize("text,masked", [
    ("车牌渝A12345", "车牌渝A***45"),
    ("渝A·12345违停", "渝A·***45违停"),
    ("新能源车渝AD12345", "新能源车渝A****45"),
])
def test_car_plates(text, masked):
    assert mask_pii(text) == masked


@pytest.mark.parametrize("text,masked", [
    ("住民族路188号3单元502室", "住民族路***号*单元***室"),
    ("5栋2单元1203", "*栋*单元****"),
    ("12幢3-502", "**幢*-***"),
    ("3号楼2单元", "*号楼*单元"),
    ("502室", "***室"),
    ("新建巷4号100多户", "新建巷*号100多户"),
])
def test_house_numbers(text, masked):
    assert mask_pii(text) == masked


@pytest.mark.parametrize("text,masked", [
    ("我叫张三，", "我叫张*，"),
    ("姓名：王小明", "姓名：王**"),
    ("联系人李四，电话", "联系人李*，电话"),
    ("本人张伟华", "本人张**"),
    ("本人张伟华反映", "本人张**反映"),
    ("市民王秀英反映", "市民王**反映"),
    ("投诉人：赵六，", "投诉人：赵*，"),
    ("业主欧阳建国来电", "业主欧阳**来电"),
    ("我叫张三13812345678", "我叫张*138****5678"),
])
def test_names_after_a_cue(text, masked):
    assert mask_pii(text) == masked


@pytest.mark.parametrize("text,masked", [
    ("李建国投诉", "李**投诉"),
    ("据王秀英女士称", "据王**女士称"),
    ("上官建国说", "上官**说"),
    ("此事由胡军石电话告知", "此事由胡**电话告知"),
    ("联系李建国 13812345678", "联系李** 138****5678"),
])
def test_names_without_a_cue(text, masked):
    assert mask_pii(text) == masked


@pytest.mark.parametrize("text", [
    "关于噪声投诉", "应该说", "商家表示", "高楼反映", "王府井投诉", "周边反映", "方便说",
    "万元称", "张贴称", "向前说", "有关部门表示", "相关部门称", "向物业反映", "我是市民，",
    "本人觉得不妥", "市民中心反映", "王先生说", "有个名字叫通讯录的群",
])
def test_words_that_start_with_a_surname_are_not_names(text):
    assert mask_pii(text) == text


@pytest.mark.parametrize("text", [
    "拨打12345、12315、12333、12366", "110、119、120", "96128", "95588", "400-123-4567",
    "800-820-8820", "2026年1月1日", "2026-01-01", "20260101", "12:30", "5元", "1200元",
    "3.5万元", "15%", "第一百二十三条", "第12条", "渝府发〔2020〕45号", "第45号令",
    "国务院令第745号", "65分贝", "2000平方米", "17280人", "GB 3096-2008", "GB 11643-2019",
    "91500000MA5U1234XY", "邮编400000", "地铁2号线", "1室1厅", "两室一厅",
])
def test_what_is_not_personal_data_survives(text):
    assert mask_pii(text) == text


def test_mask_id_value_is_the_certificate_format():
    assert mask_id_value("11010519491231002X") == "110105********002X"
    assert mask_id_value("1234567890") == "**********"


def test_count_pii_counts_by_form():
    masked, counts = count_pii("李建国投诉，电话13812345678，卡号" + _card("6222", 16))
    assert counts == {"name": 1, "mobile": 1, "bank_card": 1} and "*" in masked


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_masking_never_raises_keeps_length_and_is_idempotent(text):
    once = mask_pii(text)
    assert len(once) == len(text) and mask_pii(once) == once


_PIECES = st.sampled_from(["李", "王", "建国", "投诉", "说", "我叫", "市民", "本人", "身份证",
                           "护照", "渝A", "E", "１", "－", " ", "-", "(", "号", "栋", "单元",
                           "路", "@a.cn", "13812345678", "110101199003077571", "023", "6381",
                           "1234", "6222021234567890128", "0", "8", "X"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_masking_is_idempotent_on_mixed_forms(text):
    once = mask_pii(text)
    assert len(once) == len(text) and mask_pii(once) == once


def test_mask_data_masks_nested_values_and_keys():
    value = {"13812345678": ["我叫张三", ("李建国投诉", 3, 2.5, None, True)],
             "n": {"deep": {"卡": _card("6222", 16)}}}
    masked = mask_data(value)
    assert masked == {"138****5678": ["我叫张*", ["李**投诉", 3, 2.5, None, True]],
                      "n": {"deep": {"卡": f"6222********{_card('6222', 16)[-4:]}"}}}
    assert value["13812345678"][0] == "我叫张三"  # a copy, the original untouched


def test_mask_data_takes_any_depth_and_cycles():
    deep: list = ["13812345678"]
    for _ in range(100_000):
        deep = [deep]
    masked = mask_data(deep)
    for _ in range(100_000):
        masked = masked[0]
    assert masked == ["138****5678"]
    loop: dict = {"a": "13812345678"}
    loop["self"] = loop
    copy = mask_data(loop)
    assert copy["a"] == "138****5678" and copy["self"] is copy


def _log(*args, **kwargs) -> str:
    """What a handler with the masking filter writes for one record."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    # Outside the logger hierarchy, where pytest's capture handlers (unmasked) are not.
    logger = logging.Logger("yukuai.test.masking", logging.INFO)  # noqa: LOG001
    logger.addHandler(handler)
    logger.info(*args, **kwargs)
    return stream.getvalue()


def test_access_log_query_strings_are_decoded_then_masked():
    path = "/v1/search?q=" + quote("身份证110101199003077571")
    assert path.endswith("%E8%AF%81110101199003077571")
    line = _log('%s - "%s %s HTTP/%s" %d', "127.0.0.1:50000", "GET", path, "1.1", 200)
    assert "199003077571" not in line and "身份证110101********7571" in line


def test_exceptions_and_stacks_are_masked():
    try:
        raise ValueError("bad input: '我叫张三13812345678'")
    except ValueError:
        line = _log("failed", exc_info=True, stack_info=True)
    assert "Traceback (most recent call last)" in line and "in _log" in line  # the stack
    assert "13812345678" not in line and "张三" not in line
    assert "ValueError: bad input: '我叫张*138****5678'" in line


def test_long_messages_are_cut_without_leaving_half_an_id():
    valid = _id("11010119900307757")
    line = _log("x" * 3990 + f" {valid[:6]} {valid[6:14]} {valid[14:]} and more")
    assert valid[:6] not in line and "…[truncated" in line
    started = time.perf_counter()
    line = _log("GET /v1/search?q=" + "%E6%9D%8E" * 7000)  # a 63 kB URL
    assert time.perf_counter() - started < 0.05 and len(line) < 4100 and "truncated" in line


def test_the_filter_never_raises():
    class Unprintable:
        def __str__(self):
            raise RuntimeError("no")

    assert "13812345678" not in _log("%s %s", "13812345678")  # arguments that do not fit
    assert "masking failed" in _log(Unprintable())


def _one_megabyte(unit: str) -> str:
    """`unit` repeated to 1,000,000 bytes of UTF-8 (a million characters when ASCII)."""
    return unit * (1_000_000 // len(unit.encode()))


def test_a_megabyte_is_masked_in_under_50_ms_even_adversarial():
    chinese = "".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("*.md")))
    chinese = (chinese * 8).encode()[:1_000_000].decode(errors="ignore")
    inputs = {
        "a": "a" * 1_000_000, "1": "1" * 1_000_000, "1 ": "1 " * 500_000,
        "a@": "a@" * 500_000, "a.": "a." * 500_000, "Chinese": chinese,
        "李建国投诉": _one_megabyte("李建国投诉"),
        "digits, spaces, dashes": "".join(random.Random(0).choices("0123456789 -", k=1_000_000)),
    }
    mask_pii("李建国投诉")  # the dictionary of common words loads once, on first use
    # The step-5 issue asks for this bound as a test. The best of up to ten runs is taken, so
    # that another process on the machine does not decide it; a quadratic pattern would take
    # seconds here (benchmarks/masking.py has the figures).
    for name, text in inputs.items():
        best = float("inf")
        for _ in range(10):
            best = min(best, _seconds(mask_pii, text))
            if best < 0.05:
                break
        assert best < 0.05, f"{name}: {best * 1000:.0f} ms"


def _seconds(f, arg) -> float:
    started = time.perf_counter()
    f(arg)
    return time.perf_counter() - started


def test_masking_alters_at_most_one_percent_of_the_eval_questions():
    result = over_masking(dataset_texts(DATASETS / "answers.jsonl"), examples=5)
    assert result["texts"] >= 200 and result["share"] <= 0.01, result
