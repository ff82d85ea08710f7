from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledFormMixin


class LoginForm(AuthenticationForm):
    """Wrong password, unknown user, disabled account and lockout all get one and the same message."""

    error_messages = {
        "invalid_login": _("Incorrect username or password."),
        "inactive": _("Incorrect username or password."),
    }
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass
