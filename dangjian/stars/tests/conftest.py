"""Fixtures of the star-rating tests: a published scheme of 巴东县 over its villages, built through the services,
and the accounts of each step (the village secretary, the township committee, the county department)."""

import pytest

from dangjian.conftest import make_org, make_user
from dangjian.core.permissions import Role
from dangjian.orgs.models import Level, Org
from dangjian.stars import services

YEAR = 2012


def build_scheme(actor, org, year=YEAR, publish=True, **extra):
    scheme = services.scheme_create(actor=actor, org=org, year=year, name=f"{year}年度星级评定方案",
                                    levels=[Level.VILLAGE], **extra)
    services.indicator_create(actor=actor, scheme=scheme, category="组织建设", name="班子建设", max_points=60)
    services.indicator_create(actor=actor, scheme=scheme, category="组织建设", name="书记在岗", max_points=20,
                              method="metric", metric="orgs.no_secretary",
                              table=[{"at_least": 0, "points": 20}, {"at_least": 1, "points": 0}])
    services.indicator_create(actor=actor, scheme=scheme, category="服务群众", name="为民办事", max_points=20)
    services.indicator_create(actor=actor, scheme=scheme, category="一票否决", name="发生严重违纪", max_points=1,
                              veto=True)
    if publish:
        scheme = services.scheme_publish(actor=actor, scheme=scheme)
    return scheme


def ind(scheme, name):
    return scheme.indicators.get(name=name)


@pytest.fixture
def stars(tree, users):
    """{scheme, users…, assessment (of 云龙河村)} in 巴东县, the scheme published."""
    s = dict(tree)
    s["users"] = users
    s["county"] = users["badong_admin"]
    s["township"] = make_user(tree["xinling"], Role.TOWNSHIP, "xinling")
    s["village"] = make_user(tree["yunlong"], Role.SECRETARY, "yunlong")
    s["member"] = make_user(tree["yunlong"], Role.MEMBER, "yunlong_dy")
    s["other_village"] = make_org(tree["xinling"], "中共黄家坪村支部委员会", "422823100202", Level.VILLAGE,
                                  kind=Org.Kind.BRANCH)
    s["scheme"] = build_scheme(s["county"], tree["badong"])
    s["assessment"] = s["scheme"].assessments.get(org=tree["yunlong"])
    return s
