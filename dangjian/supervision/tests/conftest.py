import datetime

import pytest
from django.utils import timezone

from dangjian.supervision import services

TODAY = timezone.localdate()


def issue(actor, issuer_org, orgs, *, deadline=None, title="整改软弱涣散问题", source="meeting", **kw):
    return services.task_issue(actor=actor, issuer_org=issuer_org, title=title,
                               requirement="对照清单逐项整改，按期报送进展。", source=source,
                               deadline=deadline or TODAY + datetime.timedelta(days=30), orgs=orgs, **kw)


@pytest.fixture
def task(tree, users):
    """宣恩县委组织部 issues a task to 伍家台村 (a village) and 晓关侗族乡 (a township)."""
    return issue(users["xuanen_admin"], tree["xuanen"], [tree["wujiatai"], tree["xiaohe"]])


def assignment_of(task, org):
    return task.assignments.get(org=org)
