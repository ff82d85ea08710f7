"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings
from django_filters.constants import EMPTY_VALUES


class StyledFormMixin:
    """Give every widget its Tabler/Bootstrap class, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FilterForm(StyledFormMixin, forms.Form):
    """The form class of every FilterSet (`Meta.form`): Tabler classes, and "All" as the empty choice of every
    drop-down that has none of its own (django-filter's default is "---------")."""

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
