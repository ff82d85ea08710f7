import django_filters
from rest_framework import mixins, serializers

from dangjian.core.api import ScopedAPIViewSet

from .models import Sample


class SampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sample
        fields = ["id", "title", "person", "org", "due_on", "done_on"]


class SampleFilter(django_filters.FilterSet):
    done = django_filters.BooleanFilter(field_name="done_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Sample
        fields = ["done"]


class SampleViewSet(mixins.ListModelMixin, ScopedAPIViewSet):
    serializer_class = SampleSerializer
    filterset_class = SampleFilter

    def base_queryset(self):
        return Sample.objects.all()


def register(router):
    router.register("samples", SampleViewSet, basename="sample")
