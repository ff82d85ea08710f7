"""What an award sets off: a second consecutive year below three stars flags the organization for rectification
and opens a supervised task for it with a deadline, automatically (the platform acts: no actor)."""

import datetime

from django.utils.translation import gettext as _

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
    title = _("Rectification: %(org)s below three stars two years running") % {"org": assessment.org.name}
    requirement = _("%(org)s was rated below three stars in %(last)s and %(year)s. Draw up a rectification plan, "
                    "carry it out and report before the deadline.") % {
        "org": assessment.org.name, "last": assessment.year - 1, "year": assessment.year}
    return title, requirement


def open_rectification_task(assessment):
    """Open the supervised task (跟踪督办) through supervision's service, once supervision is installed."""
    return None


def deadline(assessment):
    return (assessment.awarded_on or datetime.date.today()) + datetime.timedelta(days=RECTIFICATION_DAYS)
