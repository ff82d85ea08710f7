"""REST API of 抓书记 (the contract the pages follow): /api/v1/topics/, topic-undertakings/, committee-sessions/,
contact-points/, contact-visits/, secretary-reviews/ and secretaries/compliance/.

Reads start from `visible_to(user)`; writes call the services, which find the step's actor from the records.
An id outside scope answers 404 in the URL or the body; a role that may not write 403 before its input is read;
the wrong actor or the wrong step 403 / 400 with the services' message.
"""

from django.db.models import Prefetch
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.core.api import ScopedAPIViewSet
from dangjian.core.filters import MAX_YEAR, MIN_YEAR
from dangjian.core.scoping import get_visible_or_404
from dangjian.orgs.models import Org, Person

from . import actors, selectors, services
from .capabilities import (
    REVIEW_REPORT,
    SECRETARIES_ADMIN,
    SECRETARIES_VIEW,
    TOPIC_ACT,
    UNDERTAKING_EDIT,
    VISIT_LOG,
)
from .filters import PointFilter, ReviewFilter, SessionFilter, TopicFilter, UndertakingFilter, VisitFilter
from .models import CommitteeSession, ContactPoint, ContactVisit, SecretaryReview, Topic, Undertaking
from .rules import GRADES


def _text(**kwargs):
    return serializers.CharField(allow_blank=True, trim_whitespace=True, **kwargs)


# --- topics ----------------------------------------------------------------------------------------------------


class UndertakingReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    content = serializers.CharField()
    reported_on = serializers.DateField()


class UndertakingSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    reports = UndertakingReportSerializer(many=True, read_only=True)

    class Meta:
        model = Undertaking
        fields = ["id", "topic", "org", "org_name", "status", "highlight", "reports"]


class TopicUndertakingSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Undertaking
        fields = ["id", "org", "org_name", "status", "highlight"]


class TopicSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True, default=None)
    undertakings = TopicUndertakingSerializer(many=True, read_only=True, help_text=_(
        "The undertakings the caller may see (a grassroots organization sees its own)."))

    class Meta:
        model = Topic
        fields = ["id", "org", "org_name", "year", "title", "weakness", "goal", "difficulty", "key_point", "plan",
                  "owner", "owner_name", "status", "evaluation", "return_reason", "step_on", "undertakings"]
        read_only_fields = fields


class TopicCreateSerializer(serializers.Serializer):
    org = serializers.IntegerField()
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    title = serializers.CharField(max_length=100)
    weakness = serializers.CharField(max_length=1000)
    goal = _text(max_length=1000, required=False, default="")


class SelectSerializer(serializers.Serializer):
    difficulty = serializers.CharField(max_length=1000)
    owner = serializers.IntegerField(required=False, allow_null=True, help_text=_(
        "The cadre who claims the topic (a member of the committee); by default its head of the organization "
        "department."))


class ClaimSerializer(serializers.Serializer):
    key_point = serializers.CharField(max_length=1000)
    plan = serializers.CharField(max_length=2000)


class UndertakeSerializer(serializers.Serializer):
    org = serializers.IntegerField()


class CompleteSerializer(serializers.Serializer):
    evaluation = serializers.CharField(max_length=2000)


class ReturnReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class TopicViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = TopicSerializer
    filterset_class = TopicFilter
    write_capability = TOPIC_ACT

    def base_queryset(self):
        return Topic.objects.select_related("org", "owner").prefetch_related(Prefetch(
            "undertakings", queryset=Undertaking.objects.visible_to(self.request.user).select_related("org")))

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "org__path", "id")

    @extend_schema(request=TopicCreateSerializer, responses={201: TopicSerializer})
    def create(self, request):
        self.require_write(SECRETARIES_ADMIN)
        data = dict(self.input(TopicCreateSerializer))
        org = self.visible(Org, data.pop("org"))
        topic = services.topic_propose(actor=request.user, org=org, **data)
        return self.output(self._fresh(topic), status.HTTP_201_CREATED)

    def _fresh(self, topic):
        return self.get_queryset().get(pk=topic.pk)

    def _act(self, serializer_class, service, **extra):
        topic = self.get_object()
        self.require_write()
        data = dict(self.input(serializer_class)) if serializer_class else {}
        data.update(extra)
        result = service(actor=self.request.user, topic=topic, **data)
        return result

    @extend_schema(request=SelectSerializer, responses=TopicSerializer)
    @action(detail=True, methods=["post"])
    def select(self, request, pk=None):
        topic = self.get_object()
        self.require_write()
        data = self.input(SelectSerializer)
        owner = data.get("owner")
        owner = self.visible(Person, owner) if owner else None
        services.topic_select(actor=request.user, topic=topic, difficulty=data["difficulty"], owner=owner)
        return self.output(self._fresh(topic))

    @extend_schema(request=ClaimSerializer, responses=TopicSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        topic = self._act(ClaimSerializer, services.topic_claim)
        return self.output(self._fresh(topic))

    @extend_schema(request=UndertakeSerializer, responses={201: UndertakingSerializer})
    @action(detail=True, methods=["post"])
    def undertake(self, request, pk=None):
        topic = self.get_object()
        self.require_write(UNDERTAKING_EDIT)
        org = self.visible(Org, self.input(UndertakeSerializer)["org"])
        undertaking = services.topic_undertake(actor=request.user, topic=topic, org=org)
        return self.output(undertaking, status.HTTP_201_CREATED, UndertakingSerializer)

    @extend_schema(request=CompleteSerializer, responses=TopicSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        topic = self._act(CompleteSerializer, services.topic_complete)
        return self.output(self._fresh(topic))

    @extend_schema(request=ReturnReasonSerializer, responses=TopicSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        topic = self._act(ReturnReasonSerializer, services.topic_return)
        return self.output(self._fresh(topic))


class UndertakingReportInput(serializers.Serializer):
    content = serializers.CharField(max_length=2000)
    highlight = _text(max_length=1000, required=False, default="")
    done = serializers.BooleanField(required=False, default=False)


class UndertakingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = UndertakingSerializer
    filterset_class = UndertakingFilter
    write_capability = UNDERTAKING_EDIT

    def base_queryset(self):
        return Undertaking.objects.select_related("org").prefetch_related("reports").order_by("-id")

    @extend_schema(request=UndertakingReportInput, responses=UndertakingSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        undertaking = self.get_object()
        self.require_write()
        services.undertaking_report(actor=request.user, undertaking=undertaking,
                                    **self.input(UndertakingReportInput))
        return self.output(self.get_queryset().get(pk=undertaking.pk))


# --- committee sessions -----------------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = CommitteeSession
        fields = ["id", "org", "org_name", "kind", "held_on", "agenda", "attendance", "decisions"]


class SessionCreateSerializer(serializers.Serializer):
    org = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CommitteeSession.Kind.choices)
    held_on = serializers.DateField()
    agenda = serializers.CharField(max_length=200)
    attendance = _text(max_length=200, required=False, default="")
    decisions = _text(max_length=2000, required=False, default="")


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    write_capability = SECRETARIES_ADMIN

    def base_queryset(self):
        return CommitteeSession.objects.select_related("org")

    @extend_schema(request=SessionCreateSerializer, responses={201: SessionSerializer})
    def create(self, request):
        self.require_write()
        data = dict(self.input(SessionCreateSerializer))
        org = self.visible(Org, data.pop("org"))
        session = services.session_record(actor=request.user, org=org, **data)
        return self.output(session, status.HTTP_201_CREATED)


# --- contact points and visits ------------------------------------------------------------------------------------


class PointSerializer(serializers.ModelSerializer):
    leader = serializers.IntegerField(source="leader_id", help_text=_("The leading cadre (a person id)."))
    leader_name = serializers.CharField(source="leader.name", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    committee = serializers.IntegerField(source="committee_id", read_only=True)

    class Meta:
        model = ContactPoint
        fields = ["id", "leader", "leader_name", "org", "org_name", "year", "committee"]


class PointCreateSerializer(serializers.Serializer):
    leader = serializers.IntegerField()
    org = serializers.IntegerField()
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)


class PointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = PointSerializer
    filterset_class = PointFilter
    write_capability = SECRETARIES_ADMIN

    def base_queryset(self):
        return ContactPoint.objects.select_related("leader", "org")

    @extend_schema(request=PointCreateSerializer, responses={201: PointSerializer})
    def create(self, request):
        self.require_write()
        data = self.input(PointCreateSerializer)
        leader, org = self.visible(Person, data["leader"]), self.visible(Org, data["org"])
        point = services.point_assign(actor=request.user, leader=leader, org=org, year=data["year"])
        return self.output(point, status.HTTP_201_CREATED)


class ContactVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactVisit
        fields = ["id", "point", "visited_on", "content", "problems", "help", "task_ref"]
        read_only_fields = ["task_ref"]


class VisitCreateSerializer(serializers.Serializer):
    point = serializers.IntegerField()
    visited_on = serializers.DateField()
    content = serializers.CharField(max_length=1000)
    problems = _text(max_length=1000, required=False, default="")
    help = _text(max_length=1000, required=False, default="")


class PassOnSerializer(serializers.Serializer):
    deadline = serializers.DateField()


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = ContactVisitSerializer
    filterset_class = VisitFilter
    write_capability = VISIT_LOG

    def base_queryset(self):
        return ContactVisit.objects.all()

    @extend_schema(request=PassOnSerializer, responses=ContactVisitSerializer, description=_(
        "The leader's committee passes the visit's problem on as a supervised task to the visited organization "
        "(`task_ref` then names the task)."))
    @action(detail=True, methods=["post"], url_path="pass-on", url_name="pass-on")
    def pass_on(self, request, pk=None):
        visit = self.get_object()
        self.require_write(SECRETARIES_ADMIN)
        services.visit_pass_on(actor=request.user, visit=visit, deadline=self.input(PassOnSerializer)["deadline"])
        return self.output(self.get_queryset().get(pk=visit.pk))

    @extend_schema(request=VisitCreateSerializer, responses={201: ContactVisitSerializer})
    def create(self, request):
        self.require_write()
        data = dict(self.input(VisitCreateSerializer))
        point = self.visible(ContactPoint, data.pop("point"))
        visit = services.visit_log(actor=request.user, point=point, **data)
        return self.output(visit, status.HTTP_201_CREATED)


# --- secretary reviews ---------------------------------------------------------------------------------------------


class BallotsSerializer(serializers.Serializer):
    good = serializers.IntegerField()
    fairly_good = serializers.IntegerField()
    fair = serializers.IntegerField()
    poor = serializers.IntegerField()


class SecretaryReviewSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)
    ballots = BallotsSerializer(read_only=True, allow_null=True)
    grade = serializers.ChoiceField(choices=[("", "")] + [(g, g) for g in GRADES], read_only=True)

    class Meta:
        model = SecretaryReview
        fields = ["id", "org", "org_name", "person", "person_name", "year", "report", "reviewed_on", "ballots",
                  "comment", "grade", "status"]
        read_only_fields = fields

    def to_representation(self, instance):
        """Until publication the reviewed secretary reads the report and the status only."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not actors.sees_grade(request.user, instance):
            data.update(ballots=None, comment="", grade="", reviewed_on=None)
        return data


class ReviewCreateSerializer(serializers.Serializer):
    org = serializers.IntegerField()
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    report = _text(max_length=5000, required=False, default="")


class SubmitSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=5000, required=False)


class GradeSerializer(serializers.Serializer):
    ballots = BallotsSerializer()
    comment = _text(max_length=2000, required=False, default="")
    reviewed_on = serializers.DateField(required=False, allow_null=True)


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = SecretaryReviewSerializer
    filterset_class = ReviewFilter
    write_capability = REVIEW_REPORT

    def base_queryset(self):
        return SecretaryReview.objects.select_related("org", "person")

    @extend_schema(request=ReviewCreateSerializer, responses={201: SecretaryReviewSerializer})
    def create(self, request):
        self.require_write()
        data = dict(self.input(ReviewCreateSerializer))
        org = self.visible(Org, data.pop("org"))
        review = services.review_create(actor=request.user, org=org, **data)
        return self.output(review, status.HTTP_201_CREATED)

    @extend_schema(request=SubmitSerializer, responses=SecretaryReviewSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        review = self.get_object()
        self.require_write()
        data = self.input(SubmitSerializer)
        return self.output(services.review_submit(actor=request.user, review=review, report=data.get("report")))

    @extend_schema(request=GradeSerializer, responses=SecretaryReviewSerializer)
    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        review = self.get_object()
        self.require_write(SECRETARIES_ADMIN)
        data = self.input(GradeSerializer)
        return self.output(services.review_grade(actor=request.user, review=review, ballots=dict(data["ballots"]),
                                                 comment=data["comment"], reviewed_on=data.get("reviewed_on")))

    @extend_schema(request=None, responses=SecretaryReviewSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        review = self.get_object()
        self.require_write(SECRETARIES_ADMIN)
        return self.output(services.review_publish(actor=request.user, review=review))


# --- compliance --------------------------------------------------------------------------------------------------


class ComplianceQuery(serializers.Serializer):
    org = serializers.IntegerField(required=False, min_value=1)
    year = serializers.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    status = serializers.ChoiceField(choices=selectors.STATUS_FILTERS, required=False)


class ComplianceRowSerializer(serializers.Serializer):
    org = serializers.IntegerField()
    org_name = serializers.CharField()
    level = serializers.IntegerField()
    study_sessions = serializers.IntegerField()
    study_required = serializers.IntegerField()
    plenary_reports = serializers.IntegerField()
    plenary_required = serializers.IntegerField()
    visits = serializers.IntegerField()
    visits_due = serializers.IntegerField()
    topics = serializers.DictField(child=serializers.IntegerField(), help_text=_("Topics listed, per step."))
    review_grade = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=selectors.STATUSES)


@extend_schema(
    tags=["secretaries"],
    parameters=[OpenApiParameter("org", int, description=_("The organization whose children are listed (default: "
                                                             "your own).")),
                OpenApiParameter("year", int),
                OpenApiParameter("status", enum=list(selectors.STATUS_FILTERS), description=_(
                    "lagging: behind or missing."))],
    responses={
        200: inline_serializer("Compliance", {
            "org": serializers.IntegerField(), "year": serializers.IntegerField(),
            "count": serializers.IntegerField(), "results": ComplianceRowSerializer(many=True)}),
        404: OpenApiResponse(inline_serializer("ComplianceNotFound", {"detail": serializers.CharField()}),
                             description=_("The organization is missing or outside your scope.")),
    },
)
class ComplianceView(APIView):
    """Per child organization of `org`: sessions held vs required, contact visits made vs due, topics per step,
    the review grade and on_track / behind / missing."""

    def get(self, request):
        if not request.user.has_capability(SECRETARIES_VIEW):
            raise exceptions.PermissionDenied
        query = ComplianceQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        org = get_visible_or_404(Org.objects.visible_to(request.user), pk=params.get("org") or request.user.org_id)
        year = params.get("year") or timezone.localdate().year
        rows = selectors.compliance(org, year)
        if params.get("status"):
            rows = selectors.with_status(rows, params["status"])
        results = [row.as_api() for row in rows]
        return Response({"org": org.pk, "year": year, "count": len(results), "results": results})


def register(router):
    router.register("topics", TopicViewSet, basename="topic")
    router.register("topic-undertakings", UndertakingViewSet, basename="topic-undertaking")
    router.register("committee-sessions", SessionViewSet, basename="committee-session")
    router.register("contact-points", PointViewSet, basename="contact-point")
    router.register("contact-visits", VisitViewSet, basename="contact-visit")
    router.register("secretary-reviews", ReviewViewSet, basename="secretary-review")


api_urlpatterns = [path("secretaries/compliance/", ComplianceView.as_view(), name="secretaries-compliance")]
