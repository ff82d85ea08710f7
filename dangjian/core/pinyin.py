"""Pinyin keys for Chinese names, so `bdx` finds 巴东县 and `badong` finds it too.

Three keys per name, all lower-case ASCII without separators:
  - `full` (`badongxian`) and `initials` (`bdx`): the usual reading, matched as an indexed prefix and used to sort;
  - `alt`: every other key the name may be typed as, space-separated with a space at each end
    (` qin q tan t `), matched as `alt contains " " + typed`: the other readings of its heteronyms (覃 tan/qin,
    乐 le/yue…) and, for an organization, the keys of its core name without the 中共 prefix and the
    委员会/党委/党支部… suffix (`wujiatai` finds 中共伍家台村支部委员会).
People's names read their surname as a surname (曾 zeng, 单 shan, 尉迟 yuchi…), from SURNAMES below.
"""

import itertools
import re
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin, pinyin

FULL_MAX = 200
INITIALS_MAX = 60
ALT_MAX = 500
MAX_COMBINATIONS = 16  # above this, alternatives change one character at a time

# Surname readings that differ from the everyday reading of the character (or are worth pinning down).
# Compound surnames are tried first, so 万俟 reads moqi, not wan + qi.
COMPOUND_SURNAMES = {
    "欧阳": "ou yang", "司马": "si ma", "上官": "shang guan", "诸葛": "zhu ge", "东方": "dong fang",
    "皇甫": "huang fu", "尉迟": "yu chi", "公孙": "gong sun", "慕容": "mu rong", "长孙": "zhang sun",
    "宇文": "yu wen", "司徒": "si tu", "夏侯": "xia hou", "万俟": "mo qi", "单于": "chan yu",
    "令狐": "ling hu", "独孤": "du gu", "澹台": "tan tai", "轩辕": "xuan yuan", "端木": "duan mu",
    "南宫": "nan gong", "呼延": "hu yan", "申屠": "shen tu", "太史": "tai shi", "百里": "bai li",
    "东郭": "dong guo", "闻人": "wen ren", "公冶": "gong ye", "宗政": "zong zheng", "濮阳": "pu yang",
    "淳于": "chun yu", "赫连": "he lian", "钟离": "zhong li", "拓跋": "tuo ba", "司空": "si kong",
    "亓官": "qi guan", "仉督": "zhang du", "子车": "zi ju", "颛孙": "zhuan sun", "壤驷": "rang si",
    "公良": "gong liang", "漆雕": "qi diao", "乐正": "yue zheng", "宰父": "zai fu", "谷梁": "gu liang",
    "段干": "duan gan", "左丘": "zuo qiu", "东门": "dong men", "西门": "xi men", "第五": "di wu",
    "梁丘": "liang qiu", "公西": "gong xi", "羊舌": "yang she",
}
SURNAMES = {
    "曾": "zeng", "覃": "qin", "单": "shan", "仇": "qiu", "区": "ou", "解": "xie", "查": "zha", "朴": "piao",
    "乐": "yue", "缪": "miao", "翟": "zhai", "盖": "ge", "华": "hua", "任": "ren", "秘": "bi", "句": "gou",
    "种": "chong", "冼": "xian", "尉": "wei", "员": "yun", "那": "na", "繁": "po", "过": "guo", "蕃": "pi",
    "万": "wan", "柏": "bai", "卜": "bu", "沈": "shen", "重": "chong", "长": "chang", "褚": "chu",
    "传": "chuan", "都": "du", "费": "fei", "葛": "ge", "哈": "ha", "和": "he", "纪": "ji", "贾": "jia",
    "隽": "juan", "阚": "kan", "陆": "lu", "吕": "lv", "么": "yao", "宓": "mi", "能": "nai", "宁": "ning",
    "逄": "pang", "祁": "qi", "强": "qiang", "曲": "qu", "阙": "que", "召": "shao", "折": "she", "石": "shi",
    "宿": "su", "汤": "tang", "苑": "yuan", "恽": "yun", "臧": "zang", "眭": "sui", "燕": "yan", "应": "ying",
    "占": "zhan", "祭": "zhai", "訾": "zi", "薄": "bo", "叶": "ye", "黑": "he", "郇": "xun", "藏": "zang",
    "朝": "chao", "车": "che", "广": "guang", "圈": "juan", "宋": "song", "贲": "ben", "秦": "qin",
    "谌": "chen", "佴": "nai", "亓": "qi", "芮": "rui", "尚": "shang", "厍": "she", "洗": "xian", "相": "xiang",
}

ORG_PREFIXES = ("中共",)
# Longest first: 支部委员会 before 委员会.
ORG_SUFFIXES = ("支部委员会", "委员会", "党总支", "党支部", "党委")


@dataclass(frozen=True)
class Keys:
    full: str
    initials: str
    alt: str


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of the usual reading, lower case, without separators; non-Chinese kept as-is."""
    keys = _keys(_usual(text or ""), _readings(text or ""))
    return keys.full, keys.initials


def person_name_keys(name: str) -> Keys:
    """Keys of a person's name, its surname read as a surname (曾 zeng, 尉迟 yuchi)."""
    name = (name or "").strip()
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s)), None)
    if surname:
        head = COMPOUND_SURNAMES[surname].split()
    elif name[:1] in SURNAMES:
        surname, head = name[:1], [SURNAMES[name[:1]]]
    else:
        surname, head = "", []
    given = name[len(surname):]
    usual = head + _usual(given)
    readings = _readings(name)
    for i, reading in enumerate(head):  # the surname reading is a reading even where pypinyin lacks it
        if reading not in readings[i]:
            readings[i] = [reading, *readings[i]]
    return _keys(usual, readings)


_HAN = re.compile(r"[\u3400-\u9fff]")
_SEGMENTS = re.compile(r"[\u3400-\u9fff]|[^\u3400-\u9fff]+")


def org_core_name(name: str) -> str:
    """The name without the 中共 prefix and the committee/branch suffix (中共伍家台村支部委员会 → 伍家台村)."""
    core = (name or "").strip()
    for prefix in ORG_PREFIXES:
        if core.startswith(prefix) and len(core) > len(prefix):
            core = core[len(prefix):]
    for suffix in ORG_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    return core


def org_name_keys(name: str) -> Keys:
    """Keys of an organization's name; its core name's keys (and their other readings) go into `alt`."""
    name = (name or "").strip()
    keys = _keys(_usual(name), _readings(name))
    core = org_core_name(name)
    if core == name:
        return keys
    core_keys = _keys(_usual(core), _readings(core))
    extra = [core_keys.full, core_keys.initials, *core_keys.alt.split()]
    return Keys(keys.full, keys.initials, _join_alt([*extra, *keys.alt.split()], {keys.full, keys.initials}))


# --- internals ---------------------------------------------------------------------------------------------


def _usual(text):
    """One reading per character (non-Chinese runs as one item), in context: 长江 changjiang."""
    return [s.lower() for s in lazy_pinyin(text, errors="default")]


def _readings(text):
    """Every reading of each character (non-Chinese runs as one item), tone-less and de-duplicated."""
    result = []
    for segment in _SEGMENTS.findall(text):
        if not _HAN.match(segment):
            result.append([segment.lower()])
            continue
        # One character at a time: in a phrase pypinyin gives only the phrase's reading.
        seen = []
        for option in pinyin(segment, style=Style.NORMAL, heteronym=True, errors="default")[0]:
            option = option.lower()
            if option not in seen:
                seen.append(option)
        result.append(seen)
    return result


def _initials(parts):
    return "".join(p[:1] if p[:1].isalpha() else p for p in parts)


def _keys(usual, readings):
    full = "".join(usual)
    initials = _initials(usual)
    if len(readings) != len(usual):  # the two splits disagree (mixed text): no alternatives, to stay safe
        return Keys(full[:FULL_MAX], initials[:INITIALS_MAX], "")
    options = [[u, *[r for r in rs if r != u]] for u, rs in zip(usual, readings, strict=True)]
    count = 1
    for choice in options:
        count *= len(choice)
    if count <= MAX_COMBINATIONS:
        variants = itertools.product(*options)
    else:  # a long name: vary one character at a time
        variants = (
            [*usual[:i], other, *usual[i + 1:]] for i, choice in enumerate(options) for other in choice[1:]
        )
    alt = []
    for variant in variants:
        alt += ["".join(variant), _initials(variant)]
    return Keys(full[:FULL_MAX], initials[:INITIALS_MAX], _join_alt(alt, {full, initials}))


def _join_alt(keys, exclude):
    """` k1 k2 … ` without duplicates or the excluded (primary) keys, cut at a key boundary under ALT_MAX."""
    kept, length = [], 1
    for key in keys:
        if not key or key in exclude or key in kept or " " in key:
            continue
        if length + len(key) + 1 > ALT_MAX:
            break
        kept.append(key)
        length += len(key) + 1
    return f" {' '.join(kept)} " if kept else ""
