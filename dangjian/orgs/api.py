"""REST API of 组织与人员: /api/v1/orgs/, /api/v1/people/, /api/v1/positions/.

Same scope, roles and validation as the pages, because both call the same things:
  - reads start from `Model.objects.visible_to(user)` and the shared FilterSets of orgs.filters;
  - writes go through orgs.services, which validate (full_clean), check scope and role, write and audit.
Anything outside the caller's scope answers 404, whether its id is in the URL or in the request body
(`parent`, `org`, `to_org`, `person`): a missing and a hidden object look the same. Inside scope, a role that
may not write gets 403 before its input is looked at. ID and phone numbers are always masked in responses;
the clear value is accepted on write and shown only through the audited `reveal` action.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.api import ScopedAPIViewSet, UserFilterBackend

from . import choices, services
from .filters import OrgFilter, PersonFilter, PositionFilter
from .models import Org, Person, Position, Transfer
from .selectors import transfers as transfer_selectors
from .views.transfers import letter_response

# --- serializers: references --------------------------------------------------------------------------


class OrgRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Org
        fields = ["id", "name", "level"]


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name"]


class MaskedField(serializers.CharField):
    """A protected value shown masked (`4228**********1234`, `138****5678`), whoever asks."""

    def __init__(self, model_field_name, **kwargs):
        self.model_field_name = model_field_name
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return Person._meta.get_field(self.model_field_name).masked(value or "")


class ServiceInputSerializer(serializers.ModelSerializer):
    """Input checked for type and format only: every rule (uniqueness included) is the service's full_clean,
    so the API refuses exactly what the pages refuse, with the same messages."""

    def get_validators(self):
        return []


# --- serializers: organizations -----------------------------------------------------------------------


class OrgSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    sector_display = serializers.CharField(source="get_sector_display", read_only=True)
    term_status = serializers.ChoiceField(
        choices=[("", ""), ("ending", "ending"), ("ended", "ended")], read_only=True,
        help_text=_("'ending': the term ends within six months; 'ended': it has ended."),
    )

    class Meta:
        model = Org
        fields = [
            "id", "name", "code", "parent", "level", "level_display", "kind", "kind_display", "sector",
            "sector_display", "division_code", "term_start", "term_end", "term_status", "is_active", "depth",
        ]
        read_only_fields = fields


class OrgUpdateSerializer(ServiceInputSerializer):
    class Meta:
        model = Org
        fields = list(services.ORG_FIELDS)
        extra_kwargs = {"code": {"validators": []}}


class OrgCreateSerializer(OrgUpdateSerializer):
    parent = serializers.IntegerField(help_text=_("Id of the parent organization (404 if outside your scope)."))

    class Meta(OrgUpdateSerializer.Meta):
        fields = ["parent", *services.ORG_FIELDS]


class OrgMoveSerializer(serializers.Serializer):
    parent = serializers.IntegerField(help_text=_("Id of the new parent organization (404 if outside your scope)."))


# --- serializers: people ------------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    org = OrgRefSerializer(read_only=True)
    gender_display = serializers.CharField(source="get_gender_display", read_only=True)
    ethnicity_display = serializers.CharField(source="get_ethnicity_display", read_only=True)
    education_display = serializers.CharField(source="get_education_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    id_number = MaskedField("id_number", help_text=_("Always masked; see the reveal action."))
    phone = MaskedField("phone", help_text=_("Always masked; see the reveal action."))

    class Meta:
        model = Person
        fields = [
            "id", "name", "gender", "gender_display", "ethnicity", "ethnicity_display", "birth_date", "id_number",
            "phone", "education", "education_display", "category", "category_display", "joined_on",
            "full_member_on", "probation_extended_months", "status", "status_display", "org", "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TransferPersonSerializer(serializers.ModelSerializer):
    """What both sides of a transfer see of the person: no ID or phone number."""

    class Meta:
        model = Person
        fields = ["id", "name", "gender", "category"]


class TransferSerializer(serializers.ModelSerializer):
    person = TransferPersonSerializer(read_only=True)
    from_org = OrgRefSerializer(read_only=True)
    to_org = OrgRefSerializer(read_only=True, allow_null=True,
                              help_text=_("Empty for a transfer out of the platform (see to_org_name)."))
    to_org_name = serializers.CharField(source="destination_name", read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending | accepted | returned | completed")

    class Meta:
        model = Transfer
        fields = ["id", "person", "from_org", "to_org", "status", "transferred_on", "reason", "to_org_name",
                  "dues_paid_until", "letter_number", "return_reason", "decided_at", "created_at"]
        read_only_fields = fields


class PersonTransferHistorySerializer(TransferSerializer):
    class Meta(TransferSerializer.Meta):
        fields = ["id", "from_org", "to_org", "status", "transferred_on", "reason", "to_org_name", "letter_number"]
        read_only_fields = fields


class PersonDetailSerializer(PersonSerializer):
    transfers = PersonTransferHistorySerializer(many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "transfers"]
        read_only_fields = fields


_CLEAR_HELP = _("The clear value; left empty or sent back masked on an update, the recorded number is kept.")
_DERIVED_HELP = _("Read from the ID number, which carries it: leave it out (a value that differs is refused). "
                  "Needed only for a record without an ID number.")


class PersonUpdateSerializer(ServiceInputSerializer):
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18, help_text=_CLEAR_HELP)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=11, help_text=_CLEAR_HELP)
    clear_phone = serializers.BooleanField(
        required=False, default=False, write_only=True,
        help_text=_("true removes the recorded phone number (an empty phone keeps it)."),
    )

    class Meta:
        model = Person
        fields = [*services.PERSON_FIELDS, "clear_phone"]
        extra_kwargs = {name: {"required": False, "help_text": _DERIVED_HELP} for name in services.DERIVED_FIELDS}


class PersonCreateSerializer(PersonUpdateSerializer):
    org = serializers.IntegerField(help_text=_("Id of the organization (404 if outside your scope)."))
    id_number = serializers.CharField(max_length=18, help_text=_("The clear value; responses show it masked."))
    phone = serializers.CharField(required=False, allow_blank=True, max_length=11,
                                  help_text=_("The clear value; responses show it masked."))
    clear_phone = None  # nothing to remove yet

    class Meta(PersonUpdateSerializer.Meta):
        fields = ["org", *services.PERSON_FIELDS]
        extra_kwargs = PersonUpdateSerializer.Meta.extra_kwargs


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=[(f, f) for f in services.REVEALABLE])


class RevealResultSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class TransferInputSerializer(serializers.Serializer):
    to_org = serializers.IntegerField(
        required=False, help_text=_("Id of any active organization of the platform (404 if there is none): inside "
                                    "your scope the transfer completes at once, otherwise it awaits acceptance."))
    to_org_name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default="",
        help_text=_("For a transfer out of the platform, instead of to_org: the destination's name."))
    dues_paid_until = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text=_("Out of the platform only: the month up to which party dues are paid (any day of it)."))
    transferred_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, attrs):
        if ("to_org" in attrs) == bool(attrs.get("to_org_name", "").strip()):
            raise serializers.ValidationError(
                {"to_org": _("Give either the destination organization or, out of the platform, its name.")})
        return attrs


class TransferReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class OrgDirectorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    path_names = serializers.ListField(child=serializers.CharField(),
                                       help_text=_("Names of the upper organizations, from the top down."))


# --- serializers: positions ---------------------------------------------------------------------------


class PositionSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    org = OrgRefSerializer(read_only=True)
    title_display = serializers.CharField(source="get_title_display", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Position
        fields = ["id", "person", "org", "title", "title_display", "start_date", "end_date", "end_reason",
                  "is_current", "note"]
        read_only_fields = fields


class PositionCreateSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text=_("Id of the person (404 if outside your scope)."))
    org = serializers.IntegerField(help_text=_("Id of the organization (404 if outside your scope)."))
    title = serializers.ChoiceField(choices=choices.Title.choices)
    start_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PositionEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


# --- views -----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("Organizations in your scope")),
    create=extend_schema(request=OrgCreateSerializer, responses={201: OrgSerializer}),
    update=extend_schema(request=OrgUpdateSerializer, responses=OrgSerializer),
    partial_update=extend_schema(request=OrgUpdateSerializer, responses=OrgSerializer),
    destroy=extend_schema(description=_("Only an organization without sub-organizations, members, accounts or "
                                        "history can be deleted; deactivate the others.")),
)
@extend_schema(tags=["orgs"])
class OrgViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = OrgSerializer
    filterset_class = OrgFilter
    write_capability = Org.edit_capability

    def base_queryset(self):
        return Org.objects.all()

    def create(self, request):
        self.require_write()
        data = dict(self.input(OrgCreateSerializer))
        parent = self.visible(Org, data.pop("parent"))
        org = services.org_create(actor=request.user, parent=parent, **data)
        return self.output(org, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        org = self.get_object()
        self.require_write()
        data = self.input(OrgUpdateSerializer, instance=org, partial=partial)
        return self.output(services.org_update(actor=request.user, org=org, **data))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        org = self.get_object()
        self.require_write()
        services.org_delete(actor=request.user, org=org)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=OrgMoveSerializer, responses=OrgSerializer,
                   description=_("Move the organization and its whole subtree under another organization."))
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        org = self.get_object()
        self.require_write()
        new_parent = self.visible(Org, self.input(OrgMoveSerializer)["parent"])
        return self.output(services.org_move(actor=request.user, org=org, new_parent=new_parent))

    @extend_schema(request=None, responses=OrgSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        org = self.get_object()
        self.require_write()
        return self.output(services.org_deactivate(actor=request.user, org=org))

    @extend_schema(request=None, responses=OrgSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        org = self.get_object()
        self.require_write()
        return self.output(services.org_reactivate(actor=request.user, org=org))

    @extend_schema(responses=OrgSerializer(many=True), summary=_("Direct sub-organizations"))
    @action(detail=True, methods=["get"])
    def children(self, request, pk=None):
        org = self.get_object()
        queryset = self.filter_queryset(self.get_queryset().filter(parent=org))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary=_("People in your scope")),
    retrieve=extend_schema(responses=PersonDetailSerializer),
    create=extend_schema(request=PersonCreateSerializer, responses={201: PersonSerializer}),
    update=extend_schema(request=PersonUpdateSerializer, responses=PersonSerializer),
    partial_update=extend_schema(request=PersonUpdateSerializer, responses=PersonSerializer),
)
@extend_schema(tags=["people"])
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    filter_backends = [UserFilterBackend]
    write_capability = Person.edit_capability

    def base_queryset(self):
        queryset = Person.objects.select_related("org")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("transfers", Transfer.objects.select_related("from_org", "org").order_by("-transferred_on",
                                                                                                 "-id"))
            )
        return queryset

    def get_serializer_class(self):
        return PersonDetailSerializer if self.action == "retrieve" else PersonSerializer

    def create(self, request):
        self.require_write()
        data = dict(self.input(PersonCreateSerializer))
        org = self.visible(Org, data.pop("org"))
        person = services.person_create(actor=request.user, org=org, **data)
        return self.output(person, status.HTTP_201_CREATED, PersonSerializer)

    def update(self, request, pk=None, partial=False):
        person = self.get_object()
        self.require_write()
        # Empty or masked ID/phone keep the recorded number, clear_phone removes the phone: the service's rule.
        data = dict(self.input(PersonUpdateSerializer, instance=person, partial=partial))
        person = services.person_update(actor=request.user, person=person, **data)
        return self.output(person, serializer_class=PersonSerializer)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(request=RevealSerializer, responses=RevealResultSerializer,
                   description=_("The clear value of one protected field. Only organization-department "
                                 "administrators may; every reveal (and every refusal) is audited."))
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        person = self.get_object()
        field = self.input(RevealSerializer)["field"]
        value = services.person_reveal(actor=request.user, person=person, field=field)
        response = Response({"field": field, "value": value})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=TransferInputSerializer, responses={201: TransferSerializer},
                   description=_("Membership transfer to any active organization of the platform (`to_org`): "
                                 "inside your scope it completes at once (status completed), otherwise it awaits "
                                 "the receiving side (status pending). Out of the platform (`to_org_name`, "
                                 "`dues_paid_until`): the person is transferred out at once and the letter is "
                                 "numbered. Posts in the old organization end when the person moves."))
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        person = self.get_object()
        self.require_write()
        data = dict(self.input(TransferInputSerializer))
        if "to_org" in data:
            to_org = transfer_selectors.directory_org(data.pop("to_org"))
            transfer = services.person_transfer(actor=request.user, person=person, to_org=to_org,
                                                transferred_on=data["transferred_on"], reason=data["reason"])
        else:
            transfer = services.person_transfer_out(actor=request.user, person=person, **data)
        return self.output(transfer, status.HTTP_201_CREATED, TransferSerializer)


@extend_schema(tags=["transfers"])
@extend_schema_view(list=extend_schema(
    summary=_("Transfers issued by or sent to your scope"),
    parameters=[OpenApiParameter("status", enum=Transfer.Status.values),
                OpenApiParameter("direction", enum=["in", "out"])],
))
class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    """Both sides see a transfer: the sender (from_org in scope) and the receiving side (to_org in scope). Only
    the receiving side may accept or return a pending transfer, only the sender withdraw it or print its letter;
    the other side gets 404 there, as anyone outside both scopes does everywhere."""

    serializer_class = TransferSerializer
    write_capability = Transfer.edit_capability

    def base_queryset(self):
        return Transfer.objects.select_related("person", "from_org", "org")

    def get_queryset(self):
        queryset = super().get_queryset().order_by("-created_at", "-id")
        if self.action == "list":
            params = self.request.query_params
            if params.get("status") in Transfer.Status.values:
                queryset = queryset.filter(status=params["status"])
            direction = params.get("direction")
            if direction == "in":
                queryset = queryset & Transfer.objects.incoming_for(self.request.user)
            elif direction == "out":
                queryset = queryset & Transfer.objects.outgoing_for(self.request.user)
        return queryset

    @extend_schema(request=None, responses=TransferSerializer,
                   description=_("The receiving side accepts a pending transfer: the person moves here."))
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        transfer = self.get_object()
        return self.output(services.transfer_accept(actor=request.user, transfer=transfer))

    @extend_schema(request=TransferReturnSerializer, responses=TransferSerializer,
                   description=_("The receiving side returns a pending transfer with a reason; nothing moves."))
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        transfer = self.get_object()
        if not transfer_selectors.is_incoming(request.user, transfer):  # the sender: 404 before the input
            raise Http404
        self.require_write()
        reason = self.input(TransferReturnSerializer)["reason"]
        return self.output(services.transfer_return(actor=request.user, transfer=transfer, reason=reason))

    @extend_schema(request=None, responses=TransferSerializer,
                   description=_("The sender withdraws a pending transfer (recorded as returned, reason 撤回)."))
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        transfer = self.get_object()
        return self.output(services.transfer_withdraw(actor=request.user, transfer=transfer))

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   description=_("The 介绍信 of a transfer out of the platform, as a PDF (sending side only)."))
    @action(detail=True, methods=["get"])
    def letter(self, request, pk=None):
        transfer = self.get_object()
        return letter_response(services.transfer_letter(actor=request.user, transfer=transfer))


@extend_schema(tags=["transfers"], parameters=[OpenApiParameter("q", required=True, description=_(
    "At least two characters of a name, its pinyin or initials, or an exact code."))],
    responses=OrgDirectorySerializer(many=True))
class OrgDirectoryViewSet(viewsets.ViewSet):
    """The destination picker of a transfer: active organizations of the whole platform by name — only their
    names and their upper organizations' names, never people or counts; at most 20."""

    def list(self, request):
        if not request.user.has_capability(Person.edit_capability):
            raise exceptions.PermissionDenied
        text = request.query_params.get("q", "").strip()
        if len(text) < transfer_selectors.DIRECTORY_MIN_LENGTH:
            raise serializers.ValidationError({"q": [_("Type at least two characters.")]})
        orgs = transfer_selectors.org_directory(text)
        return Response(OrgDirectorySerializer(orgs, many=True).data)


@extend_schema(tags=["positions"])
@extend_schema_view(
    create=extend_schema(request=PositionCreateSerializer, responses={201: PositionSerializer}),
)
class PositionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = PositionSerializer
    filterset_class = PositionFilter
    write_capability = Person.edit_capability

    def base_queryset(self):
        return Position.objects.select_related("person", "org")

    def create(self, request):
        self.require_write()
        data = dict(self.input(PositionCreateSerializer))
        person = self.visible(Person, data.pop("person"))
        org = self.visible(Org, data.pop("org"))
        position = services.position_appoint(actor=request.user, person=person, org=org, **data)
        return self.output(position, status.HTTP_201_CREATED)

    @extend_schema(request=PositionEndSerializer, responses=PositionSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        position = self.get_object()
        self.require_write()
        data = self.input(PositionEndSerializer)
        return self.output(services.position_end(actor=request.user, position=position, end_date=data["end_date"],
                                                 reason=data["reason"]))


def register(router):
    router.register("orgs", OrgViewSet, basename="org")
    router.register("people", PersonViewSet, basename="person")
    router.register("positions", PositionViewSet, basename="position")
    router.register("transfers", TransferViewSet, basename="transfer")
    router.register("org-directory", OrgDirectoryViewSet, basename="org-directory")
