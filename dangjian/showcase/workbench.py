"""抓示范 on the workbench: menu entries (group "showcase", declared by dashboard), the home card (every figure
with its list page and the API list whose count equals it) and to-dos (steps waiting for this user)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import metrics
from dangjian.core.metrics import Period
from dangjian.core.permissions import SELF_SERVICE
from dangjian.core.workbench import CardData, Figure, card, menu_entry, todos

from .capabilities import HONOR_MANAGE, POST_APPROVE, POST_RECOMMEND, SHOWCASE_VIEW
from .metrics import HONOURS, MEETINGS, POSTS, SERVICES, SITES
from .models import DemoSite, ModelPost, Nomination

menu_entry("showcase", _("Demonstration sites"), "showcase:site_list", "ti-flag", capability=SHOWCASE_VIEW, order=20)
menu_entry("showcase", _("Meetings and tours"), "showcase:meeting_list", "ti-users-group", capability=SHOWCASE_VIEW,
           order=21)
menu_entry("showcase", _("Model posts"), "showcase:post_list", "ti-award", capability=SHOWCASE_VIEW, order=22)
menu_entry("showcase", _("My model post"), "showcase:post_apply", "ti-id-badge", capability=SELF_SERVICE, order=23)
menu_entry("showcase", _("五好 campaigns"), "showcase:campaign_list", "ti-medal", capability=SHOWCASE_VIEW, order=24)


def _figure(key, label, value, page, api, query):
    return Figure(key, label, value, reverse(page) + query, reverse(api) + query)


def showcase_card(user):
    year = timezone.localdate().year
    stocks = metrics.values([*SITES.values(), POSTS], user.org)
    flows = metrics.values([MEETINGS, SERVICES, HONOURS], user.org, Period.year(year))
    values = {**stocks, **flows}
    # The headline is every active site of the subtree, then the sites of each level.
    figures = [_figure("sites", _("Demonstration sites"), sum(values[key] for key in SITES.values()),
                       "showcase:site_list", "demo-site-list", "?status=active")]
    figures += [_figure(f"sites_{level}", label, values[SITES[level]], "showcase:site_list", "demo-site-list",
                        f"?level={level}&status=active") for level, label in DemoSite.SiteLevel.choices]
    figures += [
        _figure("meetings", _("Meetings this year"), values[MEETINGS], "showcase:meeting_list", "meeting-list",
                f"?year={year}"),
        _figure("posts", _("Published model posts"), values[POSTS], "showcase:post_list", "model-post-list",
                "?status=published"),
        _figure("honours", _("Honours named this year"), values[HONOURS], "showcase:campaign_list",
                "nomination-list", f"?status=named&year={year}"),
    ]
    return CardData(figures)


card("showcase", _("Demonstration"), showcase_card, capability=SHOWCASE_VIEW, icon="ti-flag", order=40)


def post_steps(user):
    """Applications to recommend (branch) and posts whose public notice has ended (level above)."""
    rows = []
    today = timezone.localdate()
    if user.has_capability(POST_RECOMMEND):
        waiting = ModelPost.objects.editable_by(user).filter(status=ModelPost.Status.APPLIED)
        rows += [(_("Recommend"), post) for post in waiting.exclude(person_id=user.person_id)
                 .select_related("person").order_by("applied_on")[:10]]
    if user.has_capability(POST_APPROVE):
        approver = ModelPost.objects.allowed(user, "approve").filter(org__level__gt=user.org.level)
        rows += [(_("Approve"), post) for post in approver.filter(status=ModelPost.Status.RECOMMENDED)
                 .select_related("person").order_by("recommended_on")[:10]]
        publish = pgettext_lazy("model post", "Publish")
        rows += [(publish, post) for post in approver.filter(status=ModelPost.Status.NOTICE, notice_until__lt=today)
                 .select_related("person").order_by("notice_until")[:10]]
    return [{"label": f"{step}：{post.person.name} · {post.title}",
             "url": reverse("showcase:post_detail", args=[post.pk]), "due": post.notice_until or post.applied_on}
            for step, post in rows]


todos(_("Model posts"), post_steps, capability=POST_RECOMMEND)


def nominations_to_review(user):
    rows = Nomination.objects.visible_to(user).filter(
        user.org.subtree_q("campaign__org__"), status=Nomination.Status.NOMINATED,
    ).select_related("person", "org", "campaign").order_by("nominated_on")[:10]
    return [{"label": f"{_('Review')}：{n.campaign.name} · {n.nominee_name}",
             "url": reverse("showcase:nomination_detail", args=[n.pk]), "due": n.nominated_on} for n in rows]


todos(_("五好 nominations"), nominations_to_review, capability=HONOR_MANAGE)
