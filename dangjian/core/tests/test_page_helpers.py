"""The page building blocks of core: capability_required, sorting and its headers, the FilterSet form class and
service errors on forms."""

import django_filters
import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from dangjian.accounts.capabilities import AUDIT_VIEW
from dangjian.accounts.models import User
from dangjian.core.forms import FilterForm, add_service_errors
from dangjian.core.lists import sort_headers, sort_queryset
from dangjian.core.views import capability_required


@capability_required(AUDIT_VIEW)
def _audit_page(request):
    return HttpResponse("ok")


def test_capability_required(users):
    request = RequestFactory().get("/somewhere/?x=1")
    request.user = AnonymousUser()
    response = _audit_page(request)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    request.user = users["sysadmin"]
    with pytest.raises(PermissionDenied):
        _audit_page(request)
    request.user = users["auditor"]
    assert _audit_page(request).content == b"ok"


def _names(queryset):
    return list(queryset.values_list("username", flat=True))


def test_sort_queryset(users):
    sorts = {"name": ("username",)}
    base = User.objects.filter(username__in=["auditor", "leader", "zhou"])
    assert _names(sort_queryset(base, "name", sorts)) == ["auditor", "leader", "zhou"]
    assert _names(sort_queryset(base, "-name", sorts)) == ["zhou", "leader", "auditor"]
    assert _names(sort_queryset(base, "bogus", sorts, default=("-username",))) == ["zhou", "leader", "auditor"]
    assert sort_queryset(base, "bogus", sorts) is base


def test_sort_headers_keep_the_filters_and_restart_at_page_one():
    request = RequestFactory().get("/list/", {"q": "巴东", "sort": "name", "page": "3"})
    headers = sort_headers(request, [("name", "Name"), ("code", "Code")])
    assert headers["name"] == {"label": "Name", "url": "?q=%E5%B7%B4%E4%B8%9C&sort=-name", "direction": "asc"}
    assert headers["code"]["url"].endswith("sort=code") and headers["code"]["direction"] == ""
    request = RequestFactory().get("/list/", {"sort": "-name"})
    assert sort_headers(request, [("name", "Name")])["name"]["direction"] == "desc"


class _Filter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=[("a", "A"), ("b", "B")])
    kind = django_filters.ChoiceFilter(choices=[("x", "X")], empty_label="Any kind")
    level = django_filters.TypedChoiceFilter(choices=[(1, "One")], coerce=int)

    class Meta:
        model = User
        fields = ["role", "kind", "level"]
        form = FilterForm


def test_filter_form_offers_all_as_the_empty_choice(db):
    with translation.override("zh-hans"):
        form = _Filter({}, queryset=User.objects.none()).form
        assert list(form.fields["role"].choices) == [("", "全部"), ("a", "A"), ("b", "B")]
        assert list(form.fields["kind"].choices) == [("", "Any kind"), ("x", "X")]
        assert list(form.fields["level"].choices) == [("", "全部"), (1, "One")]
        assert form.fields["role"].widget.attrs["class"] == "form-select"


class _Form(forms.Form):
    name = forms.CharField()
    password1 = forms.CharField()


def test_service_errors_land_on_the_form():
    form = _Form({"name": "x", "password1": "y"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"name": "taken", "password": "weak", "org": "closed"}),
                       {"password": "password1"})
    assert form.errors["name"] == ["taken"] and form.errors["password1"] == ["weak"]
    assert form.non_field_errors() == ["closed"]
    form = _Form({"name": "x", "password1": "y"})
    form.is_valid()
    add_service_errors(form, ValidationError("refused"))
    assert form.non_field_errors() == ["refused"]


def test_drop_downs_with_fixed_choices_render_once_per_value(monkeypatch):
    """core.forms: a <select> with fixed choices is rendered through the templates once per name, value,
    attributes, choices and language, then served from memory (issue 11: 40 % of the people list's CPU)."""
    from django import forms as django_forms

    from dangjian.core import forms as core_forms

    class Choose(core_forms.StyledFormMixin, django_forms.Form):
        colour = django_forms.ChoiceField(choices=[("r", "红"), ("g", "绿")])

    core_forms._RENDERED.clear()
    rendered = []
    original = django_forms.Select.render
    monkeypatch.setattr(django_forms.Select, "render",
                        lambda self, *a, **kw: rendered.append(1) or original(self, *a, **kw))
    first = str(Choose(initial={"colour": "g"})["colour"])
    again = str(Choose(initial={"colour": "g"})["colour"])
    other = str(Choose(initial={"colour": "r"})["colour"])
    assert first == again and len(rendered) == 2  # "g" once, "r" once
    assert 'value="g" selected' in first and 'value="r" selected' in other
    assert 'class="form-select"' in first
