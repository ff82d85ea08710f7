"""抓书记 in the frame: menu entries (group "secretaries", declared by the dashboard), the home card of the three
numbers that need attention (each leading to its records, page and API), and the to-dos of whoever must act."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.workbench import CardData, Figure, card, menu_entry, todos

from . import actors, rules, selectors
from .capabilities import SECRETARIES_ADMIN, SECRETARIES_VIEW, UNDERTAKING_EDIT, VISIT_LOG
from .models import ContactPoint, Topic

TODO_LIMIT = 10

menu_entry("secretaries", gettext_lazy("Accountability overview"), "secretaries:overview", "ti-list-check",
           capability=SECRETARIES_VIEW, order=10)
menu_entry("secretaries", gettext_lazy("Compliance"), "secretaries:compliance", "ti-alert-triangle",
           capability=SECRETARIES_VIEW, order=15)
menu_entry("secretaries", gettext_lazy("Secretary topics"), "secretaries:topic_list", "ti-bulb",
           capability=SECRETARIES_VIEW, order=20)
menu_entry("secretaries", gettext_lazy("Committee sessions"), "secretaries:session_list", "ti-users-group",
           capability=SECRETARIES_VIEW, order=30)
menu_entry("secretaries", gettext_lazy("Contact points"), "secretaries:point_list", "ti-map-pin",
           capability=SECRETARIES_VIEW, order=40)
menu_entry("secretaries", gettext_lazy("Secretary reviews"), "secretaries:review_list", "ti-clipboard-check",
           capability=SECRETARIES_VIEW, order=50)


def attention_card(user):
    """Stalled topics, organizations behind (or missing) this year, contact points behind on visits."""
    year = timezone.localdate().year
    stalled = selectors.stalled_topics(user).count()
    lagging = len(selectors.with_status(selectors.compliance(user.org, year), selectors.LAGGING))
    behind = selectors.points_behind(ContactPoint.objects.visible_to(user), year).count()
    return CardData([
        Figure("stalled", _("Topics stalled"), stalled, reverse("secretaries:topic_list") + "?stalled=true",
               reverse("topic-list") + "?stalled=true"),
        Figure("lagging", _("Behind this year"), lagging,
               reverse("secretaries:compliance") + f"?year={year}&status={selectors.LAGGING}",
               reverse("secretaries-compliance") + f"?year={year}&status={selectors.LAGGING}"),
        Figure("points_behind", _("Contact points behind on visits"), behind,
               reverse("secretaries:point_list") + f"?year={year}&behind=true",
               reverse("contact-point-list") + f"?year={year}&behind=true"),
    ])


card("secretaries.attention", gettext_lazy("Secretary accountability"), attention_card,
     capability=SECRETARIES_VIEW, icon="ti-flag", order=40)


def topic_todos(user):
    """Topics waiting for the user's step; due when they would be stalled."""
    days = datetime.timedelta(days=rules.setting("SECRETARIES_TOPIC_STALL_DAYS"))
    rows = selectors.topics_to_act(user).order_by("step_on", "id")[:TODO_LIMIT]
    return [{"label": _("Topic “%(title)s”: %(status)s") % {"title": t.title, "status": t.get_status_display()},
             "url": reverse("secretaries:topic_detail", args=[t.pk]), "due": t.step_on + days} for t in rows]


def undertake_todos(user):
    """A grassroots secretary: topics of the committees above, claimed and open to take up, not yet taken up by
    the user's organization."""
    if user.org.level not in actors.GRASSROOTS_LEVELS:
        return []
    days = datetime.timedelta(days=rules.setting("SECRETARIES_TOPIC_STALL_DAYS"))
    rows = (Topic.objects.filter(org_id__in=user.org.ancestor_ids(), status__in=[Topic.Status.CLAIMED,
                                                                                  Topic.Status.UNDERTAKEN])
            .exclude(undertakings__org_id=user.org_id).select_related("org").order_by("step_on", "id")[:TODO_LIMIT])
    return [{"label": _("Topic “%(title)s” of %(org)s: open to take up") % {"title": t.title, "org": t.org.name},
             "url": reverse("secretaries:topic_detail", args=[t.pk]), "due": t.step_on + days} for t in rows]


def visit_todos(user):
    """The leader's contact visits still due this year."""
    if not user.person_id:
        return []
    today = timezone.localdate()
    required = rules.setting("SECRETARIES_VISITS_PER_POINT")
    points = (ContactPoint.objects.visible_to(user).filter(leader_id=user.person_id, year=today.year)
              .select_related("org").annotate(n=Count("visits")).filter(n__lt=required).order_by("id"))
    return [{"label": _("Contact point %(org)s: %(n)d more visits due this year")
             % {"org": p.org.name, "n": required - p.n},
             "url": reverse("secretaries:point_detail", args=[p.pk]), "due": datetime.date(today.year, 12, 31)}
            for p in points[:TODO_LIMIT]]


def review_todos(user):
    rows = selectors.reviews_to_grade(user).order_by("year", "org__path")[:TODO_LIMIT]
    return [{"label": _("Grade the review of %(name)s (%(org)s, %(year)d)")
             % {"name": r.person.name, "org": r.org.name, "year": r.year},
             "url": reverse("secretaries:review_detail", args=[r.pk]), "due": None} for r in rows]


todos(gettext_lazy("Secretary topics"), topic_todos, capability=SECRETARIES_VIEW)
todos(gettext_lazy("Topics to take up"), undertake_todos, capability=UNDERTAKING_EDIT)
todos(gettext_lazy("Contact visits"), visit_todos, capability=VISIT_LOG)
todos(gettext_lazy("Secretary reviews"), review_todos, capability=SECRETARIES_ADMIN)
