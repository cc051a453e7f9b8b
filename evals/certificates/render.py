"""Renders synthetic certificates close to the real layouts, with their ground truth.

Fonts come from Debian packages the project installs (fonts-noto-cjk, fonts-wqy-microhei;
see scripts/test.sh). Layout positions follow the real documents at 10 px per millimetre for
the cards; photos, emblems and seals are drawn as plain shapes, since they carry no text.
Each renderer returns (image, type key, {field: printed value}).
"""

import math
import random
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from evals.certificates import identities as ids

FONT_FILES = {
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "hei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
}
INK, BLUE, RED = (25, 25, 30), (40, 90, 150), (200, 40, 40)


@cache
def font(kind: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = FONT_FILES[kind]
    if not Path(path).exists():
        raise FileNotFoundError(f"font {path} is missing; apt-get install fonts-noto-cjk fonts-wqy-microhei")
    return ImageFont.truetype(path, size, index=index)


def _paper(size: tuple[int, int], tint: tuple[int, int, int], rng: random.Random) -> Image.Image:
    """A pale security-print background: a tint, a gradient and fine guilloche-like waves."""
    img = Image.new("RGB", size, tint)
    d = ImageDraw.Draw(img)
    w, h = size
    for y in range(0, h, 3):
        shade = int(12 * y / h)
        d.line([(0, y), (w, y)], fill=tuple(max(c - shade, 0) for c in tint))
    phase = rng.random() * 6
    for k in range(0, h, 18):
        pts = [(x, k + 6 * math.sin(x / 40 + phase + k)) for x in range(0, w, 8)]
        d.line(pts, fill=tuple(max(c - 14, 0) for c in tint), width=1)
    return img


def _photo(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=(222, 226, 232))
    cx, w = (x0 + x1) // 2, x1 - x0
    d.ellipse([cx - w * 0.22, y0 + (y1 - y0) * 0.15, cx + w * 0.22, y0 + (y1 - y0) * 0.55], fill=(120, 110, 105))
    d.pieslice([x0 + w * 0.1, y0 + (y1 - y0) * 0.58, x1 - w * 0.1, y1 + (y1 - y0) * 0.4], 180, 360, fill=(70, 75, 90))


def _seal(d: ImageDraw.ImageDraw, center: tuple[int, int], r: int) -> None:
    x, y = center
    d.ellipse([x - r, y - r, x + r, y + r], outline=(215, 60, 60), width=max(r // 12, 3))
    d.regular_polygon((x, y, r // 3), 5, fill=(215, 60, 60))


def _emblem(d: ImageDraw.ImageDraw, center: tuple[int, int], r: int) -> None:
    x, y = center
    d.ellipse([x - r, y - r, x + r, y + r], fill=(205, 40, 40), outline=(230, 180, 60), width=4)
    d.regular_polygon((x, y - r // 4, r // 3), 5, fill=(240, 200, 60))


def _text(d, xy, text, kind, size, fill=INK, spacing=0):
    """Draws text, optionally letter-spaced (as the cards print 姓 名)."""
    x, y = xy
    if not spacing:
        d.text((x, y), text, font=font(kind, size), fill=fill)
        return
    for ch in text:
        d.text((x, y), ch, font=font(kind, size), fill=fill)
        x += font(kind, size).getlength(ch) + spacing


def _wrap(text: str, width: int) -> list[str]:
    """Lines of `width` characters; closing punctuation never starts a line (Chinese
    typesetting's 避头点 rule), it stays at the end of the line before."""
    lines: list[str] = []
    for i in range(0, len(text), width):
        part = text[i:i + width]
        while lines and part and part[0] in "）；，。、：":
            lines[-1] += part[0]
            part = part[1:]
        if part:
            lines.append(part)
    return lines


def _cn_date(d: date, pad: bool = True) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if pad else f"{d.year}年{d.month}月{d.day}日"


def id_card_front(rng: random.Random, today: date, planted: str | None):
    p = ids.person(rng, valid_id=planted != "id_check", today=today)
    img = _paper((856, 540), (236, 241, 246), rng)
    d = ImageDraw.Draw(img)
    _photo(d, (560, 60, 800, 380))
    for label, y in (("姓名", 60), ("性别", 125), ("出生", 190), ("住址", 255)):
        _text(d, (60, y + 4), label, "hei", 26, BLUE, spacing=14)
    _text(d, (168, 58), p["name"], "hei", 32)
    _text(d, (168, 123), p["sex"], "hei", 30)
    _text(d, (270, 129), "民族", "hei", 26, BLUE, spacing=14)
    _text(d, (375, 123), p["ethnic"], "hei", 30)
    b = p["birth"]
    for text, x in ((str(b.year), 168), ("年", 248), (str(b.month), 300), ("月", 340), (str(b.day), 390), ("日", 432)):
        _text(d, (x, 188), text, "hei", 30)
    for i, part in enumerate(_wrap(p["address"], 11)):
        _text(d, (168, 253 + i * 44), part, "hei", 30)
    _text(d, (60, 455), "公民身份号码", "hei", 26, BLUE, spacing=4)
    _text(d, (268, 450), p["id"], "bold", 34, spacing=3)
    fields = {"姓名": p["name"], "性别": p["sex"], "民族": p["ethnic"],
              "出生": f"{b.year}年{b.month}月{b.day}日", "住址": p["address"], "公民身份号码": p["id"]}
    return img, "id_card_front", fields


def id_card_back(rng: random.Random, today: date, planted: str | None):
    code = rng.choice(list(ids.CQ))
    district = ids.CQ[code]
    years = rng.choice((10, 20))
    if planted == "expired":  # ended between 15 years and a day ago
        issued = ids.random_date(rng, today - timedelta(days=365 * (years + 15)),
                                 today - timedelta(days=365 * years + 6))
    else:
        issued = ids.random_date(rng, today - timedelta(days=365 * years - 10), today - timedelta(days=1))
    issued = issued.replace(day=min(issued.day, 28))
    end = issued.replace(year=issued.year + years)
    period = f"{issued:%Y.%m.%d}-{end:%Y.%m.%d}" if rng.random() > 0.1 or planted else f"{issued:%Y.%m.%d}-长期"
    authority = f"重庆市公安局{district}分局"
    img = _paper((856, 540), (238, 240, 236), rng)
    d = ImageDraw.Draw(img)
    _emblem(d, (150, 150), 85)
    _text(d, (300, 80), "中华人民共和国", "bold", 48, INK, spacing=6)
    _text(d, (330, 170), "居民身份证", "bold", 62, INK, spacing=12)
    _text(d, (150, 380), "签发机关", "hei", 26, BLUE, spacing=6)
    _text(d, (310, 376), authority, "hei", 30)
    _text(d, (150, 445), "有效期限", "hei", 26, BLUE, spacing=6)
    _text(d, (310, 441), period, "hei", 30)
    return img, "id_card_back", {"签发机关": authority, "有效期限": period}


def business_licence(rng: random.Random, today: date, planted: str | None):
    individual = rng.random() < 0.3 and planted != "expired"  # 个体工商户 print no 营业期限
    c = ids.company(rng, individual=individual, valid=planted != "uscc_check")
    boss = ids.name(rng)
    img = _paper((1700, 1150), (250, 246, 238), rng)
    d = ImageDraw.Draw(img)
    d.rectangle([20, 20, 1680, 1130], outline=(190, 120, 60), width=10)
    _emblem(d, (850, 105), 60)
    _text(d, (690, 175), "营业执照", "serif", 72, INK, spacing=16)
    _text(d, (70, 200), "统一社会信用代码", "hei", 24)
    _text(d, (70, 235), c["uscc"], "bold", 28, spacing=2)
    left, right = 90, 900
    founded = c["founded"]
    fields = {"统一社会信用代码": c["uscc"], "名称": c["name"], "类型": c["type"]}
    rows_l = [("名称", c["name"]), ("类型", c["type"]), ("经营者" if individual else "法定代表人", boss)]
    fields[rows_l[2][0]] = boss
    rows_r = [] if individual else [("注册资本", c["capital"])]
    date_label = "注册日期" if individual else "成立日期"
    rows_r.append((date_label, _cn_date(founded)))
    fields.update({k: v for k, v in rows_r})
    if not individual:
        if planted == "expired":
            start = founded - timedelta(days=365 * 25)
            term = f"{_cn_date(start)}至{_cn_date(start.replace(year=start.year + 20) - timedelta(days=1))}"
        else:
            term = f"{_cn_date(founded)}至长期" if rng.random() < 0.6 else \
                f"{_cn_date(founded)}至{_cn_date(founded.replace(year=founded.year + 30) - timedelta(days=1))}"
        rows_r.append(("营业期限", term))
        fields["营业期限"] = term
    y = 330
    for label, value in rows_l:
        _text(d, (left, y), label, "hei", 26, spacing=6 if len(label) > 2 else 30)
        _text(d, (left + 170, y), value, "hei", 26)
        y += 70
    _text(d, (left, y), "经营范围", "hei", 26, spacing=6)
    for i, part in enumerate(_wrap(c["scope"], 20)):
        _text(d, (left + 170, y + i * 42), part, "hei", 26)
    fields["经营范围"] = c["scope"]
    y = 330
    for label, value in rows_r:
        _text(d, (right, y), label, "hei", 26, spacing=6)
        _text(d, (right + 170, y), value, "hei", 26)
        y += 70
    addr_label = "经营场所" if individual else "住所"
    _text(d, (right, y), addr_label, "hei", 26, spacing=6 if len(addr_label) > 2 else 30)
    for i, part in enumerate(_wrap(c["address"], 18)):
        _text(d, (right + 170, y + i * 42), part, "hei", 26)
    fields[addr_label] = c["address"]
    _text(d, (right + 120, 960), "登记机关", "hei", 26, spacing=6)
    _seal(d, (right + 400, 970), 80)
    _text(d, (right + 300, 1030), _cn_date(founded + timedelta(days=rng.randint(0, 900))), "hei", 24)
    return img, "business_licence", fields


def driving_licence(rng: random.Random, today: date, planted: str | None):
    p = ids.person(rng, valid_id=planted != "id_check", today=today)
    first = ids.random_date(rng, p["birth"].replace(year=p["birth"].year + 18) if p["birth"].month != 2 or p["birth"].day != 29
                            else p["birth"] + timedelta(days=18 * 366), today - timedelta(days=30))
    years = 6 if rng.random() < 0.5 else 10
    if planted == "expired":
        start = ids.random_date(rng, date(today.year - 30, 1, 1), date(today.year - years - 1, 1, 1))
    else:
        start = ids.random_date(rng, date(today.year - years + 1, 1, 1), today - timedelta(days=1))
    start = start.replace(day=min(start.day, 28))
    period = f"{start:%Y-%m-%d}至{start.replace(year=start.year + years):%Y-%m-%d}"
    img = _paper((880, 600), (240, 236, 244), rng)
    d = ImageDraw.Draw(img)
    _text(d, (130, 30), "中华人民共和国机动车驾驶证", "bold", 40, INK, spacing=4)
    _photo(d, (640, 150, 840, 410))
    _seal(d, (120, 520), 55)
    cls = rng.choice(["C1", "C2", "A1", "A2", "B1", "B2", "D", "C1E"])
    _text(d, (40, 100), "证号", "hei", 24, BLUE, spacing=20)
    _text(d, (180, 96), p["id"], "bold", 30, spacing=2)
    _text(d, (40, 160), "姓名", "hei", 24, BLUE, spacing=20)
    _text(d, (180, 156), p["name"], "hei", 28)
    _text(d, (340, 160), "性别", "hei", 24, BLUE, spacing=8)
    _text(d, (420, 156), p["sex"], "hei", 28)
    _text(d, (480, 160), "国籍", "hei", 24, BLUE, spacing=8)
    _text(d, (560, 156), "中国", "hei", 28)
    _text(d, (40, 215), "住址", "hei", 24, BLUE, spacing=20)
    for i, part in enumerate(_wrap(p["address"], 15)):
        _text(d, (180, 211 + i * 40), part, "hei", 28)
    for label, value, y in (("出生日期", f"{p['birth']:%Y-%m-%d}", 320), ("初次领证日期", f"{first:%Y-%m-%d}", 375),
                            ("准驾车型", cls, 430), ("有效期限", period, 485)):
        _text(d, (40 if len(label) == 4 else 20, y + 4), label, "hei", 24, BLUE, spacing=4 if len(label) == 4 else 0)
        _text(d, (200, y), value, "hei", 28)
    fields = {"证号": p["id"], "姓名": p["name"], "性别": p["sex"], "国籍": "中国", "住址": p["address"],
              "出生日期": f"{p['birth']:%Y-%m-%d}", "初次领证日期": f"{first:%Y-%m-%d}", "准驾车型": cls,
              "有效期限": period}
    return img, "driving_licence", fields


def social_security_card(rng: random.Random, today: date, planted: str | None):
    p = ids.person(rng, valid_id=planted != "id_check", today=today)
    card_no = rng.choice("ABCDEFGH") + f"{rng.randrange(10**8):08d}"
    issued = ids.random_date(rng, date(2012, 1, 1), today - timedelta(days=1))
    img = _paper((856, 540), (232, 242, 250), rng)
    d = ImageDraw.Draw(img)
    _emblem(d, (95, 80), 45)
    _text(d, (170, 50), "中华人民共和国社会保障卡", "bold", 42, (30, 60, 140), spacing=2)
    _photo(d, (610, 170, 800, 420))
    rows = (("姓名", p["name"]), ("社会保障号码", p["id"]), ("社会保障卡号", card_no), ("发卡日期", _cn_date(issued)))
    for i, (label, value) in enumerate(rows):
        y = 200 + i * 70
        _text(d, (50, y + 3), label, "hei", 24, INK, spacing=4 if len(label) > 4 else 10)
        _text(d, (245, y), value, "bold" if label != "姓名" else "hei", 28)
    fields = dict(rows)
    return img, "social_security_card", fields


def household_register(rng: random.Random, today: date, planted: str | None):
    p = ids.person(rng, valid_id=planted != "id_check", today=today)
    origin = rng.choice(list(ids.CQ))
    registered = ids.random_date(rng, date(2005, 1, 1), today - timedelta(days=1))
    edu, marriage = rng.choice(ids.EDUCATION), rng.choice(["已婚", "未婚"])
    relation = rng.choice(["户主", "夫", "长子", "次子"] if p["sex"] == "男" else ["户主", "妻", "长女", "次女"])
    birthplace = f"重庆市{ids.CQ[p['code']]}" if p["code"].startswith("50") else ids.CITY[p["code"][:2]] + ids.OTHER[p["code"]]
    native = f"重庆市{ids.CQ[origin]}"
    img = _paper((1400, 900), (247, 244, 236), rng)
    d = ImageDraw.Draw(img)
    _text(d, (520, 40), "常住人口登记卡", "serif", 52, INK, spacing=8)
    x = (60, 270, 720, 980, 1340)
    rows = [
        (("姓名", p["name"]), ("户主或与户主关系", relation)),
        (("曾用名", ""), ("性别", p["sex"])),
        (("出生地", birthplace), ("民族", p["ethnic"])),
        (("籍贯", native), ("出生日期", _cn_date(p["birth"]))),
        (("公民身份证件编号", p["id"]), ("身高", f"{rng.randint(150, 190)}厘米")),
        (("文化程度", edu), ("婚姻状况", marriage)),
        (("服务处所", ""), ("职业", "")),
    ]
    top, step = 130, 82
    for i, row in enumerate(rows):
        y = top + i * step
        d.line([(x[0] - 20, y - 14), (x[-1], y - 14)], fill=(120, 110, 100), width=2)
        for j, (label, value) in enumerate(row):
            lx = x[j * 2]
            size = 22 if len(label) > 6 else 26
            _text(d, (lx - 5, y + 10), label, "hei", size)
            _text(d, (x[j * 2 + 1] + 10, y + 8), value, "hei", 28)
    y = top + len(rows) * step
    d.line([(x[0] - 20, y - 14), (x[-1], y - 14)], fill=(120, 110, 100), width=2)
    for xx in x:
        d.line([(xx - 20, top - 14), (xx - 20, y - 14)], fill=(120, 110, 100), width=2)
    _text(d, (60, y + 30), "承办人签章", "hei", 26)
    _seal(d, (420, y + 60), 50)
    _text(d, (900, y + 30), "登记日期", "hei", 26)
    _text(d, (1040, y + 28), _cn_date(registered), "hei", 28)
    fields = {"姓名": p["name"], "户主或与户主关系": relation, "性别": p["sex"], "出生地": birthplace,
              "民族": p["ethnic"], "籍贯": native, "出生日期": _cn_date(p["birth"]),
              "公民身份证件编号": p["id"], "文化程度": edu, "婚姻状况": marriage,
              "登记日期": _cn_date(registered)}
    return img, "household_register", fields


def marriage_certificate(rng: random.Random, today: date, planted: str | None):
    a = ids.person(rng, sex="男", valid_id=planted != "id_check", today=today, min_age=25)
    b = ids.person(rng, sex="女", today=today, min_age=25)
    latest = max(a["birth"], b["birth"])
    registered = ids.random_date(rng, latest.replace(year=latest.year + 22) if not (latest.month == 2 and latest.day == 29)
                                 else latest + timedelta(days=22 * 366), today - timedelta(days=1))
    holder = rng.choice((a, b))["name"]
    number = f"J{rng.choice(list(ids.CQ))}-{registered.year}-{rng.randrange(1, 20000):06d}"
    img = _paper((1200, 820), (248, 238, 236), rng)
    d = ImageDraw.Draw(img)
    _text(d, (480, 30), "结婚证", "serif", 64, RED, spacing=20)
    for label, value, y in (("持证人", holder, 140), ("登记日期", _cn_date(registered), 200),
                            ("结婚证字号", number, 260)):
        _text(d, (80, y + 3), label, "hei", 26, INK, spacing=4)
        _text(d, (260, y), value, "hei", 28)
    _text(d, (80, 323), "备注", "hei", 26, INK, spacing=30)
    _photo(d, (760, 130, 1120, 370))
    _seal(d, (940, 330), 70)
    fields = {"持证人": holder, "登记日期": _cn_date(registered), "结婚证字号": number}
    for n, (p, top) in enumerate(((a, 410), (b, 610)), 1):
        _text(d, (80, top + 3), "姓名", "hei", 26, INK, spacing=12)
        _text(d, (260, top), p["name"], "hei", 28)
        _text(d, (600, top + 3), "性别", "hei", 26, INK, spacing=12)
        _text(d, (760, top), p["sex"], "hei", 28)
        _text(d, (80, top + 63), "国籍", "hei", 26, INK, spacing=12)
        _text(d, (260, top + 60), "中国", "hei", 28)
        _text(d, (600, top + 63), "出生日期", "hei", 26, INK, spacing=4)
        _text(d, (760, top + 60), _cn_date(p["birth"]), "hei", 28)
        _text(d, (80, top + 123), "身份证件号", "hei", 26, INK, spacing=0)
        _text(d, (260, top + 120), p["id"], "hei", 28, spacing=1)
        fields.update({f"姓名({n})": p["name"], f"性别({n})": p["sex"], f"国籍({n})": "中国",
                       f"出生日期({n})": _cn_date(p["birth"]), f"身份证件号({n})": p["id"]})
    return img, "marriage_certificate", fields


def unknown_document(rng: random.Random, today: date, planted: str | None):
    """A text-bearing page of no supported type (a receipt or a library card)."""
    img = _paper((900, 600), (245, 245, 240), rng)
    d = ImageDraw.Draw(img)
    title = rng.choice(["重庆图书馆读者证", "停车缴费收据", "体检预约回执", "快递面单"])
    _text(d, (200, 40), title, "bold", 44)
    lines = [f"编号 {rng.randrange(10**9):09d}", f"日期 {ids.random_date(rng, date(2020, 1, 1), today):%Y-%m-%d}",
             f"金额 {rng.randint(5, 500)}.00元", f"地点 {ids.address(rng, rng.choice(list(ids.CQ)))[:18]}",
             "请妥善保管本凭证"]
    for i, text in enumerate(lines):
        _text(d, (80, 150 + i * 70), text, "hei", 30)
    return img, "unknown", {}


RENDERERS = {
    "id_card_front": id_card_front, "id_card_back": id_card_back,
    "business_licence": business_licence, "driving_licence": driving_licence,
    "social_security_card": social_security_card, "household_register": household_register,
    "marriage_certificate": marriage_certificate, "unknown": unknown_document,
}
# What can be planted in each type: a wrong check character, or an expired document.
PLANTABLE = {
    "id_card_front": ("id_check",), "id_card_back": ("expired",), "business_licence": ("uscc_check", "expired"),
    "driving_licence": ("id_check", "expired"), "social_security_card": ("id_check",),
    "household_register": ("id_check",), "marriage_certificate": ("id_check",),
}
