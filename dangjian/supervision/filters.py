"""One FilterSet per model, shared by the list pages and the API (bounded: core.filters)."""

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dangjian.core import filters as bounded
from dangjian.core.forms import FilterForm

from .models import Light, Source, SupervisedTask, TaskAssignment, light_q

OPEN, CLOSED = "open", "closed"


class TaskFilter(bounded.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="title", lookup_expr="contains")
    light = django_filters.ChoiceFilter(label=_("Status light"), choices=Light.choices, method="filter_light",
                                        help_text=_("The task's most urgent light among its open assignments."))
    state = django_filters.ChoiceFilter(label=_("Progress"), method="filter_state",
                                        choices=[(OPEN, _("Not all closed")), (CLOSED, _("All closed"))])
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices)
    year = bounded.YearFilter(label=_("Year issued"), field_name="issued_on", lookup_expr="year")

    class Meta:
        model = SupervisedTask
        fields = ["q", "light", "state", "source", "year"]
        form = FilterForm

    def filter_light(self, queryset, name, value):
        def having(light):
            return Exists(TaskAssignment.objects.filter(light_q(light), task=OuterRef("pk")))

        if value == Light.RED:
            return queryset.filter(having(Light.RED))
        if value == Light.YELLOW:
            return queryset.filter(having(Light.YELLOW) & ~having(Light.RED))
        return queryset.exclude(having(Light.RED)).exclude(having(Light.YELLOW))

    def filter_state(self, queryset, name, value):
        open_rows = Exists(TaskAssignment.objects.filter(task=OuterRef("pk"), status__in=TaskAssignment.OPEN))
        return queryset.filter(open_rows) if value == OPEN else queryset.exclude(open_rows)


class AssignmentFilter(bounded.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="task__title", lookup_expr="contains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TaskAssignment.Status.choices)
    light = django_filters.ChoiceFilter(label=_("Status light"), choices=Light.choices, method="filter_light")
    source = django_filters.ChoiceFilter(label=_("Source"), field_name="task__source", choices=Source.choices)
    task = bounded.IdFilter(label=_("Supervised task"), field_name="task_id")
    issued_year = bounded.YearFilter(label=_("Year issued"), field_name="issued_on", lookup_expr="year")
    closed_year = bounded.YearFilter(label=_("Year closed"), field_name="closed_on", lookup_expr="year")
    on_time = django_filters.BooleanFilter(label=_("Closed on time"), method="filter_on_time")

    class Meta:
        model = TaskAssignment
        fields = ["q", "status", "light", "source", "task", "issued_year", "closed_year", "on_time"]
        form = FilterForm

    def filter_light(self, queryset, name, value):
        return queryset.filter(light_q(value))

    def filter_on_time(self, queryset, name, value):
        on_time = Q(status=TaskAssignment.Status.CLOSED, closed_on__lte=F("deadline"))
        return queryset.filter(on_time) if value else queryset.filter(status=TaskAssignment.Status.CLOSED).exclude(
            on_time)
