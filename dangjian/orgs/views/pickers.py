"""The one organization picker endpoint (htmx): `?source=<name>&q=<text>` and either `field=<form field>` (radio
inputs for that field) or `target=list|create&keep=<query string>` (links to the people list or the new-member
page with `org` set). The source (orgs.selectors.pickers) decides from the signed-in user what may be offered:
an unknown source or one about an object outside the user's scope is 404, a role the source refuses 403.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from ..forms.fields import FIELD_NAME, LINK_TARGETS
from ..selectors import pickers


@login_required
@require_GET
def org_picker(request):
    name, text = request.GET.get("source", ""), request.GET.get("q", "")[:50].strip()
    orgs = pickers.search(name, request.user, text, request=request)
    context = {"q": text, "too_short": pickers.too_short(name, text),
               "installation_wide": pickers.parse(name)[0].path_names == "all"}
    field = request.GET.get("field", "")
    if field:
        if not FIELD_NAME.match(field):
            raise SuspiciousOperation("bad picker field name")
        return render(request, "orgs/_org_picker_results.html", {**context, "orgs": orgs, "field": field})
    if context["installation_wide"]:  # links lead to pages of the user's own scope: never from the directory
        raise SuspiciousOperation("the directory is picked with radio inputs only")
    base = reverse(LINK_TARGETS.get(request.GET.get("target"), LINK_TARGETS["list"]))
    keep = QueryDict(request.GET.get("keep", ""), mutable=True)
    for param in ("org", "page"):
        keep.pop(param, None)
    links = []
    for org in orgs:
        keep["org"] = str(org.pk)
        links.append((org, f"{base}?{keep.urlencode()}"))
    return render(request, "orgs/_org_picker_results.html", {**context, "links": links})
