"""The demo's training records (small scale): the report's figures come out of the attendance, never a total."""

import datetime
import io

import pytest
from django.core.management import call_command

from dangjian.core.metrics import Period
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.orgs.models import Org
from dangjian.training import selectors
from dangjian.training.models import Attendance, Audience, Enrollment, TrainingBase, TrainingClass

pytestmark = pytest.mark.django_db


def test_demo_training_records():
    call_command("demo", "--scale", "small", stdout=io.StringIO())
    jianshi = Org.objects.get(name="中共建始县委")
    org_dept_2012 = Enrollment.objects.filter(
        jianshi.ancestry_q(), training_class__audience=Audience.ORG_DEPT_CADRES,
        first_attended_on__year=2012, training_class__org__name="建始县委党校机关党支部")
    assert org_dept_2012.count() > 300  # 建始县's 300-plus person-times of organization-department cadres
    assert Attendance.objects.filter(enrollment__in=org_dept_2012).values("enrollment").distinct().count() \
        == org_dept_2012.count()
    summary = selectors.summary(jianshi, Period(datetime.date(2012, 1, 1), datetime.date(2012, 12, 31)))
    assert summary["person_times"] >= org_dept_2012.count()
    base = TrainingBase.objects.get(name="伍家台基地")
    assert TrainingClass.objects.filter(base=base, start_date__year=2012).count() >= 4  # regular visits
    assert TrainingClass.objects.filter(org__name="州委党校机关党支部").exists()
    assert TrainingClass.objects.filter(status=TrainingClass.Status.OPEN).exists()  # wujiatai_dy may enrol
    assert_summary_matches_facts()
