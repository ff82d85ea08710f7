"""The one organization field of the platform: a ModelChoiceField over the organizations a picker source offers,
rendered as the search-as-you-type picker (orgs/_org_picker.html) whose results are radio inputs for the field.

Used by the position, transfer and move forms here and by the account form in accounts (accounts may import
orgs, never the reverse). The field's queryset is what it accepts; its `source` (orgs.selectors.pickers) is what
the picker offers, decided on the server from the signed-in user.
"""

import re
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Org
from ..selectors import pickers

FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,40}$")
LINK_TARGETS = {"list": "orgs:person_list", "create": "orgs:person_create"}


def picker_context(source, *, dom_id, field="", target="", keep="", chosen=None, placeholder=None, hint="",
                   disabled=False):
    """What orgs/_org_picker.html needs: a radio picker for the form field `field`, or (with `target`) a link
    picker leading to the people list or the new-member page with `org` set and `keep`'s parameters kept."""
    params = {"source": source}
    if field:
        params["field"] = field
    else:
        params.update({"target": target or "list", "keep": keep})
    return {
        "dom_id": dom_id, "field": field, "chosen": chosen, "disabled": disabled, "hint": hint,
        "search_url": f"{reverse('orgs:org_picker')}?{urlencode(params)}",
        "placeholder": placeholder or (_("Type at least two characters of the name or its pinyin initials")
                                       if pickers.parse(source)[0].min_length > 1
                                       else _("Type an organization name or pinyin initials")),
    }


class OrgPickerWidget(forms.Widget):
    """The picker as a form widget: the organization picked so far (kept after a validation error) as a checked
    radio input, a search box that belongs to no form, and the place the endpoint's radio results go."""

    template_name = "orgs/_org_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.source = "visible"
        self.queryset = Org.objects.none()
        self.hint = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = None
        pk = getattr(value, "pk", value)
        if pk not in (None, "") and str(pk).isdigit():
            chosen = self.queryset.filter(pk=pk).only("id", "name").first()
        dom_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["picker"] = picker_context(self.source, dom_id=dom_id, field=name, chosen=chosen,
                                           hint=self.hint, disabled=context["widget"]["attrs"].get("disabled"))
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class OrgChoiceField(forms.ModelChoiceField):
    """An organization picked with the picker. `source` names what the picker offers (orgs.selectors.pickers);
    `queryset` is what the field accepts — by default the source's organizations for the form's user, set with
    `offer(source, user)`."""

    widget = OrgPickerWidget
    default_error_messages = {
        "required": _("Choose an organization."),
        "invalid_choice": _("Choose an organization from the search results."),
    }

    def __init__(self, *, source="visible", queryset=None, hint="", **kwargs):
        super().__init__(queryset=Org.objects.none() if queryset is None else queryset, **kwargs)
        self.source = source
        self.widget.hint = hint

    @property
    def source(self):
        return self.widget.source

    @source.setter
    def source(self, name):
        self.widget.source = name

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def offer(self, source, user, queryset=None):
        """Offer the organizations of `source` to `user` and accept those (or `queryset`, when the field accepts
        more than the picker offers, e.g. an account already in a deactivated organization)."""
        self.source = source
        self.queryset = pickers.queryset(source, user) if queryset is None else queryset
