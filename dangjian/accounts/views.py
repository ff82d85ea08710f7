import json
from urllib.parse import quote

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from dangjian.core import permissions, tabular
from dangjian.core.audit import action_label
from dangjian.core.forms import add_service_errors
from dangjian.core.lists import paginate
from dangjian.core.permissions import AUDIT_VIEW
from dangjian.core.scoping import get_visible_or_404
from dangjian.core.views import capability_required, perform_action, require_capability
from dangjian.orgs.models import Person

from . import grants, otp, selectors, services
from .capabilities import SECURITY_MANAGE, USER_MANAGE
from .filters import AuditEntryFilter, UserFilter
from .forms import (
    LoginForm,
    OtpCodeForm,
    PasswordResetByAdminForm,
    ReasonForm,
    StyledPasswordChangeForm,
    UserCreateForm,
    UserUpdateForm,
)
from .roles import Role

AUDIT_EXPORT_LIMIT = 100_000


# --- login and own account ----------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login: authenticate() runs through django-axes (lockout), login() rotates the session key,
    and `next` is followed only when it points into this site."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        """An account with a second factor is not signed in yet: the code page finishes the login (no session,
        no audit "auth.login" and no reset of the failure count before the code is right)."""
        user = form.get_user()
        if not user.otp_enrolled:
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN_KEY] = {
            "user": user.pk, "backend": user.backend, "at": timezone.now().timestamp(),
        }
        return redirect(f"{reverse('accounts:otp_verify')}?next={quote(self.get_redirect_url() or '')}")


# Session key of a login whose password was right and whose code is still due (LoginView → otp_verify).
PENDING_LOGIN_KEY = "dangjian_otp_pending"


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def _pending_login(request):
    """The account whose password was just right, while its code is due (OTP_LOGIN_TIMEOUT), else None."""
    from .models import User

    pending = request.session.get(PENDING_LOGIN_KEY)
    if not isinstance(pending, dict):
        return None
    age = timezone.now().timestamp() - float(pending.get("at") or 0)
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or not 0 <= age <= settings.OTP_LOGIN_TIMEOUT.total_seconds():
        request.session.pop(PENDING_LOGIN_KEY, None)
        return None
    user.backend = pending.get("backend")
    return user


def otp_verify(request):
    """The code step of a login (after the password), or of a signed-in session that has not given it."""
    signed_in = request.user.is_authenticated
    user = request.user if signed_in else _pending_login(request)
    if user is None:
        return redirect("accounts:login")
    if signed_in and (request.user.is_verified() or not user.otp_enrolled):
        return redirect(_safe_next(request))
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.confirmed_device(user)
        locked = otp.locked_message(user, device)
        if locked:
            form.add_error("otp", locked)
        elif device is not None and otp.check_code(request, user, device, form.cleaned_data["otp"]):
            otp.audit_verified(user)
            if signed_in:
                django_otp.login(request, device)
            else:
                request.session.pop(PENDING_LOGIN_KEY, None)
                user.otp_device = device  # django-otp's user_logged_in receiver keeps it in the new session
                auth_login(request, user, backend=user.backend)
            return redirect(_safe_next(request))
        else:
            form.add_error("otp", otp.locked_message(user) or otp.wrong_code_message())
    return render(request, "accounts/otp_verify.html", {
        "form": form, "account": user, "next": request.POST.get("next") or request.GET.get("next", ""),
    })


@login_required
def otp_enrol(request):
    """Enrolment: the QR code and the key in text, confirmed with the first code."""
    user = request.user
    if user.otp_enrolled:
        messages.info(request, _("A second factor is already enrolled for your account."))
        return redirect("accounts:profile")
    device = otp.enrolment_device(user)
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = otp.otp_confirm(request=request, user=user, code=form.cleaned_data["otp"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            django_otp.login(request, device)
            messages.success(request, _("Your second factor is enrolled. From now on you give a code at every "
                                        "login."))
            return redirect(_safe_next(request))
    return render(request, "accounts/otp_enrol.html", {
        "form": form, "qr_svg": otp.qr_svg(device), "secret": otp.secret_text(device),
        "required": otp.must_enrol(user), "next": request.POST.get("next") or request.GET.get("next", ""),
    })


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def password_change(request):
    form = StyledPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            add_service_errors(form, exc, {"__all__": "new_password1"})
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {
        "account": request.user, "pending_grant": selectors.pending_grant(request.user),
        "requires_second_factor": otp.requires_second_factor(request.user),
    })


# --- user management (system administrator) ------------------------------------------------------------------


@capability_required(USER_MANAGE)
def user_list(request):
    filterset = UserFilter(request.GET, queryset=selectors.users_for(request.user))
    return render(request, "accounts/user_list.html", {"filter": filterset, "page": paginate(request, filterset.qs)})


@tabular.exporter
def user_exporter(user, params):
    """The account list's export for `user` and the list's query parameters (also run by a job)."""
    require_capability(user, USER_MANAGE)
    filterset = UserFilter(params, queryset=selectors.users_for(user))
    headers = [_("Username"), _("Full name"), _("Organization"), _("Role"), _("Status"),
               _("Must change password"), _("Last login"), _("Created at")]
    return tabular.Export(queryset=filterset.qs, headers=headers, rows=_user_rows, title=_("Users"),
                          filename=_("users"), action="user.export", object_type="accounts.user")


def _user_rows(queryset):
    yes, no, active, disabled = _("Yes"), _("No"), _("Active"), pgettext("account", "Disabled")
    for u in queryset.iterator(chunk_size=2000):
        yield [u.username, u.name, u.org.name, u.get_role_display(), active if u.is_active else disabled,
               yes if u.must_change_password else no, u.last_login, u.date_joined]


@capability_required(USER_MANAGE)
def user_export(request):
    return tabular.export_list(request, user_exporter)


@capability_required(USER_MANAGE)
def user_create(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.user_create(
                actor=request.user, username=data["username"], name=data["name"], org=data["org"],
                role=data["role"], password=data["password1"], person=data["person"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, form.service_errors)
        else:
            messages.success(request, _("The account %(username)s was created. Its password must be changed at "
                                        "first login.") % {"username": account.username})
            _say_pending(request, account)
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


def _account(request, pk):
    return get_visible_or_404(selectors.users_for(request.user), pk=pk)


def _say_pending(request, account):
    grant = selectors.pending_grant(account)
    if grant is not None:
        messages.warning(request, _("The role “%(role)s” reveals personal data: it is given once the security "
                                    "administrator approves the request.") % {"role": grant.get_role_display()})


@capability_required(USER_MANAGE)
def user_detail(request, pk):
    account = _account(request, pk)
    person_name = Person.objects.filter(pk=account.person_id).values_list("name", flat=True).first()
    return render(request, "accounts/user_detail.html", {
        "account": account, "person_name": person_name, "is_self": account.pk == request.user.pk,
        "can_manage": services.can_manage(request.user, account),
        "pending_grant": selectors.pending_grant(account),
    })


@capability_required(USER_MANAGE)
def user_update(request, pk):
    account = _account(request, pk)
    if account.pk != request.user.pk and not services.can_manage(request.user, account):
        raise PermissionDenied
    form = UserUpdateForm(request.POST or None, actor=request.user, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.user_update(actor=request.user, user=account, **form.changes())
        except ValidationError as exc:
            add_service_errors(form, exc, form.service_errors)
        else:
            messages.success(request, _("The account was saved."))
            _say_pending(request, account)
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": account})


@capability_required(USER_MANAGE)
def user_reset_password(request, pk):
    account = _account(request, pk)
    if account.pk == request.user.pk:
        return redirect("accounts:password_change")
    if not services.can_manage(request.user, account):
        raise PermissionDenied
    form = PasswordResetByAdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reset_password(actor=request.user, user=account, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            add_service_errors(form, exc, form.service_errors)
        else:
            messages.success(request, _("The password was reset. The account must change it at next login; "
                                        "its open sessions have ended."))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_reset_password.html", {"form": form, "account": account})


@require_POST
@capability_required(USER_MANAGE)
def user_disable(request, pk):
    account = _account(request, pk)
    perform_action(request, services.user_disable, _("The account was disabled; its sessions have ended."),
                   user=account)
    return redirect("accounts:user_detail", pk=account.pk)


@require_POST
@capability_required(USER_MANAGE)
def user_enable(request, pk):
    account = _account(request, pk)
    perform_action(request, services.user_enable, _("The account was enabled."), user=account)
    return redirect("accounts:user_detail", pk=account.pk)


# --- security administrator ----------------------------------------------------------------------------------


@capability_required(SECURITY_MANAGE)
def security(request):
    return render(request, "accounts/security.html", {
        "policy": selectors.password_policy(), "locked": selectors.locked_accounts(request.user),
        "probe_flags": selectors.id_probe_flags(request.user),
        "pending_grants": selectors.pending_grants(request.user),
        "second_factor_accounts": selectors.second_factor_accounts(request.user),
        "otp_required": settings.OTP_REQUIRED,
        "now": timezone.now(), "roles": Role.choices, "role_table": permissions.role_table(),
    })


@require_POST
@capability_required(SECURITY_MANAGE)
def account_unlock(request):
    username = request.POST.get("username", "")
    perform_action(request, services.account_unlock,
                   _("The account %(username)s was unlocked.") % {"username": username}, username=username)
    return redirect("accounts:security")


@require_POST
@capability_required(SECURITY_MANAGE)
def grant_approve(request, pk):
    grant = get_visible_or_404(selectors.grants_for(request.user), pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        grant, password = grants.grant_approve(actor=request.user, grant=grant,
                                               reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('accounts:security')}#role-grants")
    return _temporary_password_page(request, grant.user, password, _("The role was given."))


def _temporary_password_page(request, account, password, done):
    response = render(request, "accounts/temporary_password.html", {
        "account": account, "password": password, "done": done})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@capability_required(SECURITY_MANAGE)
def security_password_reset(request, pk):
    account = get_object_or_404(selectors.security_scope_users(request.user), pk=pk)
    try:
        password = grants.security_password_reset(actor=request.user, user=account)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('accounts:security')}#second-factor")
    return _temporary_password_page(request, account, password, _("The password was reset."))


@require_POST
@capability_required(SECURITY_MANAGE)
def grant_reject(request, pk):
    grant = get_visible_or_404(selectors.grants_for(request.user), pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    perform_action(request, grants.grant_reject, _("The request was rejected."), grant=grant,
                   reason=form.cleaned_data.get("reason", ""))
    return redirect(f"{reverse('accounts:security')}#role-grants")


@require_POST
@capability_required(SECURITY_MANAGE)
def otp_reset(request, pk):
    account = get_object_or_404(selectors.security_scope_users(request.user), pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    perform_action(request, otp.otp_reset, _("The second factor of %(account)s was reset; the owner enrols again "
                                             "at next login.") % {"account": account},
                   user=account, reason=form.cleaned_data.get("reason", ""))
    return redirect(f"{reverse('accounts:security')}#second-factor")


# --- audit administrator -------------------------------------------------------------------------------------


@capability_required(AUDIT_VIEW)
def audit_list(request):
    filterset = AuditEntryFilter(request.GET, queryset=selectors.audit_entries(request.user))
    return render(request, "accounts/audit_list.html", {
        "filter": filterset, "page": paginate(request, filterset.qs), "action_labels": selectors.audit_action_labels(),
    })


@capability_required(AUDIT_VIEW)
def audit_detail(request, seq):
    entry = get_visible_or_404(selectors.audit_entries(request.user), seq=seq)
    changes = selectors.audit_changes(entry, request.user)
    return render(request, "accounts/audit_detail.html", {
        "entry": entry, "hash_ok": selectors.audit_entry_hash_ok(entry),
        "object": selectors.audit_object(entry, request.user), "changes": changes,
        "shown": [c for c in changes if not c.unchanged], "unchanged": [c for c in changes if c.unchanged],
        "before_json": _json(entry.before, indent=2), "after_json": _json(entry.after, indent=2),
    })


@tabular.exporter
def audit_exporter(user, params):
    """The audit log's export (at most AUDIT_EXPORT_LIMIT entries) for the audit administrator (also run by a job):
    labels for people (action, object type, outcome), each code in a column of its own for machines."""
    require_capability(user, AUDIT_VIEW)
    filterset = AuditEntryFilter(params, queryset=selectors.audit_entries(user))
    headers = [_("Sequence"), _("Time"), _("Actor"), _("IP address"), _("Request id"), _("Action"),
               _("Action code"), _("Object type"), _("Object type code"), _("Object id"), _("Object"), _("Outcome"),
               _("Outcome code"), pgettext("audit change", "Before"), pgettext("audit change", "After")]
    return tabular.Export(queryset=filterset.qs, headers=headers, rows=_audit_rows, title=_("Audit log"),
                          filename=_("audit-log"), action="audit.export", object_type="core.auditentry",
                          limit=AUDIT_EXPORT_LIMIT)


def _audit_rows(queryset):
    type_labels = {}

    def type_label(code):
        if code not in type_labels:
            type_labels[code] = str(selectors.object_type_label(code)) if code else ""
        return type_labels[code]

    for e in queryset.iterator(chunk_size=2000):
        yield [e.seq, e.at, e.actor_name, e.ip, e.request_id, str(action_label(e.action)), e.action,
               type_label(e.object_type), e.object_type, e.object_id, e.object_repr, e.get_outcome_display(),
               e.outcome, _json(e.before), _json(e.after)]


@capability_required(AUDIT_VIEW)
def audit_export(request):
    return tabular.export_list(request, audit_exporter)


def _json(value, indent=None):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent)
