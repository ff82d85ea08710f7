"""REST API of accounts: token login and logout, the caller (/api/v1/me/) and user administration (/api/v1/users/).

Token login runs Django's authenticate() on the underlying HttpRequest, so django-axes counts every failure and
locks the username exactly as on the login page; a wrong password, an unknown user and a disabled account all get
the same 400 answer, a locked username (existing or not) the lockout message with the time to retry. Success
sends `user_logged_in` (audit "auth.login", axes reset) and rotates the token (services.token_issue). User
administration is for system administrators inside their scope and goes through accounts.services, which enforce
the role-rank and 三员分立 rules.
"""

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from dangjian.core.api import ScopedAPIViewSet
from dangjian.core.drf import capability_required
from dangjian.core.middleware import client_ip
from dangjian.core.validators import normalize_id_number, validate_id_number
from dangjian.orgs.api import OrgRefSerializer
from dangjian.orgs.models import Org

from . import otp, selectors, services, throttle
from .filters import UserFilter
from .lockout import is_locked_out, lockout_message, login_failed_message
from .models import User
from .roles import Role, granted

# --- authentication ----------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(max_length=10, required=False, allow_blank=True,
                                help_text=_("The current code of the account's authenticator app: required when the "
                                            "account has a second factor."))


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_('Send it as the header "Authorization: Token <token>".'))
    otp_enrolment_required = serializers.BooleanField(
        help_text=_("The account must enrol a second factor first: until then the token only reaches "
                    "/api/v1/auth/otp/ (GET, then confirm)."))


class TokenRateThrottle(ScopedRateThrottle):
    """The "token" rate per client address, taken as the audit log takes it (core.middleware.client_ip):
    DRF's default would trust any X-Forwarded-For header, so a client could pick a fresh address per request."""

    def get_ident(self, request):
        return client_ip(request._request)


@extend_schema(tags=["auth"])
class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (the previous token of the account stops working)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer, auth=[],
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("Wrong credentials or disabled account: one same message. After too "
                                               "many failures the username is locked for a while, whether such "
                                               "an account exists or not, and the message says until when. An "
                                               "account with a second factor answers 400 on the field `otp` when "
                                               "the code is missing or wrong (counted like a wrong password).")),
            429: OpenApiResponse(description=_("Too many requests, or too many failed logins from the client's "
                                               "address (login page and API together): retry later.")),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if throttle.is_throttled(request._request):  # password spraying from this address: no password check
            raise Throttled(wait=settings.LOGIN_IP_FAILURE_WINDOW.total_seconds(),
                            detail=throttle.refuse(request._request, serializer.validated_data["username"]))
        # On the HttpRequest: django-axes reads and flags it (a lockout is answered here, with when to retry).
        user = authenticate(request=request._request, **serializer.validated_data)
        if user is None:
            message = (lockout_message(serializer.validated_data["username"]) if is_locked_out(request._request)
                       else login_failed_message())
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})
        if user.otp_enrolled:
            self._check_code(request, user, serializer.validated_data.get("otp", ""))
        with transaction.atomic():
            user_logged_in.send(sender=user.__class__, request=request._request, user=user)
            token = services.token_issue(user=user)
        return Response({"token": token.key, "otp_enrolment_required": otp.must_enrol(user)})

    @staticmethod
    def _check_code(request, user, code):
        """The second factor after a right password: a missing or wrong code is a failed login (accounts.otp)."""
        device = otp.confirmed_device(user)
        locked = otp.locked_message(user, device)
        if locked:
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [locked]})
        if not (code or "").strip():
            otp.count_failure(request._request, user)
            raise ValidationError({"otp": [otp.locked_message(user) or otp.missing_code_message()]})
        if device is None or not otp.check_code(request._request, user, device, code):
            raise ValidationError({"otp": [otp.locked_message(user) or otp.wrong_code_message()]})
        otp.audit_verified(user)


@extend_schema(tags=["auth"])
class LogoutView(APIView):
    """Delete the caller's token (and end the session when called with one)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        user = request.user
        services.token_revoke(user=user)
        if isinstance(request.successful_authenticator, SessionAuthentication):
            logout(request._request)  # sends user_logged_out itself
        else:
            user_logged_out.send(sender=user.__class__, request=request._request, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- second factor enrolment ------------------------------------------------------------------------------------


class OtpEnrolmentSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField(help_text=_("Whether the account already has a confirmed second factor."))
    otpauth_uri = serializers.CharField(
        allow_null=True, help_text=_("otpauth:// URI of the pending device (its key included), for an authenticator "
                                     "app; null once a second factor is confirmed."))
    secret = serializers.CharField(allow_null=True, help_text=_("The same key in base32, for typing by hand."))


class OtpCodeSerializer(serializers.Serializer):
    otp = serializers.CharField(max_length=10, help_text=_("The code the authenticator app shows now."))


@extend_schema(tags=["auth"])
class OtpEnrolmentView(APIView):
    """Enrol a second factor: GET creates the account's pending device (once) and answers its otpauth URI; the
    key is never shown again once confirmed (POST confirm/)."""

    @extend_schema(responses=OtpEnrolmentSerializer)
    def get(self, request):
        user = request.user
        device = otp.enrolment_device(user)
        if device is None:
            return Response({"confirmed": True, "otpauth_uri": None, "secret": None})
        return Response({"confirmed": False, "otpauth_uri": device.config_url,
                         "secret": otp.secret_text(device).replace(" ", "")})


@extend_schema(tags=["auth"])
class OtpConfirmView(APIView):
    """Confirm the pending device with its first code. A wrong code is counted like a wrong password."""

    throttle_classes = [TokenRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=OtpCodeSerializer, responses={
        200: OtpEnrolmentSerializer,
        400: OpenApiResponse(description=_("Wrong or expired code, already enrolled, or the account is locked.")),
    })
    def post(self, request):
        data = OtpCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        otp.otp_confirm(request=request._request, user=request.user, code=data.validated_data["otp"])
        return Response({"confirmed": True, "otpauth_uri": None, "secret": None})


# --- the caller ----------------------------------------------------------------------------------------------


class MeSerializer(serializers.ModelSerializer):
    org = OrgRefSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    capabilities = serializers.SerializerMethodField(help_text=_("What the role may do, inside the organization."))

    class Meta:
        model = User
        fields = ["id", "username", "name", "org", "role", "role_display", "capabilities", "last_login",
                  "password_changed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_capabilities(self, user):
        return granted(user.role) if user.is_active else []


@extend_schema(tags=["auth"])
class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = User.objects.select_related("org").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


# --- user administration ------------------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    org = OrgRefSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    pending_role = serializers.SerializerMethodField(help_text=_(
        "A role that reveals personal data, requested and waiting for the security administrator's approval "
        "(null when none); until then the account keeps `role`."))

    class Meta:
        model = User
        fields = ["id", "username", "name", "org", "role", "role_display", "pending_role", "person", "is_active",
                  "must_change_password", "otp_enrolled", "date_joined", "last_login", "password_changed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))  # a value of `role` (one enum, one name)
    def get_pending_role(self, user):
        if hasattr(user, "pending_role"):  # annotated by selectors.users_for (lists: no query per row)
            return user.pending_role
        grant = selectors.pending_grant(user)
        return grant.role if grant else None


_ID_NUMBER_HELP = _("Optional: the ID number of this person's member record in the organization or below; the "
                    "record is found without showing any member data.")


class UserUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    org = serializers.IntegerField(help_text=_("Id of the organization (404 if outside your scope)."))
    role = serializers.ChoiceField(choices=Role.choices)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18, write_only=True,
                                      help_text=_ID_NUMBER_HELP)
    unlink_person = serializers.BooleanField(required=False, default=False, write_only=True,
                                             help_text=_("Remove the link to the member record."))

    def validate_id_number(self, value):
        value = normalize_id_number(value)
        if value:
            validate_id_number(value)
        return value


class UserCreateSerializer(UserUpdateSerializer):
    username = serializers.CharField(max_length=150, help_text=_("Lower-case letters, digits, dots, hyphens or "
                                                                 "underscores; it cannot be changed later."))
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"},
                                     help_text=_("Temporary password: it must be changed at first login."))
    unlink_person = None  # removes the inherited field


class PasswordResetSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"},
                                     help_text=_("Temporary password: it must be changed at next login."))


@extend_schema_view(
    create=extend_schema(request=UserCreateSerializer, responses={201: UserSerializer}),
    update=extend_schema(request=UserUpdateSerializer, responses=UserSerializer),
    partial_update=extend_schema(request=UserUpdateSerializer, responses=UserSerializer),
)
@extend_schema(tags=["users"])
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    """Accounts in the caller's scope: system administrators only (capability user.manage; every other role
    gets 403, as on the pages). The rules are accounts.services' (see its docstring)."""

    permission_classes = [capability_required(User.edit_capability)]
    serializer_class = UserSerializer
    filterset_class = UserFilter
    write_capability = User.edit_capability

    def get_queryset(self):
        return selectors.users_for(self.request.user)

    def _member(self, org, id_number):
        """The member record an ID number designates inside `org`'s subtree, as the account form finds it."""
        person = selectors.member_by_id_number(org, id_number)
        if person is None:
            raise ValidationError({"id_number": [_("No member record with this ID number belongs to the chosen "
                                                   "organization or its sub-organizations.")]})
        return person

    def create(self, request):
        self.require_write()
        data = self.input(UserCreateSerializer)
        org = self.visible(Org, data["org"])
        person = self._member(org, data["id_number"]) if data.get("id_number") else None
        account = services.user_create(
            actor=request.user, username=data["username"], name=data["name"], org=org, role=data["role"],
            password=data["password"], person=person,
        )
        return self.output(account, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        account = self.get_object()
        self.require_write()
        if account.pk != request.user.pk and not services.can_manage(request.user, account):
            raise PermissionDenied
        data = self.input(UserUpdateSerializer, partial=partial)
        fields = {name: data[name] for name in ("name", "role") if name in data}
        if "org" in data:
            fields["org"] = self.visible(Org, data["org"]) if data["org"] != account.org_id else account.org
        if data.get("id_number"):
            fields["person"] = self._member(fields.get("org", account.org), data["id_number"])
        elif data.get("unlink_person"):
            fields["person"] = None
        return self.output(services.user_update(actor=request.user, user=account, **fields))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(request=PasswordResetSerializer, responses=UserSerializer,
                   description=_("Set a temporary password; the account must change it at next login and its "
                                 "sessions and API tokens end."))
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        account = self.get_object()
        self.require_write()
        password = self.input(PasswordResetSerializer)["password"]
        return self.output(services.user_reset_password(actor=request.user, user=account, password=password))

    @extend_schema(request=None, responses=UserSerializer,
                   description=_("Disable the account: its sessions and API tokens end at once."))
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        account = self.get_object()
        self.require_write()
        return self.output(services.user_disable(actor=request.user, user=account))

    @extend_schema(request=None, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        account = self.get_object()
        self.require_write()
        return self.output(services.user_enable(actor=request.user, user=account))


api_urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("auth/otp/", OtpEnrolmentView.as_view(), name="api-otp"),
    path("auth/otp/confirm/", OtpConfirmView.as_view(), name="api-otp-confirm"),
    path("me/", MeView.as_view(), name="api-me"),
]


def register(router):
    router.register("users", UserViewSet, basename="user")
