"""The certificate types we read, as data: how to recognise each, its fields and its checks.

Adding a type is one `register(CertificateType(...))` call. Field names are the labels as
printed on the document; where a document prints one of several labels (法定代表人 or 经营者),
the field takes the label that was found.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldSpec:
    """A labelled field. `labels` are the printed alternatives; `occurrence` picks the n-th
    block when a document prints a label more than once (the two people on a 结婚证)."""

    name: str
    labels: tuple[str, ...] = ()
    multiline: bool = False      # the value wraps onto lines below, left-aligned with its start
    inline: bool = False         # the label may follow another value on the same printed line
    charset: str | None = None   # a regex character class the value is cleaned to (digits, USCC…)
    required: bool = True
    occurrence: int = 1
    sensitive: bool = False      # an identity number: masked for roles that don't need it
    below: bool = False          # the value may be printed under its label instead of beside it
    fixes: tuple[tuple[str, str], ...] = ()  # (regex, replacement) for known OCR confusions
    places: bool = False         # holds a district name: corrected against GB/T 2260 (places.py)

    def __post_init__(self):
        if not self.labels:
            object.__setattr__(self, "labels", (self.name,))


@dataclass(frozen=True)
class CertificateType:
    """`anchors`: printed words that identify the type (a majority must be seen); `checks`:
    (rule, field, …) rows, fields named by their FieldSpec.name, applied by recognizer.py."""

    key: str
    name: str
    anchors: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    checks: tuple[tuple[str, ...], ...] = field(default=())
    other_labels: tuple[str, ...] = ()  # printed labels we don't read; they end a value

    def label_set(self) -> set[str]:
        return {label for f in self.fields for label in f.labels} | set(self.other_labels)


TYPES: dict[str, CertificateType] = {}


def register(cert: CertificateType) -> CertificateType:
    TYPES[cert.key] = cert
    return cert


ID_CHARS = "0-9X"
DATE_CHARS = r"0-9年月日.\-"

register(CertificateType(
    "id_card_front", "居民身份证（人像面）",
    anchors=("姓名", "性别", "民族", "出生", "住址", "公民身份号码"),
    fields=(
        FieldSpec("姓名"), FieldSpec("性别", inline=True), FieldSpec("民族", inline=True),
        FieldSpec("出生", charset=DATE_CHARS), FieldSpec("住址", multiline=True, places=True),
        FieldSpec("公民身份号码", charset=ID_CHARS, sensitive=True),
    ),
    checks=(("id_number", "公民身份号码"), ("birth_matches", "公民身份号码", "出生"),
            ("sex_matches", "公民身份号码", "性别"), ("date", "出生")),
))

register(CertificateType(
    "id_card_back", "居民身份证（国徽面）",
    anchors=("中华人民共和国", "居民身份证", "签发机关", "有效期限"),
    fields=(FieldSpec("签发机关", places=True), FieldSpec("有效期限", charset=r"0-9.\-长期")),
    checks=(("expiry", "有效期限"),),
))

register(CertificateType(
    "business_licence", "营业执照",
    anchors=("营业执照", "统一社会信用代码", "名称", "类型", "经营范围", "登记机关"),
    fields=(
        FieldSpec("统一社会信用代码", charset="0-9A-Z", below=True), FieldSpec("名称"), FieldSpec("类型"),
        FieldSpec("法定代表人", labels=("法定代表人", "经营者", "负责人", "执行事务合伙人")),
        FieldSpec("注册资本", required=False),
        FieldSpec("成立日期", labels=("成立日期", "注册日期"), charset=DATE_CHARS),
        FieldSpec("营业期限", required=False),
        FieldSpec("住所", labels=("住所", "经营场所", "主要经营场所"), multiline=True, places=True),
        # A scope lists items with "；"; "：" only follows 一般项目 / 许可项目, so any other
        # "：" is the recogniser confusing the two (they differ by a few pixels).
        FieldSpec("经营范围", multiline=True, fixes=((r"(?<!项目)：", "；"),)),
    ),
    checks=(("uscc", "统一社会信用代码"), ("date", "成立日期"), ("expiry", "营业期限")),
    other_labels=("登记机关", "组成形式"),
))

register(CertificateType(
    "driving_licence", "机动车驾驶证",
    anchors=("机动车驾驶证", "证号", "准驾车型", "初次领证日期", "国籍"),
    fields=(
        FieldSpec("证号", charset=ID_CHARS, sensitive=True), FieldSpec("姓名"),
        FieldSpec("性别", inline=True), FieldSpec("国籍", inline=True),
        FieldSpec("住址", multiline=True, places=True), FieldSpec("出生日期", charset=DATE_CHARS),
        FieldSpec("初次领证日期", charset=DATE_CHARS), FieldSpec("准驾车型", charset="A-Z0-9"),
        FieldSpec("有效期限"),
    ),
    checks=(("id_number", "证号"), ("birth_matches", "证号", "出生日期"),
            ("sex_matches", "证号", "性别"), ("date", "出生日期"), ("date", "初次领证日期"),
            ("expiry", "有效期限")),
))

register(CertificateType(
    "social_security_card", "社会保障卡",
    anchors=("社会保障卡", "社会保障号码", "社会保障卡号", "姓名"),
    fields=(
        FieldSpec("姓名"), FieldSpec("社会保障号码", charset=ID_CHARS, sensitive=True),
        FieldSpec("社会保障卡号", charset="0-9A-Z"), FieldSpec("发卡日期", charset=DATE_CHARS),
    ),
    checks=(("id_number", "社会保障号码"), ("date", "发卡日期")),
))

register(CertificateType(
    "household_register", "户口簿（常住人口登记卡）",
    anchors=("常住人口登记卡", "户主或与户主关系", "出生地", "籍贯", "公民身份证件编号"),
    fields=(
        FieldSpec("姓名"), FieldSpec("户主或与户主关系", inline=True), FieldSpec("性别"),
        FieldSpec("出生地", inline=True, places=True), FieldSpec("民族"), FieldSpec("籍贯", inline=True, places=True),
        FieldSpec("出生日期", charset=DATE_CHARS),
        FieldSpec("公民身份证件编号", charset=ID_CHARS, sensitive=True),
        FieldSpec("文化程度"), FieldSpec("婚姻状况", inline=True),
        FieldSpec("登记日期", charset=DATE_CHARS),
    ),
    checks=(("id_number", "公民身份证件编号"), ("birth_matches", "公民身份证件编号", "出生日期"),
            ("sex_matches", "公民身份证件编号", "性别"), ("date", "出生日期"), ("date", "登记日期")),
    other_labels=("曾用名", "身高", "血型", "宗教信仰", "兵役状况", "服务处所", "职业", "承办人签章",
                  "本市（县）其他住址", "何时由何地迁来本市（县）", "何时由何地迁来本址"),
))


def _person(n: int) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"姓名({n})", labels=("姓名",), occurrence=n),
        FieldSpec(f"性别({n})", labels=("性别",), inline=True, occurrence=n),
        FieldSpec(f"国籍({n})", labels=("国籍",), occurrence=n),
        FieldSpec(f"出生日期({n})", labels=("出生日期",), inline=True, charset=DATE_CHARS,
                  occurrence=n),
        FieldSpec(f"身份证件号({n})", labels=("身份证件号",), charset=ID_CHARS, sensitive=True,
                  occurrence=n),
    )


register(CertificateType(
    "marriage_certificate", "结婚证",
    anchors=("结婚证", "持证人", "登记日期", "结婚证字号", "身份证件号"),
    fields=(FieldSpec("持证人"), FieldSpec("登记日期", charset=DATE_CHARS),
            FieldSpec("结婚证字号", charset=r"0-9A-Z\-"), *_person(1), *_person(2)),
    other_labels=("备注",),
    checks=(("date", "登记日期"),
            *((rule, f"身份证件号({n})", *rest) for n in (1, 2) for rule, *rest in (
                ("id_number",), ("birth_matches", f"出生日期({n})"), ("sex_matches", f"性别({n})")))),
))
