"""Messages of Django and DRF that the project words differently in Chinese.

Never imported: it only keeps these msgids in the project catalogue (dangjian/locale, which `make messages`
fills from the project-level files), where a translation wins over Django's and DRF's own. The Chinese reads
"不能超过 50 个字" instead of Django's "确保该变量包含不超过 50 字符 (目前字符数 60)。". The msgids must stay
exactly Django's and DRF's (core/tests/test_polish.py fails when they change).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# django.core.validators.MaxLengthValidator / MinLengthValidator (forms, and models' full_clean)
MAX_LENGTH = ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
MIN_LENGTH = ngettext_lazy(
    "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
# rest_framework.fields.CharField
DRF_MAX_LENGTH = _("Ensure this field has no more than {max_length} characters.")
DRF_MIN_LENGTH = _("Ensure this field has at least {min_length} characters.")

# django.contrib.auth (password change form, password validators): Django's Chinese says 你; the platform says 您.
OLD_PASSWORD_WRONG = _("Your old password was entered incorrectly. Please enter it again.")
PASSWORD_MIN_LENGTH = ngettext_lazy(
    "Your password must contain at least %(min_length)d character.",
    "Your password must contain at least %(min_length)d characters.",
    "min_length",
)
PASSWORD_SIMILAR = _("Your password can’t be too similar to your other personal information.")
PASSWORD_COMMON = _("Your password can’t be a commonly used password.")
PASSWORD_NUMERIC = _("Your password can’t be entirely numeric.")
