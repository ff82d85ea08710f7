"""Forms of the people pages. They only collect and check input; every write goes through orgs.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import DateInput, StyledFormMixin
from dangjian.core.validators import normalize_id_number, validate_id_number

from .. import choices
from ..models import Person
from ..services import DERIVED_FIELDS, PERSON_FIELDS
from .fields import OrgChoiceField


class PersonForm(StyledFormMixin, forms.ModelForm):
    """The member record. Birth date and gender are read from the ID number (services.person_create/update), so
    the form asks for them only when editing an old record that has no ID number. On edit, the ID and phone
    fields start empty (their clear value is never sent to the browser); what an empty field means (keep the
    number) is decided by the service, and "remove the phone number" is an explicit checkbox."""

    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        labels = {"name": _("Name")}  # "name" alone is taken by a third-party catalogue as 名称
        widgets = {
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18, "spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 11, "inputmode": "numeric"}),
            "birth_date": DateInput(),
            "joined_on": DateInput(),
            "full_member_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = self.instance.pk is not None
        self.fields["id_number"].required = not self.editing
        self.fields["probation_extended_months"].required = False  # not sent: not extended
        self.asks_derived = self.editing and not self.instance.id_number
        if self.asks_derived:
            for name in DERIVED_FIELDS:
                self.fields[name].required = False
                self.fields[name].help_text = _("Only for a record without an ID number; otherwise it is read "
                                                "from the ID number.")
        else:
            for name in DERIVED_FIELDS:
                del self.fields[name]
            self.fields["id_number"].help_text = _("Birth date and gender are read from it. An old 15-digit "
                                                   "number is accepted.")
        if self.editing and self.instance.phone:
            self.order_fields([*PERSON_FIELDS[:PERSON_FIELDS.index("phone") + 1], "clear_phone"])
        else:
            del self.fields["clear_phone"]
        if self.editing:
            for name in ("id_number", "phone"):
                field = Person._meta.get_field(name)
                shown = field.masked(getattr(self.instance, name))
                self.initial[name] = ""
                if shown:
                    self.fields[name].widget.attrs["placeholder"] = shown
                    self.fields[name].help_text = _("Leave empty to keep the recorded number.")

    def _post_clean(self):
        """No model validation here: the service validates the record (full_clean) and its errors are shown on
        the fields (core.forms.add_service_errors), so the rules live in one place."""

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data.get("id_number"))

    def clean_probation_extended_months(self):
        return self.cleaned_data.get("probation_extended_months") or 0

    def service_fields(self):
        fields = {name: self.cleaned_data[name] for name in PERSON_FIELDS if name in self.cleaned_data}
        if self.cleaned_data.get("clear_phone"):
            fields["clear_phone"] = True
        return fields


class IdSearchForm(StyledFormMixin, forms.Form):
    """Exact search by ID number: sent by POST so the number never appears in a URL or a server log."""

    id_number = forms.CharField(
        label=_("ID number"), max_length=18, min_length=1,
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18, "spellcheck": "false",
                                      "placeholder": _("Exact 18-character ID number")}),
    )

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data["id_number"])
        validate_id_number(value)
        return value


class TransferForm(StyledFormMixin, forms.Form):
    """A transfer to any active organization of the platform (picked in the installation-wide directory), or out
    of the platform (the destination's name typed in)."""

    INSIDE, OUTSIDE = "inside", "outside"
    mode = forms.ChoiceField(
        label=_("Destination"), widget=forms.RadioSelect, initial=INSIDE, required=False,
        choices=[(INSIDE, _("An organization on this platform")),
                 (OUTSIDE, _("An organization outside this platform (e.g. another province)"))],
    )
    to_org = OrgChoiceField(
        label=_("Destination organization"), source="directory", required=False,
        error_messages={"invalid_choice": _("Choose an active organization of the platform.")},
        hint=_("Any organization of the platform. Outside your own scope the transfer takes effect when the "
               "receiving organization accepts it."))
    to_org_name = forms.CharField(label=_("Name of the destination organization"), max_length=100, required=False)
    dues_paid_until = forms.DateField(label=_("Party dues paid up to (month)"), required=False,
                                      input_formats=["%Y-%m", "%Y-%m-%d"], widget=DateInput(),
                                      help_text=_("Any day of the month."))
    transferred_on = forms.DateField(label=_("Transfer date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("transferred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["to_org"].offer("directory", user)

    def clean(self):
        data = super().clean()
        data["mode"] = data.get("mode") or self.INSIDE
        if data["mode"] == self.INSIDE and not data.get("to_org") and "to_org" not in self.errors:
            self.add_error("to_org", _("Choose an organization."))
        return data

    @property
    def outside(self):
        return self.data.get("mode") == self.OUTSIDE if self.is_bound else False


class TransferReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), max_length=200,
                             error_messages={"required": _("Say why the transfer is returned.")})


class PositionForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), widget=forms.HiddenInput,
        error_messages={"required": _("Choose a person."),
                        "invalid_choice": _("Choose a current member in your scope.")},
    )
    org = OrgChoiceField(label=_("Organization"),
                         error_messages={"invalid_choice": _("Choose an organization in your scope.")})
    title = forms.ChoiceField(label=_("Position"), choices=choices.Title.choices)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("start_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.visible_to(user).filter(status__in=choices.Status.CURRENT)
        self.fields["org"].offer("visible", user)

    def chosen(self, name):
        """The object picked for `name` when the submitted value is valid (to show it again after an error)."""
        if self.is_bound and not self.errors.get(name):
            return self.cleaned_data.get(name)
        return None


class PositionEndForm(StyledFormMixin, forms.Form):
    """免职: the date the post ends and why."""

    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False,
                             help_text=_("For example: term ended, transferred, resigned, dismissed."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("end_date", timezone.localdate())
        super().__init__(*args, **kwargs)


def person_filter_form(form):
    """The people list's filter bar (classes and "All" choices come from core.forms.FilterForm): its drop-downs
    submit the filters as soon as they change."""
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            continue  # the organization: set by the picker, never rendered as a drop-down
        if isinstance(field.widget, forms.Select):
            field.widget.attrs["data-autosubmit"] = ""
        if name in ("age_min", "age_max"):
            field.widget.attrs.update({"min": 0, "max": 120, "inputmode": "numeric"})
        if name == "joined_year":
            field.widget.attrs.update({"min": 1921, "max": 2100, "inputmode": "numeric"})
    return form
