"""抓培训's API (/api/v1/): the exact contract of issue 10. Pages and API call the same services and selectors."""

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.core.api import ScopedAPIViewSet
from dangjian.core.exceptions import NotInScope
from dangjian.core.filters import IdFilter
from dangjian.core.metrics import Period
from dangjian.orgs.models import Org, Person

from . import checkin, courses, roster, selectors, services
from .capabilities import TRAINING_MANAGE, TRAINING_VIEW
from .models import (
    Attendance,
    Course,
    CourseProgress,
    Enrollment,
    Lesson,
    Level,
    Method,
    TrainingBase,
    TrainingClass,
    TrainingPlan,
)


class TrainingBaseSerializer(serializers.ModelSerializer):
    org = serializers.PrimaryKeyRelatedField(queryset=Org.objects.all())

    class Meta:
        model = TrainingBase
        fields = ["id", "name", "org", "place", "description", "capacity"]


class TrainingClassSerializer(serializers.ModelSerializer):
    organizer = serializers.PrimaryKeyRelatedField(source="org", queryset=Org.objects.all())
    base = serializers.PrimaryKeyRelatedField(queryset=TrainingBase.objects.all(), allow_null=True, required=False)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = TrainingClass
        fields = ["id", "organizer", "level", "title", "audience", "topic", "start_date", "end_date", "base", "place",
                  "capacity", "hours", "completion_share", "status"]


class LessonSerializer(serializers.ModelSerializer):
    training_class = serializers.PrimaryKeyRelatedField(queryset=TrainingClass.objects.all())

    class Meta:
        model = Lesson
        fields = ["id", "training_class", "starts_at", "ends_at", "topic", "lecturer", "method"]


class EnrollmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enrollment
        fields = ["id", "training_class", "person", "status", "attended", "completed_on", "hours"]


class PlanSerializer(serializers.ModelSerializer):
    org = serializers.PrimaryKeyRelatedField(queryset=Org.objects.all())
    requirements = serializers.DictField(child=serializers.IntegerField(min_value=0), write_only=True,
                                         help_text=_("Required hours per topic: {topic: hours}."))
    required_hours = serializers.SerializerMethodField()

    class Meta:
        model = TrainingPlan
        fields = ["id", "org", "year", "title", "group", "requirements", "required_hours"]

    def get_required_hours(self, plan) -> dict:
        return {r.topic: r.hours for r in plan.requirements.all()}


class CourseSerializer(serializers.ModelSerializer):
    org = serializers.PrimaryKeyRelatedField(queryset=Org.objects.all())

    class Meta:
        model = Course
        fields = ["id", "org", "title", "topic", "kind", "length", "hours", "series", "description"]


class ProgressSerializer(serializers.ModelSerializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())

    class Meta:
        model = CourseProgress
        fields = ["id", "course", "person", "position", "completed_on", "hours"]
        read_only_fields = ["person", "completed_on", "hours"]


class ClassFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TrainingClass.Status.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    organizer = IdFilter(field_name="org_id")
    base = IdFilter(field_name="base_id")


class LessonFilter(django_filters.FilterSet):
    training_class = IdFilter(field_name="training_class_id")
    method = django_filters.ChoiceFilter(choices=Method.choices)


class EnrollmentFilter(django_filters.FilterSet):
    training_class = IdFilter(field_name="training_class_id")
    person = IdFilter(field_name="person_id")
    status = django_filters.ChoiceFilter(choices=Enrollment.Status.choices)


class EnrollInput(serializers.Serializer):
    people = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)


class RosterInput(serializers.Serializer):
    file = serializers.FileField()


class CheckInInput(serializers.Serializer):
    token = serializers.CharField(required=False, max_length=500)
    person = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(required=False, max_length=200, allow_blank=True)

    def validate(self, attrs):
        if not attrs.get("token") and not attrs.get("person"):
            raise serializers.ValidationError(_("Send the check-in token, or the person and the reason."))
        return attrs


class QrSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()


def _created(view, instance, serializer_class=None):
    return view.output(instance, status.HTTP_201_CREATED, serializer_class)


class TrainingBaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = TrainingBaseSerializer
    write_capability = TRAINING_MANAGE

    def base_queryset(self):
        return TrainingBase.objects.all()

    def create(self, request):
        self.require_write()
        data = dict(self.input(TrainingBaseSerializer))
        return _created(self, services.base_create(actor=request.user, **data))


class TrainingClassViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = TrainingClassSerializer
    filterset_class = ClassFilter
    write_capability = TRAINING_MANAGE

    def base_queryset(self):
        return TrainingClass.objects.all()

    def create(self, request):
        self.require_write()
        data = dict(self.input(TrainingClassSerializer))
        if data.get("base") is not None:
            self.visible(TrainingBase, data["base"].pk)
        return _created(self, services.class_create(actor=request.user, **data))

    @extend_schema(request=EnrollInput, responses=EnrollmentSerializer(many=True))
    @action(detail=True, methods=["post"])
    def enroll(self, request, pk=None):
        klass = self.get_object()
        self.require_write()
        ids = self.input(EnrollInput)["people"]
        people = list(Person.objects.visible_to(request.user).filter(pk__in=ids))
        if len(people) != len(set(ids)):
            raise NotInScope
        created = services.enroll(actor=request.user, training_class=klass, people=people)
        return Response(EnrollmentSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": RosterInput}, responses=EnrollmentSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="import-roster", parser_classes=[MultiPartParser])
    def import_roster(self, request, pk=None):
        klass = self.get_object()
        self.require_write()
        file = self.input(RosterInput)["file"]
        created = roster.roster_import(actor=request.user, training_class=klass, file=file)
        return Response(EnrollmentSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        klass = self.get_object()
        self.require_write()
        return self.output(services.class_finish(actor=request.user, training_class=klass))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        klass = self.get_object()
        self.require_write()
        return self.output(services.class_open(actor=request.user, training_class=klass))

    @extend_schema(request=None, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"], url_path="enroll-self")
    def enroll_self(self, request, pk=None):
        klass = self.get_object()
        enrollment = services.enroll_self(actor=request.user, training_class=klass)
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class LessonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = LessonSerializer
    filterset_class = LessonFilter
    write_capability = TRAINING_MANAGE

    def base_queryset(self):
        return Lesson.objects.all()

    def create(self, request):
        self.require_write()
        data = dict(self.input(LessonSerializer))
        klass = self.visible(TrainingClass, data.pop("training_class").pk)
        return _created(self, services.lesson_create(actor=request.user, training_class=klass, **data))

    @extend_schema(responses=QrSerializer)
    @action(detail=True, methods=["get"])
    def qr(self, request, pk=None):
        lesson = self.get_object()
        self.require_write()
        return Response(QrSerializer(checkin.qr_payload(actor=request.user, lesson=lesson, request=request)).data)

    @extend_schema(request=CheckInInput, responses=inline_serializer(
        "CheckIn", {"id": serializers.IntegerField(), "person": serializers.IntegerField()}))
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        lesson = self.get_object()
        data = self.input(CheckInInput)
        if data.get("token"):
            attendance = checkin.check_in(actor=request.user, lesson=lesson, token=data["token"])
        else:
            self.require_write()
            person = self.visible(Person, data["person"])
            attendance = checkin.check_in_manual(actor=request.user, lesson=lesson, person=person,
                                                 reason=data.get("reason", ""))
        return Response({"id": attendance.pk, "person": attendance.person_id}, status=status.HTTP_201_CREATED)


class EnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilter

    def base_queryset(self):
        return Enrollment.objects.all()


class TrainingPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = PlanSerializer
    write_capability = TRAINING_MANAGE

    def base_queryset(self):
        return TrainingPlan.objects.prefetch_related("requirements")

    def create(self, request):
        self.require_write()
        data = dict(self.input(PlanSerializer))
        return _created(self, courses.plan_create(actor=request.user, **data))


class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = CourseSerializer
    write_capability = TRAINING_MANAGE

    def base_queryset(self):
        return Course.objects.all()

    def create(self, request):
        self.require_write()
        data = dict(self.input(CourseSerializer))
        return _created(self, courses.course_create(actor=request.user, **data))


class CourseProgressViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    """A member's progress: POST {course, position} records it (forward only, at most the course's length)."""

    serializer_class = ProgressSerializer

    def base_queryset(self):
        return CourseProgress.objects.all()

    def create(self, request):
        data = self.input(ProgressSerializer)
        course = self.visible(Course, data["course"].pk)
        progress = courses.progress_record(actor=request.user, course=course, position=data["position"])
        return self.output(progress, status.HTTP_201_CREATED)


class SummaryQuery(serializers.Serializer):
    org = serializers.IntegerField(required=False, min_value=1)
    # "from" is a Python keyword: the field is declared under its query name below.
    to = serializers.DateField(required=False)


SummaryQuery._declared_fields["from"] = serializers.DateField(required=False)


class SummarySerializer(serializers.Serializer):
    person_times = serializers.IntegerField()
    trainees = serializers.IntegerField()
    hours = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    by_method = serializers.DictField(child=serializers.IntegerField())
    by_level = serializers.DictField(child=serializers.IntegerField())


def summary_scope(user, params):
    """(org, period) of a summary request: the org inside the user's scope (else not found), their own by
    default; the period from `from`/`to`, this year by default."""
    if not user.has_capability(TRAINING_VIEW):
        raise NotInScope
    org = user.scope_org
    if params.get("org"):
        org = Org.objects.visible_to(user).filter(pk=params["org"]).first()
        if org is None:
            raise NotInScope
    default = selectors.default_period()
    period = Period(params.get("from") or default.start, params.get("to") or default.end)
    return org, period


class SummaryView(APIView):
    @extend_schema(parameters=[SummaryQuery], responses={
        200: SummarySerializer,
        404: OpenApiResponse(response=inline_serializer("SummaryNotFound", {"detail": serializers.CharField()}),
                             description=_("The organization is outside your scope."))})
    def get(self, request):
        query = SummaryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        org, period = summary_scope(request.user, query.validated_data)
        data = selectors.summary(org, period)
        return Response(SummarySerializer(data).data)


class DrillQuery(serializers.Serializer):
    """The filters of the lists behind the numbers (attendance, person-times), shared with the pages."""

    org = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    to = serializers.DateField(required=False)
    method = serializers.ChoiceField(choices=Method.choices, required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    way = serializers.ChoiceField(choices=Attendance.Way.choices, required=False)
    training_class = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    base = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    organizer = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    lesson = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


DrillQuery._declared_fields["from"] = serializers.DateField(required=False)


def drill_params(query_params):
    """The validated filters (400 with field errors on bad input, never a 500)."""
    query = DrillQuery(data={k: v for k, v in query_params.items() if k in DrillQuery._declared_fields})
    query.is_valid(raise_exception=True)
    return query.validated_data


class AttendanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "lesson", "training_class", "person", "on", "at", "method", "level", "way", "reason"]


class AttendanceViewSet(mixins.ListModelMixin, ScopedAPIViewSet):
    """The attendance behind the statistics (?org=&from=&to=&method=&level=…)."""

    serializer_class = AttendanceSerializer

    def base_queryset(self):
        return Attendance.objects.all()

    def get_queryset(self):
        return selectors.attendance_rows(self.request.user, drill_params(self.request.query_params))


class PersonTimeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[("class", "class"), ("course", "course")])
    id = serializers.IntegerField()
    on = serializers.DateField()
    person = serializers.CharField()
    org = serializers.CharField()
    title = serializers.CharField()


class PersonTimesView(generics.ListAPIView):
    """The person-times behind the number: (person, class) pairs with an attendance, and completed courses."""

    serializer_class = PersonTimeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not self.request.user.has_capability(TRAINING_VIEW):
            return Enrollment.objects.none().values_list("id")
        return selectors.person_time_rows(self.request.user, drill_params(self.request.query_params))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [dict(zip(("kind", "id", "on", "person", "org", "title"), row, strict=True)) for row in page]
        return self.get_paginated_response(PersonTimeSerializer(rows, many=True).data)


def register(router):
    router.register("training-bases", TrainingBaseViewSet, basename="training-base")
    router.register("training-classes", TrainingClassViewSet, basename="training-class")
    router.register("lessons", LessonViewSet, basename="lesson")
    router.register("enrollments", EnrollmentViewSet, basename="enrollment")
    router.register("training-plans", TrainingPlanViewSet, basename="training-plan")
    router.register("courses", CourseViewSet, basename="course")
    router.register("course-progress", CourseProgressViewSet, basename="course-progress")
    router.register("attendances", AttendanceViewSet, basename="attendance")


api_urlpatterns = [
    path("training/summary/", SummaryView.as_view(), name="training-summary"),
    path("training/person-times/", PersonTimesView.as_view(), name="training-person-times"),
]
