import pytest


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path, monkeypatch):
    """Attachments written by core's tests (the permission matrix included) go to a temporary folder, and
    organizations and people may own them here (no product app attaches files to them yet), besides the models
    the apps declared (the permission matrix reaches their attachments too)."""
    from dangjian.core import attachments
    from dangjian.orgs.models import Org, Person

    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    monkeypatch.setattr(attachments, "OWNER_MODELS", set(attachments.OWNER_MODELS))
    attachments.register_owner(Org, Person)
