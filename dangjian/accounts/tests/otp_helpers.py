"""Codes for the second-factor tests, computed from the device key as an authenticator app would
(django_otp.oath.totp), never by asking the device."""

import time
from base64 import b32decode
from urllib.parse import parse_qs, urlparse

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts import otp


def code_for(key, *, step=30, t0=0, digits=6, at_step=None):
    """The code of `key` (bytes) for time step `at_step` (default: now)."""
    base = int((time.time() - t0) // step)
    drift = 0 if at_step is None else at_step - base
    return f"{totp(key, step, t0, digits, drift):0{digits}d}"


def next_code(device):
    """A code the device accepts now: the current step (after its drift), or the step after the last one used
    (a code is good once)."""
    device = TOTPDevice.objects.get(pk=device.pk)
    base = int((time.time() - device.t0) // device.step)
    at_step = max(base + device.drift, device.last_t + 1)
    return code_for(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, at_step=at_step)


def wrong_code(device):
    """A six-digit code the device does not accept now."""
    good = {next_code(device)}
    device = TOTPDevice.objects.get(pk=device.pk)
    base = int((time.time() - device.t0) // device.step) + device.drift
    for delta in range(-3, 4):
        good.add(code_for(device.bin_key, step=device.step, t0=device.t0, at_step=base + delta))
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7919)) if c not in good)


def key_from_uri(uri):
    """The key of an otpauth:// URI, as an authenticator app reads it."""
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    return b32decode(secret + "=" * (-len(secret) % 8))


def enrol(user):
    """Enrol a device for `user` through the service (the first code confirms it); returns the device."""
    user.refresh_from_db()
    device = otp.enrolment_device(user)
    return otp.otp_confirm(request=None, user=user, code=next_code(device))
