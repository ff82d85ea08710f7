"""Issue 6, finding 1: the roles that reveal personal data sign in with a second factor (TOTP), so a system
administrator who resets such an account's password still cannot get past the code; wrong codes count like wrong
passwords; only the security administrator resets a second factor, and the owner is told."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from dangjian.accounts import otp, services
from dangjian.accounts.models import User
from dangjian.accounts.roles import Role
from dangjian.conftest import PASSWORD, make_person, make_user
from dangjian.core.exceptions import NotInScope
from dangjian.core.models import AuditEntry
from dangjian.core.permissions import role_has
from dangjian.orgs.capabilities import PERSON_REVEAL

from .otp_helpers import enrol, key_from_uri, next_code, wrong_code

LOGIN = "/accounts/login/"
VERIFY = "/accounts/otp/verify/"
ENROL = "/accounts/otp/enrol/"
TOKEN_URL = "/api/v1/auth/token/"
TEMPORARY = "Attack#2026x"


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    """django-otp's back-off after a wrong code (1 s, 2 s, 4 s…) is tested on its own; elsewhere a right code may
    follow a wrong one at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def zh(msgid):
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def audit_count(action, **filters):
    return AuditEntry.objects.filter(action=action, **filters).count()


def page_login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def signed_in(client):
    return "_auth_user_id" in client.session


def obtain(username, password=PASSWORD, **extra):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password, **extra}, format="json",
                            REMOTE_ADDR="10.0.0.9")


def device_state(user):
    return list(TOTPDevice.objects.filter(user=user).values_list("pk", "key", "confirmed").order_by("pk"))


# --- who -------------------------------------------------------------------------------------------------------


def test_who_needs_a_second_factor_follows_the_capability_table():
    for role in Role:
        assert otp.role_requires_second_factor(role) == role_has(role, PERSON_REVEAL)
    assert otp.role_requires_second_factor(Role.ORG_DEPT)
    assert not otp.role_requires_second_factor(Role.SYSADMIN)


# --- the attack of the issue -------------------------------------------------------------------------------------


def test_sysadmin_resets_a_revealers_password_and_still_cannot_reveal(users, tree):
    """The system administrator resets the password of an organization-department administrator who has a second
    factor, signs in with the temporary password, and tries to reveal an ID number on the pages and the API."""
    victim = users["xuanen_admin"]
    person = make_person(tree["wujiatai"], victim, name="向秀英")
    enrol(victim)
    devices = device_state(victim)

    sysadmin = APIClient()
    sysadmin.force_authenticate(users["sysadmin"])
    reset = sysadmin.post(f"/api/v1/users/{victim.pk}/reset-password/", {"password": TEMPORARY}, format="json")
    assert reset.status_code == 200
    victim.refresh_from_db()
    assert victim.otp_enrolled and device_state(victim) == devices  # a password reset never resets the factor

    attacker = Client()
    response = page_login(attacker, "xuanen", TEMPORARY)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not signed_in(attacker)  # the password alone opens no session
    for url in ("/", f"/people/{person.pk}/", "/accounts/password/"):
        assert attacker.get(url)["Location"].startswith(LOGIN)
    reveal = attacker.post(f"/people/{person.pk}/reveal/id_number/")
    assert reveal.status_code in (302, 403, 405) and person.id_number not in reveal.content.decode()

    # The code page wants the code of the victim's phone: guesses count like wrong passwords and lock the account.
    device = TOTPDevice.objects.get(user=victim)
    for _ in range(5):
        assert attacker.post(VERIFY, {"otp": wrong_code(device)}).status_code == 200
    assert not signed_in(attacker)
    assert audit_count("auth.otp_failed", object_id=str(victim.pk)) == 5
    assert audit_count("auth.lockout", object_repr="xuanen") == 1

    # The API: no code, a wrong code, then (locked) even the right code gets no token.
    assert obtain("xuanen", TEMPORARY).status_code == 400
    assert obtain("xuanen", TEMPORARY, otp=wrong_code(device)).status_code == 400
    assert "token" not in obtain("xuanen", TEMPORARY, otp=next_code(device)).json()
    assert not AuditEntry.objects.filter(action="person.reveal").exists()
    assert not AuditEntry.objects.filter(action="auth.login", actor=victim).exists()


def test_a_session_without_the_code_reaches_nothing(users):
    """Should a session of an enrolled account exist without the code (opened another way), the pages send it to
    the code page and the API answers 403."""
    admin = users["xuanen_admin"]
    enrol(admin)
    client = Client()
    client.force_login(admin)
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert "next=/people/" in response["Location"]
    assert client.get("/api/v1/me/").status_code == 403
    device = TOTPDevice.objects.get(user=admin)
    response = client.post(VERIFY, {"otp": next_code(device), "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


# --- login with a code --------------------------------------------------------------------------------------------


def test_login_with_password_then_code(users):
    admin = users["xuanen_admin"]
    device = enrol(admin)
    client = Client()
    response = client.post(LOGIN, {"username": "xuanen", "password": PASSWORD, "next": "/people/"})
    assert response["Location"] == f"{VERIFY}?next=/people/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and zh("Enter your code") in page.content.decode()
    assert not AuditEntry.objects.filter(action="auth.login", actor=admin).exists()

    wrong = client.post(VERIFY, {"otp": wrong_code(device), "next": "/people/"})
    assert zh("The code is wrong or has expired. Enter the code your authenticator app shows now.") in \
        wrong.content.decode()
    assert not signed_in(client)

    response = client.post(VERIFY, {"otp": next_code(device), "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert signed_in(client)
    assert client.get("/people/").status_code == 200
    assert audit_count("auth.otp_verified", actor=admin) == 1
    assert audit_count("auth.login", actor=admin) == 1
    assert audit_count("auth.otp_failed", object_id=str(admin.pk)) == 1


def test_a_code_is_good_once(users):
    admin = users["xuanen_admin"]
    device = enrol(admin)
    code = next_code(device)
    first = Client()
    page_login(first, "xuanen")
    assert first.post(VERIFY, {"otp": code}).status_code == 302
    second = Client()
    page_login(second, "xuanen")
    assert second.post(VERIFY, {"otp": code}).status_code == 200
    assert not signed_in(second)


def test_the_password_step_expires(users, settings):
    device = enrol(users["xuanen_admin"])
    client = Client()
    page_login(client, "xuanen")
    later = timezone.now() + settings.OTP_LOGIN_TIMEOUT + datetime.timedelta(seconds=5)
    with time_machine.travel(later, tick=False):
        assert client.get(VERIFY)["Location"] == reverse("accounts:login")
        assert client.post(VERIFY, {"otp": next_code(device)})["Location"] == reverse("accounts:login")
    assert not signed_in(client)


def test_accounts_without_a_device_log_in_as_before(users):
    client = Client()
    assert page_login(client, "xuanen")["Location"] == "/"
    assert signed_in(client) and client.get("/").status_code == 200


# --- required in production, offered in the demo -------------------------------------------------------------------


def test_required_sends_a_revealer_to_enrolment_first(users, settings):
    settings.OTP_REQUIRED = True
    client = Client()
    page_login(client, "xuanen")
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    device = TOTPDevice.objects.get(user=users["xuanen_admin"], confirmed=False)
    assert otp.secret_text(device) in html
    assert zh("Your role reveals personal data: enrol a second factor before you continue.") in html

    assert client.post(ENROL, {"otp": wrong_code(device)}).status_code == 200
    assert not User.objects.get(pk=users["xuanen_admin"].pk).otp_enrolled
    response = client.post(ENROL, {"otp": next_code(device), "next": "/people/"})
    assert response["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    assert User.objects.get(pk=users["xuanen_admin"].pk).otp_enrolled
    assert audit_count("auth.otp_enrol", actor=users["xuanen_admin"]) == 1

    # Roles that reveal nothing are not asked.
    other = Client()
    page_login(other, "wanzhai")
    assert other.get("/").status_code == 200


def test_the_demo_offers_the_second_factor_on_the_home_page(users, settings):
    settings.OTP_REQUIRED = False
    notice = zh("Your role reveals personal data. In production it signs in with a second factor (a code from an "
                "authenticator app); this installation offers it without requiring it.")
    client = Client()
    client.force_login(users["xuanen_admin"])
    html = client.get("/").content.decode()
    assert notice in html and f'href="{ENROL}"' in html
    township = Client()
    township.force_login(users["wanzhai"])
    assert notice not in township.get("/").content.decode()
    enrol(users["xuanen_admin"])
    client = Client()
    page_login(client, "xuanen")
    client.post(VERIFY, {"otp": next_code(TOTPDevice.objects.get(user=users["xuanen_admin"]))})
    assert notice not in client.get("/").content.decode()


# --- the API --------------------------------------------------------------------------------------------------


def test_token_needs_the_code_of_an_enrolled_account(users):
    admin = users["xuanen_admin"]
    device = enrol(admin)
    missing = obtain("xuanen")
    assert missing.status_code == 400
    assert missing.json()["otp"] == [zh("This account signs in with a second factor: enter the 6-digit code of "
                                        "your authenticator app.")]
    wrong = obtain("xuanen", otp=wrong_code(device))
    assert wrong.status_code == 400 and "otp" in wrong.json()
    assert audit_count("auth.otp_failed", object_id=str(admin.pk)) == 2
    right = obtain("xuanen", otp=next_code(device))
    assert right.status_code == 200 and right.json()["otp_enrolment_required"] is False
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {right.json()['token']}")
    assert api.get("/api/v1/me/").status_code == 200
    assert audit_count("auth.otp_verified", actor=admin) == 1


def test_wrong_codes_on_the_api_lock_the_account(users):
    device = enrol(users["xuanen_admin"])
    for _ in range(5):
        assert obtain("xuanen", otp=wrong_code(device)).status_code == 400
    locked = obtain("xuanen", otp=next_code(device))
    assert locked.status_code == 400 and "token" not in locked.json()
    assert audit_count("auth.lockout", object_repr="xuanen") >= 1


def test_after_a_wrong_code_the_device_waits(users, settings):
    """django-otp's back-off: after a wrong code the next is not even checked for a second (then 2, 4, 8…); such an
    attempt is not a guess, so it is answered with the wait and not counted."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = enrol(users["xuanen_admin"])
    client = Client()
    page_login(client, "xuanen")
    client.post(VERIFY, {"otp": wrong_code(device)})
    waiting = client.post(VERIFY, {"otp": next_code(device)})
    with translation.override("zh-hans"):
        wait = translation.ngettext("Too many wrong codes: wait %(seconds)d second and try again.",
                                    "Too many wrong codes: wait %(seconds)d seconds and try again.", 1)
    assert wait % {"seconds": 1} in waiting.content.decode()
    assert not signed_in(client)
    assert audit_count("auth.otp_failed") == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2), tick=True):
        assert client.post(VERIFY, {"otp": next_code(device)}).status_code == 302
    assert signed_in(client)


def test_enrolment_through_the_api(users, settings):
    settings.OTP_REQUIRED = True
    answer = obtain("xuanen")
    assert answer.status_code == 200 and answer.json()["otp_enrolment_required"] is True
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    assert api.get("/api/v1/people/").status_code == 403  # the token reaches the enrolment only

    pending = api.get("/api/v1/auth/otp/").json()
    assert pending["confirmed"] is False and pending["otpauth_uri"].startswith("otpauth://totp/")
    assert "xuanen" in pending["otpauth_uri"]
    key = key_from_uri(pending["otpauth_uri"])
    device = TOTPDevice.objects.get(user=users["xuanen_admin"])
    assert key == device.bin_key and api.get("/api/v1/auth/otp/").json() == pending  # one pending device

    from .otp_helpers import code_for

    bad = api.post("/api/v1/auth/otp/confirm/", {"otp": wrong_code(device)}, format="json")
    assert bad.status_code == 400 and "otp" in bad.json()
    confirmed = api.post("/api/v1/auth/otp/confirm/", {"otp": code_for(key)}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    assert api.get("/api/v1/auth/otp/").json() == {"confirmed": True, "otpauth_uri": None, "secret": None}
    assert api.get("/api/v1/people/").status_code == 200
    again = api.post("/api/v1/auth/otp/confirm/", {"otp": "123456"}, format="json")
    assert again.status_code == 400
    # From now on a token needs the code.
    assert obtain("xuanen").status_code == 400
    assert obtain("xuanen", otp=next_code(device)).status_code == 200


# --- reset by the security administrator ----------------------------------------------------------------------


def test_only_the_security_administrator_resets_a_second_factor(users, tree):
    admin = users["xuanen_admin"]
    enrol(admin)
    before = device_state(admin)
    for actor in (users["sysadmin"], admin, users["auditor"], users["zhou_admin"]):
        with pytest.raises(PermissionDenied):
            otp.otp_reset(actor=actor, user=admin, reason="手机丢失")
    badong_secadmin = make_user(tree["badong"], Role.SECADMIN, "badong_secadmin")
    with pytest.raises(NotInScope):
        otp.otp_reset(actor=badong_secadmin, user=admin, reason="手机丢失")
    with pytest.raises(ValidationError):
        otp.otp_reset(actor=users["secadmin"], user=admin, reason=" ")
    assert device_state(admin) == before and User.objects.get(pk=admin.pk).otp_enrolled
    assert not AuditEntry.objects.filter(action="user.otp_reset").exists()

    otp.otp_reset(actor=users["secadmin"], user=admin, reason="手机丢失")
    admin.refresh_from_db()
    assert device_state(admin) == [] and not admin.otp_enrolled and admin.otp_reset_notice
    entry = AuditEntry.objects.get(action="user.otp_reset")
    assert (entry.actor_id, entry.object_id) == (users["secadmin"].pk, str(admin.pk))
    assert entry.after["reason"] == "手机丢失"
    with pytest.raises(ValidationError):  # nothing left to reset
        otp.otp_reset(actor=users["secadmin"], user=admin, reason="再次")


def test_nobody_resets_their_own_second_factor(users):
    secadmin = users["secadmin"]
    enrol(secadmin)
    with pytest.raises(ValidationError):
        otp.otp_reset(actor=secadmin, user=secadmin, reason="自己")
    assert User.objects.get(pk=secadmin.pk).otp_enrolled


def test_the_owner_is_told_once_at_next_login(users):
    admin = users["xuanen_admin"]
    enrol(admin)
    otp.otp_reset(actor=users["secadmin"], user=admin, reason="手机丢失")
    notice = zh("Your second-factor device was reset by the security administrator. If you did not ask for it, "
                "tell the security administrator at once.")
    assert notice.startswith("您的动态口令设备已被安全管理员重置")
    client = Client()
    response = page_login(client, "xuanen")
    assert notice in client.get(response["Location"]).content.decode()
    assert not User.objects.get(pk=admin.pk).otp_reset_notice
    client = Client()
    page_login(client, "xuanen")
    assert notice not in client.get("/").content.decode()


def test_security_page_resets_a_second_factor(users):
    admin = users["xuanen_admin"]
    enrol(admin)
    client = Client()
    client.force_login(users["secadmin"])
    page = client.get("/accounts/security/").content.decode()
    assert 'data-second-factor="xuanen"' in page and reverse("accounts:otp_reset", args=[admin.pk]) in page
    response = client.post(reverse("accounts:otp_reset", args=[admin.pk]), {"reason": "手机丢失"})
    assert response.status_code == 302
    assert not User.objects.get(pk=admin.pk).otp_enrolled
    sysadmin = Client()
    sysadmin.force_login(users["sysadmin"])
    enrol(admin)
    assert sysadmin.post(reverse("accounts:otp_reset", args=[admin.pk]), {"reason": "x"}).status_code == 403
    assert User.objects.get(pk=admin.pk).otp_enrolled


def test_password_reset_keeps_the_second_factor(users):
    admin = users["xuanen_admin"]
    enrol(admin)
    before = device_state(admin)
    services.user_reset_password(actor=users["sysadmin"], user=admin, password=TEMPORARY)
    assert device_state(admin) == before and User.objects.get(pk=admin.pk).otp_enrolled


def test_production_refuses_to_turn_the_second_factor_off(tmp_path):
    from django.core.management import call_command

    from dangjian.core.tests.test_production_settings import manage

    secrets = tmp_path / "secrets.env"
    call_command("generate_secrets", output=str(secrets))
    result = manage("check", tmp_path=tmp_path, DANGJIAN_ENV="production", DANGJIAN_SECRETS_FILE=str(secrets),
                    DANGJIAN_OTP_REQUIRED="0")
    assert result.returncode != 0 and "DANGJIAN_OTP_REQUIRED must stay 1" in result.stderr
