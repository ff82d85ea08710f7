from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangjian.core.forms import StyledFormMixin
from dangjian.core.validators import normalize_id_number, validate_id_number
from dangjian.orgs.forms.fields import OrgChoiceField
from dangjian.orgs.models import Org

from . import selectors
from .lockout import is_locked_out, lockout_message
from .models import User, username_validator
from .roles import RANK, Role


class LoginForm(AuthenticationForm):
    """Wrong password, unknown user and disabled account all get one and the same message; a locked username
    (existing or not) is told it is locked and when to retry (accounts.lockout)."""

    error_messages = {
        "invalid_login": _("Incorrect username or password."),
        "inactive": _("Incorrect username or password."),
    }
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean(self):
        from . import throttle

        if throttle.is_throttled(self.request):  # too many failures from this address: no password check
            raise ValidationError(throttle.refuse(self.request, self.cleaned_data.get("username")),
                                  code="throttled")
        return super().clean()

    def get_invalid_login_error(self):
        if is_locked_out(self.request):
            return ValidationError(lockout_message(self.cleaned_data.get("username")), code="locked")
        return super().get_invalid_login_error()


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


# --- accounts -----------------------------------------------------------------------------------------


def grantable_roles(actor):
    return [(value, label) for value, label in Role.choices if RANK[value] <= RANK.get(actor.role, 0)]


class _AccountFields(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    org = OrgChoiceField(label=_("Organization"))
    role = forms.ChoiceField(label=_("Role"))
    id_number = forms.CharField(
        label=_("Member record (ID number)"), required=False, max_length=18,
        help_text=_("Optional. The ID number of this person's member record in the organization or below; "
                    "the record is found without showing any member data."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        # The picker offers the active organizations of the actor's scope; the field also accepts an inactive
        # one, so an account already there can be edited without moving it.
        self.fields["org"].offer("visible", actor, queryset=Org.objects.visible_to(actor))
        self.fields["role"].choices = [("", "---------"), *grantable_roles(actor)]

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data.get("id_number"))
        if value:
            validate_id_number(value)
        return value

    def clean(self):
        data = super().clean()
        data["person"] = None
        if data.get("id_number") and data.get("org"):
            data["person"] = selectors.member_by_id_number(data["org"], data["id_number"])
            if data["person"] is None:
                self.add_error("id_number", _("No member record with this ID number belongs to the chosen "
                                              "organization or its sub-organizations."))
        return data


class _NewPasswordFields(forms.Form):
    password1 = forms.CharField(
        label=_("Temporary password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Temporary password (again)"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self):
        one, two = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if one and two and one != two:
            raise ValidationError(_("The two passwords do not match."), code="password_mismatch")
        return two


class UserCreateForm(_AccountFields, _NewPasswordFields):
    username = forms.CharField(
        label=_("Username"), max_length=150,
        help_text=_("Lower-case letters, digits, dots, hyphens or underscores; it cannot be changed later."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["username", "name", "org", "role", "id_number", "password1", "password2"]
    service_errors = {"person": "id_number", "password": "password1"}

    def clean_username(self):
        """Early feedback; the service checks the same again (model validator and unique constraint)."""
        value = self.cleaned_data["username"].strip().lower()
        username_validator(value)
        if User.objects.filter(username=value).exists():
            raise ValidationError(User._meta.get_field("username").error_messages["unique"], code="unique")
        return value


class UserUpdateForm(_AccountFields):
    unlink_person = forms.BooleanField(label=_("Remove the link to the member record"), required=False)
    service_errors = {"person": "id_number"}

    def __init__(self, *args, account, **kwargs):
        self.account = account
        kwargs.setdefault("initial", {"name": account.name, "org": account.org_id, "role": account.role})
        super().__init__(*args, **kwargs)
        if account.pk == self.actor.pk:  # own account: name and member record only (services refuse the rest)
            self.fields["org"].disabled = self.fields["role"].disabled = True
        if account.person_id is None:
            del self.fields["unlink_person"]
        else:
            self.fields["id_number"].help_text = _("Leave empty to keep the current member record.")

    def changes(self):
        data = self.cleaned_data
        fields = {"name": data["name"], "org": data["org"], "role": data["role"]}
        if data.get("person") is not None:
            fields["person"] = data["person"]
        elif data.get("unlink_person"):
            fields["person"] = None
        return fields


class PasswordResetByAdminForm(StyledFormMixin, _NewPasswordFields):
    service_errors = {"password": "password1"}


# --- second factor and role grants ------------------------------------------------------------------------------


class OtpCodeForm(StyledFormMixin, forms.Form):
    otp = forms.CharField(
        label=_("One-time code"), max_length=10, strip=True,
        help_text=_("The 6-digit code your authenticator app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "pattern": "[0-9 ]*"}),
    )


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
