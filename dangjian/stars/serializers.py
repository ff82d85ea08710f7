"""Serializers of the star-rating API: the output of each resource (the contract's fields) and the input of each
write and action, which the services validate further."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dangjian.core import filters
from dangjian.orgs.models import Org

from . import selectors
from .models import Assessment, AssessmentItem, Indicator, Scheme, ScoreEvent, StarAward


def enum(choices, **kwargs):
    """A choice field documented with its values inline: the choice sets of this app (`status` of schemes and
    of assessments, the sectors of the tree) would otherwise collide by name with other apps' enum components."""

    @extend_schema_field({"type": "string", "enum": [value for value, _label in choices]})
    class Choice(serializers.ChoiceField):
        pass

    return Choice(choices, **kwargs)


class ThresholdSerializer(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    min_score = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False)


class TargetSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2100)
    share = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100,
                                     coerce_to_string=False)


class SchemeSerializer(serializers.ModelSerializer):
    thresholds = ThresholdSerializer(many=True)
    targets = TargetSerializer(many=True, required=False)
    levels = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=6))
    sectors = serializers.ListField(child=enum(Org.Sector.choices), required=False)
    status = enum(Scheme.Status.choices, read_only=True)
    automatic_share = serializers.SerializerMethodField()

    class Meta:
        model = Scheme
        fields = ["id", "org", "year", "name", "status", "version", "levels", "sectors", "thresholds",
                  "max_promotion", "notice_days", "targets", "is_current", "automatic_share"]
        read_only_fields = ["status", "version", "is_current"]

    def get_automatic_share(self, scheme) -> float:
        return selectors.automatic_share(list(scheme.indicators.all()))


class SchemeCreateSerializer(serializers.Serializer):
    org = serializers.IntegerField(min_value=1, max_value=filters.MAX_ID)
    year = serializers.IntegerField(min_value=1900, max_value=2100)
    name = serializers.CharField(max_length=100)
    levels = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=6))
    sectors = serializers.ListField(child=enum(Org.Sector.choices), required=False)
    thresholds = serializers.JSONField(required=False)
    max_promotion = serializers.IntegerField(min_value=0, max_value=5, allow_null=True, required=False)
    notice_days = serializers.IntegerField(min_value=0, max_value=366, required=False)
    targets = serializers.JSONField(required=False)


class SchemeUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    levels = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=6), required=False)
    sectors = serializers.ListField(child=enum(Org.Sector.choices), required=False)
    thresholds = serializers.JSONField(required=False)
    max_promotion = serializers.IntegerField(min_value=0, max_value=5, allow_null=True, required=False)
    notice_days = serializers.IntegerField(min_value=0, max_value=366, required=False)
    targets = serializers.JSONField(required=False)


class CopySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2100)


class JobSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    url = serializers.CharField()


def _plain_json(data):
    """JSON input as the services take it (numbers, not Decimals)."""
    return {k: (float(v) if hasattr(v, "as_tuple") else v) for k, v in data.items()}


class IndicatorSerializer(serializers.ModelSerializer):
    table = serializers.JSONField(required=False)
    method = serializers.ChoiceField(Indicator.Method.choices, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "scheme", "category", "name", "max_points", "method", "metric", "table", "veto",
                  "guidance", "order"]


class IndicatorInputSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=50)
    name = serializers.CharField(max_length=100)
    max_points = serializers.DecimalField(max_digits=6, decimal_places=1)
    method = serializers.ChoiceField(Indicator.Method.choices, default=Indicator.Method.MANUAL)
    metric = serializers.CharField(max_length=80, required=False, allow_blank=True)
    table = serializers.JSONField(required=False)
    veto = serializers.BooleanField(default=False)
    guidance = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, max_value=999, required=False)


class IndicatorCreateSerializer(IndicatorInputSerializer):
    scheme = serializers.IntegerField(min_value=1, max_value=filters.MAX_ID)


class ItemSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False)
    source = enum(AssessmentItem.Source.choices)
    note = serializers.CharField()


class AssessmentSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()
    status = enum(Assessment.Status.choices, read_only=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False, read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "scheme", "org", "year", "status", "score", "projected_stars", "stars", "vetoed",
                  "previous_stars", "rectification", "notice_from", "notice_until", "items"]

    @extend_schema_field(ItemSerializer(many=True))
    def get_items(self, assessment):
        rows = [{"indicator": i.indicator_id, "points": float(i.points), "source": i.source, "note": i.note}
                for i in assessment.items.all()]
        rows += [{"indicator": pk, "points": float(points), "source": AssessmentItem.Source.METRIC,
                  "note": f"{value:g}"} for pk, (points, value) in sorted(assessment.automatic_points().items())]
        rows += [{"indicator": e.indicator_id, "points": float(e.applied), "source": AssessmentItem.Source.EVENT,
                  "note": e.reason} for e in assessment.events.all()]
        return rows


class ItemInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(min_value=1, max_value=filters.MAX_ID)
    points = serializers.DecimalField(max_digits=6, decimal_places=1)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ItemsInputSerializer(serializers.Serializer):
    items = ItemInputSerializer(many=True, required=False)


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=1000)


class AnswerSerializer(serializers.Serializer):
    objection = serializers.IntegerField(min_value=1, max_value=filters.MAX_ID)
    text = serializers.CharField(max_length=1000)


class ObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    answer = serializers.CharField()


def _items(data):
    return [dict(row, points=float(row["points"])) for row in data.get("items", [])]


class ScoreEventSerializer(serializers.ModelSerializer):
    points = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False, read_only=True)
    applied = serializers.DecimalField(max_digits=6, decimal_places=1, coerce_to_string=False, read_only=True)
    clipped = serializers.BooleanField(read_only=True)

    class Meta:
        model = ScoreEvent
        fields = ["id", "assessment", "indicator", "points", "applied", "clipped", "reason", "recorded_on"]


class ScoreEventCreateSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(min_value=1, max_value=filters.MAX_ID)
    indicator = serializers.IntegerField(min_value=1, max_value=filters.MAX_ID)
    points = serializers.DecimalField(max_digits=6, decimal_places=1)
    reason = serializers.CharField(max_length=500)
    recorded_on = serializers.DateField(required=False)


class StarAwardSerializer(serializers.ModelSerializer):
    class Meta:
        model = StarAward
        fields = ["id", "org", "year", "stars", "certificate_no", "awarded_on"]


class MapRowSerializer(serializers.Serializer):
    org = serializers.IntegerField()
    name = serializers.CharField()
    counts = serializers.ListField(child=serializers.IntegerField(), help_text=_("Organizations by stars, 0 to 5."))
    total = serializers.IntegerField()
    three_plus_share = serializers.FloatField()
    target = serializers.FloatField(allow_null=True)
    up = serializers.IntegerField()
    down = serializers.IntegerField()


class NotFoundSerializer(serializers.Serializer):
    detail = serializers.CharField()


class StarMapQuery(serializers.Serializer):
    org = serializers.IntegerField(min_value=1, max_value=filters.MAX_ID, required=False)
    year = serializers.IntegerField(min_value=1900, max_value=2100, required=False)
