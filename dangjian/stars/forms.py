"""Forms of the star-rating pages. They only shape input: the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledFormMixin
from dangjian.orgs.models import Level, Org

from .models import Indicator

LEVEL_CHOICES = [(Level.TOWNSHIP, Level.TOWNSHIP.label), (Level.VILLAGE, Level.VILLAGE.label),
                 (Level.BRANCH, Level.BRANCH.label)]


class SchemeForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    levels = forms.TypedMultipleChoiceField(label=_("Levels assessed"), choices=LEVEL_CHOICES, coerce=int,
                                            widget=forms.CheckboxSelectMultiple)
    sectors = forms.MultipleChoiceField(label=_("Sectors assessed"), choices=Org.Sector.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=_("None chosen: every sector."))
    five = forms.DecimalField(label=_("Five stars from"), max_digits=6, decimal_places=1, required=False)
    four = forms.DecimalField(label=_("Four stars from"), max_digits=6, decimal_places=1, required=False)
    three = forms.DecimalField(label=_("Three stars from"), max_digits=6, decimal_places=1, required=False)
    two = forms.DecimalField(label=_("Two stars from"), max_digits=6, decimal_places=1, required=False)
    one = forms.DecimalField(label=_("One star from"), max_digits=6, decimal_places=1, required=False)
    max_promotion = forms.IntegerField(label=_("At most stars up per year"), min_value=0, max_value=5,
                                       required=False, help_text=_("Empty: no limit. There is no limit down."))
    notice_days = forms.IntegerField(label=_("Public notice (days)"), min_value=0, max_value=366,
                                     help_text=_("At least 5 days."))
    targets = forms.CharField(label=_("Targets"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One line per year: the year and the share (%) at three stars or more, "
                                          "e.g. “2012 30”."))

    STAR_FIELDS = (("five", 5), ("four", 4), ("three", 3), ("two", 2), ("one", 1))

    @classmethod
    def initial_for(cls, scheme):
        by_stars = {row["stars"]: row["min_score"] for row in scheme.thresholds}
        return {"name": scheme.name, "year": scheme.year, "levels": scheme.levels, "sectors": scheme.sectors,
                **{name: by_stars.get(stars) for name, stars in cls.STAR_FIELDS},
                "max_promotion": scheme.max_promotion, "notice_days": scheme.notice_days,
                "targets": "\n".join(f"{t['year']} {t['share']:g}" for t in scheme.targets)}

    def clean_targets(self):
        rows = []
        for line in self.cleaned_data["targets"].splitlines():
            parts = line.replace("：", " ").replace(":", " ").replace("%", " ").split()
            if not parts:
                continue
            try:
                rows.append({"year": int(parts[0]), "share": float(parts[1])})
            except (IndexError, ValueError):
                raise forms.ValidationError(_("Write each target as a year and a share, e.g. “2012 30”.")) from None
        return rows

    def service_data(self):
        data = self.cleaned_data
        return {"name": data["name"], "levels": data["levels"], "sectors": data["sectors"],
                "thresholds": [{"stars": stars, "min_score": float(data[name])}
                               for name, stars in self.STAR_FIELDS if data.get(name) is not None],
                "max_promotion": data["max_promotion"], "notice_days": data["notice_days"],
                "targets": data["targets"]}


class IndicatorForm(StyledFormMixin, forms.Form):
    category = forms.CharField(label=_("Category"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=100)
    max_points = forms.DecimalField(label=_("Maximum points"), max_digits=6, decimal_places=1)
    method = forms.ChoiceField(label=_("Scoring method"), choices=Indicator.Method.choices)
    metric = forms.ChoiceField(label=_("Metric"), required=False)
    table = forms.CharField(label=_("Points table"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("One line per step: from this value of the metric, these points, "
                                        "e.g. “4 10”."))
    veto = forms.BooleanField(label=_("Veto item (一票否决)"), required=False)
    guidance = forms.CharField(label=_("Guidance"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)

    def __init__(self, *args, metrics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—"), *metrics]

    @classmethod
    def initial_for(cls, indicator):
        return {"category": indicator.category, "name": indicator.name, "max_points": indicator.max_points,
                "method": indicator.method, "metric": indicator.metric, "veto": indicator.veto,
                "guidance": indicator.guidance, "order": indicator.order,
                "table": "\n".join(f"{r['at_least']:g} {r['points']:g}" for r in indicator.table)}

    def clean_table(self):
        rows = []
        for line in self.cleaned_data["table"].splitlines():
            parts = line.split()
            if not parts:
                continue
            try:
                rows.append({"at_least": float(parts[0]), "points": float(parts[1])})
            except (IndexError, ValueError):
                raise forms.ValidationError(_("Write each step as a value and points, e.g. “4 10”.")) from None
        return rows

    def service_data(self):
        data = dict(self.cleaned_data)
        data["max_points"] = float(data["max_points"])
        data["order"] = data.get("order") or 0
        return data


class EventForm(StyledFormMixin, forms.Form):
    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int)
    points = forms.DecimalField(label=_("Points (negative to deduct)"), max_digits=6, decimal_places=1)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.pk, f"{i.category} · {i.name}") for i in indicators if not i.veto]


class TextForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Text"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
