"""The table of the shared database cache (settings.CACHES): login throttles count there for every worker."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # createcachetable reads settings.CACHES: nothing to do when the cache is Redis; idempotent otherwise.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_password_history_token_lifetime")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
