"""Forms of the organization pages. They only validate input; the views hand cleaned data to orgs.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import DateInput, StyledFormMixin

from ..models import Level, Org
from ..services import ORG_FIELDS
from .fields import OrgChoiceField


def org_filter_form(form):
    """The organization list's filter bar (classes and "All" choices come from core.forms.FilterForm)."""
    if "is_active" in form.fields:
        form.fields["is_active"].label = form["is_active"].label = _("Status")
        form.fields["is_active"].widget = forms.Select(
            choices=[("", _("All")), ("true", _("Active")), ("false", _("Deactivated"))],
            attrs={"class": "form-select"},
        )
    if "q" in form.fields:
        form.fields["q"].widget.attrs["placeholder"] = _("Name, code or pinyin initials")
        form.fields["q"].widget.input_type = "search"
    return form


class OrgForm(StyledFormMixin, forms.ModelForm):
    """Create or edit an organization. The level offers only levels below the parent's."""

    class Meta:
        model = Org
        fields = list(ORG_FIELDS)
        widgets = {"term_start": DateInput(), "term_end": DateInput()}
        labels = {"name": _("Organization name")}
        error_messages = {"code": {"unique": _("Another organization already uses this code.")}}
        help_texts = {
            "code": _("Unique across the platform, e.g. the organization's code in the national member system."),
            "division_code": _("The 12-digit administrative division code of its area, if any."),
            "term_end": _("The home page warns six months before the term ends."),
        }

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        parent = parent if parent is not None else self.instance.parent
        if parent is not None:
            self.fields["level"].choices = [(v, label) for v, label in Level.choices if v > parent.level]
            if not self.instance.pk and not self.is_bound:
                self.initial.setdefault("level", min(parent.level + 1, Level.BRANCH))
                self.initial.setdefault("kind", Org.Kind.BRANCH)
        self.fields["name"].widget.attrs["autofocus"] = True


class OrgMoveForm(forms.Form):
    """The new parent, chosen with the search-as-you-type picker; any organization the user may edit."""

    parent = OrgChoiceField(
        label=_("New parent organization"),
        error_messages={"required": _("Choose the new parent organization."),
                        "invalid_choice": _("Choose an organization from the search results.")},
        hint=_("Only organizations above its level that you may edit are offered."),
    )

    def __init__(self, *args, user, org, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker offers the move targets; the field accepts any editable organization, so that a move the
        # service refuses (under its own subtree) gets the service's own message.
        self.fields["parent"].offer(f"move:{org.pk}", user, queryset=Org.objects.editable_by(user))
