"""The star-rating API (/api/v1/schemes/, indicators/, assessments/, score-events/, star-awards/, stars/map/):
the same scope, roles and rules as the pages, through the same services and selectors."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.core.api import ScopedAPIViewSet, UserFilterBackend
from dangjian.orgs.models import Org

from . import certificates, jobs, selectors, services, workflow
from .capabilities import SCHEME_EDIT, SCORE_EVENT_RECORD, STARS_VIEW
from .filters import AssessmentFilter, IndicatorFilter, ScoreEventFilter, StarAwardFilter
from .models import Assessment, Indicator, Scheme, ScoreEvent, StarAward
from .serializers import (
    AnswerSerializer,
    AssessmentSerializer,
    CopySerializer,
    IndicatorCreateSerializer,
    IndicatorInputSerializer,
    IndicatorSerializer,
    ItemsInputSerializer,
    JobSerializer,
    MapRowSerializer,
    NotFoundSerializer,
    ObjectionSerializer,
    SchemeCreateSerializer,
    SchemeSerializer,
    SchemeUpdateSerializer,
    ScoreEventCreateSerializer,
    ScoreEventSerializer,
    StarAwardSerializer,
    StarMapQuery,
    TextSerializer,
    _items,
    _plain_json,
)


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


def register(router):
    router.register("schemes", SchemeViewSet, basename="scheme")
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("score-events", ScoreEventViewSet, basename="score-event")
    router.register("star-awards", StarAwardViewSet, basename="star-award")


api_urlpatterns = [path("stars/map/", StarMapView.as_view(), name="stars-map")]

api_urlpatterns = [path("stars/map/", StarMapView.as_view(), name="stars-map")]
