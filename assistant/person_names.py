"""Finds people's names in Chinese text, for assistant/masking.py: a name announced by a cue
(我叫张三, 姓名：李四, 市民王秀英反映) or, with no cue, a common surname and a one- or
two-character given name followed by a reporting verb, a contact or a title (李建国投诉,
王秀英女士, 胡军石电话).

A masked name keeps its surname: 李**. Both patterns start with a literal or a character class,
so that `re` skips in C to the next cue or surname; whether a candidate is a name is decided in
Python, once per distinct candidate.
"""

import re
from functools import cache, lru_cache

import jieba

# The ~150 most common single-character surnames (together about 90% of people) and the
# compound ones still in use.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶"
    "程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛"
    "郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文施洪辛柯庄樊祝甘殷邢阎聂包温耿倪牛岳翟葛鲁颜申"
    "欧关兰焦俞左柳宁梅童凌毕单霍涂苗盛伍骆蓝冉章佘姬蒲游裴谷"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "尉迟", "公孙",
                     "慕容", "令狐", "长孙", "宇文", "夏侯", "端木", "轩辕", "南宫", "独孤")
# What follows a name that no cue announces: a reporting verb, a contact (电话, a mobile number:
# 李建国13812345678), a form of address or a title. 说 and 称 not as in 说明 or 称为.
_TITLES = ("先生", "女士", "同志", "老师", "师傅", "阿姨", "大爷", "大妈", "老人", "书记", "主任",
           "经理", "局长", "处长", "科长", "所长", "院长", "校长", "市长", "县长", "区长", "镇长",
           "村长", "组长", "队长", "律师", "医生", "老板", "老总")
_AFTER_BARE = "|".join(("投诉", "举报", "反映", "反应", "来电", "致电", "来信", "来访", "表示",
                        "电话", "手机", "联系", "说(?![明服法])", "称(?![为号呼谓])", " ?1[3-9]")
                       + _TITLES)
# 向 before 反映 or 投诉 is nearly always the preposition (向部门反映): it starts no bare name.
_NOT_BARE = "向"
# Characters of grammar (王也说, 李等反映), pronouns, and the last characters of offices
# (安监局称): never part of a given name.
_NOT_GIVEN = frozenset("的了是在有和与及或也都还就又再才并却则均亦已曾将要会能可把被对向跟给让"
                       "从为以于等这那些个们每各该其此所而且即便你您我他她它咱副姓氏某"
                       "局办处厅委站队部司院所校馆区县市镇乡")
# Cues after which any two to four characters are a name; after the others (市民, 本人,
# 投诉人 …) only a surname and a given name are, so that 市民中心 and 本人觉得 stay.
_STRONG_CUES = frozenset({"我叫", "名叫", "姓名", "名字叫", "名字是", "联系人", "申请人", "本人："})
_CUES = sorted(_STRONG_CUES | {
    "本人", "我是", "投诉人", "举报人", "反映人", "来电人", "来访人", "当事人", "委托人", "代理人",
    "经办人", "收件人", "户主", "车主", "房东", "市民", "居民", "村民", "业主", "住户", "租户",
    "老人", "患者", "家属"}, key=len, reverse=True)
# Strong-cue candidates that are words about the speaker, not a name (我是市民，…).
_NOT_NAMES = ("市民", "居民", "学生", "老人", "本地", "外地", "个人", "群众", "业主", "租客",
              "房东", "孩子", "家长", "退休", "残疾", "新人", "党员", "职工", "一名", "一位",
              "一个", "重庆", "这里", "那里", "来自")
# What may follow an announced name: punctuation, a digit or letter, the end, a particle or a
# verb.
_END = (r"[，。,.;；：:！!？?、\s0-9A-Za-z的在于住是说称和与及（(]|$|家住|家在|投诉|举报|反映"
        r"|来电|致电|表示|先生|女士|同志|电话|手机|身份证|联系|今年")

# The groups cover the match, the candidate last (see masking._apply).
CUED = re.compile(rf"({'|'.join(_CUES)})((?:[:：]|是|为)?[ \t]{{0,2}})"
                  rf"([\u4e00-\u9fa5·]{{2,4}}?)(?={_END})")
_COMPOUND_FIRST = "".join(sorted({c[0] for c in COMPOUND_SURNAMES}))
_COMPOUND_SECOND = "".join(sorted({c[1] for c in COMPOUND_SURNAMES}))
BARE = re.compile(rf"([{SURNAMES}{_COMPOUND_FIRST}]"
                  rf"(?:(?<=[{SURNAMES}])|(?<=[{_COMPOUND_FIRST}])[{_COMPOUND_SECOND}])"
                  rf"[\u4e00-\u9fa5]{{1,2}}(?={_AFTER_BARE}))")

# jieba's dictionary counts: a word seen fewer times is too rare to outweigh a name; a word
# tagged as a name (nr) but seen this often is an everyday word jieba mis-tags (张贴, 陈述,
# 许可证) or a famous name, and is taken as a word.
_MIN_WORD_FREQ = 3
_COMMON_NAME_TAGGED = 100


@lru_cache(maxsize=4096)
def cued_form(cue: str, _sep: str, name: str) -> tuple[str | None, str]:
    """("name", masked) for the name after a cue; (None, name) if it is no name."""
    if cue in _STRONG_CUES:  # any name, but not a word that cannot begin one (名字叫通讯录)
        words = _dictionary()[0] if name[0] not in SURNAMES else ()
        if name.startswith(_NOT_NAMES) or name[:2] in words or name[:3] in words:
            return None, name
        return "name", name[0] + "*" * (len(name) - 1)
    masked = _masked_name("", name)
    return (None, name) if masked is None else ("name", masked)


@lru_cache(maxsize=4096)
def bare_form(name: str, before: str) -> tuple[str | None, str]:
    """("name", masked) for a surname and given name found before a verb or a title;
    `before` is the character before it."""
    masked = None if name[0] in _NOT_BARE else _masked_name(before, name)
    return (None, name) if masked is None else ("name", masked)


def _masked_name(before: str, name: str) -> str | None:
    """`name` masked after its surname, or None when it reads as words rather than a name.

    Surname characters begin many everyday words (关于, 应该, 商家, 高楼, 王府井, 方便, 万元),
    so by jieba's dictionary a candidate is rejected when it is a word itself, when the
    character before it and its surname form a word (有关|部门表示), or when its surname and
    the next character form a word that jieba does not tag as a name (高楼里说; but 王明华说
    stays a name, 王明 being tagged one). Also rejected: a given name holding a character of
    grammar or an office, or beginning with a title (王先生 names no one).
    """
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]
    given = name[len(surname):]
    if (len(surname) == 1 and surname not in SURNAMES) or not 1 <= len(given) <= 2:
        return None
    if given.startswith(_TITLES) or any(c in _NOT_GIVEN for c in given):
        return None
    words, everyday = _dictionary()
    if name in words or before + surname[0] in words:
        return None
    if len(surname) == 1 and len(given) == 2 and name[:2] in everyday:
        return None
    return surname + "*" * len(given)


def warm_up() -> None:
    """Read jieba's dictionary now (about 0.3 s) rather than when the first name candidate is
    met, which may be inside a server's event loop: for a start-up hook."""
    _dictionary()


@cache
def _dictionary() -> tuple[frozenset[str], frozenset[str]]:
    """jieba's two- and three-character words: (all taken as words, those of them that jieba
    does not tag as names). Read once, on the first candidate (about 0.3 s, 20 MB)."""
    words, everyday = set(), set()
    with jieba.get_dict_file() as f:
        for raw in f:
            word, freq, *tag = raw.decode("utf-8").split()
            if not 2 <= len(word) <= 3 or int(freq) < _MIN_WORD_FREQ:
                continue
            if not (tag and tag[0].startswith("nr")):
                everyday.add(word)
                words.add(word)
            elif int(freq) >= _COMMON_NAME_TAGGED:
                words.add(word)
    return frozenset(words), frozenset(everyday)
