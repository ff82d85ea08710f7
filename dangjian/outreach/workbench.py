"""三进三帮 on the workbench (core.workbench): menu entries under 抓示范, the home card, and return-visit to-dos."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.core.workbench import CardData, Figure, ListItem, card, menu_entry, todos

from . import selectors
from .capabilities import CASE_EDIT, OUTREACH_VIEW, VISIT_RECORD
from .models import HelpCase

menu_entry("showcase", gettext_lazy("Outreach figures"), "outreach:summary", "ti-chart-dots", capability=OUTREACH_VIEW,
           order=60)
menu_entry("showcase", gettext_lazy("Outreach visits"), "outreach:visit_list", "ti-walk", capability=VISIT_RECORD,
           order=61)
menu_entry("showcase", gettext_lazy("Help cases"), "outreach:case_list", "ti-heart-handshake", capability=OUTREACH_VIEW,
           order=62)
menu_entry("showcase", gettext_lazy("Beneficiaries"), "outreach:beneficiary_list", "ti-users-group",
           capability=OUTREACH_VIEW, order=63)


def outreach_card(user):
    """This year's figures of the user's subtree; each figure's API list counts it. People helped is a sum of
    people, not a count of rows, so it is listed under the figures with the list whose `people` equals it."""
    org = user.scope_org
    if org is None:
        return None
    period = selectors.default_period()
    values = selectors.figures(org, period)
    pages, apis = selectors.drill_down(org, period), selectors.drill_down(org, period, api=True)
    figures = [
        Figure("problems_solved", _("Problems solved"), values["problems_solved"], pages["problems_solved"],
               apis["problems_solved"]),
        Figure("cases_open", _("Open help cases"), values["cases_open"], pages["cases_open"], apis["cases_open"]),
        Figure("visits", _("Visits"), values["visits_total"], pages["visits_total"], apis["visits_total"]),
    ]
    items = [ListItem(_("People helped: %(n)d") % {"n": values["people_helped"]}, pages["people_helped"],
                      note=_("This year"))]
    return CardData(figures, items=items, items_title=_("Outreach, this year"), more_url=reverse("outreach:summary"))


card("outreach.summary", gettext_lazy("Outreach and help"), outreach_card, capability=OUTREACH_VIEW,
     icon="ti-heart-handshake", order=60)


def return_visit_todos(user):
    """Resolved cases still waiting for their return visit (回访), oldest first."""
    rows = (HelpCase.objects.visible_to(user).filter(status=HelpCase.Status.RESOLVED)
            .select_related("beneficiary").order_by("resolved_on", "pk")[:10])
    return [{"label": _("Return visit: %(name)s") % {"name": case.beneficiary.name},
             "url": reverse("outreach:case_detail", args=[case.pk]), "due": case.resolved_on} for case in rows]


todos(gettext_lazy("Return visits"), return_visit_todos, capability=CASE_EDIT)
