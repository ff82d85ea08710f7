"""Publish the listed files of installed npm packages as static files (no CDN, nothing copied into the repo)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class NpmFinder(BaseFinder):
    def _files(self):
        root = Path(settings.NODE_MODULES_DIR)
        return {static: root / source for static, source in settings.NPM_FILES.items()}

    def check(self, **kwargs):
        missing = [str(p) for p in self._files().values() if not p.exists()]
        if missing:
            return [Error(f"npm files missing (run `npm ci`): {', '.join(missing)}", id="core.E001")]
        return []

    def find(self, path, find_all=False, **kwargs):
        source = self._files().get(path)
        if source and source.exists():
            return [str(source)] if find_all else str(source)
        return []

    def list(self, ignore_patterns):
        for static, source in self._files().items():
            if source.exists():
                storage = FileSystemStorage(location=str(source.parent))
                storage.prefix = str(Path(static).parent)
                yield source.name, storage
