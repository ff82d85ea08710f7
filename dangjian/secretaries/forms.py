"""Forms of the pages: input only (types and lengths); every rule is the services'."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.forms import DateInput, StyledFormMixin
from dangjian.orgs.forms.fields import OrgChoiceField
from dangjian.orgs.models import Person, Position

from .models import CommitteeSession, Grade

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _year_field():
    today = timezone.localdate().year
    return forms.TypedChoiceField(label=_("Year"), coerce=int, initial=today,
                                  choices=[(y, y) for y in (today + 1, today, today - 1)])


class TopicForm(StyledFormMixin, forms.Form):
    year = _year_field()
    title = forms.CharField(label=_("Topic title"), max_length=100)
    weakness = forms.CharField(label=_("Weakness addressed"), max_length=1000, widget=TEXTAREA)
    goal = forms.CharField(label=_("Economic or social goal served"), max_length=1000, required=False,
                           widget=TEXTAREA, help_text=_("Party building and the work it serves are planned, "
                                                        "arranged and carried out together."))


class SelectForm(StyledFormMixin, forms.Form):
    difficulty = forms.CharField(label=_("Difficulty"), max_length=1000, widget=TEXTAREA)
    owner = forms.ModelChoiceField(label=_("Claimed by"), queryset=Person.objects.none(), required=False,
                                   help_text=_("Leave empty for the head of the organization department."))

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.filter(
            pk__in=Position.objects.filter(org=topic.org, end_date__isnull=True).values("person_id")).order_by(
            "pinyin")


class ClaimForm(StyledFormMixin, forms.Form):
    key_point = forms.CharField(label=_("Key point"), max_length=1000, widget=TEXTAREA)
    plan = forms.CharField(label=pgettext_lazy("party building topic", "Plan"), max_length=2000, widget=TEXTAREA)


class UndertakeForm(StyledFormMixin, forms.Form):
    org = OrgChoiceField(label=_("Organization taking it up"),
                         error_messages={"invalid_choice": _("Choose an organization in your scope.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].offer("visible", user)


class CompleteForm(StyledFormMixin, forms.Form):
    evaluation = forms.CharField(label=_("Evaluation"), max_length=2000, widget=TEXTAREA)


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for return"), max_length=200)


class ReportForm(StyledFormMixin, forms.Form):
    content = forms.CharField(label=_("Progress"), max_length=2000, widget=TEXTAREA)
    highlight = forms.CharField(label=_("Highlight"), max_length=1000, required=False, widget=TEXTAREA)
    done = forms.BooleanField(label=_("The undertaking is done"), required=False)


class SessionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommitteeSession.Kind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    agenda = forms.CharField(label=_("Agenda"), max_length=200)
    attendance = forms.CharField(label=pgettext_lazy("committee session", "Attendance"), max_length=200, required=False)
    decisions = forms.CharField(label=_("Decisions"), max_length=2000, required=False, widget=TEXTAREA)


class PointForm(StyledFormMixin, forms.Form):
    leader = forms.ModelChoiceField(label=_("Leading cadre"), queryset=Person.objects.none())
    org = OrgChoiceField(label=_("Contact point"),
                         error_messages={"invalid_choice": _("Choose an organization in your scope.")})
    year = _year_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].offer("visible", user)
        self.fields["leader"].queryset = Person.objects.filter(pk__in=Position.objects.filter(
            org_id=user.org_id, end_date__isnull=True).values("person_id")).order_by("pinyin")


class VisitForm(StyledFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput())
    content = forms.CharField(label=pgettext_lazy("contact visit", "What was done"), max_length=1000, widget=TEXTAREA)
    problems = forms.CharField(label=_("Problems found"), max_length=1000, required=False, widget=TEXTAREA)
    help = forms.CharField(label=_("Help given"), max_length=1000, required=False, widget=TEXTAREA)


class PassOnForm(StyledFormMixin, forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())


class ReviewForm(StyledFormMixin, forms.Form):
    org = OrgChoiceField(label=_("Organization"),
                         error_messages={"invalid_choice": _("Choose an organization in your scope.")})
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    report = forms.CharField(label=_("Report"), max_length=5000, required=False,
                             widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).update({"org": user.org_id, "year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.fields["org"].offer("visible", user)


class SubmitForm(StyledFormMixin, forms.Form):
    report = forms.CharField(label=_("Report"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))


class GradeForm(StyledFormMixin, forms.Form):
    reviewed_on = forms.DateField(label=_("Review meeting date"), widget=DateInput())
    comment = forms.CharField(label=_("Comment of the committee above"), max_length=2000, required=False,
                              widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Grade.choices:
            self.fields[value] = forms.IntegerField(label=_("Ballots: %(grade)s") % {"grade": label}, min_value=0,
                                                    max_value=100000, initial=0)

    def ballots(self):
        return {value: self.cleaned_data[value] for value in Grade.values}
