"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.models import ModelChoiceIterator
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings
from django_filters.constants import EMPTY_VALUES


class StyledFormMixin:
    """Give every widget its Tabler/Bootstrap class, so templates render fields with one include, and every
    drop-down the empty choice "Please select" (Django's is "---------"; a filter form says "All" instead)."""

    #: The label of a drop-down's empty choice; None leaves the field's own (FilterForm sets its own).
    empty_choice_label = _("Please select")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if self.empty_choice_label is not None:
                _label_empty_choice(field, self.empty_choice_label)
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
                _cache_rendering(widget)
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def __getitem__(self, name):
        # Again when a field is rendered: a form may set a field's choices after __init__.
        if self.empty_choice_label is not None and name in self.fields:
            _label_empty_choice(self.fields[name], self.empty_choice_label)
        return super().__getitem__(name)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


# --- drop-downs rendered once -------------------------------------------------------------------------------
# Django renders a <select> through a template include per option: the people list's filter form (56 ethnicities,
# statuses, education…) took 40 % of the page's CPU (issue 11). A drop-down with fixed choices renders to the same
# HTML for the same name, value, attributes, choices and language: kept here (bounded).
_RENDERED = {}
RENDERED_MAX = 2000


def _fixed_choices(choices):
    """Choices that need no query to list (the cache key holds all of them): not a queryset's."""
    return choices is not None and not isinstance(choices, ModelChoiceIterator)


def _cache_rendering(widget):
    if not isinstance(widget, _CachedRender):
        widget.__class__ = _cached_class(type(widget))


class _CachedRender:
    def render(self, name, value, attrs=None, renderer=None):
        choices = self.choices
        if not _fixed_choices(choices):  # a queryset's choices: rendered as usual
            return super().render(name, value, attrs, renderer)
        key = (type(self), self.template_name, name, make_hashable(self.format_value(value)),
               make_hashable(self.build_attrs(self.attrs, attrs)), get_language(), id(renderer),
               tuple(_choice_key(choice) for choice in choices))
        html = _RENDERED.get(key)
        if html is None:
            if len(_RENDERED) >= RENDERED_MAX:
                _RENDERED.clear()
            html = _RENDERED[key] = super().render(name, value, attrs, renderer)
        return html


def _choice_key(choice):
    value, label = choice
    if isinstance(label, (list, tuple)):  # an option group
        return (make_hashable(value), tuple(_choice_key(c) for c in label))
    return (make_hashable(value), str(label))


_CLASSES = {}


def _cached_class(cls):
    if cls not in _CLASSES:
        _CLASSES[cls] = type(cls.__name__, (_CachedRender, cls), {"__module__": cls.__module__})
    return _CLASSES[cls]


def _label_empty_choice(field, label):
    """Replace Django's "---------" (a model choice's empty_label, a blank choice of a model field with
    choices) by `label`; an empty choice with a label of its own ("All roles") is kept."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == BLANK_CHOICE_DASH[0][1]:
            field.empty_label = label
        return
    if not isinstance(field, forms.ChoiceField):
        return
    choices = list(field.choices)
    if any(value == "" and text == BLANK_CHOICE_DASH[0][1] for value, text in choices):
        field.choices = [(value, label if value == "" and text == BLANK_CHOICE_DASH[0][1] else text)
                         for value, text in choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FilterForm(StyledFormMixin, forms.Form):
    """The form class of every FilterSet (`Meta.form`): Tabler classes, and "All" as the empty choice of every
    drop-down that has none of its own (django-filter's default is "---------")."""

    empty_choice_label = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A model choice (an organization) is never a drop-down: a prefecture has 15,000 of them.
            if not hasattr(field, "choices") or isinstance(field, forms.ModelChoiceField):
                continue
            own = getattr(field, "empty_label", None)
            label = own if own and own != filter_settings.EMPTY_CHOICE_LABEL else _("All")
            if hasattr(field, "empty_label"):
                field.empty_label = None  # django-filter would put its own in front again
            field.choices = [("", label), *((v, text) for v, text in field.choices if v not in EMPTY_VALUES)]


def add_service_errors(form, exc, field_map=None):
    """Show a service's ValidationError on the form: under the form's field of that name (after `field_map`,
    {service field: form field}), or at the top for a field the form does not have."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    field_map = field_map or {}
    for field, errors in exc.error_dict.items():
        name = field_map.get(field, field)
        form.add_error(name if name != NON_FIELD_ERRORS and name in form.fields else None, errors)
