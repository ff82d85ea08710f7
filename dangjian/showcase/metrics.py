"""Metrics of 抓示范 (core.metrics): sites by level, meetings and their participants, model posts and their
services, honours named. All kept in the summary table for the upper levels."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.metrics import Metric, register

from .models import DemoSite, Meeting, ModelPost, Nomination, PostService

# core.metrics' tracker cannot take an empty Q() (When() refuses it): "every row" is spelled as a condition.
EVERY_ROW = Q(pk__isnull=False)
SITES = {level: f"showcase.sites.{level}" for level in DemoSite.SiteLevel.values}
MEETINGS = "showcase.meetings"
PARTICIPANTS = "showcase.meetings.participants"
POSTS = "showcase.posts"
SERVICES = "showcase.posts.services"
HONOURS = "showcase.honours"

_LABELS = {
    DemoSite.SiteLevel.PREFECTURE: _("Prefecture-level demonstration sites"),
    DemoSite.SiteLevel.COUNTY: _("County-level demonstration sites"),
    DemoSite.SiteLevel.TOWNSHIP: _("Township-level demonstration sites"),
}
for _level, _key in SITES.items():
    register(Metric(_key, _LABELS[_level], _("sites"), model=DemoSite, kept=True,
                    where=Q(status=DemoSite.Status.ACTIVE, level=_level)))
register(Metric(MEETINGS, _("Meetings and tours held"), _("meetings"), model=Meeting, date_field="held_on",
                where=EVERY_ROW, kept=True))
register(Metric(PARTICIPANTS, _("Meeting participants"), _("people"), model=Meeting, date_field="held_on",
                value_field="headcount", where=EVERY_ROW, kept=True))
register(Metric(POSTS, _("Published model posts"), _("posts"), model=ModelPost, kept=True,
                where=Q(status=ModelPost.Status.PUBLISHED)))
register(Metric(SERVICES, _("Services of model posts"), _("services"), model=PostService, date_field="served_on",
                where=EVERY_ROW, kept=True))
register(Metric(HONOURS, _("Honours named"), _("honours"), model=Nomination, date_field="named_on", kept=True,
                where=Q(status=Nomination.Status.NAMED)))
