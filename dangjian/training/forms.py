from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledFormMixin
from dangjian.orgs.models import Level as OrgLevel
from dangjian.orgs.models import Org

from .models import Course, Lesson, Topic, TrainingBase, TrainingClass, TrainingPlan

MAX_ORGANIZERS = 400


def organizers(user):
    """Organizations that run training inside the user's subtree: their own, the party schools (党校 branches)
    and the committees down to the townships."""
    return (Org.objects.visible_to(user).filter(is_active=True)
            .filter(Q(pk=user.org_id) | Q(name__contains="党校") | Q(level__lte=OrgLevel.TOWNSHIP))
            .order_by("path"))


class OrganizerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ClassForm(StyledFormMixin, forms.ModelForm):
    organizer = OrganizerField(label=_("Organizer"), queryset=Org.objects.none())

    class Meta:
        model = TrainingClass
        fields = ["organizer", "level", "title", "audience", "topic", "start_date", "end_date", "base", "place",
                  "capacity", "hours", "completion_share"]
        widgets = {"start_date": forms.DateInput(), "end_date": forms.DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers(user)
        self.fields["base"].queryset = TrainingBase.objects.visible_to(user)

    def _post_clean(self):  # the service validates the model (its errors are shown on the fields)
        pass


class LessonForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["starts_at", "ends_at", "topic", "lecturer", "method"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def _post_clean(self):
        pass


class PickForm(StyledFormMixin, forms.Form):
    people = forms.TypedMultipleChoiceField(label=_("Trainees"), coerce=int, choices=(),
                                            widget=forms.CheckboxSelectMultiple,
                                            error_messages={"required": _("Choose at least one person.")})

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = choices


class RosterForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Roster (Excel)"), help_text=_("Columns 姓名 and 身份证号; see the template."),
                           error_messages={"required": _("Please choose a file to upload.")})


class ManualCheckInForm(StyledFormMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Trainee"), coerce=int, choices=())
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             help_text=_("Why the trainee could not scan the code (recorded in the audit log)."))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Please select")), *choices]


class BaseForm(StyledFormMixin, forms.ModelForm):
    org = OrganizerField(label=_("Organization"), queryset=Org.objects.none())

    class Meta:
        model = TrainingBase
        fields = ["org", "name", "place", "description", "capacity"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user).filter(is_active=True)

    def _post_clean(self):
        pass


class PlanForm(StyledFormMixin, forms.ModelForm):
    org = OrganizerField(label=_("For the organizations under"), queryset=Org.objects.none())

    class Meta:
        model = TrainingPlan
        fields = ["org", "year", "title", "group"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user).filter(level__lte=OrgLevel.TOWNSHIP,
                                                                          is_active=True)
        self.fields["year"].initial = timezone.localdate().year
        for topic, label in Topic.choices:
            self.fields[f"hours_{topic}"] = forms.IntegerField(
                label=_("Hours: %(topic)s") % {"topic": label}, min_value=0, max_value=500, required=False)
        for name, field in self.fields.items():
            if name.startswith("hours_"):
                field.widget.attrs["class"] = "form-control"

    def requirements(self):
        return {t: self.cleaned_data.get(f"hours_{t}") or 0 for t in Topic.values}

    def _post_clean(self):
        pass


class CourseForm(StyledFormMixin, forms.ModelForm):
    org = OrganizerField(label=_("Published by"), queryset=Org.objects.none())
    file = forms.FileField(label=_("Courseware"), required=False,
                           help_text=_("An MP4 video (at most 200 MB) or a PDF document."))

    class Meta:
        model = Course
        fields = ["org", "title", "series", "topic", "kind", "length", "hours", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = organizers(user)

    def _post_clean(self):
        pass
