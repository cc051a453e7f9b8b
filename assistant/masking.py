"""Masks personal data (ID numbers, phone numbers, names) before text reaches a log or the store.

Masking is deliberately eager: a false positive costs a few characters of an audit record,
a false negative leaks a citizen's identity.
"""

import re

# 18-digit resident ID (last may be X) and the old 15-digit form, not inside a longer number.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}|\d{6})(\d{3}[0-9Xx]|\d{1})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{7,8})(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")
# A name announced by a cue (我叫张三, 姓名：李四, 联系人王五).
_NAME_CUE = re.compile(
    r"((?:我叫|我是|名叫|姓名[:：]?\s*|名字[是叫:：]\s*|联系人[:：]?\s*|申请人[:：]?\s*|本人[:：]\s*))"
    r"([\u4e00-\u9fa5·]{2,4})(?=[，。,.;；！!？?\s的]|$)"
)
_NOT_NAMES = ("市民", "居民", "学生", "老人", "本地", "外地", "个人", "群众", "业主", "租客",
              "房东", "孩子", "家长", "退休", "残疾", "新人", "党员", "职工", "一名", "重庆")


def _mask_name(m: re.Match) -> str:
    cue, name = m.group(1), m.group(2)
    if name.startswith(_NOT_NAMES):
        return m.group(0)
    return cue + name[0] + "*" * (len(name) - 1)


def mask_pii(text: str) -> str:
    """`text` with ID numbers, phone numbers, e-mail addresses and announced names masked.

    >>> mask_pii("我叫张三，身份证11010519491231002X，电话13812345678")
    '我叫张*，身份证110105********002X，电话138****5678'
    """
    if not text:
        return text
    text = _ID.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    text = _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "-" + "*" * (len(m.group(2)) - 4) + m.group(2)[-4:], text)
    text = _EMAIL.sub(lambda m: m.group(1) + "***" + m.group(2), text)
    return _NAME_CUE.sub(_mask_name, text)


def mask_data(value):
    """Placeholder until the masking rewrite lands: strings in nested JSON masked."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, list):
        return [mask_data(v) for v in value]
    if isinstance(value, dict):
        return {mask_pii(k): mask_data(v) for k, v in value.items()}
    return value
