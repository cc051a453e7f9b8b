"""Masks personal data before text reaches a log or the store: ID numbers, bank cards, phone
numbers, e-mail addresses, passports and permits, car plates, house numbers and names.

Masking is deliberately eager: a false positive costs a few characters of an audit record,
a false negative leaks a citizen's identity. It is also linear-time: it runs on every log line
inside the server's event loop, so no pattern may backtrack over its input. Each pattern starts
with one character class (so `re` skips ahead in C to the next place a form can start), bounds
every repetition, and decides the rest with lookarounds at that place; what a pattern cannot
judge (a check digit, a birth date, a dictionary word) is judged in Python, once per distinct
candidate. A masked form keeps a short prefix or suffix that helps staff and identifies no one,
and keeps its length: every masked character becomes one `*`.
"""

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from itertools import repeat
from operator import getitem, itemgetter, mul

from assistant import person_names

# Full-width digits and letters (and the punctuation inside numbers and addresses) are read as
# their ASCII twins; detection runs on a same-length copy so spans map back one to one.
_FULL_WIDTH = re.compile("[０-９Ａ-Ｚａ-ｚ－＠．＋　]+")
_TO_ASCII = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_STAR_RUN = re.compile(r"\*+")
_ALNUM_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ALNUM = frozenset(_ALNUM_CHARS)
_DIGIT_TO_STAR = str.maketrans("0123456789", "*" * 10)
_SEPARATOR = re.compile("[ -]")
_LAST_CHAR = slice(-1, None)
_MOBILE_STARTS = frozenset(f"1{d}" for d in "3456789")

# Numbers: candidates are found by shape in one scan and judged in Python (_number_form). After
# a number's first two digits, the branches part on the length of its first group of digits and
# lookbehinds check its first digits. A number glued to a letter is part of a code: not ours.
_NUMBER_REST = r"""
    (?:
        (?:[0-9]{8,17}+[Xx]?+                      # 10-19 digits: an ID, card or phone
            (?:(?<=[0-9Xx]{16})                    # 16-19: ID or card; 15: ID (a date), phone
              | (?<=[^0-9][0-9]{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})
              | (?<=[^0-9]00861[0-9]{10}) | (?<=[^0-9][01][0-9]{10}) | (?<=[^0-9]861[0-9]{10})
              | (?<=[^0-9]0[0-9]{9}) | (?<=[^0-9]0[0-9]{11}))
          | [0-9]{4}[ -]                           # 6 digits, then: ID 6-8-4, 6-4-4-4; card 6-13
            (?:(?:[0-9]{8}|[0-9]{4}[ -][0-9]{4})[ -][0-9]{3}[0-9Xx] | [0-9]{10,13}+)
          | [0-9]{2}[ -]                           # 4 digits, then: card 4-4-4-4; landline
            (?:[0-9]{4}(?:[ -][0-9]{4}){2}(?:[ -][0-9]{1,3})?
              | (?<=[^0-9]0[0-9]{3}.)(?:[0-9]{7,8}|[0-9]{3,4}[ -][0-9]{4}))
          | [0-9][ -]                              # 3 digits, then: mobile 3-4-4, 3-8; landline
            (?:(?<=[^0-9]1[3-9][0-9].)(?:[0-9]{4}[ -][0-9]{4}|[0-9]{8})
              | (?<=[^0-9]0[0-9]{2}.)(?:[0-9]{7,8}|[0-9]{3,4}[ -][0-9]{4})))
        (?![0-9A-Za-z])
      | (?<=[(（]0[0-9])[0-9]?[)）][ ]?[0-9]{3,4}[ -]?[0-9]{4}(?![0-9])  # (023)63811234
    )
"""
# In text with Chinese in it, digits are few: the scan stops on digits. In ASCII text (a log
# line, a query string) they may be dense: the scan stops only on a character that may stand
# before a number, so that it never retries inside a run of digits.
# Digits beside a mask (138****5678) are the ends of a number, never a number of their own;
# a number in bold (**13812345678**) is one. Checked where a number may start and end.
_NOT_AFTER_A_MASK = r"(?<![0-9A-Za-z]\*..)(?<![0-9A-Za-z*]\*\*..)"
_NOT_BEFORE_A_MASK = r"(?!\*[0-9A-Za-z])(?!\*\*[0-9A-Za-z*])"
_NUMBER_IN_CHINESE = re.compile(
    rf"([0-9]{{2}}(?<![0-9A-Za-z]..){_NOT_AFTER_A_MASK}{_NUMBER_REST}){_NOT_BEFORE_A_MASK}",
    re.VERBOSE)
_NUMBER_IN_ASCII = re.compile(
    rf"([^0-9A-Za-z])([0-9]{{2}}{_NOT_AFTER_A_MASK}{_NUMBER_REST}){_NOT_BEFORE_A_MASK}",
    re.VERBOSE)

# House numbers (only in text with Chinese in it): 188号3单元502室, 5栋2单元1203, 12幢3-502.
# A bare 号 counts only after a place word, so 〔2020〕45号 and 第45号令 stay.
_ADDRESS = re.compile(r"""
    ([0-9](?<![0-9A-Za-z][0-9])
    (?:(?<=[路街巷弄道村组社里湾坝院苑园庄屯][0-9])[0-9]{0,4}号(?![线令文])
      | [0-9]{0,4}(?:-[0-9]{1,5})?(?:号楼|号院|栋|幢|单元|室(?![0-9一二两三四五]厅)))
    (?:[0-9]{1,5}(?:-[0-9]{1,5})?(?:号楼|栋|幢|单元|室|号|层|楼|户)){0,6}+
    (?:[0-9]{1,5}(?:-[0-9]{1,5})?(?![0-9A-Za-z.%年月日时分秒点元万个人次岁天米多余]))?)
""", re.VERBOSE)

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Passports (E, G, P, D, S) and Hong Kong/Macau permits (C, H, M); car plates (渝A·12345,
# new-energy 渝AD12345); a code after 护照, 通行证, 证件 or 身份证 (a mistyped ID included);
# and after 电话, 手机, 座机 or 联系方式 a local number (no area code) or a mistyped mobile.
_CODE = re.compile(rf"""
    ([CDEGHMPS{_PROVINCES}护通证身电手座联][0-9A-Z照行件份话机系]
    (?:
        (?<=[CDEGHMPS][0-9A-Z])(?<![0-9A-Za-z]..)(?:(?<=[A-Z])[0-9]{{7,8}}|(?<=[0-9])[0-9]{{6,7}})
      | (?<=[{_PROVINCES}][A-Z])[·•・ ]?(?=[A-Z]{{0,5}}[0-9])[A-Z0-9]{{5,6}}+
      | (?:(?<=护照)|(?<=通行)证|(?<=证件)|(?<=身份)证)(?:号码?|编号)?(?:[:：]|是|为)?[ ]{{0,3}}
        [A-Za-z0-9]{{7,18}}+
      | (?:(?<=电话)|(?<=手机)|(?<=座机)|(?<=联系)方式)(?:号码?)?(?:[:：]|是|为)?[ ]{{0,3}}
        (?:[0-9]{{7,8}}+|1[0-9]{{9,11}}+)          # a local number, or a mistyped mobile
    )
    (?![0-9A-Za-z]))
""", re.VERBOSE)
_PHONE_CUES = ("电话", "手机", "座机", "联系")

# An e-mail is found from its "@domain" (a literal start: fast), then its local part backwards.
_EMAIL_DOMAIN = re.compile(r"@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])")
_LOCAL_CHARS = _ALNUM_CHARS + "._%+-"

# GB 11643: weights 2^(17-i) mod 11 and the check character for each remainder (the same table
# as assistant/certificates/validators.py, which this low-level module must not import).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_WEIGHT_SUM = sum(_ID_WEIGHTS)
# Luhn: each digit's double, digit-summed, as a digit (so that the sum is taken in C).
_LUHN_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")

FormOf = Callable[..., tuple[str | None, str]]


def mask_id_value(value: str) -> str:
    """An identity number with all but its region (first 6) and last 4 characters masked; a
    value of 10 characters or fewer is masked whole.

    >>> mask_id_value("11010519491231002X")
    '110105********002X'
    """
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_pii(text: str) -> str:
    """`text` with personal data masked; the length is kept (one `*` per hidden character).

    >>> mask_pii("我叫张三，身份证11010519491231002X，电话13812345678")
    '我叫张*，身份证110105********002X，电话138****5678'
    """
    return _mask(text, None) if text else text


def count_pii(text: str) -> tuple[str, Counter]:
    """`mask_pii(text)` and how many spans of each form it masked (id, bank_card, mobile,
    landline, email, passport, plate, address, name); for evals/masking.py."""
    counts: Counter = Counter()
    return (_mask(text, counts) if text else text), counts


def mask_data(value: object, mask: Callable[[str], str] | None = None) -> object:
    """A copy of a JSON-like value (dict, list, tuple, str, number, bool, None, nested to any
    depth) with every string masked (by `mask`, default mask_pii), dict keys included.
    Iterative, so deep nesting cannot raise RecursionError; a container met twice is copied
    once; two keys that mask alike collapse into one.

    >>> mask_data({"电话": ["13812345678", 3]})
    {'电话': ['138****5678', 3]}
    """
    mask = mask or mask_pii
    copies: dict[int, dict | list] = {}
    todo: list[dict | list | tuple] = []

    def copy_of(item: object) -> object:
        if isinstance(item, str):
            return mask(item)
        if not isinstance(item, dict | list | tuple):
            return item
        if id(item) not in copies:
            copies[id(item)] = {} if isinstance(item, dict) else []
            todo.append(item)
        return copies[id(item)]

    root = copy_of(value)
    while todo:
        src = todo.pop()
        dst = copies[id(src)]
        if isinstance(src, dict):
            for k, v in src.items():
                dst[mask(k) if isinstance(k, str) else k] = copy_of(v)
        else:
            dst.extend(map(copy_of, src))
    return root


def _mask(text: str, counts: Counter | None) -> str:
    plain = text if text.isascii() else _FULL_WIDTH.sub(_to_ascii, text)
    # A leading newline stands before a form at the very start, as the patterns want.
    if plain.isascii():
        masked = _apply(_NUMBER_IN_ASCII, _number_form_after, "\n" + plain, counts)
    else:
        masked = _apply(_NUMBER_IN_CHINESE, _number_form, "\n" + plain, counts)
    if not masked.isascii() or any(c in masked for c in "CDEGHMPS"):
        masked = _apply(_CODE, _code_form, masked, counts)
    if "@" in masked:
        masked = _mask_emails(masked, counts)
    if not masked.isascii():
        masked = _apply(_ADDRESS, _address_form, masked, counts)
        masked = _apply(person_names.CUED, person_names.cued_form, masked, counts)
        masked = _apply(person_names.BARE, person_names.bare_form, masked, counts, context=True)
    masked = masked[1:]
    return masked if plain is text else _restore(text, masked)


def _apply(pattern: re.Pattern, form_of: FormOf, text: str, counts: Counter | None,
           context: bool = False) -> str:
    """`text` with the last group of each match of `pattern` replaced by
    `form_of(*groups)[1]` (with `context`: `form_of(*groups, character before the match)`).

    The groups must cover the whole match; those before the last are kept as they are.
    `re.split` does the scanning and `map` the calls, so a repeated candidate costs only a
    cached lookup.
    """
    parts = pattern.split(text)
    if len(parts) == 1:
        return text
    step = pattern.groups + 1
    args = [parts[i::step] for i in range(1, step)]
    if context:
        args.append(map(getitem, parts[0:-1:step], repeat(_LAST_CHAR)))
    found = map(form_of, *args)
    if counts is not None:
        found = list(found)
        counts.update(form for form, _ in found if form)
    parts[step - 1::step] = map(itemgetter(1), found)
    return "".join(parts)


def _to_ascii(m: re.Match) -> str:
    return m.group().translate(_TO_ASCII)


def _restore(original: str, masked: str) -> str:
    """`original` with the stars of `masked` (its same-length, ASCII-read copy) copied in."""
    pieces, last = [], 0
    for m in _STAR_RUN.finditer(masked):
        pieces += [original[last:m.start()], m.group()]
        last = m.end()
    pieces.append(original[last:])
    return "".join(pieces)


def _keep_ends(s: str, head: int, tail: int) -> str:
    """`s` with its ASCII letters and digits masked except the first `head` and last `tail`;
    separators, brackets and other characters stay."""
    if s.isalnum() and s.isascii():
        return s[:head] + "*" * (len(s) - head - tail) + s[len(s) - tail:]
    places = [i for i, c in enumerate(s) if c in _ALNUM]
    chars = list(s)
    for i in places[head:len(places) - tail]:
        chars[i] = "*"
    return "".join(chars)


def _is_birth_date(yyyymmdd: str) -> bool:
    if yyyymmdd[:2] not in ("19", "20") or yyyymmdd[4] not in "01" or yyyymmdd[6] not in "0123":
        return False
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return 1900 <= born.year and born <= date.today()


def _id_check_ok(number: str) -> bool:
    """GB 11643: the 18th character checks the weighted sum of the first 17 digits."""
    total = sum(map(mul, number[:17].encode(), _ID_WEIGHTS)) - 48 * _ID_WEIGHT_SUM
    return _ID_CHECK[total % 11] == number[17].upper()


def _luhn_ok(digits: str) -> bool:
    """The Luhn check of bank card numbers (ISO/IEC 7812)."""
    b = digits.encode()
    return (sum(b[-1::-2]) + sum(b[-2::-2].translate(_LUHN_DOUBLED)) - 48 * len(b)) % 10 == 0


def _number_form_after(_before: str, s: str) -> tuple[str | None, str]:
    """_number_form for _NUMBER_IN_ASCII, whose first group is the character before."""
    return _number_form(s)


def _number_form(s: str) -> tuple[str | None, str]:
    """(form, masked) for a number of one of _NUMBER_REST's shapes, or (None, s) if none of ours."""
    n = len(s)
    if n in (16, 17, 19) and s.isdigit():  # only a card: the commonest case, kept out of the cache
        return ("bank_card", s[:4] + "*" * (n - 8) + s[-4:]) if _luhn_ok(s) else (None, s)
    return _number_form_cached(s)


@lru_cache(maxsize=4096)
def _number_form_cached(s: str) -> tuple[str | None, str]:
    n = len(s)
    if ")" in s or "）" in s:  # 023)63811234, after its bracket: the area code stays
        return "landline", _keep_ends(s, len(s) - len(s.lstrip("0123456789")), 4)
    if s[:-1].isdigit():
        if n == 11 and s[0] == "1" or n in (13, 15) and s.startswith(("861", "00861")):
            return ("mobile", _keep_ends(s, n - 8, 4)) if s[n - 10] in "3456789" else (None, s)
        if s[0] == "0" and n <= 12:  # 010, 02x: three-digit area codes; the rest have four
            return "landline", _keep_ends(s, 3 if s[1] in "12" else 4, 4)
        if n == 15 and _is_birth_date("19" + s[6:12]):
            return "id", mask_id_value(s)
        # Eager: a valid birth date is enough, a typo elsewhere is still someone's number.
        if n == 18 and (_is_birth_date(s[6:14]) or _id_check_ok(s)):
            return "id", mask_id_value(s)
        if s.isdigit() and 16 <= n <= 19 and _luhn_ok(s):
            return "bank_card", _keep_ends(s, 4, 4)
        return None, s
    groups = tuple(map(len, _SEPARATOR.split(s)))
    digits = "".join(c for c in s if c in _ALNUM)
    if s[:2] in _MOBILE_STARTS and groups in ((3, 4, 4), (3, 8)):
        return "mobile", _keep_ends(s, 3, 4)
    if s[0] == "0" and groups[0] in (3, 4) and 10 <= len(digits) <= 12:
        return "landline", _keep_ends(s, groups[0], 4)
    if groups in ((6, 8, 4), (6, 4, 4, 4)):  # spaces or dashes inside: the check must hold
        return ("id", _keep_ends(s, 6, 4)) if _id_check_ok(digits) else (None, s)
    if 16 <= len(digits) <= 19 and digits.isdigit() and _luhn_ok(digits):
        return "bank_card", _keep_ends(s, 4, 4)
    return None, s


@lru_cache(maxsize=4096)
def _code_form(s: str) -> tuple[str | None, str]:
    """(form, masked) for a passport or permit, a plate or a code after a cue word."""
    if s[0] in _PROVINCES:  # 渝A·12345 -> 渝A·***45: province and city stay
        return "plate", s[:2] + _keep_ends(s[2:], 0, 2)
    if s[0] in "CDEGHMPS":
        return "passport", _keep_ends(s, 2 if s[1].isalpha() else 1, 2)
    cue = s.rstrip(_ALNUM_CHARS)
    code = s[len(cue):]
    if cue.startswith(_PHONE_CUES):  # 电话：63811234 -> 电话：****1234
        return "landline", cue + _keep_ends(code, 0, 4)
    if len(code) in (15, 18) and code[:-1].isdigit():
        return "id", cue + mask_id_value(code)
    letters = len(code) - len(code.lstrip(_ALNUM_CHARS[10:]))
    return "passport", cue + _keep_ends(code, min(letters, 2), 2)


@lru_cache(maxsize=4096)
def _address_form(s: str) -> tuple[str | None, str]:
    return "address", s.translate(_DIGIT_TO_STAR)


def _mask_emails(text: str, counts: Counter | None) -> str:
    """`text` with each e-mail's local part masked but its first character: z***@example.com."""
    pieces, last = [], 0
    for m in _EMAIL_DOMAIN.finditer(text):
        at = m.start()
        before = text[max(last, at - 64):at]
        local = len(before) - len(before.rstrip(_LOCAL_CHARS))
        if local < 2:
            continue
        pieces += [text[last:at - local + 1], "*" * (local - 1)]
        last = at
        if counts is not None:
            counts["email"] += 1
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)
