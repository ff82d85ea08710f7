"""Training fixtures: 宣恩县委党校 (a branch of the tree) organizes; its trainer works at the county (宣恩县), as the
demo's party-school managers do; 伍家台基地 hosts the class."""

import datetime

import pytest
from django.utils import timezone

from dangjian.conftest import make_org, make_person, make_user
from dangjian.core.permissions import Role
from dangjian.orgs.models import Level, Org
from dangjian.training import services
from dangjian.training.models import Audience, Method, Topic
from dangjian.training.models import Level as ClassLevel


@pytest.fixture
def school(tree):
    return make_org(tree["xuanen"], "宣恩县委党校机关党支部", "422825903", Level.BRANCH, kind=Org.Kind.BRANCH,
                    sector=Org.Sector.ORGAN)


@pytest.fixture
def trainer(tree):
    return make_user(tree["xuanen"], Role.TRAINER, "xuanen_dangxiao", name="宣恩县委党校培训管理员")


@pytest.fixture
def base(tree, trainer):
    return services.base_create(actor=trainer, org=tree["wujiatai"], name="伍家台基地", place="宣恩县万寨乡伍家台村",
                                capacity=120, description="全省农村党员干部培训示范基地")


TODAY = timezone.localdate()


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def new_class(actor, org, base=None, **overrides):
    data = {"level": ClassLevel.COUNTY, "title": "村党组织书记培训班", "audience": Audience.VILLAGE_SECRETARIES,
            "topic": Topic.MASS_WORK, "start_date": TODAY, "end_date": TODAY + datetime.timedelta(days=2),
            "capacity": 30, "hours": 16, "base": base, "place": "" if base else "县委党校"}
    data.update(overrides)
    return services.class_create(actor=actor, org=org, **data)


def add_lessons(actor, klass, count=3, day=None):
    day = day or klass.start_date
    return [services.lesson_create(actor=actor, training_class=klass, starts_at=at(day, 8 + 2 * i),
                                   ends_at=at(day, 9 + 2 * i), topic=f"第{i + 1}课", lecturer="王老师",
                                   method=list(Method.values)[i % 6]) for i in range(count)]


@pytest.fixture
def klass(trainer, school, base):
    return new_class(trainer, school, base)


@pytest.fixture
def trainees(tree):
    return [make_person(tree["wujiatai"] if i % 2 else tree["wujiatai_b1"]) for i in range(4)]


@pytest.fixture
def member_user(tree, trainees):
    return make_user(tree["wujiatai"], Role.MEMBER, "trainee1", person=trainees[0])
