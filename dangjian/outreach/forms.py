"""Forms of 三进三帮. They collect input only: every rule is the services' (their errors are put back on the
fields with core.forms.add_service_errors)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.attachments import accept_attribute
from dangjian.core.forms import StyledFormMixin
from dangjian.orgs.capabilities import ORG_VIEW
from dangjian.orgs.forms.fields import OrgChoiceField
from dangjian.orgs.models import Org, Person

from .models import Beneficiary, HelpCase, Visit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitForm(StyledFormMixin, forms.Form):
    """The phone form of a visit: six fields, the organization prefilled with the user's own, the date today."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Visit.Kind.choices, widget=forms.RadioSelect)
    org = OrgChoiceField(label=_("Where"), queryset=Org.objects.none())
    visited_on = forms.DateField(label=_("When"), widget=DATE)
    whom = forms.CharField(label=_("Whom"), max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": _("A name, a household or an enterprise")}))
    findings = forms.CharField(label=_("What was found"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("Photo (optional)"), required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"org": user.org_id, "visited_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs.update({"accept": "image/*", "capture": "environment"})
        if user.has_capability(ORG_VIEW):
            self.fields["org"].offer("visible", user)
        else:  # a member records visits in their own organization
            self.fields["org"] = forms.ModelChoiceField(queryset=Org.objects.filter(pk=user.org_id),
                                                        label=_("Where"), empty_label=None)
            self.fields["org"].widget.attrs["class"] = "form-select"


class BeneficiaryForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Beneficiary kind"), choices=Beneficiary.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("The person, the head of the household, or the enterprise."))
    household_size = forms.IntegerField(label=_("Household size"), initial=1, min_value=-32768, max_value=32767,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    sensitivity = forms.ChoiceField(label=_("Sensitive details label"), choices=Beneficiary.Sensitivity.choices,
                                    required=False)
    sensitive_details = forms.CharField(label=_("Sensitive details"), max_length=2000, required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text=_("Health or finances: hidden from roles without clearance."))

    def __init__(self, *args, masked=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in (masked or {}).items():  # edit form: the masked value as placeholder, never the number
            self.fields[name].widget.attrs["placeholder"] = value


class BeneficiaryCreateForm(BeneficiaryForm):
    org = OrgChoiceField(label=_("Organization"), queryset=Org.objects.none())
    field_order = ["org"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].offer("visible", user)


class CaseForm(StyledFormMixin, forms.Form):
    """A help case: for a chosen beneficiary, or with a new one typed in the same form (from a visit)."""

    kind = forms.ChoiceField(label=_("Kind of help"), choices=HelpCase.Kind.choices)
    problem = forms.CharField(label=_("Problem"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    beneficiary = forms.ModelChoiceField(label=_("Beneficiary"), queryset=Beneficiary.objects.none(),
                                         required=False, empty_label=_("New beneficiary (below)"))
    helpers = forms.ModelMultipleChoiceField(label=_("Helpers"), queryset=Person.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, beneficiaries, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].queryset = beneficiaries
        self.fields["helpers"].queryset = helpers


class NewBeneficiaryForm(BeneficiaryForm):
    """The new beneficiary's fields on the case form (prefix "new"); only read when no beneficiary is chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("address", "sensitivity", "sensitive_details"):
            del self.fields[name]
        self.fields["name"].required = False


class AssignForm(StyledFormMixin, forms.Form):
    helpers = forms.ModelMultipleChoiceField(label=_("Helpers"), queryset=Person.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helpers"].queryset = helpers


class ResolveForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(label=_("What was done"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DATE, initial=timezone.localdate)


class ReturnVisitForm(StyledFormMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), widget=forms.RadioSelect,
                                     choices=[c for c in HelpCase.Satisfaction.choices if c[0]])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    returned_on = forms.DateField(label=_("Return visit date"), widget=DATE, initial=timezone.localdate)


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=500, required=False)


class ProgressForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Progress"), max_length=500, required=False)


class PeriodForm(StyledFormMixin, forms.Form):
    """The summary page's period (GET)."""

    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    end = forms.DateField(label=_("To"), widget=DATE, required=False)


def photo_accept():
    return accept_attribute()
