from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demonstration data (`manage.py demo`): the one place that imports every app, building a realistic
    prefecture through the same rules as their services. No domain app imports it."""

    name = "dangjian.demo"
    label = "demo"
    verbose_name = _("Demonstration data")
