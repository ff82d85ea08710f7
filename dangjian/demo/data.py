"""Place names, distributions and sizes of the demo prefecture (manage.py demo) and of the benchmark dataset.

County and township names and the county division codes are real (恩施土家族苗族自治州, 2026); township codes
follow the national pattern (街道 0xx, 镇 1xx, 乡 2xx, 区 4xx) but are assigned in list order, and village names
are generated from common local place-name parts, except a few well-known villages (伍家台村 among them).
Everything here is data; demo.builder turns it into rows.
"""

from dataclasses import dataclass

PREFECTURE = {"name": "中共恩施州委", "code": "4228", "division_code": "422800", "short": "恩施州"}

# (short name, committee name, division code, townships in the usual official order)
COUNTIES = [
    ("恩施市", "中共恩施市委", "422801", [
        "舞阳坝街道", "六角亭街道", "小渡船街道", "龙凤镇", "崔家坝镇", "板桥镇", "白杨坪镇", "三岔镇",
        "太阳河乡", "新塘乡", "红土乡", "沙地乡", "屯堡乡", "白果乡", "芭蕉侗族乡", "盛家坝乡",
    ]),
    ("利川市", "中共利川市委", "422802", [
        "都亭街道", "东城街道", "柏杨坝镇", "汪营镇", "团堡镇", "忠路镇", "毛坝镇", "文斗镇", "建南镇",
        "谋道镇", "南坪乡", "凉雾乡", "元堡乡", "沙溪乡",
    ]),
    ("建始县", "中共建始县委", "422822", [
        "业州镇", "高坪镇", "红岩寺镇", "景阳镇", "官店镇", "花坪镇", "长梁镇", "茅田乡", "龙坪乡", "三里乡",
    ]),
    ("巴东县", "中共巴东县委", "422823", [
        "信陵镇", "东瀼口镇", "沿渡河镇", "官渡口镇", "茶店子镇", "绿葱坡镇", "大支坪镇", "野三关镇",
        "水布垭镇", "清太坪镇", "溪丘湾乡", "金果坪乡",
    ]),
    ("宣恩县", "中共宣恩县委", "422825", [
        "珠山镇", "椒园镇", "沙道沟镇", "李家河镇", "高罗镇", "万寨乡", "长潭河侗族乡", "晓关侗族乡", "椿木营乡",
    ]),
    ("咸丰县", "中共咸丰县委", "422826", [
        "高乐山镇", "忠堡镇", "坪坝营镇", "朝阳寺镇", "清坪镇", "唐崖镇", "曲江镇", "黄金洞乡", "活龙坪乡",
        "小村乡", "大路坝区",
    ]),
    ("来凤县", "中共来凤县委", "422827", [
        "翔凤镇", "百福司镇", "大河镇", "绿水镇", "革勒车镇", "旧司镇", "漫水乡", "三胡乡",
    ]),
    ("鹤峰县", "中共鹤峰县委", "422828", [
        "容美镇", "走马镇", "太平镇", "燕子镇", "中营镇", "下坪乡", "邬阳乡", "五里乡", "铁炉白族乡",
    ]),
]

# Townships every scale keeps (the demo accounts sit there), and real villages placed first in their township.
REQUIRED_TOWNSHIPS = ("万寨乡", "信陵镇")
KNOWN_VILLAGES = {
    "万寨乡": ["伍家台村"],
    "盛家坝乡": ["二官寨村"],
    "百福司镇": ["舍米湖村"],
    "唐崖镇": ["唐崖司村"],
    "谋道镇": ["鱼木村"],
}
# 伍家台村 is known for its tribute tea: its branches are fixed whatever the scale.
WUJIATAI = "伍家台村"
WUJIATAI_BRANCHES = ["第一党支部", "第二党支部", "茶叶产业党支部"]

VILLAGE_HEADS = (
    "向家 田家 谭家 覃家 黄家 杨家 张家 李家 刘家 陈家 彭家 冉家 龙潭 白果 茶园 马鞍 黄金 青山 桃花 杉木 岩屋 "
    "红岩 石板 大坪 水田 火烧 金竹 麻柳 枫香 楠木 桂花 竹园 花园 梅子 板栗 核桃 柏杨 松树 长岭 高峰 新田 老屋 "
    "凉风 朝阳 落水 天池 云雾 观音 猫儿 鹿院 龙井 狮子 凤凰 三元 四方 五龙 七里 八角 九龙 两河 双溪 清水 "
    "白岩 烂泥 野猫 木耳 药材 油房 盐井 铁厂 纸厂 庙湾"
).split()
VILLAGE_TAILS = "坪 坝 溪 湾 河 岭 坡 垭 沟 台 寨 园 堡 口 槽 岗 山 洞 塘 桥".split()
COMMUNITY_HEADS = (
    "民族路 航空路 金桂 土桥坝 东门 西门 南门 北门 团结 解放 和平 胜利 新街 老街 红旗 花园 滨江 清江 学院 "
    "文化 梨树 桂花 枫香 朝阳 迎宾 凤凰 龙洞 马鞍山 东风 城南 城北 中心 工农 建设 光明 长征 五峰 官坡 "
    "三孔桥 小溪 金龙 新民 幸福 和谐 阳光 书院 龙首"
).split()

ORDINALS = "一二三四五六七八九十"
VILLAGE_SPECIAL_BRANCHES = ["老年党支部", "产业党支部", "流动党员党支部"]
COMMUNITY_SPECIAL_BRANCHES = ["退休党员党支部", "非公企业联合党支部"]

# The party schools (州委党校, 县委党校) organize training: their branches are organizations of the tree.
PREFECTURE_ORGAN_BRANCHES = ["州委办公室机关党支部", "州委组织部机关党支部", "州委党校机关党支部"]
COUNTY_ORGAN_BRANCHES = ["委办公室机关党支部", "委组织部机关党支部", "委党校机关党支部"]  # prefixed: 宣恩县委…

# --- distributions of the member record (weights, not percentages) --------------------------------------
# GB/T 3304 codes: 15 土家族, 01 汉族, 06 苗族, 12 侗族, 14 白族, 02 蒙古族, 03 回族
ETHNICITY_WEIGHTS = {"15": 45, "01": 40, "06": 6, "12": 5, "14": 2.5, "02": 1, "03": 0.5}
# in a 侗族乡 or 白族乡 that group is far more common
LOCAL_ETHNICITY = {"侗族乡": "12", "白族乡": "14"}

EDUCATION_WEIGHTS = {
    "rural": {"junior": 48, "high_school": 24, "secondary": 11, "college": 11, "bachelor": 5.5,
              "postgraduate": 0.5},
    "community": {"junior": 24, "high_school": 25, "secondary": 12, "college": 20, "bachelor": 17,
                  "postgraduate": 2},
    "organ": {"junior": 1, "high_school": 3, "secondary": 3, "college": 18, "bachelor": 60, "postgraduate": 15},
}
MALE_SHARE = {"rural": 0.70, "community": 0.55, "organ": 0.62}
# age as (low, high, mode) of a triangular distribution
AGE = {"rural": (22, 90, 58), "community": (22, 90, 52), "organ": (23, 60, 40)}
STATUS_WEIGHTS = {"normal": 89.6, "mobile": 7, "lost": 1, "deceased": 1, "transferred_out": 1,
                  "suspended": 0.25, "expelled": 0.15}
PROBATIONARY_SHARE = 0.04
NO_SECRETARY_SHARE = 0.035  # of villages and branches: the 缺书记 figure is not empty
TERM_SHARES = {"ended": 0.07, "ending": 0.14}  # the rest were renewed recently
TRANSFER_SHARE = 0.006
PREVIOUS_SECRETARY_SHARE = 0.35

# Team (positions) per kind of organization: titles after the secretary, each kept with this probability.
TEAMS = {
    "prefecture": [("deputy_secretary", 1), ("deputy_secretary", 1), ("minister", 1), ("deputy_minister", 1)],
    "county": [("deputy_secretary", 1), ("deputy_secretary", 1), ("minister", 1), ("deputy_minister", 1)],
    "township": [("deputy_secretary", 1), ("deputy_secretary", 1), ("organization", 1), ("publicity", 1),
                 ("discipline", 1)],
    "village": [("deputy_secretary", 0.6), ("organization", 1), ("publicity", 0.8), ("discipline", 0.7)],
    "branch": [("organization", 0.5), ("publicity", 0.3)],
    "organ": [("organization", 0.8)],
}

@dataclass(frozen=True)
class Account:
    """A demo account. `where` names its organization: "prefecture", "county:巴东县", "township:万寨乡",
    "village:伍家台村", "village-of:信陵镇" (the township's first village), "organ:州委党校机关党支部".
    `person` links the account to the person found in the records: "secretary" or "minister" (the holder of that
    current post of the organization) or "member" (a member of it holding no post); the account then bears the
    person's name."""

    username: str
    role: str
    where: str
    label: str
    name: str | None = None
    person: str | None = None


DEMO_ACCOUNTS = [
    Account("zhou", "org_dept", "prefecture", "州委组织部管理员", "谭志明"),
    Account("badong", "org_dept", "county:巴东县", "巴东县委组织部管理员", "邓春华"),
    Account("badong_shuji", "leader", "county:巴东县", "巴东县委书记", person="secretary"),
    Account("badong_buzhang", "org_dept", "county:巴东县", "巴东县委组织部部长", person="minister"),
    Account("xuanen", "org_dept", "county:宣恩县", "宣恩县委组织部管理员", "杨文静"),
    Account("lichuan", "org_dept", "county:利川市", "利川市委组织部管理员", "牟红军"),
    Account("laifeng", "org_dept", "county:来凤县", "来凤县委组织部管理员", "彭秀英"),
    Account("wanzhai", "township", "township:万寨乡", "万寨乡党委", "田晓燕"),
    Account("xinling", "township", "township:信陵镇", "信陵镇党委", "向国华"),
    Account("wujiatai", "secretary", "village:伍家台村", "伍家台村党总支书记", person="secretary"),
    Account("xinling_cun", "secretary", "village-of:信陵镇", "信陵镇村党组织书记", person="secretary"),
    Account("wujiatai_dy", "member", "village:伍家台村", "伍家台村党员（自助服务）", person="member"),
    Account("zhou_dangxiao", "trainer", "prefecture", "州委党校培训管理员", "冉玉兰"),
    Account("jianshi_dangxiao", "trainer", "county:建始县", "建始县委党校培训管理员", "谭德军"),
    Account("sysadmin", "sysadmin", "prefecture", "系统管理员", "覃建军"),
    Account("secadmin", "secadmin", "prefecture", "安全管理员", "黄丽"),
    Account("auditor", "auditor", "prefecture", "审计管理员", "向红梅"),
]
DEMO_PASSWORD = "Enshi@2012"  # noqa: S105 -- published in the README: demo accounts only


@dataclass(frozen=True)
class Scale:
    """How big the generated prefecture is. Ranges are inclusive (low, high)."""

    name: str
    townships_per_county: int | None  # None: all real townships
    villages: tuple[int, int]  # villages and communities per township
    branch_share: float  # share of villages that have branches under them
    branches: tuple[int, int]  # branches in such a village
    members_leaf_village: tuple[int, int]  # members of a village without branches
    members_branch: tuple[int, int]
    members_organ: tuple[int, int]


SCALES = {
    # ~1,000 organizations, ~5,000 people: `make run`
    "demo": Scale("demo", None, (3, 6), 0.35, (2, 3), (6, 13), (4, 7), (8, 12)),
    # ~60 organizations, a few hundred people: tests
    "small": Scale("small", 1, (2, 3), 0.4, (2, 2), (4, 6), (4, 5), (6, 8)),
    # ~15,000 organizations, ~250,000 people: bench/
    "bench": Scale("bench", None, (24, 32), 1.0, (3, 7), (20, 40), (13, 27), (12, 18)),
}
