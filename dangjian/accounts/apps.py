from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = _("Accounts and security")

    def ready(self):
        from . import signals  # noqa: F401  (login/logout/lockout audit)
