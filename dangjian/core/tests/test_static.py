"""collectstatic with the production storage (hashed names, compression) succeeds: every file a stylesheet or
script references — source maps and fonts included — is published, and no asset comes from outside."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command


def test_collectstatic_with_manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/tabler/tabler.min.*.css"))


def test_templates_load_no_outside_asset():
    outside = re.compile(r"""(src|href)=["']https?://""")
    root = Path(settings.BASE_DIR) / "dangjian"
    offenders = [str(p) for p in root.glob("**/templates/**/*.html") if outside.search(p.read_text("utf-8"))]
    assert not offenders
