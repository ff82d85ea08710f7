from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Labels of the audit actions this app records (core.audit.register_actions).
AUDIT_ACTIONS = {
    "auth.login": _("Log in"),
    "auth.login_failed": _("Failed login"),
    "auth.lockout": _("Account locked out"),
    "auth.logout": _("Log out"),
    "auth.ip_throttled": _("Login refused: too many failures from the address"),
    "auth.password_change": _("Change own password"),
    "auth.token_issue": _("Issue API token"),
    "auth.otp_verified": _("Second-factor code accepted"),
    "auth.otp_failed": _("Wrong second-factor code"),
    "auth.otp_enrol": _("Enrol a second factor"),
    "user.otp_reset": _("Reset a second factor"),
    "user.role_request": _("Request a role that reveals personal data"),
    "user.role_grant_approve": _("Approve a role grant"),
    "user.role_grant_reject": _("Reject a role grant"),
    "user.security_reset_password": _("Issue a temporary password (security administrator)"),
    "user.create": _("Create account"),
    "user.update": _("Edit account"),
    "user.reset_password": _("Reset account password"),
    "user.disable": _("Disable account"),
    "user.enable": _("Enable account"),
    "user.unlock": _("Unlock account"),
    "user.export": _("Export accounts"),
    "audit.export": _("Export audit log"),
}


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = _("Accounts and security")

    def ready(self):
        from dangjian.core.audit import register_actions

        from . import signals  # noqa: F401  (login/logout/lockout audit)

        register_actions(AUDIT_ACTIONS)
