"""The people a topic passes through, found from the records as in production: posts held in the committees of
the shared tree (dangjian.conftest), and accounts linked to those people."""

import datetime

import pytest

from dangjian.conftest import make_person, make_user
from dangjian.core.permissions import Role
from dangjian.orgs import services as org_services
from dangjian.orgs.choices import Title

START = datetime.date(2021, 5, 1)


def appoint(actor, person, org, title):
    return org_services.position_appoint(actor=actor, person=person, org=org, title=title, start_date=START)


@pytest.fixture
def cast(tree, users):
    """巴东县委: its secretary (a leading cadre's account), its 组织部长 (an organization-department account) and
    its staff; 信陵镇 staff; the secretary of 云龙河村 under 信陵镇; and 信陵镇's own secretary."""
    admin = users["zhou_admin"]
    people = {
        "shuji": make_person(tree["badong"], name="谭书记"),
        "buzhang": make_person(tree["badong"], name="向部长"),
        "changwei": make_person(tree["badong"], name="田常委"),
        "zhen_shuji": make_person(tree["xinling"], name="黄镇书记"),
        "cun_shuji": make_person(tree["yunlong"], name="李村书记"),
    }
    appoint(admin, people["shuji"], tree["badong"], Title.SECRETARY)
    appoint(admin, people["buzhang"], tree["badong"], Title.MINISTER)
    appoint(admin, people["changwei"], tree["badong"], Title.MEMBER)
    appoint(admin, people["zhen_shuji"], tree["xinling"], Title.SECRETARY)
    appoint(admin, people["cun_shuji"], tree["yunlong"], Title.SECRETARY)
    return {
        "people": people,
        "badong": users["badong_admin"],
        "shuji": make_user(tree["badong"], Role.LEADER, "badong_shuji", person=people["shuji"]),
        "buzhang": make_user(tree["badong"], Role.ORG_DEPT, "badong_buzhang", person=people["buzhang"]),
        "changwei": make_user(tree["badong"], Role.LEADER, "t_changwei", person=people["changwei"]),
        "xinling": make_user(tree["xinling"], Role.TOWNSHIP, "xinling"),
        "zhen_shuji": make_user(tree["xinling"], Role.TOWNSHIP, "t_zhen_shuji", person=people["zhen_shuji"]),
        "cun": make_user(tree["yunlong"], Role.SECRETARY, "xinling_cun", person=people["cun_shuji"]),
        "zhou": users["zhou_admin"],
        "xuanen": users["xuanen_admin"],
        "wanzhai": users["wanzhai"],
    }
