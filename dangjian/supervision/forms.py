"""Forms of 跟踪督办: issuing a task, reporting progress, returning a report."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import DateInput, StyledFormMixin
from dangjian.orgs.forms.fields import OrgChoiceField
from dangjian.orgs.models import Org

from .models import Source

MAX_FILES = 5


class TaskIssueForm(StyledFormMixin, forms.Form):
    """A task from the user's organization to organizations below it: tick the organizations directly below (the
    usual case: a county's townships, a township's villages), and add any deeper one with the organization
    picker (the "visible" source, accepted only below the issuer)."""

    title = forms.CharField(label=_("Title"), max_length=100)
    requirement = forms.CharField(label=_("Requirement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.ChoiceField(label=_("Source"), choices=[("", ""), *Source.choices])
    source_ref = forms.CharField(label=_("Source reference"), max_length=100, required=False,
                                 help_text=_("E.g. the meeting and its date, or the indicator."))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    orgs = forms.ModelMultipleChoiceField(label=_("Assigned to"), queryset=Org.objects.none(), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    add_org = OrgChoiceField(label=_("Add an organization further below"), required=False,
                             hint=_("Search an organization below yours, then press “Add”."))

    def __init__(self, *args, user, issuer, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("deadline", timezone.localdate() + datetime.timedelta(days=30))
        super().__init__(*args, **kwargs)
        self.issuer = issuer
        below = Org.objects.visible_to(user).filter(issuer.subtree_q(), is_active=True).exclude(pk=issuer.pk)
        self.fields["orgs"].queryset = below
        self.fields["add_org"].offer("visible", user, queryset=below)
        self.fields["orgs"].error_messages["invalid_choice"] = _("Choose organizations below yours.")

    def chosen_ids(self):
        values = self.data.getlist("orgs") if self.is_bound else self.initial.get("orgs", [])
        return {int(v) for v in values if str(v).isdigit()}

    def offered(self):
        """The checkboxes: the organizations directly below the issuer, and those picked further below before
        (kept checked), in tree order. One query."""
        chosen = self.chosen_ids()
        rows = self.fields["orgs"].queryset.filter(Q(parent=self.issuer) | Q(pk__in=chosen)).order_by("path")[:200]
        return [(org, org.pk in chosen) for org in rows]

    def with_picked_added(self, user):
        """The "Add" button: an unbound form with what was typed so far and the picked organization ticked among
        the others — nothing is issued and no field is complained about yet."""
        initial = {name: self.data.get(name, "") for name in ("title", "requirement", "source", "source_ref",
                                                                "deadline")}
        chosen = self.chosen_ids()
        picked = self.data.get("add_org", "")
        if str(picked).isdigit() and self.fields["orgs"].queryset.filter(pk=picked).exists():
            chosen.add(int(picked))
        initial["orgs"] = sorted(chosen)
        return TaskIssueForm(user=user, issuer=self.issuer, initial=initial)

    def assignees(self):
        picked = list(self.cleaned_data.get("orgs") or [])
        extra = self.cleaned_data.get("add_org")
        if extra is not None and extra not in picked:
            picked.append(extra)
        return picked


class ReportForm(StyledFormMixin, forms.Form):
    content = forms.CharField(label=_("Progress"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files_list = []

    def clean(self):
        data = super().clean()
        self.files_list = self.files.getlist("files") if self.files else []
        if len(self.files_list) > MAX_FILES:
            self.add_error(None, _("Attach at most %(max)d files at a time.") % {"max": MAX_FILES})
        return data


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 3}))
