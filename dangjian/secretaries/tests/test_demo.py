"""The demo's year of 抓书记 (small scale): every step present, figures consistent with the records, the named
accounts' part played through the services."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core.models import AuditEntry
from dangjian.demo.registry import REPORT_YEAR
from dangjian.secretaries import rules, selectors
from dangjian.secretaries.models import ContactPoint, ContactVisit, SecretaryReview, Topic

pytestmark = pytest.mark.django_db


def test_the_demo_year():
    call_command("demo", "--scale", "small", stdout=io.StringIO())
    year = timezone.localdate().year
    assert set(Topic.objects.filter(year=year).values_list("status", flat=True)) == set(Topic.Status.values)
    assert Topic.objects.filter(year=REPORT_YEAR, status="completed").exists()
    for review in SecretaryReview.objects.filter(status__in=["graded", "published"]):
        assert review.grade == rules.review_grade(review.ballots)
    for visit in ContactVisit.objects.select_related("point"):
        assert visit.visited_on.year == visit.point.year and visit.visited_on <= timezone.localdate()
    per_leader = ContactPoint.objects.values("leader_id", "year").annotate(n=Count("pk")).values_list("n", flat=True)
    assert max(per_leader) <= 2
    zhou = User.objects.get(username="zhou")
    statuses = {row.status for row in selectors.compliance(zhou.org, year)}
    assert "behind" in statuses or "missing" in statuses
    cun, shuji = User.objects.get(username="xinling_cun"), User.objects.get(username="badong_shuji")
    assert ContactPoint.objects.filter(leader_id=shuji.person_id, org_id=cun.org_id, year=year).exists()
    assert AuditEntry.objects.filter(action="topic.select", actor=shuji).exists()
    assert AuditEntry.objects.filter(action="topic.undertake", actor=cun).exists()
    assert ContactVisit.objects.exclude(task_ref="").filter(point__leader_id=shuji.person_id).exists()
