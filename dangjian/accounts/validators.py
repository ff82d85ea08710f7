"""Password rules of the 等保 2.0 level-3 baseline: length (Django's rule, its message translated), character
classes, no username."""

import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, other symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lower case, upper case, digits, symbols.",
            "Your password must mix at least %(n)d kinds of character: lower case, upper case, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


class NoUsernameValidator:
    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("Your password must not contain your username."), code="password_has_username")

    def get_help_text(self):
        return _("Your password must not contain your username.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its error message in our catalogue: Django 5.2 changed the msgid to "%d" and
    its zh_Hans catalogue still has only the old "%(min_length)d" form, so the message showed in English.
    The catalogue entry also translates Django's own validator, whichever of the two settings names."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            self.min_length,
        ) % self.min_length
