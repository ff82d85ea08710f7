"""Forms of the 抓示范 pages. They collect input; the services decide (their errors land on the fields)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core.forms import DateInput, StyledFormMixin
from dangjian.orgs.forms.fields import OrgChoiceField
from dangjian.orgs.models import Org

from .models import DemoSite, HonorCampaign, Meeting, ModelPost

# Check-box lists offer an organization's direct children: bounded by the tree's fan-out, never 15,000 rows.
CHOICE_LIMIT = 200


def child_orgs(org):
    return Org.objects.filter(parent=org, is_active=True).order_by("path")[:CHOICE_LIMIT]


class SiteForm(StyledFormMixin, forms.Form):
    org = OrgChoiceField(label=_("Organization"))
    level = forms.ChoiceField(label=_("Site level"), choices=DemoSite.SiteLevel.choices)
    theme = forms.CharField(label=_("Theme"), max_length=100)
    lessons = forms.CharField(label=_("What others should learn"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    mentored = forms.ModelMultipleChoiceField(label=_("Mentored organizations"), required=False,
                                              queryset=Org.objects.none(), widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Organizations directly under yours."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].offer("visible", user)
        self.fields["mentored"].queryset = Org.objects.filter(pk__in=child_orgs(user.scope_org).values("pk"))
        self.fields["mentored"].label_from_instance = lambda org: org.name


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MeetingForm(StyledFormMixin, forms.Form):
    org = OrgChoiceField(label=_("Host organization"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=100)
    sites = forms.ModelMultipleChoiceField(label=_("Sites visited"), required=False, queryset=DemoSite.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating organizations"), required=False, queryset=Org.objects.none(),
        widget=forms.CheckboxSelectMultiple, help_text=_("Organizations directly under yours."))
    headcount = forms.IntegerField(label=_("Headcount"), min_value=1, max_value=100000)
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    lessons = forms.CharField(label=_("Lessons learned"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["org"].offer("visible", user)
        sites = DemoSite.objects.visible_to(user).filter(status=DemoSite.Status.ACTIVE).select_related("org")
        self.fields["sites"].queryset = DemoSite.objects.filter(pk__in=sites[:CHOICE_LIMIT].values("pk")) \
            .select_related("org")
        self.fields["participants"].queryset = Org.objects.filter(pk__in=child_orgs(user.scope_org).values("pk"))
        self.fields["participants"].label_from_instance = lambda org: org.name


class PostApplyForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ModelPost.Kind.choices, widget=forms.RadioSelect,
                             initial=ModelPost.Kind.VANGUARD)
    title = forms.CharField(label=_("Post name"), max_length=50,
                            widget=forms.TextInput(attrs={"placeholder": _("e.g. 茶产业发展先锋岗")}))
    duty = forms.CharField(label=_("Duty"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What you undertake to do, in a few sentences."))


class ServiceForm(StyledFormMixin, forms.Form):
    served_on = forms.DateField(label=_("Served on"), widget=DateInput())
    people_served = forms.IntegerField(label=_("People served"), min_value=0, max_value=100000, initial=0)
    problems_solved = forms.IntegerField(label=pgettext_lazy("post service", "Problems solved"), min_value=0,
                                         max_value=100000, initial=0)
    note = forms.CharField(label=pgettext_lazy("post service", "What was done"), max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("served_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class CampaignForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=100)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    target = forms.ChoiceField(label=_("Nominees"), choices=HonorCampaign.Target.choices)
    criteria = forms.CharField(label=_("Criteria"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("Five lines. Left empty for an organization campaign: 领导班子好, "
                                           "党员队伍好, 工作机制好, 工作业绩好, 群众反映好."))
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def clean_criteria(self):
        return [line.strip() for line in self.cleaned_data["criteria"].splitlines() if line.strip()]


class NominationForm(StyledFormMixin, forms.Form):
    """A member campaign takes the member's record id (from the member's page); an organization campaign an
    organization of the scope. One evidence box per criterion."""

    org = OrgChoiceField(label=_("Organization nominated"), required=False)
    person = forms.IntegerField(label=_("Member record number"), required=False, min_value=1)

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].offer("visible", user)
        if campaign.target == HonorCampaign.Target.MEMBER:
            del self.fields["org"]
        else:
            del self.fields["person"]
        for index, criterion in enumerate(campaign.criteria):
            self.fields[f"evidence_{index}"] = forms.CharField(
                label=criterion, required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))

    def evidence(self):
        return [self.cleaned_data.get(f"evidence_{i}", "") for i in range(5)]


class ReviewForm(StyledFormMixin, forms.Form):
    passed = forms.TypedChoiceField(label=_("Result"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                    choices=[("yes", _("Passed: open the public notice")), ("no", _("Not passed"))])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
