"""Synthetic but valid-format personal data for the demo, the benchmarks and the tests."""

import datetime
import random

from dangjian.core.validators import id_check_digit

SURNAMES = "向田谭覃彭冉黄张王李刘陈杨赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪任姜范方石姚廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
# Characters of given names, by the gender recorded: a demo 秀英 is a woman, a demo 建军 a man. A few (华, 文, 平,
# 云, 春, 林) serve both, as they do in life.
MALE_GIVEN = "明华国平建军文勇志强春林杰涛斌波超刚海峰云兵德成荣福贵祥松柏山川江河永长生新光辉亮洪宇浩然俊伟"
FEMALE_GIVEN = "华平文春林云秀英兰芳玉红霞丽敏静燕琴艳凤桂菊梅珍翠娟婷佳欣萍莉娜雪慧"


def id_number(birth: datetime.date, male: bool, region: str = "422801", rng=random) -> str:
    """An 18-character ID number with a correct GB 11643 check digit (region 4228xx: 恩施州)."""
    seq = rng.randrange(0, 1000)
    if (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


def mobile(rng=random) -> str:
    return rng.choice(["13", "15", "18", "17", "19"]) + rng.choice("3456789") + f"{rng.randrange(10**8):08d}"


def name(rng=random, *, male: bool) -> str:
    """A surname and a one- or two-character given name that suits the gender."""
    given = MALE_GIVEN if male else FEMALE_GIVEN
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))
