"""The star-rating API (/api/v1/schemes/, indicators/, assessments/, score-events/, star-awards/, stars/map/):
the same scope, roles and rules as the pages, through the same services and selectors."""

import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.core import filters
from dangjian.core.api import ScopedAPIViewSet, UserFilterBackend
from dangjian.orgs.models import Org

from . import certificates, jobs, selectors, services, workflow
from .capabilities import SCHEME_EDIT, SCORE_EVENT_RECORD, STARS_VIEW
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


@extend_schema(tags=["stars"])
@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("year", int)]))
class SchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = SchemeSerializer
    write_capability = SCHEME_EDIT

    def base_queryset(self):
        return Scheme.objects.prefetch_related("indicators")

    def get_queryset(self):
        queryset = super().get_queryset()
        year = self.request.query_params.get("year", "")
        return queryset.filter(year=int(year)) if year.isdigit() and 1900 <= int(year) <= 2100 else queryset

    @extend_schema(request=SchemeCreateSerializer, responses={201: SchemeSerializer})
    def create(self, request):
        self.require_write()
        data = dict(self.input(SchemeCreateSerializer))
        org = self.visible(Org, data.pop("org"))
        return self.output(services.scheme_create(actor=request.user, org=org, **data), status.HTTP_201_CREATED)

    @extend_schema(request=SchemeUpdateSerializer, responses=SchemeSerializer)
    def partial_update(self, request, pk=None):
        scheme = self.get_object()
        self.require_write()
        return self.output(services.scheme_update(actor=request.user, scheme=scheme,
                                                  **self.input(SchemeUpdateSerializer)))

    @extend_schema(request=None, responses=SchemeSerializer,
                   description=_("Publish (and freeze) a draft: the assessments of the organizations it covers are "
                                 "created, and their automatic points computed by a background job."))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        scheme = self.get_object()
        self.require_write()
        scheme = services.scheme_publish(actor=request.user, scheme=scheme)
        jobs.start_scoring(actor=request.user, scheme=scheme)
        return self.output(scheme)

    @extend_schema(request=CopySerializer, responses={201: SchemeSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        scheme = self.get_object()
        self.require_write()
        year = self.input(CopySerializer)["year"]
        return self.output(services.scheme_copy(actor=request.user, scheme=scheme, year=year),
                           status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: SchemeSerializer},
                   description=_("A draft of the next version of a published scheme."))
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        scheme = self.get_object()
        self.require_write()
        return self.output(services.scheme_new_version(actor=request.user, scheme=scheme), status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: JobSerializer},
                   description=_("Score every assessment of the scheme as a background job (progress at `url`)."))
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        scheme = self.get_object()
        self.require_write()
        job = jobs.start_scoring(actor=request.user, scheme=scheme)
        return Response({"job": job.pk, "url": reverse("jobs:detail", args=[job.pk])}, status=status.HTTP_202_ACCEPTED)


class IndicatorSerializer(serializers.ModelSerializer):
    table = serializers.JSONField(required=False)
    method = enum(Indicator.Method.choices, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "scheme", "category", "name", "max_points", "method", "metric", "table", "veto",
                  "guidance", "order"]


class IndicatorInputSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=50)
    name = serializers.CharField(max_length=100)
    max_points = serializers.DecimalField(max_digits=6, decimal_places=1)
    method = enum(Indicator.Method.choices, default=Indicator.Method.MANUAL)
    metric = serializers.CharField(max_length=80, required=False, allow_blank=True)
    table = serializers.JSONField(required=False)
    veto = serializers.BooleanField(default=False)
    guidance = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    order = serializers.IntegerField(min_value=0, max_value=999, required=False)


class IndicatorCreateSerializer(IndicatorInputSerializer):
    scheme = serializers.IntegerField(min_value=1, max_value=filters.MAX_ID)


class IndicatorFilter(filters.FilterSet):
    scheme = filters.IdFilter()

    class Meta:
        model = Indicator
        fields = ["scheme"]


@extend_schema(tags=["stars"])
class IndicatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    write_capability = SCHEME_EDIT

    def base_queryset(self):
        return Indicator.objects.all()

    @extend_schema(request=IndicatorCreateSerializer, responses={201: IndicatorSerializer})
    def create(self, request):
        self.require_write()
        data = _plain_json(self.input(IndicatorCreateSerializer))
        scheme = self.visible(Scheme, data.pop("scheme"))
        return self.output(services.indicator_create(actor=request.user, scheme=scheme, **data),
                           status.HTTP_201_CREATED)

    @extend_schema(request=IndicatorInputSerializer, responses=IndicatorSerializer)
    def partial_update(self, request, pk=None):
        indicator = self.get_object()
        self.require_write()
        data = _plain_json(self.input(IndicatorInputSerializer, partial=True))
        return self.output(services.indicator_update(actor=request.user, indicator=indicator, **data))

    def destroy(self, request, pk=None):
        indicator = self.get_object()
        self.require_write()
        services.indicator_delete(actor=request.user, indicator=indicator)
        return Response(status=status.HTTP_204_NO_CONTENT)


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


class AssessmentFilter(filters.FilterSet):
    scheme = filters.IdFilter()
    year = filters.YearFilter()
    org = filters.IdFilter()
    status = django_filters.ChoiceFilter(choices=Assessment.Status.choices)
    awaiting = django_filters.BooleanFilter(method="filter_awaiting",
                                                    label=_("Waiting for a step of yours"))
    min_stars = django_filters.NumberFilter(method="filter_min_stars", min_value=0, max_value=5)

    class Meta:
        model = Assessment
        fields = ["scheme", "year", "org", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_awaiting(self, queryset, name, value):
        return selectors.awaiting(self.user, queryset) if value else queryset

    def filter_min_stars(self, queryset, name, value):
        return selectors.with_min_stars(queryset, int(value))


def _items(data):
    return [dict(row, points=float(row["points"])) for row in data.get("items", [])]


@extend_schema(tags=["stars"])
@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("status", enum=Assessment.Status.values)]))
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    filter_backends = [UserFilterBackend]

    def base_queryset(self):
        return Assessment.objects.all()

    def get_queryset(self):
        return selectors.api_assessments(self.request.user).order_by("-year", "pk")

    def _done(self, assessment):
        return self.output(self.get_queryset().get(pk=assessment.pk))

    @extend_schema(request=ItemsInputSerializer, responses=AssessmentSerializer,
                   description=_("The organization's self-assessment: points of the manual indicators "
                                 "(automatic ones are computed); hands it to the township for review."))
    @action(detail=True, methods=["post"], url_path="self-assess")
    def self_assess(self, request, pk=None):
        assessment = self.get_object()
        data = self.input(ItemsInputSerializer)
        workflow.assessment_self_assess(actor=request.user, assessment=assessment, items=_items(data))
        return self._done(assessment)

    @extend_schema(request=ItemsInputSerializer, responses=AssessmentSerializer,
                   description=_("The township committee's review: changed points need a reason (note)."))
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        assessment = self.get_object()
        data = self.input(ItemsInputSerializer)
        workflow.assessment_review(actor=request.user, assessment=assessment, items=_items(data))
        return self._done(assessment)

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        assessment = self.get_object()
        workflow.assessment_approve(actor=request.user, assessment=assessment)
        return self._done(assessment)

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def publicize(self, request, pk=None):
        assessment = self.get_object()
        workflow.assessment_publicize(actor=request.user, assessment=assessment)
        return self._done(assessment)

    @extend_schema(request=TextSerializer, responses={201: ObjectionSerializer})
    @action(detail=True, methods=["post"])
    def object(self, request, pk=None):
        assessment = self.get_object()
        objection = workflow.assessment_object(actor=request.user, assessment=assessment,
                                               text=self.input(TextSerializer)["text"])
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        assessment = self.get_object()
        data = self.input(AnswerSerializer)
        objection = workflow.assessment_answer(actor=request.user, assessment=assessment,
                                               objection=data["objection"], text=data["text"])
        return Response(ObjectionSerializer(objection).data)

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        assessment = self.get_object()
        workflow.assessment_award(actor=request.user, assessment=assessment)
        return self._done(assessment)

    @extend_schema(request=None, responses=AssessmentSerializer,
                   description=_("Recompute the automatic points from the records now."))
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        assessment = self.get_object()
        workflow.assessment_recompute(actor=request.user, assessment=assessment)
        return self._done(assessment)


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


class ScoreEventFilter(filters.FilterSet):
    assessment = filters.IdFilter()

    class Meta:
        model = ScoreEvent
        fields = ["assessment"]


@extend_schema(tags=["stars"])
class ScoreEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = ScoreEventSerializer
    filterset_class = ScoreEventFilter
    write_capability = SCORE_EVENT_RECORD

    def base_queryset(self):
        return ScoreEvent.objects.all()

    @extend_schema(request=ScoreEventCreateSerializer, responses={201: ScoreEventSerializer},
                   description=_("加分 (positive) or 扣分 (negative) on an indicator; the part that would leave the "
                                 "indicator's bounds is not applied (`clipped`)."))
    def create(self, request):
        self.require_write()
        data = dict(self.input(ScoreEventCreateSerializer))
        assessment = self.visible(Assessment, data.pop("assessment"))
        event = workflow.score_event_record(actor=request.user, assessment=assessment, **data)
        return self.output(event, status.HTTP_201_CREATED)


class StarAwardSerializer(serializers.ModelSerializer):
    class Meta:
        model = StarAward
        fields = ["id", "org", "year", "stars", "certificate_no", "awarded_on"]


class StarAwardFilter(filters.FilterSet):
    year = filters.YearFilter()
    org = filters.IdFilter()
    stars = django_filters.NumberFilter(min_value=1, max_value=5)

    class Meta:
        model = StarAward
        fields = ["year", "org", "stars"]


@extend_schema(tags=["stars"])
class StarAwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = StarAwardSerializer
    filterset_class = StarAwardFilter

    def base_queryset(self):
        return StarAward.objects.all()

    @extend_schema(responses={(200, "application/pdf"): bytes}, description=_("The printable certificate (PDF)."))
    @action(detail=True, methods=["get"])
    def certificate(self, request, pk=None):
        award = self.get_object()
        return certificates.response(request.user, award)


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


class StarMapView(APIView):
    @extend_schema(tags=["stars"], parameters=[OpenApiParameter("org", int), OpenApiParameter("year", int)],
                   responses={200: MapRowSerializer(many=True),
                              404: OpenApiResponse(NotFoundSerializer, description=_("The organization is outside "
                                                                                     "your scope."))},
                   description=_("Per child organization: counts by stars, share at three or more, target, and "
                                 "the movement since last year."))
    def get(self, request):
        if not request.user.has_capability(STARS_VIEW):
            raise exceptions.PermissionDenied
        query = StarMapQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        org = selectors.map_org(request.user, str(query.validated_data.get("org") or ""))
        year = query.validated_data.get("year") or selectors.default_year()
        data = selectors.star_map(org, year)
        return Response([{"org": r["org"].pk, "name": r["org"].name, "counts": r["counts"], "total": r["total"],
                          "three_plus_share": r["share"], "target": r["target"], "up": r["up"], "down": r["down"]}
                         for r in data["rows"]])


class StarMapQuery(serializers.Serializer):
    org = serializers.IntegerField(min_value=1, max_value=filters.MAX_ID, required=False)
    year = serializers.IntegerField(min_value=1900, max_value=2100, required=False)


def register(router):
    router.register("schemes", SchemeViewSet, basename="scheme")
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("score-events", ScoreEventViewSet, basename="score-event")
    router.register("star-awards", StarAwardViewSet, basename="star-award")


api_urlpatterns = [path("stars/map/", StarMapView.as_view(), name="stars-map")]
