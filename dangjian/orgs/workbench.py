"""What 组织与人员 contributes to the menu and the workbench (core.workbench): its pages, four home cards whose
every figure links to the list that counts it, and the election reminders as to-dos."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dangjian.core import metrics
from dangjian.core.workbench import CardData, Figure, ListItem, card, menu_entry, menu_group, todos

from . import metrics as org_metrics
from .capabilities import ORG_VIEW, PERSON_VIEW
from .choices import Category
from .models import Level, Org, has_current_secretary
from .selectors.orgs import subtree_orgs

LIST_SIZE = 10

menu_group("orgs", _("Organizations and people"), order=20)
menu_entry("orgs", _("Organization tree"), "orgs:tree", "ti-sitemap", capability=ORG_VIEW, order=10)
menu_entry("orgs", _("Organizations"), "orgs:list", "ti-building-community", capability=ORG_VIEW, order=20)
menu_entry("orgs", _("People"), "orgs:person_list", "ti-users", capability=PERSON_VIEW, order=30)


def _links(page, api, **params):
    query = "?" + urlencode(params) if params else ""
    return reverse(page) + query, reverse(api) + query


def _figure(key, label, value, page, api, **params):
    url, api_url = _links(page, api, **params)
    return Figure(key, label, value, url, api_url)


def suborgs_card(user):
    """Active organizations strictly below the user's own, per level (the user's own counts at its level in the
    metric, so it is taken off)."""
    root = user.org
    keys = [org_metrics.level_metric(level) for level in Level.values if level > root.level]
    counts = metrics.values(keys, root)
    figures = [
        _figure(f"level.{level}", label, counts[org_metrics.level_metric(level)], "orgs:list", "org-list",
                level=level, is_active="true")
        for level, label in Level.choices if level > root.level and counts[org_metrics.level_metric(level)]
    ]
    total = sum(f.value for f in figures)
    headline = _figure("total", _("Sub-organizations"), total, "orgs:list", "org-list", below=root.pk,
                       is_active="true")
    return CardData([headline, *figures], empty=_("No sub-organizations."))


def members_card(user):
    """Current members of the user's subtree (the people list's default), per category."""
    root = user.org
    keys = [org_metrics.MEMBERS, *(org_metrics.members_metric(value) for value in Category.values)]
    counts = metrics.values(keys, root)
    figures = [_figure("total", _("Members"), counts[org_metrics.MEMBERS], "orgs:person_list", "person-list")]
    figures += [
        _figure(value, label, counts[org_metrics.members_metric(value)], "orgs:person_list", "person-list",
                category=value)
        for value, label in Category.choices
    ]
    return CardData(figures)


def secretary_card(user):
    """Active organizations of the subtree, the user's own included (the first one they answer for), without a
    current 书记, with the first of them listed."""
    root = user.org
    count = metrics.values([org_metrics.NO_SECRETARY], root)[org_metrics.NO_SECRETARY]
    figure = _figure("no_secretary", _("Without a secretary"), count, "orgs:list", "org-list",
                     no_secretary="true", is_active="true")
    # Walks the tree in path order (the path index) and stops at LIST_SIZE; with none missing (the summary
    # says so) it would walk the whole subtree for nothing.
    lacking = (Org.objects.visible_to(user).filter(is_active=True).filter(~has_current_secretary())
               .order_by("path")[:LIST_SIZE]) if count else []
    items = [ListItem(org.name, reverse("orgs:detail", args=[org.pk]), badge=org.get_level_display())
             for org in lacking]
    return CardData([figure], items=items, items_title=_("Organizations without a secretary"),
                    more=count - len(items), more_url=figure.url,
                    empty=_("Every active organization has a secretary."))


def terms_card(user):
    """Active organizations of the subtree, the user's own included, whose term ended or ends within six
    months (the 换届提醒; the organizations themselves are the user's to-dos)."""
    root = user.org
    counts = metrics.values([org_metrics.TERM_ENDED, org_metrics.TERM_ENDING], root)
    ended, ending = counts[org_metrics.TERM_ENDED], counts[org_metrics.TERM_ENDING]
    return CardData([
        _figure("due", _("Elections due"), ended + ending, "orgs:list", "org-list", term="due", is_active="true"),
        _figure("ended", _("Term ended"), ended, "orgs:list", "org-list", term="ended", is_active="true"),
        _figure("ending", _("Ends within six months"), ending, "orgs:list", "org-list", term="ending",
                is_active="true"),
    ])


card("orgs.suborgs", _("Sub-organizations"), suborgs_card, capability=ORG_VIEW, icon="ti-building-community",
     order=10)
card("orgs.members", _("Members"), members_card, capability=PERSON_VIEW, icon="ti-users", order=20)
card("orgs.secretaries", _("Without a secretary"), secretary_card, capability=ORG_VIEW, icon="ti-user-question",
     order=30)
card("orgs.terms", _("Elections due"), terms_card, capability=ORG_VIEW, icon="ti-calendar-exclamation", order=40)


def term_todos(user):
    """The soonest election reminders of the user's subtree (ended terms first): bounded by the index on term_end."""
    # The scope root's ancestry column alone (the subtree visible_to selects by path, by the tree's invariant): the
    # planner then walks (column, term_end) in date order and stops at LIST_SIZE; with the path range as well it
    # sorted the prefecture's 15,000 organizations (issue 11).
    root = user.scope_org
    if root is None:
        return []
    due = (subtree_orgs(root).filter(org_metrics.term_q("due"))
           .order_by("term_end", "path")[:LIST_SIZE])
    return [{"label": _("Election due: %(name)s") % {"name": org.name},
             "url": reverse("orgs:detail", args=[org.pk]), "due": org.term_end} for org in due]


todos(_("Election reminders"), term_todos, capability=ORG_VIEW)
