import json

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
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

from . import selectors, services
from .capabilities import SECURITY_MANAGE, USER_MANAGE
from .filters import AuditEntryFilter, UserFilter
from .forms import (
    LoginForm,
    PasswordResetByAdminForm,
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
    return render(request, "accounts/profile.html", {"account": request.user})


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
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


def _account(request, pk):
    return get_visible_or_404(selectors.users_for(request.user), pk=pk)


@capability_required(USER_MANAGE)
def user_detail(request, pk):
    account = _account(request, pk)
    person_name = Person.objects.filter(pk=account.person_id).values_list("name", flat=True).first()
    return render(request, "accounts/user_detail.html", {
        "account": account, "person_name": person_name, "is_self": account.pk == request.user.pk,
        "can_manage": services.can_manage(request.user, account),
    })


@capability_required(USER_MANAGE)
def user_update(request, pk):
    account = _account(request, pk)
    if account.pk != request.user.pk and not services.can_manage(request.user, account):
        raise PermissionDenied
    form = UserUpdateForm(request.POST or None, actor=request.user, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=account, **form.changes())
        except ValidationError as exc:
            add_service_errors(form, exc, form.service_errors)
        else:
            messages.success(request, _("The account was saved."))
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
        "now": timezone.now(), "roles": Role.choices, "role_table": permissions.role_table(),
    })


@require_POST
@capability_required(SECURITY_MANAGE)
def account_unlock(request):
    username = request.POST.get("username", "")
    perform_action(request, services.account_unlock,
                   _("The account %(username)s was unlocked.") % {"username": username}, username=username)
    return redirect("accounts:security")


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
