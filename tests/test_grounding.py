"""The grounding guard and PII masking: pure functions, checked on known cases."""

import pytest

from assistant.answering.grounding import check, numbers
from assistant.masking import mask_pii
from retrieval.numerals import cn_int

PASSAGES = ["公安机关应当自提交申领登记表之日起六十日内发放居民身份证（第十二条）。",
            "补领工本费为每证40元，临时居民身份证为每证10元。"]


@pytest.mark.parametrize("text,value", [("六十", 60), ("一百二十", 120), ("十五", 15),
                                        ("二〇二六", 2026), ("三万", 30000), ("两", 2),
                                        ("一两万", 10000), ("十二三", 12)])
def test_chinese_numerals_read_by_value(text, value):
    assert cn_int(text) == value


def test_numbers_takes_a_range_as_its_first_value_and_never_overflows():
    assert numbers("一两万人，三四天") == {10000, 3}
    assert numbers("一" * 400 + "天") == {float("inf")}  # as float() reads a long Arabic number


def test_numbers_reads_digits_and_chinese_numerals_before_units():
    assert numbers("六十日内，40元，拨打12345，第十二条 [3]") == {60, 40, 12345, 12}
    assert numbers("一站式办理，统一受理") == set()


def test_a_grounded_answer_passes():
    result = check("补领身份证60日内发放[1]，工本费40元[2]。", PASSAGES)
    assert result.ok and result.cited == [1, 2]


@pytest.mark.parametrize("answer,problem", [
    ("补领身份证30日内发放[1]。", "unsupported number(s) 30"),
    ("工本费40元[1]。", "unsupported number(s) 40"),  # true, but not in the passage it cites
    ("补领身份证要交钱。", "no citation"),
    ("见[5]。", "point at no retrieved passage"),
    ("请拨打12366咨询[1]。", "unsupported number(s) 12366"),
])
def test_an_ungrounded_answer_fails(answer, problem):
    result = check(answer, PASSAGES)
    assert not result.ok and any(problem in p for p in result.problems)


def test_numbers_from_the_question_may_be_repeated():
    assert check("您今年60岁，可以申请[1]。", PASSAGES, question="我60岁了能申请吗").ok


def test_mask_pii_hides_ids_phones_and_names():
    masked = mask_pii("我叫张三，身份证11010519491231002X，手机139-0000-1111，座机023-63811234")
    assert "11010519491231002X" not in masked and "张三" not in masked
    assert "0000-1111" not in masked and "63811234" not in masked
    assert masked.startswith("我叫张*")
    assert mask_pii("身份证丢了怎么补办？拨打12345") == "身份证丢了怎么补办？拨打12345"
