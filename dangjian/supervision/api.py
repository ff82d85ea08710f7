"""REST API of 跟踪督办: /api/v1/supervised-tasks/ and /api/v1/task-assignments/ (actions report, close, return).

Same scope, roles and validation as the pages (selectors' FilterSets, the same services). A task is seen from
the issuer's side and from its assignees' side; its nested `assignments` are those the caller may see. Ids
outside the caller's scope answer 404, in the URL or in the body (`issuer_org`, `orgs`).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action

from dangjian.core.api import ScopedAPIViewSet
from dangjian.core.filters import MAX_ID
from dangjian.orgs.models import Org

from . import selectors, services
from .capabilities import TASK_MANAGE, TASK_REPORT
from .filters import AssignmentFilter, TaskFilter
from .models import Light, Source, SupervisedTask, TaskAssignment

LIGHTS = " | ".join(Light.values)
STATUSES = " | ".join(TaskAssignment.Status.values)


class AssignmentRefSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATUSES)
    light = serializers.CharField(read_only=True, help_text=LIGHTS)

    class Meta:
        model = TaskAssignment
        fields = ["id", "org", "org_name", "status", "light"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    issuer_org = serializers.IntegerField(source="org_id", read_only=True)
    issuer_org_name = serializers.CharField(source="org.name", read_only=True)
    assignments = AssignmentRefSerializer(source="visible_assignments", many=True, read_only=True)

    class Meta:
        model = SupervisedTask
        fields = ["id", "issuer_org", "issuer_org_name", "title", "requirement", "source", "source_ref",
                  "deadline", "issued_on", "assignments"]
        read_only_fields = fields


class TaskIssueSerializer(serializers.Serializer):
    """Types only: every rule is the service's (task_issue), with its messages."""

    issuer_org = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                          help_text=_("Defaults to the caller's organization."))
    title = serializers.CharField(allow_blank=True, max_length=100)
    requirement = serializers.CharField(allow_blank=True, max_length=2000)
    source = serializers.ChoiceField(choices=Source.choices)
    source_ref = serializers.CharField(allow_blank=True, max_length=100, required=False, default="")
    deadline = serializers.DateField()
    orgs = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=True,
                                 max_length=services.MAX_ASSIGNEES + 1)


class AssignmentSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    issuer_org = serializers.IntegerField(source="task.org_id", read_only=True)
    status = serializers.CharField(read_only=True, help_text=STATUSES)
    light = serializers.CharField(read_only=True, help_text=LIGHTS)

    class Meta:
        model = TaskAssignment
        fields = ["id", "task", "task_title", "issuer_org", "org", "org_name", "status", "light", "deadline",
                  "issued_on", "reported_at", "closed_on", "return_reason", "escalation_step"]
        read_only_fields = fields


class ReportSerializer(serializers.Serializer):
    content = serializers.CharField(allow_blank=True, max_length=2000)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=200)


@extend_schema(tags=["supervision"])
@extend_schema_view(create=extend_schema(request=TaskIssueSerializer, responses={201: TaskSerializer}))
class SupervisedTaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    write_capability = TASK_MANAGE

    def base_queryset(self):
        return SupervisedTask.objects.select_related("org")

    def get_queryset(self):
        assignments = (TaskAssignment.objects.visible_to(self.request.user).select_related("org")
                       .order_by("org__path"))
        return (super().get_queryset().order_by("-issued_on", "-id")
                .prefetch_related(Prefetch("assignments", queryset=assignments, to_attr="visible_assignments")))

    def create(self, request):
        self.require_write()
        data = dict(self.input(TaskIssueSerializer))
        issuer_id = data.pop("issuer_org", None) or request.user.org_id
        issuer = self.visible(Org, issuer_id)
        task = services.task_issue(actor=request.user, issuer_org=issuer, **data)
        return self.output(self.get_queryset().get(pk=task.pk), status.HTTP_201_CREATED)


@extend_schema(tags=["supervision"])
class TaskAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    """Each organization's part of a task. The assignee's side reports; the issuer's side closes (销号) or
    returns a reported one."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    write_capability = TASK_REPORT

    def base_queryset(self):
        return TaskAssignment.objects.select_related("task", "org").order_by("deadline", "id")

    @extend_schema(request=ReportSerializer, responses=AssignmentSerializer,
                   description=_("The assignee's side reports progress (JSON, or multipart with `files`)."))
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        assignment = self.get_object()
        self.require_write()
        content = self.input(ReportSerializer)["content"]
        files = request.FILES.getlist("files") if request.FILES else []
        if len(files) > 5:
            raise exceptions.ValidationError({"files": [_("Attach at most %(max)d files at a time.") % {"max": 5}]})
        services.assignment_report(actor=request.user, assignment=assignment, content=content, files=files)
        return self.output(self.get_queryset().get(pk=assignment.pk))

    @extend_schema(request=None, responses=AssignmentSerializer,
                   description=_("The issuer's side verifies a reported assignment and closes it (销号)."))
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        assignment = self.get_object()
        return self.output(services.assignment_close(actor=request.user, assignment=assignment))

    @extend_schema(request=ReturnSerializer, responses=AssignmentSerializer,
                   description=_("The issuer's side returns a reported assignment with a reason."))
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        assignment = self.get_object()
        if not selectors.is_issuer_side(request.user, assignment.task):  # 403 before the input is read
            raise exceptions.PermissionDenied
        reason = self.input(ReturnSerializer)["reason"]
        return self.output(services.assignment_return(actor=request.user, assignment=assignment, reason=reason))


def register(router):
    router.register("supervised-tasks", SupervisedTaskViewSet, basename="supervised-task")
    router.register("task-assignments", TaskAssignmentViewSet, basename="task-assignment")
