"""REST API of 三进三帮: /api/v1/visits/, /api/v1/beneficiaries/, /api/v1/help-cases/ (actions resolve,
return-visit, reopen) and /api/v1/outreach/summary/.

Same scope, roles and validation as the pages: reads start from visible_to(user) and the shared FilterSets,
writes call outreach.services. Ids outside the caller's scope answer 404, in the URL or in the body (`org`,
`beneficiary`, `visit`, `helpers`). ID and phone numbers are always masked; `reveal` shows one, audited.
Sensitive details come back only to roles with outreach.sensitive.view (others get null and `sensitivity`).
"""

import datetime

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.core.api import ScopedAPIViewSet, UserFilterBackend
from dangjian.core.drf import Pagination, capability_required
from dangjian.core.filters import MAX_ID
from dangjian.core.metrics import Period
from dangjian.core.scoping import get_visible_or_404
from dangjian.orgs.models import Org, Person

from . import selectors, services
from .capabilities import CASE_EDIT, OUTREACH_VIEW, SENSITIVE_VIEW, VISIT_RECORD
from .filters import BeneficiaryFilter, HelpCaseFilter, VisitFilter
from .models import Beneficiary, HelpCase, Visit


class MaskedField(serializers.CharField):
    def __init__(self, model_field_name, **kwargs):
        self.model_field_name = model_field_name
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return Beneficiary._meta.get_field(self.model_field_name).masked(value or "")


# --- serializers ---------------------------------------------------------------------------------------------


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "kind", "org", "visited_on", "whom", "findings", "visitor"]
        read_only_fields = fields


class VisitInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Visit.Kind.choices)
    org = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                   help_text=_("Id of the organization visited (404 if outside your scope)."))
    visited_on = serializers.DateField(required=False, help_text=_("Default: today."))
    whom = serializers.CharField(max_length=100)
    findings = serializers.CharField(max_length=2000)


class BeneficiarySerializer(serializers.ModelSerializer):
    id_number = MaskedField("id_number", help_text=_("Always masked; see the reveal action."))
    phone = MaskedField("phone", help_text=_("Always masked; see the reveal action."))
    sensitive_details = serializers.SerializerMethodField(
        help_text=_("Only for roles cleared to read sensitive details; null for the others."))

    class Meta:
        model = Beneficiary
        fields = ["id", "kind", "name", "id_number", "phone", "household_size", "org", "address", "sensitivity",
                  "sensitive_details", "people"]
        read_only_fields = fields

    def get_sensitive_details(self, obj) -> str | None:
        request = self.context.get("request")
        if request is not None and request.user.has_capability(SENSITIVE_VIEW):
            return obj.sensitive_details
        return None


class BeneficiaryInputSerializer(serializers.Serializer):
    org = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                   help_text=_("Id of the organization (404 if outside your scope)."))
    kind = serializers.ChoiceField(choices=Beneficiary.Kind.choices)
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=18)
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=11)
    household_size = serializers.IntegerField(required=False, default=1, min_value=-32768, max_value=32767)
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    sensitivity = serializers.ChoiceField(choices=Beneficiary.Sensitivity.choices, required=False, default="")
    sensitive_details = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BeneficiaryUpdateSerializer(BeneficiaryInputSerializer):
    org = None
    kind = serializers.ChoiceField(choices=Beneficiary.Kind.choices, required=False)
    name = serializers.CharField(max_length=100, required=False)
    household_size = serializers.IntegerField(required=False, min_value=-32768, max_value=32767)


class HelpCaseSerializer(serializers.ModelSerializer):
    helpers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = HelpCase
        fields = ["id", "kind", "beneficiary", "org", "visit", "problem", "helpers", "status", "opened_on",
                  "resolution", "resolved_on", "satisfaction", "returned_on", "return_note", "reopen_reason"]
        read_only_fields = fields


class HelpCaseInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HelpCase.Kind.choices)
    beneficiary = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                           help_text=_("Id of the beneficiary (404 if outside your scope)."))
    visit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
                                     help_text=_("Id of the visit the problem was found on, if any."))
    problem = serializers.CharField(max_length=2000)
    helpers = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False,
                                    default=list,
                                    max_length=50, help_text=_("Ids of members who help (404 if outside scope)."))
    opened_on = serializers.DateField(required=False, allow_null=True, default=None)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(allow_blank=True, max_length=2000)
    resolved_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReturnVisitSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=[c for c in HelpCase.Satisfaction.values if c])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    returned_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=500)


class BeneficiaryRevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=services.REVEALABLE)


class BeneficiaryRevealResultSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


# --- viewsets ------------------------------------------------------------------------------------------------


@extend_schema(tags=["outreach"])
@extend_schema_view(list=extend_schema(summary=_("三进 visits in your scope")),
                    create=extend_schema(request=VisitInputSerializer, responses={201: VisitSerializer}))
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    filter_backends = [UserFilterBackend]
    write_capability = VISIT_RECORD

    def base_queryset(self):
        return Visit.objects.all()

    def create(self, request):
        self.require_write()
        data = dict(self.input(VisitInputSerializer))
        org = Org.objects.filter(pk=data.pop("org")).first()
        visit = services.visit_create(actor=request.user, org=org, **data)
        return self.output(visit, status.HTTP_201_CREATED)


class BeneficiaryPagination(Pagination):
    """The list's `count` (beneficiaries) and `people`: what they count in "people helped" (a person 1, a
    household its size, an enterprise 0) — the figure a `helped_from`/`helped_to` list stands behind."""

    def paginate_queryset(self, queryset, request, view=None):
        self.people = selectors.people_total(queryset)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["people"] = self.people
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["people"] = {"type": "integer", "example": 12}
        return result


@extend_schema(tags=["outreach"])
@extend_schema_view(list=extend_schema(summary=_("Beneficiaries in your scope")),
                    create=extend_schema(request=BeneficiaryInputSerializer, responses={201: BeneficiarySerializer}),
                    partial_update=extend_schema(request=BeneficiaryUpdateSerializer,
                                                 responses=BeneficiarySerializer))
class BeneficiaryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = BeneficiarySerializer
    filterset_class = BeneficiaryFilter
    filter_backends = [UserFilterBackend]
    pagination_class = BeneficiaryPagination
    write_capability = CASE_EDIT
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return Beneficiary.objects.all()

    def create(self, request):
        self.require_write()
        data = dict(self.input(BeneficiaryInputSerializer))
        org = Org.objects.filter(pk=data.pop("org")).first()
        beneficiary = services.beneficiary_create(actor=request.user, org=org, **data)
        return self.output(beneficiary, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        beneficiary = self.get_object()
        self.require_write()
        data = dict(self.input(BeneficiaryUpdateSerializer, partial=True))
        return self.output(services.beneficiary_update(actor=request.user, beneficiary=beneficiary, **data))

    @extend_schema(request=BeneficiaryRevealSerializer, responses=BeneficiaryRevealResultSerializer,
                   description=_("The clear value of one protected field. Only roles that may reveal members' "
                                 "numbers may; every reveal (and every refusal) is audited."))
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        beneficiary = self.get_object()
        field = self.input(BeneficiaryRevealSerializer)["field"]
        value = services.beneficiary_reveal(actor=request.user, beneficiary=beneficiary, field=field)
        response = Response({"field": field, "value": value})
        response["Cache-Control"] = "no-store"
        return response


@extend_schema(tags=["outreach"])
@extend_schema_view(list=extend_schema(summary=_("Help cases in your scope")),
                    create=extend_schema(request=HelpCaseInputSerializer, responses={201: HelpCaseSerializer}))
class HelpCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = HelpCaseSerializer
    filterset_class = HelpCaseFilter
    filter_backends = [UserFilterBackend]
    write_capability = CASE_EDIT

    def base_queryset(self):
        return HelpCase.objects.prefetch_related("helpers")

    def create(self, request):
        self.require_write()
        data = dict(self.input(HelpCaseInputSerializer))
        beneficiary = self.visible(Beneficiary, data.pop("beneficiary"))
        visit_id = data.pop("visit")
        visit = self.visible(Visit, visit_id) if visit_id else None
        helpers = [self.visible(Person, pk) for pk in data.pop("helpers")]
        case = services.case_open(actor=request.user, beneficiary=beneficiary, visit=visit, helpers=helpers,
                                  **data)
        return self.output(case, status.HTTP_201_CREATED)

    @extend_schema(request=ResolveSerializer, responses=HelpCaseSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        case = self.get_object()
        self.require_write()
        data = self.input(ResolveSerializer)
        return self.output(services.case_resolve(actor=request.user, case=case, **data))

    @extend_schema(request=ReturnVisitSerializer, responses=HelpCaseSerializer)
    @action(detail=True, methods=["post"], url_path="return-visit")
    def return_visit(self, request, pk=None):
        case = self.get_object()
        self.require_write()
        data = self.input(ReturnVisitSerializer)
        return self.output(services.case_return_visit(actor=request.user, case=case, **data))

    @extend_schema(request=ReopenSerializer, responses=HelpCaseSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        case = self.get_object()
        self.require_write()
        data = self.input(ReopenSerializer)
        return self.output(services.case_reopen(actor=request.user, case=case, **data))


# --- the summary ------------------------------------------------------------------------------------------------


def summary_period(params, today=None):
    """The period of `?from=&to=` (ISO dates; default: this calendar year). A bad date or an end before the start
    is a ValidationError with the field's message."""
    from django.core.exceptions import ValidationError

    from dangjian.core.filters import MAX_DATE, MIN_DATE

    default = selectors.default_period(today)
    days = {}
    for name, fallback in (("from", default.start), ("to", default.end)):
        raw = (params.get(name) or "").strip()
        try:
            days[name] = datetime.date.fromisoformat(raw) if raw else fallback
        except ValueError:
            raise ValidationError({name: _("Enter a valid date.")}) from None
        if not MIN_DATE <= days[name] <= MAX_DATE:
            raise ValidationError({name: _("Enter a date between 1900 and 2100.")})
    if days["to"] < days["from"]:
        raise ValidationError({"to": _("The end of the period cannot be before its start.")})
    return Period(days["from"], days["to"])


def summary_org(user, raw):
    """The organization of `?org=` inside the user's scope (default: their own), else 404."""
    if not raw:
        return user.scope_org
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_visible_or_404(Org.objects.visible_to(user), pk=pk)


class SummaryView(APIView):
    permission_classes = [capability_required(OUTREACH_VIEW)]

    @extend_schema(
        tags=["outreach"], summary=_("三进三帮 figures of a subtree and period"),
        parameters=[OpenApiParameter("org", OpenApiTypes.INT, description=_("Default: your organization.")),
                    OpenApiParameter("from", OpenApiTypes.DATE, description=_("Default: 1 January this year.")),
                    OpenApiParameter("to", OpenApiTypes.DATE, description=_("Default: 31 December this year."))],
        responses={404: OpenApiResponse(
            inline_serializer("OutreachSummaryNotFound", {"detail": serializers.CharField()}),
            description=_("The organization is outside your scope, or does not exist.")),
            200: inline_serializer("OutreachSummary", {
            "org": serializers.IntegerField(), "from": serializers.DateField(), "to": serializers.DateField(),
            "people_helped": serializers.IntegerField(), "problems_solved": serializers.IntegerField(),
            "cases_open": serializers.IntegerField(),
            "visits": serializers.DictField(child=serializers.IntegerField()),
            "satisfaction_rate": serializers.FloatField(allow_null=True),
            "lists": serializers.DictField(help_text=_("The API list behind each figure.")),
        })},
    )
    def get(self, request):
        org = summary_org(request.user, request.query_params.get("org"))
        period = summary_period(request.query_params, timezone.localdate())
        figures = selectors.figures(org, period)
        lists = selectors.drill_down(org, period, api=True)
        return Response({
            "org": org.pk, "from": period.start, "to": period.end,
            "people_helped": figures["people_helped"], "problems_solved": figures["problems_solved"],
            "cases_open": figures["cases_open"], "visits": figures["visits"],
            "satisfaction_rate": figures["satisfaction_rate"],
            "lists": {key: lists[key] for key in ("people_helped", "problems_solved", "cases_open", "visits")},
        })


def register(router):
    router.register("visits", VisitViewSet, basename="visit")
    router.register("beneficiaries", BeneficiaryViewSet, basename="beneficiary")
    router.register("help-cases", HelpCaseViewSet, basename="help-case")


api_urlpatterns = [path("outreach/summary/", SummaryView.as_view(), name="outreach-summary")]
