"""Choice labels looked up in a dict per field and language, not rebuilt on every `get_FOO_display()` call.

Django's `get_FOO_display()` rebuilds the field's choices and translates every label on each call: about 80
translations for one row of the people list, 15 ms of its 45 ms CPU, and 80 % of an export's time (issue 11).
A model that mixes in `ChoiceLabels` (before models.Model) answers the same labels from `labels(field)`, built
once per field and language; exports read the same dicts (core.tabular.choice_labels).
"""

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_LABELS = {}


def labels(field):
    """{stored value: translated label} of a choice field, in the active language (cached per process)."""
    key = (field, get_language())
    found = _LABELS.get(key)
    if found is None:
        found = _LABELS[key] = {make_hashable(value): str(label) for value, label in field.flatchoices}
    return found


class ChoiceLabels:
    """Model mixin: `get_FOO_display()` from `labels(field)`."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(labels(field).get(make_hashable(value), value), strings_only=True)
