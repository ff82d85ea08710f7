"""FilterSets of accounts and of the audit log, shared by the pages and the API."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangjian.core import filters as bounded
from dangjian.core.forms import FilterForm
from dangjian.core.models import AuditEntry

from . import selectors
from .models import User
from .roles import Role


class UserFilter(bounded.FilterSet):
    q = django_filters.CharFilter(label=_("Username or name"), method="filter_q")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, empty_label=_("All roles"))
    is_active = django_filters.ChoiceFilter(
        label=_("Status"), choices=[("true", _("Active")), ("false", pgettext_lazy("account", "Disabled"))],
        method="filter_active",
    )

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]
        form = FilterForm

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "true")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__startswith=value.lower()) | Q(name__contains=value))


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEntryFilter(bounded.FilterSet):
    """Every filter keeps to an indexed column or a cheap equality; the page state lives in the URL."""

    date_from = bounded.DateFilter(label=pgettext_lazy("date range", "From"), method="filter_date_from")
    date_to = bounded.DateFilter(label=pgettext_lazy("date range", "To"), method="filter_date_to")
    actor = django_filters.CharFilter(label=_("Actor (username)"), field_name="actor_name")
    # The page's action box: text matched against the registered labels (a <datalist> offers them), so
    # typing 登录 finds every action whose label contains it; the code prefix `action` stays for the API and URLs.
    action_label = django_filters.CharFilter(
        label=_("Action"), method="filter_action_label",
        widget=forms.TextInput(attrs={"list": "audit-action-labels", "autocomplete": "off",
                                      "placeholder": _("Type or choose")}),
    )
    action = django_filters.CharFilter(label=_("Action code (prefix)"), field_name="action",
                                       lookup_expr="startswith")
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=AuditEntry.Outcome.choices)
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    ip = django_filters.CharFilter(label=_("IP address"))
    # The server's request id, or the X-Request-ID the client sent (kept apart: client_request_id).
    request_id = django_filters.CharFilter(label=_("Request id"), method="filter_request_id")

    class Meta:
        model = AuditEntry
        fields = ["date_from", "date_to", "actor", "action_label", "outcome", "object_type", "object_id", "action",
                  "ip", "request_id"]
        form = FilterForm

    def filter_request_id(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(request_id=value) | Q(client_request_id=value)) if value else queryset

    def filter_action_label(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(action__in=selectors.audit_action_codes(value)) | Q(action__startswith=value))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))
