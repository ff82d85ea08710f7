"""What an award sets off: a second consecutive year below three stars flags the organization for rectification
and opens a supervised task for it with a deadline, automatically (the platform acts: no actor)."""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dangjian.supervision import services as supervision

from . import rules
from .models import Assessment

RECTIFICATION_DAYS = 90  # the rectification deadline, counted from the award


def second_year_below_three(assessment):
    if assessment.stars is None or assessment.stars >= rules.THREE:
        return False
    last = Assessment.objects.filter(org_id=assessment.org_id, year=assessment.year - 1,
                                     status=Assessment.Status.AWARDED).values_list("stars", flat=True).first()
    return last is not None and last < rules.THREE


def after_award(assessment):
    if not second_year_below_three(assessment):
        return None
    Assessment.objects.filter(pk=assessment.pk).update(rectification=True)
    assessment.rectification = True
    return open_rectification_task(assessment)


def rectification_text(assessment):
    """Title and requirement of the task, in Chinese whoever awards (the task is a 公文-style record)."""
    title = _("Rectification: %(org)s below three stars two years running") % {"org": assessment.org.name}
    requirement = _("%(org)s was rated below three stars in %(last)s and %(year)s. Draw up a rectification plan, "
                    "carry it out and report before the deadline.") % {
        "org": assessment.org.name, "last": assessment.year - 1, "year": assessment.year}
    return title, requirement


def open_rectification_task(assessment):
    """The supervised task (跟踪督办), issued by the platform (`actor=None`) in the name of the county organization
    department that awarded, to the organization, due RECTIFICATION_DAYS from today."""
    from .workflow import approver_org_id

    with translation.override("zh-hans"):
        title, requirement = rectification_text(assessment)
    return supervision.task_issue(
        actor=None, issuer_org=approver_org_id(assessment), title=title[:100], requirement=requirement,
        source="rectification", deadline=timezone.localdate() + datetime.timedelta(days=RECTIFICATION_DAYS),
        orgs=[assessment.org_id], source_ref=f"stars.assessment:{assessment.pk}")
