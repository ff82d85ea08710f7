"""The demo's supervised tasks: every light across counties, escalations at both steps, the closed tasks of the
report's year, to-dos for the demo accounts — recorded through the services, figures matching a rebuild."""

import pytest
from django.db.models import F

from dangjian.accounts.models import User
from dangjian.core import audit, workbench
from dangjian.core.testing import assert_summary_matches_facts
from dangjian.demo import builder
from dangjian.supervision.models import Escalation, Light, SupervisedTask, TaskAssignment, light_q

pytestmark = pytest.mark.django_db(transaction=False)


def test_demo_tasks_in_every_light_across_counties(db):
    builder.load("small", force=True)
    for light in Light.values:
        rows = TaskAssignment.objects.filter(light_q(light)).exclude(status="closed")
        assert rows.values("county_id").distinct().count() >= 2, light
    assert set(TaskAssignment.objects.values_list("status", flat=True)) == {"pending", "reported", "returned",
                                                                          "closed"}
    assert set(Escalation.objects.values_list("step", flat=True)) == {1, 2}
    history = TaskAssignment.objects.filter(issued_on__year=2012)
    assert history.exists() and not history.exclude(status="closed").exists()
    assert history.filter(closed_on__gt=F("deadline")).exists()  # one closed late
    # its own tasks are all issued by people (other apps' demos add tasks the platform issued: rectification)
    assert not SupervisedTask.objects.filter(issued_by__isnull=True).exclude(source="rectification").exists()
    assert_summary_matches_facts()
    assert audit.verify() is None
    for username in ("wujiatai", "xinling_cun", "badong"):
        assert workbench.user_todos(User.objects.get(username=username)), username
