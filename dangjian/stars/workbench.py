"""星级管理 in the frame: menu entries under 抓示范, the home card (each figure with its list and API list), to-dos."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.core.workbench import CardData, Figure, card, menu_entry, todos

from . import rules, selectors
from .capabilities import SCHEME_EDIT, STARS_FIGURES, STARS_VIEW

menu_entry("showcase", _("Star ratings"), "stars:assessment_list", "ti-star", capability=STARS_VIEW, order=10)
menu_entry("showcase", _("Star map"), "stars:map", "ti-map-2", capability=STARS_VIEW, order=11)
menu_entry("showcase", _("Assessment schemes"), "stars:scheme_list", "ti-list-check", capability=SCHEME_EDIT,
           order=12)


def stars_card(user):
    year = selectors.default_year()
    visible = selectors.assessments(user)
    waiting = selectors.awaiting(user, visible).count()
    this_year = visible.filter(year=year)
    three = selectors.with_min_stars(this_year, rules.THREE).count()
    query = f"?year={year}&min_stars={rules.THREE}"
    return CardData([
        Figure("awaiting", _("Assessments awaiting your step"), waiting,
               reverse("stars:assessment_list") + "?awaiting=true", reverse("assessment-list") + "?awaiting=true"),
        Figure("three_plus", _("At three stars or more this year"), three,
               reverse("stars:assessment_list") + query, reverse("assessment-list") + query),
    ])


card("stars.ratings", _("Star ratings"), stars_card, capability=STARS_FIGURES, icon="ti-star", order=40)


def assessment_todos(user):
    rows = selectors.awaiting(user).select_related("org").order_by("notice_until", "pk")[:10]
    return [{"label": _("Star rating of %(org)s: %(step)s") % {"org": a.org.name, "step": a.get_status_display()},
             "url": reverse("stars:assessment_detail", args=[a.pk]), "due": a.notice_until} for a in rows]


todos(_("Star ratings"), assessment_todos, capability=STARS_VIEW)
