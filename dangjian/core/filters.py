"""Bounded filters for every FilterSet (security review, finding 7): a number or a date out of range is refused
by the filter form with the field's message (Django's own, translated) instead of reaching the database or
Python's date arithmetic and ending in a server error.

- `IdFilter`: an object id, a whole number from 1 to 2**53 (JavaScript's safe integers; ids never pass it).
- `AgeFilter`: a whole number of years, 0 to 150.
- `YearFilter`: a calendar year, 1900 to 2100.
- `DateFilter`: a day between 1900-01-01 and 2100-12-31.
- `FilterSet`: a bound FilterSet whose form is invalid selects nothing (pages show the error under the field and
  an empty list); the API's filter backend answers 400 with the field messages (django-filter's DRF backend raises
  ValidationError when `is_valid()` is false).
"""

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

MAX_ID = 2**53
MIN_AGE, MAX_AGE = 0, 150
MIN_YEAR, MAX_YEAR = 1900, 2100
MIN_DATE, MAX_DATE = datetime.date(MIN_YEAR, 1, 1), datetime.date(MAX_YEAR, 12, 31)


class _IntegerFilter(django_filters.NumberFilter):
    """A NumberFilter on a whole number between `min_value` and `max_value` (the class defaults unless given)."""

    field_class = forms.IntegerField
    min_value = max_value = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", self.min_value)
        kwargs.setdefault("max_value", self.max_value)
        super().__init__(*args, **kwargs)


class IdFilter(_IntegerFilter):
    min_value, max_value = 1, MAX_ID


class AgeFilter(_IntegerFilter):
    min_value, max_value = MIN_AGE, MAX_AGE


class YearFilter(_IntegerFilter):
    min_value, max_value = MIN_YEAR, MAX_YEAR


class DateFilter(django_filters.DateFilter):
    """A DateFilter refusing days before 1900 or after 2100 (9999-12-31 plus one day overflows)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [MinValueValidator(MIN_DATE), MaxValueValidator(MAX_DATE)])
        super().__init__(*args, **kwargs)


class FilterSet(django_filters.FilterSet):
    """The base of every FilterSet: invalid input selects nothing rather than being silently ignored."""

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            if self.is_bound and not self.is_valid():
                self._qs = self.queryset.none()
            else:
                return super().qs
        return self._qs
