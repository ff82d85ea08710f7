"""Metrics of 组织与人员 (core.metrics): the tree's own figures, read by the home cards, statistics and briefings.

Also tells core what the tree looks like: the ancestry column of each level and the levels whose figures the
summary table keeps (province, prefecture, county: subtrees of thousands of organizations and up to hundreds of
thousands of people, too large to count per page view; townships and villages are counted live).
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.metrics import Metric, configure_tree, register

from .choices import Category, Status
from .models import ANCESTRY_COLUMNS, TERM_WARNING, Level, Org, Person, has_current_secretary

configure_tree(Org, ANCESTRY_COLUMNS, summary_levels=(Level.PROVINCE, Level.PREFECTURE, Level.COUNTY))

PEOPLE, ORGS = _("people"), _("organizations")
MEMBERS = "orgs.members"
NO_SECRETARY = "orgs.no_secretary"
TERM_ENDED, TERM_ENDING = "orgs.term_ended", "orgs.term_ending"


def members_metric(category):
    return f"{MEMBERS}.{category}"


def level_metric(level):
    return f"orgs.level.{level}"


register(Metric(MEMBERS, _("Members"), PEOPLE, model=Person, where=Q(status__in=Status.CURRENT), kept=True))
for _value, _label in Category.choices:
    register(Metric(members_metric(_value), _label, PEOPLE, model=Person, kept=True,
                    where=Q(status__in=Status.CURRENT, category=_value)))
for _value, _label in Level.choices:
    # An organization counts at its own level in its own subtree: "below N" subtracts N itself.
    register(Metric(level_metric(_value), _label, ORGS, model=Org, where=Q(is_active=True, level=_value),
                    kept=True))
register(Metric(NO_SECRETARY, _("Without a secretary"), ORGS, model=Org, kept=True,
                where=Q(is_active=True) & ~Q(has_current_secretary())))


def term_q(state, today=None):
    """Active organizations whose term has ended ('ended'), ends within six months ('ending'), or either ('due'):
    the 换届提醒. The one spelling of the rule, for the metrics, the list filter and the to-dos."""
    today = today or timezone.localdate()
    soon = today + TERM_WARNING
    return Q(is_active=True) & {
        "ended": Q(term_end__lt=today),
        "ending": Q(term_end__gte=today, term_end__lte=soon),
        "due": Q(term_end__lte=soon),
    }[state]


# Depend on today: never kept, always counted (an indexed count per subtree level).
register(Metric(TERM_ENDED, _("Term ended"), ORGS, model=Org, where=lambda: term_q("ended")))
register(Metric(TERM_ENDING, _("Ends within six months"), ORGS, model=Org, where=lambda: term_q("ending")))
