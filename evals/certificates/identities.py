"""Random but well-formed identities, companies and dates for the synthetic certificates.

Every ID number and USCC carries a correct check character unless the sample is one of the
planted invalid ones; region codes come from the same GB/T 2260 table the validators use.
"""

import random
from datetime import date, timedelta

from assistant.certificates.validators import (
    USCC_CHARS,
    id_check_char,
    org_code_check_char,
    regions,
    uscc_check_char,
)

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万覃武钱严莫孔向汤") + ["欧阳", "司马", "上官", "诸葛"]
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏飞宇浩然欣怡子涵梓轩雨萱思远嘉琪晓东海波晨阳志坚永红春梅德明秋菊国庆小龙佳慧婷雪松")
ETHNIC = ["汉"] * 14 + ["土家", "苗", "回", "满", "蒙古", "彝", "藏", "壮"]
ROADS = ["民权路", "解放西路", "中山一路", "北城天街", "观音桥步行街", "杨家坪正街", "南坪西路",
         "渝州路", "石桥铺正街", "学府大道", "金开大道", "龙华大道", "天生路", "红光大道",
         "白沙路", "人民路", "滨江路", "鹿山大道", "凤凰大道", "沙滨路"]
INDUSTRY = [("科技", "软件开发；信息技术咨询服务；数据处理和存储支持服务；信息系统集成服务"),
            ("商贸", "日用百货销售；五金产品零售；文具用品零售；办公用品销售；食品销售（仅销售预包装食品）"),
            ("餐饮管理", "餐饮服务；餐饮管理；食品经营；小餐饮、小食杂、食品小作坊经营"),
            ("建筑工程", "建设工程施工；住宅室内装饰装修；建筑材料销售；园林绿化工程施工"),
            ("物流", "道路货物运输（不含危险货物）；普通货物仓储服务；国内货物运输代理；装卸搬运"),
            ("文化传媒", "组织文化艺术交流活动；广告设计、代理；广告制作；会议及展览服务；图文设计制作")]
WORDS = ["山城", "渝信", "江州", "嘉陵", "巴渝", "朝天", "两江", "缙云", "长江", "南山", "鹅岭",
         "金佛", "融创", "蓝海", "瑞丰", "恒通", "博远", "众合", "汇德", "锦程"]
CAPITAL = ["壹佰万元整", "伍拾万元整", "贰佰万元整", "伍佰万元整", "叁拾万元整", "壹仟万元整", "拾万元整"]
COMPANY_TYPES = ["有限责任公司（自然人独资）", "有限责任公司（自然人投资或控股）",
                 "股份有限公司（非上市、自然人投资或控股）"]
EDUCATION = ["大学本科", "大学专科", "高中", "初中", "研究生", "小学"]
RELATION = ["户主", "妻", "夫", "长子", "长女", "次子", "之孙"]

# Districts as they appear in addresses and in 签发机关 (公安局 X 分局).
CQ = {code: name for code, name in regions().items() if code.startswith("50") and code != "500000"}
OTHER = {code: name for code, name in regions().items() if code[:2] in ("11", "31") and code[2:] != "0000"}
CITY = {"11": "北京市", "31": "上海市", "50": "重庆市"}


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def address(rng: random.Random, code: str) -> str:
    district = (CQ | OTHER)[code]
    unit = rng.choice(["", f"{rng.randint(1, 6)}单元", f"附{rng.randint(1, 20)}号"])
    return (f"{CITY[code[:2]]}{district}{rng.choice(ROADS)}{rng.randint(1, 300)}号{unit}"
            f"{rng.randint(1, 33)}-{rng.randint(1, 8)}")


def id_number(rng: random.Random, code: str, birth: date, sex: str, *, valid: bool = True) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if sex == "男" else 0)  # 17th digit odd for men
    first17 = f"{code}{birth:%Y%m%d}{seq:03d}"
    check = id_check_char(first17)
    if not valid:
        check = rng.choice([c for c in "0123456789X" if c != check])
    return first17 + check


def uscc(rng: random.Random, code: str, *, individual: bool = False, valid: bool = True) -> str:
    """18 characters: 9 (工商) + 1 company / 2 individual business, region, organisation code."""
    org8 = "".join(rng.choice(USCC_CHARS[:10] if i < 2 else USCC_CHARS) for i in range(8))
    first17 = ("92" if individual else "91") + code + org8 + org_code_check_char(org8)
    check = uscc_check_char(first17)
    if not valid:
        check = rng.choice([c for c in USCC_CHARS if c != check])
    return first17 + check


def person(rng: random.Random, *, sex: str | None = None, valid_id: bool = True,
           today: date = date(2026, 1, 1), min_age: int = 18) -> dict:
    """A resident: name, sex, ethnicity, birth date, home region, address and ID number."""
    sex = sex or rng.choice(("男", "女"))
    birth = random_date(rng, date(1950, 1, 1), date(today.year - min_age - 1, 12, 31))
    code = rng.choice(list(CQ) * 4 + list(OTHER))
    return {"name": name(rng), "sex": sex, "ethnic": rng.choice(ETHNIC), "birth": birth,
            "code": code, "address": address(rng, code),
            "id": id_number(rng, code, birth, sex, valid=valid_id)}


def company(rng: random.Random, *, individual: bool = False, valid: bool = True) -> dict:
    code = rng.choice(list(CQ))
    word, scope = rng.choice(INDUSTRY)
    founded = random_date(rng, date(2000, 1, 1), date(2025, 6, 30))
    if individual:
        title = f"{CQ[code]}{rng.choice(WORDS)}{word.replace('管理', '')}店"
    else:
        title = f"重庆{rng.choice(WORDS)}{rng.choice(WORDS)}{word}有限公司"
    tail = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    return {"name": title, "uscc": uscc(rng, code, individual=individual, valid=valid),
            "code": code, "founded": founded, "scope": scope + tail,
            "address": address(rng, code), "capital": rng.choice(CAPITAL),
            "type": "个体工商户" if individual else rng.choice(COMPANY_TYPES)}
